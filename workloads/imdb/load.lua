-- IMDB workload: the parallel COPY loader (synthetic data) and the public IMDB TSV importer.
local gen = require("imdb.gen")
local schema_mod = require("imdb.schema")

local M = {}

-- Per movie: 2-5 cast rows (3.5 on average), 3 comments, 2 views and 2 vote snapshots, as in
-- the original tool; one actor per two movies. Comments and views go to movies by popularity
-- (Zipf over a scattered rank), so a few movies collect most of them.
M.COMMENTS_PER_MOVIE = 3
M.VIEWS_PER_MOVIE = 2
M.VOTES_PER_MOVIE = 2
local DAY = 86400

function M.sizes(movies)
  return { movies = movies, actors = math.max(1, math.floor(movies / 2)),
           comments = movies * M.COMMENTS_PER_MOVIE, views = movies * M.VIEWS_PER_MOVIE }
end

-- Expected rows, for the progress line.
function M.total_rows(movies, with_catalogue)
  local s = M.sizes(movies)
  local activity = s.comments + s.views + movies * M.VOTES_PER_MOVIE
  if not with_catalogue then return activity end
  return activity + movies + s.actors + math.floor(movies * 3.5)
end

local slice = stormdb.slice

-- One loader part. catalogue=false (TSV import) generates only the activity tables for the
-- movies and actors already imported: n_movies and n_actors are then the imported counts.
function M.part(ctx, part, parts, schema, n_movies, n_actors, skew, now, catalogue)
  local rand = ctx.rand
  local s = M.sizes(n_movies)
  local users = gen.users(n_movies)
  local m_first, m_last = slice(part, parts, n_movies)

  if catalogue then
    ctx:copy_range("movies (movie_id, imdb_id, title, year, country, imdb_rating, overview, json_column, upvotes, downvotes)",
      m_first, m_last, function(copy, m)
        local ci = gen.country_index(rand)
        local votes = rand:exponential(0, 200000, 8)
        local rating = gen.rating(rand)
        local up = math.floor(votes * rating / 10)
        copy:row(m, string.format("tt%07d", m), gen.title(rand), gen.year(rand), gen.COUNTRIES[ci], rating,
                 gen.overview(rand), gen.movie_json(rand, ci), up, votes - up)
      end)
    -- Cast: popular actors appear in many films; the (movie, actor) pairs must be unique.
    ctx:copy_range("movie_cast (movie_id, actor_id, character_name, billing)", m_first, m_last,
      function(copy, m)
        local seen, n = {}, 0
        for b = 1, rand:uniform(2, 5) do
          local a = gen.popular(rand, n_actors, gen.actor_skew(skew))
          if not seen[a] then
            seen[a] = true
            n = n + 1
            copy:row(m, a, gen.character_name(rand), b)
          end
        end
        return n
      end)
    local a_first, a_last = slice(part, parts, n_actors)
    ctx:copy_range("actors (actor_id, imdb_name_id, name, birth_year)", a_first, a_last,
      function(copy, a)
        copy:row(a, string.format("nm%07d", a), gen.person_name(rand), rand:uniform(1900, 2010))
      end)
  end

  -- Vote snapshots: the counter history of every movie (two points in the last year).
  ctx:copy_range("vote_history (movie_id, upvotes, downvotes, stored_at)", m_first, m_last,
    function(copy, m)
      for _ = 1, M.VOTES_PER_MOVIE do
        copy:row(m, rand:uniform(0, 5000), rand:uniform(0, 1000), gen.ts(now, rand:uniform(0, 365 * DAY)))
      end
      return M.VOTES_PER_MOVIE
    end)
  -- Comments span five years and views 90 days, in id order (as a sequence would number them),
  -- so "the latest N" is a range of ids.
  local c_first, c_last = slice(part, parts, s.comments)
  ctx:copy_range("comments (comment_id, movie_id, user_id, rating, comment, created_at, updated_at)",
    c_first, c_last, function(copy, c)
      local ago = math.floor((s.comments - c) * 5 * 365 * DAY / s.comments) + rand:uniform(0, 3600)
      local edited = rand:uniform(1, 10) == 1 and gen.ts(now, rand:uniform(0, ago)) or nil
      copy:row(c, gen.popular(rand, n_movies, skew), rand:uniform(1, users), rand:uniform(1, 10),
               gen.comment_text(rand), gen.ts(now, ago), edited)
    end)
  local v_first, v_last = slice(part, parts, s.views)
  ctx:copy_range("view_logs (view_id, movie_id, user_id, watched_at, seconds_watched, json_payload)",
    v_first, v_last, function(copy, v)
      copy:row(v, gen.popular(rand, n_movies, skew), rand:uniform(1, users),
               gen.ts(now, math.floor((s.views - v) * 90 * DAY / s.views) + rand:uniform(0, 600)),
               rand:uniform(60, 10800), gen.view_payload(rand))
    end)
