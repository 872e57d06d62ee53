-- IMDB-like movie database: normalized schema, skewed synthetic (or imported IMDB TSV) data, search/join/window/CTE reads and writes.
--
-- Demonstrates: a workload split into modules (workloads/imdb/), a schema of its own so it can
-- share a database (found through search_path, set in on_connect), a parallel COPY load with Zipf skew (popular movies collect most comments
-- and views, and are also the ones the run reads and writes most), indexes built after the load,
-- keys read back from a meta table so the run covers whatever prepare loaded, and an optional
-- importer of the public IMDB TSV files read line by line with io.open.
--
--   stormdb prepare workloads/imdb.lua --movies=100000 --loaders=4
--   stormdb run     workloads/imdb.lua --mode=mixed -c 16 -j 4 -T 60s -P 5    # read | write | mixed
--   stormdb prepare workloads/imdb.lua --imdb_tsv=/data/imdb                 # title/name/principals/ratings .tsv
--   stormdb cleanup workloads/imdb.lua
--
-- Schema, operations and weights: docs/workloads/imdb.md; a commented configuration: config/imdb.yaml.
local schema_mod = require("imdb.schema")
local load = require("imdb.load")
local queries = require("imdb.queries")

workload = {
  name = "imdb",
  description = "IMDB-like movies, cast, comments and views: searches, joins, window functions, recursive CTE, writes",
  options = {
    mode = { default = "mixed", choices = { "read", "write", "mixed" },
             help = "read: 16 read queries; write: 7 write transactions; mixed: 70% reads, 30% writes" },
    movies = { default = 10000, type = "integer", min = 1, help = "scale at prepare: movies (plus movies/2 actors, ~3.5 cast rows, 3 comments, " ..
                                       "2 views, 2 vote snapshots per movie); runs use what the meta table records" },
    skew = { default = 0.8, min = 0, help = "Zipf exponent of movie/actor popularity in data and run (0 = uniform)" },
    schema = { default = "imdb", help = "schema holding every table, created by prepare (must not exist yet)" },
    imdb_tsv = { default = "", help = "prepare from the public IMDB files in this directory (title.basics.tsv, " ..
                                      "name.basics.tsv, title.principals.tsv, title.ratings.tsv) instead of generating" },
    think_ms = { default = 0, min = 0, help = "think time after each transaction, uniform in 0..think_ms ms (the original slept 0..49)" },
  },
  mix = queries.mix,
}

local function validate(opt)
  return schema_mod.name(opt)
end
workload.validate = validate

-- Every connection (prepare's, loader parts', clients') finds the tables through search_path;
-- after a reconnect the engine runs this again before it re-prepares the statements.
function on_connect(ctx)
  ctx.db:exec("SET search_path TO " .. validate(ctx.opt) .. ", public")
end

-- ---- prepare ------------------------------------------------------------------------------------

function prepare(ctx)
  local db, opt = ctx.db, ctx.opt
  local schema = validate(opt)
  if opt.imdb_tsv ~= "" then load.check_tsv_dir(opt.imdb_tsv) end   -- before dropping anything
  schema_mod.create(db, schema)
  local now = os.time()          -- one reference time for every part, so timestamps agree
  local t0 = stormdb.now_ms()
  local movies, actors, source
  if opt.imdb_tsv ~= "" then
    source = "tsv"
    load.create_staging(db, schema)
    ctx:parallel(#load.TSV, "imdb_tsv_part", opt.imdb_tsv, schema)
    for _, sql in ipairs(load.TSV_MAP) do db:exec(sql) end
    movies, actors = db:values("SELECT (SELECT count(*) FROM movies), (SELECT count(*) FROM actors)")
    for _, f in ipairs(load.TSV) do db:exec("DROP TABLE " .. schema .. "." .. f[2]) end
    if movies == 0 then error("--imdb_tsv: no titleType 'movie' rows in " .. opt.imdb_tsv .. "/title.basics.tsv", 0) end
    ctx:log("imdb: imported %d movies, %d actors from %s", movies, actors, opt.imdb_tsv)
    ctx:parallel(nil, "imdb_load_part", schema, movies, math.max(actors, 1), opt.skew, now, false)
  else
    source = "synthetic"
    movies = opt.movies
    actors = load.sizes(movies).actors
    ctx:progress(0, load.total_rows(movies, true))
    ctx:parallel(nil, "imdb_load_part", schema, movies, actors, opt.skew, now, true)
  end
  local t1 = stormdb.now_ms()
  ctx:parallel(#schema_mod.INDEX_JOBS, "imdb_index_part", schema)
  schema_mod.finish(db, schema)
  local s = load.sizes(movies)
  db:exec(string.format([[
    INSERT INTO meta (movies, actors, comments, views, source, skew, min_year, max_year)
    SELECT %d, %d, %d, %d, '%s', %s, min(year), max(year) FROM movies]],
    movies, actors, s.comments, s.views, source, tostring(opt.skew)))
  ctx:log("imdb: %s load %.1f s, indexes/foreign keys/ANALYZE %.1f s", source, (t1 - t0) / 1000, (stormdb.now_ms() - t1) / 1000)
end

function imdb_load_part(ctx, part, parts, schema, movies, actors, skew, now, catalogue)
  load.part(ctx, part, parts, schema, movies, actors, skew, now, catalogue)
end

function imdb_tsv_part(ctx, part, parts, dir, schema)
  load.tsv_part(ctx, part, dir, schema)
end

function imdb_index_part(ctx, part, parts, schema)
  schema_mod.index_job(ctx.db, schema, part)
end

-- ---- run -----------------------------------------------------------------------------------------

local think_ms = 0

function client_init(ctx)
  local schema = validate(ctx.opt)
  think_ms = ctx.opt.think_ms
  queries.client_init(ctx, schema)
end

-- Every transaction of either mode, under the name the mix uses (workload.txn: no globals),
-- followed by the optional think time; ctx:think keeps it outside the measured latency.
workload.txn = {}
for name, fn in pairs(queries.TXN) do
  workload.txn[name] = function(ctx)
    fn(ctx)
    if think_ms > 0 then ctx:think(ctx.rand:uniform(0, think_ms)) end
  end
end

-- Read and write throughput side by side (every transaction is either a read or a write).
function summary(r)
  local reads, writes = 0, 0
  for name, t in pairs(r.types) do
    if queries.READ_WEIGHTS[name] then reads = reads + t.tps end
    if queries.WRITE_WEIGHTS[name] then writes = writes + t.tps end
  end
  local total = reads + writes
  return {
    { name = "read transactions", value = reads, unit = "tps" },
    { name = "write transactions", value = writes, unit = "tps" },
    { name = "read share", value = total > 0 and 100 * reads / total or 0, unit = "%",
      note = "mixed targets " .. math.floor(100 * queries.MIXED_READ_SHARE) .. "%" },
  }
end
