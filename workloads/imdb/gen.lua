-- IMDB workload: vocabularies and the synthetic-row generators shared by the loader and the write transactions.
--
-- Values come only from the random stream passed in (ctx.rand), so a loader part produces the
-- same rows for the same --seed and --loaders, and a client the same inputs for the same --seed.
local M = {}

-- IMDB's own genre names (title.basics.tsv uses them), most common first: zipf over this order.
M.GENRES = { "Drama", "Comedy", "Documentary", "Action", "Romance", "Thriller", "Crime", "Horror",
             "Adventure", "Family", "Mystery", "Biography", "Fantasy", "Animation", "Sci-Fi",
             "History", "Music", "War", "Sport", "Musical", "Western" }

-- ISO 3166 alpha-3 codes, most productive first. The read queries draw from this same list
-- (the original tool queried "UK", "Canada", ... against rows holding "GBR", "CAN").
M.COUNTRIES = { "USA", "IND", "GBR", "FRA", "JPN", "DEU", "KOR", "ITA", "ESP", "CAN", "CHN", "BRA",
                "MEX", "SWE", "AUS", "DNK", "ARG", "NGA", "TUR", "POL" }
M.LANGUAGES = { "en", "hi", "en", "fr", "ja", "de", "ko", "it", "es", "en", "zh", "pt",
                "es", "sv", "en", "da", "es", "en", "tr", "pl" }   -- the language of each country above

local ADJ = { "Silent", "Last", "Dark", "Golden", "Broken", "Hidden", "Lost", "Eternal", "Crimson",
              "Frozen", "Wild", "Secret", "Burning", "Distant", "Midnight", "Iron", "Forgotten",
              "Little", "Final", "Savage", "Electric", "Quiet", "Endless", "Bitter", "Shining" }
local NOUN = { "River", "Kingdom", "Shadow", "Promise", "Garden", "Empire", "Station", "Horizon",
               "Storm", "Mirror", "Island", "Summer", "Journey", "Witness", "Harbor", "Frontier",
               "Letter", "Machine", "Dream", "Road", "City", "Heart", "Winter", "Stranger", "Game" }
local FIRST = { "James", "Mary", "Akira", "Sofia", "Pierre", "Priya", "Hans", "Yuki", "Carlos",
                "Emma", "Liam", "Olga", "Min-jun", "Giulia", "Ahmed", "Chloe", "Raj", "Ingrid",
                "Diego", "Amara", "Noah", "Elena", "Kenji", "Fatima", "Lucas", "Zoe", "Mateo",
                "Hana", "Oscar", "Lea" }
local LAST = { "Smith", "Tanaka", "Garcia", "Muller", "Rossi", "Kim", "Dubois", "Sharma", "Silva",
               "Johansson", "Kowalski", "Nguyen", "Okafor", "Lopez", "Brown", "Yilmaz", "Chen",
               "Petrov", "Moreau", "Novak", "Hughes", "Costa", "Berg", "Ito", "Walsh" }
-- Overview and comment words: a modest vocabulary so full-text queries of two words have matches.
M.WORDS = { "love", "war", "family", "secret", "journey", "murder", "friendship", "revenge", "city",
            "island", "detective", "music", "dream", "escape", "future", "past", "betrayal", "hope",
            "power", "money", "school", "ocean", "mountain", "village", "robot", "ghost", "king",
            "queen", "soldier", "artist", "teacher", "doctor", "thief", "spy", "storm", "train",
            "winter", "summer", "night", "letter", "mystery", "heist", "courage", "memory", "truth",
            "lie", "border", "river", "desert", "forest" }
local COMMENT_WORDS = { "great", "boring", "stunning", "overrated", "brilliant", "slow", "moving",
                        "funny", "predictable", "beautiful", "acting", "plot", "ending", "score",
                        "camera", "cast", "story", "pacing", "dialogue", "twist" }
local DEVICES = { "tv", "mobile", "web", "tablet", "console" }
local QUALITIES = { "480p", "720p", "1080p", "4k" }

