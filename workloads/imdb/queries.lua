-- IMDB workload: the read and write transactions, their statements, inputs and the per-mode weights.
--
-- Each transaction is one prepared statement (or a few in one BEGIN/COMMIT) named after it.
-- Inputs are drawn over the whole loaded range read from the meta table at client_init, with
-- the same popularity skew as the data: popular movies and actors are also the ones read and
-- written most, which is what makes the run's cache and lock behaviour realistic.
local gen = require("imdb.gen")
local schema_mod = require("imdb.schema")

local M = {}

-- Weights per transaction (percent of the mode). mixed = 70% reads and 30% writes, each side
-- split by these same weights; docs/workloads/imdb.md has the table.
M.READ_WEIGHTS = {
  movie_by_imdb_id = 15, movie_with_cast = 12, search_title = 10, movie_comments = 10,
  top_rated = 8, by_country_year = 8, actor_filmography = 8, search_genre = 5, search_overview = 5, search_director = 3,
  country_ranking = 3, genre_window = 3, actor_career = 3, trending_now = 3,
  year_trend = 2, engagement_analysis = 2,
}
M.WRITE_WEIGHTS = {
  log_view = 30, add_comment = 20, rate_movie = 20, edit_comment = 10, add_cast = 8, add_movie = 7, add_actor = 5,
}
M.MIXED_READ_SHARE = 0.7

function M.mix(opt)
  local mix = {}
  local rs = opt.mode == "read" and 1 or opt.mode == "write" and 0 or M.MIXED_READ_SHARE
  for name, w in pairs(M.READ_WEIGHTS) do if rs > 0 then mix[name] = w * rs end end
  for name, w in pairs(M.WRITE_WEIGHTS) do if rs < 1 then mix[name] = w * (1 - rs) end end
  return mix
end

-- ---- statements (tables found through search_path: see on_connect in imdb.lua) -------------