end

-- ---- public IMDB TSV files (https://datasets.imdbws.com/, gunzipped) ------------------------------

-- file, staging table, its columns: the files' own columns, all text (\N is NULL).
M.TSV = {
  { "title.basics.tsv", "tsv_title_basics",
    "tconst, title_type, primary_title, original_title, is_adult, start_year, end_year, runtime_minutes, genres" },
  { "name.basics.tsv", "tsv_name_basics",
    "nconst, primary_name, birth_year, death_year, primary_profession, known_for_titles" },
  { "title.principals.tsv", "tsv_principals", "tconst, ordering, nconst, category, job, characters" },
  { "title.ratings.tsv", "tsv_ratings", "tconst, average_rating, num_votes" },
}

-- Fails with one message naming every missing or unreadable file.
function M.check_tsv_dir(dir)
  local missing = {}
  for _, f in ipairs(M.TSV) do
    local fh = io.open(dir .. "/" .. f[1], "r")
    if fh then fh:close() else missing[#missing + 1] = f[1] end
  end
  if #missing > 0 then
    error("--imdb_tsv=" .. dir .. ": cannot read " .. table.concat(missing, ", ") ..
          " (download from https://datasets.imdbws.com/ and gunzip)", 0)
  end
end

function M.create_staging(db, schema)
  for _, f in ipairs(M.TSV) do
    local cols = {}
    for c in f[3]:gmatch("[%w_]+") do cols[#cols + 1] = c .. " text" end
    -- UNLOGGED: staging rows are dropped once mapped into the schema, so WAL for them is waste.
    db:exec(string.format("CREATE UNLOGGED TABLE %s.%s (%s)", schema, f[2], table.concat(cols, ", ")))
  end
end

-- Splits one TSV line on tabs; "\N" becomes nil. Returns the fields as multiple values.
local function fields(line, n)
  local out, pos = {}, 1
  for i = 1, n do
    local tab = line:find("\t", pos, true)
    local v = tab and line:sub(pos, tab - 1) or line:sub(pos)
    if v == "\\N" then v = nil end
    out[i] = v
    if not tab then break end
    pos = tab + 1
  end
  return unpack(out, 1, n)
end

-- One part per file: streams it line by line (io.lines never holds the file in memory) into its
-- staging table with COPY. A missing file is an error naming it.
function M.tsv_part(ctx, part, dir, schema)
  local f = M.TSV[part]
  local path = dir .. "/" .. f[1]
  local fh, err = io.open(path, "r")
  if not fh then error("--imdb_tsv: cannot open " .. path .. ": " .. tostring(err), 0) end
  local ncols = select(2, f[3]:gsub(",", ",")) + 1
  local copy = ctx.db:copy(schema .. "." .. f[2] .. " (" .. f[3] .. ")")
  local header, pending = true, 0
  for line in fh:lines() do
    if header then
      header = false          -- every IMDB file starts with a header line
    elseif line ~= "" then
      line = line:gsub("\r$", "")
      copy:row(fields(line, ncols))
      pending = pending + 1
      if pending == 10000 then ctx:progress(pending); pending = 0 end
    end
  end
  fh:close()
  copy:finish()
  ctx:progress(pending)
end

-- Maps the staging tables into the schema. Only titleType 'movie' is kept. Country, overview,
-- language and director are not in these four files: they are derived deterministically from
-- the tconst (hashtext), so every read query has data to work on; see docs/workloads/imdb.md.
M.TSV_MAP = {
  [[INSERT INTO movies (movie_id, imdb_id, title, year, country, imdb_rating, overview, json_column, upvotes, downvotes)
    SELECT row_number() OVER (ORDER BY b.tconst), b.tconst, b.primary_title,
           CASE WHEN b.start_year ~ '^[0-9]{1,4}$' THEN b.start_year::int END,
           c.code, CASE WHEN r.average_rating ~ '^[0-9.]+$' THEN r.average_rating::numeric(3,1) END,
           'A ' || lower(coalesce(replace(b.genres, ',', ', '), 'film')) || ' title' ||
             coalesce(' from ' || b.start_year, '') || '.',
           jsonb_strip_nulls(jsonb_build_object('genres', coalesce(to_jsonb(string_to_array(b.genres, ',')), '[]'::jsonb),
                              'language', c.lang,
                              'runtime', CASE WHEN b.runtime_minutes ~ '^[0-9]+$' THEN b.runtime_minutes::int END,
                              'votes', CASE WHEN r.num_votes ~ '^[0-9]+$' THEN r.num_votes::int END)),
           coalesce(round(r.num_votes::numeric * r.average_rating::numeric / 10), 0),
           coalesce(r.num_votes::numeric - round(r.num_votes::numeric * r.average_rating::numeric / 10), 0)
      FROM tsv_title_basics b
      LEFT JOIN tsv_ratings r ON r.tconst = b.tconst
      CROSS JOIN LATERAL (SELECT (ARRAY['USA','IND','GBR','FRA','JPN','DEU','KOR','ITA','ESP','CAN'])[k] AS code,
                                 (ARRAY['en','hi','en','fr','ja','de','ko','it','es','en'])[k] AS lang
                            FROM (SELECT 1 + abs(hashtext(b.tconst)) % 10 AS k) h) c
     WHERE b.title_type = 'movie']],
  -- Only people credited as actor/actress/self in an imported movie become actors.
  [[INSERT INTO actors (actor_id, imdb_name_id, name, birth_year)
    SELECT row_number() OVER (ORDER BY n.nconst), n.nconst, n.primary_name,
           CASE WHEN n.birth_year ~ '^[0-9]{1,4}$' THEN n.birth_year::int END
      FROM tsv_name_basics n
     WHERE n.primary_name IS NOT NULL AND EXISTS (
           SELECT 1 FROM tsv_principals p JOIN movies m ON m.imdb_id = p.tconst
            WHERE p.nconst = n.nconst AND p.category IN ('actor', 'actress', 'self'))]],
  -- characters is a JSON array such as ["Self","Narrator"]; the first name is taken with a regular
  -- expression rather than a ::jsonb cast, so one malformed line cannot abort the import.
  [[INSERT INTO movie_cast (movie_id, actor_id, character_name, billing)
    SELECT DISTINCT ON (m.movie_id, a.actor_id) m.movie_id, a.actor_id,
           substring(p.characters from '^\["([^"]*)"'),
           CASE WHEN p.ordering ~ '^[0-9]+$' THEN p.ordering::int END
      FROM tsv_principals p
      JOIN movies m ON m.imdb_id = p.tconst
      JOIN actors a ON a.imdb_name_id = p.nconst
     WHERE p.category IN ('actor', 'actress', 'self')
     ORDER BY m.movie_id, a.actor_id, p.ordering]],
}

return M