-- n random words from list joined by spaces.
local function words(rand, list, n)
  local t = {}
  for i = 1, n do t[i] = list[rand:uniform(1, #list)] end
  return table.concat(t, " ")
end
M.words = words

function M.person_name(rand)
  return FIRST[rand:uniform(1, #FIRST)] .. " " .. LAST[rand:uniform(1, #LAST)]
end

function M.character_name(rand)
  return FIRST[rand:uniform(1, #FIRST)]
end

function M.title(rand)
  local a, n = ADJ[rand:uniform(1, #ADJ)], NOUN[rand:uniform(1, #NOUN)]
  local form = rand:uniform(1, 10)
  if form <= 4 then return "The " .. a .. " " .. n end             -- about 40% start with "The"
  if form <= 7 then return a .. " " .. n end
  if form <= 9 then return n .. " of the " .. NOUN[rand:uniform(1, #NOUN)] end
  return a .. " " .. n .. " " .. rand:uniform(2, 4)                 -- sequels
end

-- A popularity rank in 1..n (1 = most popular) drawn with Zipf exponent skew; 0 = uniform.
local function rank(rand, n, skew)
  if n <= 1 then return 1 end
  if skew <= 0 then return rand:uniform(1, n) end
  return rand:zipf(1, n, skew)
end

-- The id holding popularity rank r among ids 1..n. A permutation (seeded by --seed, hence the
-- same in every loader part and client) scatters popular rows over the table: with the identity
-- mapping all hot rows would share the first pages, which is not how a real catalogue ages.
local function scatter(rand, r, n)
  if n <= 1 then return 1 end
  return rand:permute(r - 1, n) + 1
end

-- Popular movie / actor ids: the same hot set in the loader (comments, views, cast) and in the run.
function M.popular(rand, n, skew)
  return scatter(rand, rank(rand, n, skew), n)
end

-- Casting is less concentrated than audiences: with the movies' exponent the top actor of 100,000
-- movies would appear in ~8,000 films; half of it gives a few hundred, like a prolific star.
function M.actor_skew(skew)
  return skew / 2
end

-- A year between 1920 and 2024, recent years more frequent (exponential from 2024 downwards).
function M.year(rand)
  return 2024 - rand:exponential(0, 104, 4.0)
end

-- A rating 1.0..10.0, bell-shaped around 5.5.
function M.rating(rand)
  return rand:gaussian(10, 100, 2.5) / 10
end

function M.country_index(rand)
  return rand:zipf(1, #M.COUNTRIES, 1.0)
end

-- The json_column document. Its keys are the ones search_genre and genre_window filter on.
function M.movie_json(rand, ci)
  local g1 = M.GENRES[rand:zipf(1, #M.GENRES, 0.8)]
  local genres = '"' .. g1 .. '"'
  if rand:uniform(1, 10) <= 6 then
    local g2 = M.GENRES[rand:uniform(1, #M.GENRES)]
    if g2 ~= g1 then genres = genres .. ',"' .. g2 .. '"' end
  end
  local budget = rand:exponential(1, 300, 3) * 1000000
  return string.format('{"genres":[%s],"director":"%s","language":"%s","budget":%d,"revenue":%d,"runtime":%d}',
                       genres, M.person_name(rand), M.LANGUAGES[ci], budget,
                       math.floor(budget * rand:uniform(10, 400) / 100), rand:gaussian(70, 180, 2.5))
end

function M.overview(rand)
  return "A story of " .. words(rand, M.WORDS, rand:uniform(10, 25)) .. "."
end

function M.comment_text(rand)
  return words(rand, COMMENT_WORDS, rand:uniform(5, 20))
end

function M.view_payload(rand)
  return string.format('{"device":"%s","quality":"%s","completed":%s}', DEVICES[rand:uniform(1, #DEVICES)],
                       QUALITIES[rand:uniform(1, #QUALITIES)], rand:uniform(1, 10) <= 6 and "true" or "false")
end

-- UTC timestamp text for COPY/parameters, `ago` seconds before `now` (os.time at prepare).
function M.ts(now, ago)
  return os.date("!%Y-%m-%d %H:%M:%S+00", now - ago)
end

-- Users are not a table of their own (as in the original): a user id is an integer in 1..users.
function M.users(movies)
  return math.max(100, movies * 10)
end

return M