M.SQL = {
  -- point and search reads
  movie_by_imdb_id = [[SELECT movie_id, title, year, country, imdb_rating, json_column, upvotes, downvotes
                         FROM movies WHERE imdb_id = $1]],
  search_title = [[SELECT movie_id, title, year, imdb_rating FROM movies
                    WHERE title LIKE $1 ORDER BY imdb_rating DESC NULLS LAST LIMIT 10]],
  -- the best-liked movies among those rated X (index-ordered: reads 15 entries)
  top_rated = [[SELECT movie_id, title, year, imdb_rating, upvotes - downvotes AS score FROM movies
                 WHERE imdb_rating = round($1::numeric, 1) ORDER BY upvotes - downvotes DESC LIMIT 15]],
  by_country_year = [[SELECT movie_id, title, imdb_rating FROM movies
                       WHERE country = $1 AND year = $2 ORDER BY imdb_rating DESC NULLS LAST LIMIT 10]],
  search_genre = [[SELECT movie_id, title, year, imdb_rating FROM movies
                    WHERE json_column @> $1::jsonb ORDER BY imdb_rating DESC NULLS LAST LIMIT 10]],
  search_director = [[SELECT movie_id, title, year, imdb_rating FROM movies
                       WHERE json_column @> $1::jsonb ORDER BY year DESC NULLS LAST LIMIT 20]],
  search_overview = [[SELECT movie_id, title, year FROM movies
                       WHERE to_tsvector('english', overview) @@ plainto_tsquery('english', $1) LIMIT 5]],
  -- joins
  movie_with_cast = [[SELECT m.movie_id, m.title, m.year, m.imdb_rating, a.name, c.character_name
                        FROM movies m
                        LEFT JOIN movie_cast c ON c.movie_id = m.movie_id
                        LEFT JOIN actors a ON a.actor_id = c.actor_id
                       WHERE m.movie_id = $1 ORDER BY c.billing LIMIT 10]],
  actor_filmography = [[SELECT m.movie_id, m.title, m.year, m.imdb_rating, c.character_name
                          FROM movie_cast c JOIN movies m ON m.movie_id = c.movie_id
                         WHERE c.actor_id = $1 ORDER BY m.year DESC NULLS LAST LIMIT 20]],
  movie_comments = [[SELECT comment_id, user_id, rating, comment, created_at FROM comments
                      WHERE movie_id = $1 ORDER BY created_at DESC LIMIT 15]],
  -- window functions: rankings of one country's films over five years
  country_ranking = [[
    SELECT movie_id, title, year, imdb_rating,
           row_number() OVER w AS row_number, rank() OVER w AS rank, dense_rank() OVER w AS dense_rank,
           lag(title) OVER w AS previous_title, lead(title) OVER w AS next_title,
           avg(imdb_rating) OVER (PARTITION BY year) AS year_average, percent_rank() OVER w AS percent_rank
      FROM movies
     WHERE country = $1 AND year BETWEEN $2 AND $2 + 4
    WINDOW w AS (PARTITION BY year ORDER BY imdb_rating DESC NULLS LAST)
     ORDER BY year, row_number LIMIT 50]],
  -- recursive CTE: a gap-free year series joined to per-year statistics, running and moving figures
  year_trend = [[
    WITH RECURSIVE years(y) AS (
           SELECT $2::int UNION ALL SELECT y + 1 FROM years WHERE y < $2 + 19),
         stats AS (
           SELECT year, count(*) AS movies, avg(imdb_rating) AS rating FROM movies
            WHERE country = $1 AND year BETWEEN $2 AND $2 + 19 GROUP BY year)
    SELECT y AS year, coalesce(s.movies, 0) AS movies, s.rating,
           sum(coalesce(s.movies, 0)) OVER (ORDER BY y) AS running_total,
           avg(s.rating) OVER (ORDER BY y ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving_average
      FROM years LEFT JOIN stats s ON s.year = y ORDER BY y]],
  -- four CTEs over cast, comments and views of the 50 best-rated films of one country and year
  -- (bounded: a big country-year has thousands of films)
  engagement_analysis = [[
    WITH films AS (SELECT movie_id, title, imdb_rating FROM movies WHERE country = $1 AND year = $2
                    ORDER BY imdb_rating DESC NULLS LAST LIMIT 50),
         cast_size AS (SELECT c.movie_id, count(*) AS actors FROM movie_cast c JOIN films f ON f.movie_id = c.movie_id
                        GROUP BY c.movie_id),
         feedback AS (SELECT c.movie_id, count(*) AS comments, avg(c.rating) AS user_rating
                        FROM comments c JOIN films f ON f.movie_id = c.movie_id GROUP BY c.movie_id),
         watched AS (SELECT v.movie_id, count(*) AS views, sum(v.seconds_watched) AS seconds
                       FROM view_logs v JOIN films f ON f.movie_id = v.movie_id GROUP BY v.movie_id)
    SELECT f.movie_id, f.title, f.imdb_rating, coalesce(cs.actors, 0) AS actors,
           coalesce(fb.comments, 0) AS comments, fb.user_rating, coalesce(w.views, 0) AS views,
           ntile(4) OVER (ORDER BY coalesce(w.views, 0) DESC) AS view_quartile,
           percent_rank() OVER (ORDER BY coalesce(fb.comments, 0)) AS comment_percentile,
           row_number() OVER (ORDER BY f.imdb_rating DESC NULLS LAST) AS rating_rank
      FROM films f
      LEFT JOIN cast_size cs ON cs.movie_id = f.movie_id
      LEFT JOIN feedback fb ON fb.movie_id = f.movie_id
      LEFT JOIN watched w ON w.movie_id = f.movie_id
     ORDER BY rating_rank LIMIT 25]],
  -- a named window: frame functions over one genre's films of a country and decade
  genre_window = [[
    SELECT movie_id, title, year, imdb_rating,
           first_value(title) OVER w AS first_in_frame, last_value(title) OVER w AS last_in_frame,
           nth_value(title, 2) OVER w AS second_in_frame,
           lag(imdb_rating) OVER w AS previous_rating, lead(imdb_rating) OVER w AS next_rating,
           sum(upvotes) OVER w AS rolling_upvotes, avg(imdb_rating) OVER w AS rolling_rating,
           cume_dist() OVER (PARTITION BY year ORDER BY imdb_rating) AS cume_dist,
           ntile(10) OVER (ORDER BY imdb_rating) AS decile
      FROM movies
     WHERE json_column @> $1::jsonb AND country = $3 AND year BETWEEN $2 AND $2 + 9
    WINDOW w AS (PARTITION BY year ORDER BY imdb_rating DESC NULLS LAST ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)
     ORDER BY year, imdb_rating DESC NULLS LAST LIMIT 50]],
  actor_career = [[
    WITH films AS (SELECT m.year, m.imdb_rating FROM movie_cast c JOIN movies m ON m.movie_id = c.movie_id
                    WHERE c.actor_id = $1 AND m.year IS NOT NULL),
         by_year AS (SELECT year, count(*) AS films, avg(imdb_rating) AS rating FROM films GROUP BY year)
    SELECT year, films, rating, sum(films) OVER (ORDER BY year) AS career_films,
           rating - lag(rating) OVER (ORDER BY year) AS rating_change,
           first_value(year) OVER (ORDER BY year) AS debut_year
      FROM by_year ORDER BY year]],
  -- The most watched movies among the latest $1 views. A window of views rather than of hours:
  -- its cost does not grow with the rows earlier write runs added, nor shrink as the data ages.
  trending_now = [[
    SELECT t.movie_id, m.title, t.views, t.seconds
      FROM (SELECT movie_id, count(*) AS views, sum(seconds_watched) AS seconds
              FROM (SELECT movie_id, seconds_watched FROM view_logs ORDER BY view_id DESC LIMIT $1) latest
             GROUP BY movie_id ORDER BY views DESC LIMIT 10) t
      JOIN movies m ON m.movie_id = t.movie_id
     ORDER BY t.views DESC]],

  -- writes
  add_comment = [[INSERT INTO comments (movie_id, user_id, rating, comment, created_at)
                  VALUES ($1, $2, $3, $4, now())]],
  edit_comment = [[UPDATE comments SET comment = $2, rating = $3, updated_at = now() WHERE comment_id = $1]],
  rate_movie = [[UPDATE movies SET upvotes = upvotes + $2, downvotes = downvotes + $3,
                        imdb_rating = round(coalesce(imdb_rating, $4) * 0.95 + $4 * 0.05, 1)
                  WHERE movie_id = $1 RETURNING upvotes, downvotes]],
  rate_movie_history = [[INSERT INTO vote_history (movie_id, upvotes, downvotes, stored_at) VALUES ($1, $2, $3, now())]],
  -- New ids come from the identity sequence; the tconst of a new movie is tt9 + 8 digits, a range
  -- no loaded row uses (synthetic ids are tt + 7 digits, IMDB's own at most 8 digits).
  add_movie = [[INSERT INTO movies (movie_id, imdb_id, title, year, country, imdb_rating, overview, json_column)
                SELECT id, 'tt9' || lpad(id::text, 8, '0'), $1, $2, $3, $4, $5, $6::jsonb
                  FROM (SELECT nextval(pg_get_serial_sequence('movies', 'movie_id')) AS id) s
                RETURNING movie_id]],
  add_cast = [[INSERT INTO movie_cast (movie_id, actor_id, character_name, billing) VALUES ($1, $2, $3, $4)
               ON CONFLICT (movie_id, actor_id) DO NOTHING]],
  add_actor = [[INSERT INTO actors (actor_id, imdb_name_id, name, birth_year)
                SELECT id, 'nm9' || lpad(id::text, 8, '0'), $1, $2
                  FROM (SELECT nextval(pg_get_serial_sequence('actors', 'actor_id')) AS id) s]],
  log_view = [[INSERT INTO view_logs (movie_id, user_id, watched_at, seconds_watched, json_payload)
               VALUES ($1, $2, now(), $3, $4::jsonb)]],
}

-- ---- per-thread-state data read at client_init -----------------------------------------------

local K = {}          -- key ranges and vocabularies (the same for every client of this Lua state)

function M.client_init(ctx, schema)
  local db = ctx.db
  local meta = db:row("SELECT movies, actors, comments, views, source, skew, min_year, max_year FROM meta")
  if not meta then error("the " .. schema .. " schema holds no data: run prepare first", 0) end
  K.movies, K.actors, K.comments, K.views = meta.movies, meta.actors, meta.comments, meta.views
  K.skew, K.source = meta.skew, meta.source
  K.min_year, K.max_year = meta.min_year or 1920, meta.max_year or 2024
  K.users = gen.users(K.movies)
  K.prefixes = {}
  for _, r in ipairs(db:query("SELECT prefix FROM title_prefixes ORDER BY prefix")) do
    -- LIKE metacharacters in a real title must match literally
    K.prefixes[#K.prefixes + 1] = r.prefix:gsub("([%%_\\])", "\\%1") .. "%"
  end
  if #K.prefixes == 0 then K.prefixes[1] = "%" end
  -- Synthetic tconsts are computed from the movie id; imported ones are IMDB's, so the client
  -- keeps those of the most popular movies (the ones the zipf draw hits most) to look up.
  if K.source ~= "synthetic" then
    local ids = {}
    for r = 1, math.min(K.movies, 2000) do ids[r] = ctx.rand:permute(r - 1, K.movies) + 1 end
    K.tconsts = {}
    local rows = db:query([[
      SELECT m.imdb_id FROM unnest($1::int[]) WITH ORDINALITY AS u(id, rank)
        JOIN movies m ON m.movie_id = u.id ORDER BY u.rank]], "{" .. table.concat(ids, ",") .. "}")
    for i, r in ipairs(rows) do K.tconsts[i] = r.imdb_id end
  end
  for name, sql in pairs(M.SQL) do db:prepare(name, sql) end
end

-- ---- inputs --------------------------------------------------------------------------------------

local function movie(ctx) return gen.popular(ctx.rand, K.movies, K.skew) end
local function actor(ctx) return gen.popular(ctx.rand, K.actors, gen.actor_skew(K.skew)) end
local function country(ctx) return gen.COUNTRIES[gen.country_index(ctx.rand)] end
local function year(ctx)
  local y = gen.year(ctx.rand)
  if y < K.min_year then y = K.min_year elseif y > K.max_year then y = K.max_year end
  return y
end
local function genre(ctx) return gen.GENRES[ctx.rand:zipf(1, #gen.GENRES, 0.8)] end

-- ---- transactions --------------------------------------------------------------------------------

local T = {}
M.TXN = T

function T.movie_by_imdb_id(ctx)
  local id
  if K.tconsts then
    id = K.tconsts[ctx.rand:zipf(1, #K.tconsts, K.skew > 0 and K.skew or 1)] or "tt0000000"
  else
    id = string.format("tt%07d", movie(ctx))
  end
  ctx.db:exec("movie_by_imdb_id", id)
end

function T.search_title(ctx) ctx.db:exec("search_title", ctx.rand:choice(K.prefixes)) end
function T.top_rated(ctx) ctx.db:exec("top_rated", ctx.rand:uniform(30, 90) / 10) end

-- A director's films (one key of the JSON document, through the same GIN index). Imported
-- movies have no director (not in the four TSV files), so this finds nothing there.
function T.search_director(ctx)
  ctx.db:exec("search_director", string.format('{"director":"%s"}', gen.person_name(ctx.rand)))
end
function T.by_country_year(ctx) ctx.db:exec("by_country_year", country(ctx), year(ctx)) end

-- Genre plus language: two keys of one containment test, answered by the jsonb_path_ops index.
function T.search_genre(ctx)
  local ci = gen.country_index(ctx.rand)
  ctx.db:exec("search_genre", string.format('{"genres":["%s"],"language":"%s"}', genre(ctx), gen.LANGUAGES[ci]))
end

-- Two words, both required. Imported overviews are built from the genres, so those are searched.
function T.search_overview(ctx)
  if K.source == "synthetic" then
    ctx.db:exec("search_overview", gen.words(ctx.rand, gen.WORDS, 2))
  else
    ctx.db:exec("search_overview", genre(ctx) .. " " .. genre(ctx))
  end
end

function T.movie_with_cast(ctx) ctx.db:exec("movie_with_cast", movie(ctx)) end
function T.actor_filmography(ctx) ctx.db:exec("actor_filmography", actor(ctx)) end
function T.movie_comments(ctx) ctx.db:exec("movie_comments", movie(ctx)) end
function T.country_ranking(ctx) ctx.db:exec("country_ranking", country(ctx), year(ctx) - 4) end
function T.year_trend(ctx) ctx.db:exec("year_trend", country(ctx), year(ctx) - 19) end
function T.engagement_analysis(ctx) ctx.db:exec("engagement_analysis", country(ctx), year(ctx)) end
function T.genre_window(ctx)
  ctx.db:exec("genre_window", string.format('{"genres":["%s"]}', genre(ctx)), year(ctx) - 9, country(ctx))
end
function T.actor_career(ctx) ctx.db:exec("actor_career", actor(ctx)) end
function T.trending_now(ctx) ctx.db:exec("trending_now", ctx.rand:uniform(1000, 5000)) end

function T.add_comment(ctx)
  local r = ctx.rand
  ctx.db:exec("add_comment", movie(ctx), r:uniform(1, K.users), r:uniform(1, 10), gen.comment_text(r))
end

function T.edit_comment(ctx)
  local r = ctx.rand
  ctx.db:exec("edit_comment", r:uniform(1, K.comments), gen.comment_text(r), r:uniform(1, 10))
end

-- A user's vote moves the counters and the rating, and the new counters are snapshotted into
-- vote_history in the same transaction (the original wrote the two independently).
function T.rate_movie(ctx)
  local r, db = ctx.rand, ctx.db
  local m = movie(ctx)
  local up = r:uniform(0, 1)
  db:begin()
  local row = db:row("rate_movie", m, up, 1 - up, r:uniform(10, 100) / 10)
  if row then db:exec("rate_movie_history", m, row.upvotes, row.downvotes) end
  db:commit()
end

-- A new movie and its first credits, atomically.
function T.add_movie(ctx)
  local r, db = ctx.rand, ctx.db
  local ci = gen.country_index(r)
  db:begin()
  local id = db:value("add_movie", gen.title(r), math.max(K.max_year, 2024), gen.COUNTRIES[ci], gen.rating(r),
                      gen.overview(r), gen.movie_json(r, ci))
  for b = 1, r:uniform(2, 4) do
    db:exec("add_cast", id, actor(ctx), gen.character_name(r), b)
  end
  db:commit()
end

function T.add_cast(ctx)
  local r = ctx.rand
  ctx.db:exec("add_cast", movie(ctx), actor(ctx), gen.character_name(r), r:uniform(6, 30))
end

function T.add_actor(ctx)
  local r = ctx.rand
  ctx.db:exec("add_actor", gen.person_name(r), r:uniform(1940, 2010))
end

function T.log_view(ctx)
  local r = ctx.rand
  ctx.db:exec("log_view", movie(ctx), r:uniform(1, K.users), r:uniform(60, 10800), gen.view_payload(r))
end

return M
