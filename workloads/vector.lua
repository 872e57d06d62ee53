-- pgvector benchmark: ingest, update and k-NN search on a vector table, with IVFFlat/HNSW indexes and measured recall@k.
--
-- Demonstrates: a workload that needs a server extension (and says how to install it when it is
-- missing), options that fix the schema at prepare and others that tune the run, an index build
-- timed and sized at prepare and reported by summary(r) through custom counters, and a quality
-- metric measured beside latency: a sample of searches is repeated as an exact scan and
-- recall@k = |ANN result ∩ exact result| / k is accumulated in counters.
--
--   stormdb prepare workloads/vector.lua --rows=100000 --dims=128 --metric=cosine --index=hnsw --m=16 --ef_construction=64
--   stormdb run     workloads/vector.lua --metric=cosine --index=hnsw --ef_search=40 --k=10 -c 8 -T 60s
--   stormdb run     workloads/vector.lua --metric=cosine --index=hnsw --mode=ingest --ingest=copy -c 4 -T 30s
--   stormdb cleanup workloads/vector.lua
--
-- --dims, --metric and --index must be the same at prepare and run (the run checks them against
-- the meta table, since a mismatched operator would silently bypass the index).
-- Schema, operations and how recall is measured: docs/workloads/vector.md.

local METRICS = {   -- operator and operator class per --metric; <#> is the *negative* inner product,
  l2 = { op = "<->", ops = "vector_l2_ops" },        -- so ascending order is nearest first for all three
  cosine = { op = "<=>", ops = "vector_cosine_ops" },
  ip = { op = "<#>", ops = "vector_ip_ops" },
}

workload = {
  name = "vector",
  description = "pgvector: ingest (single/batch/COPY), update, k-NN search with IVFFlat/HNSW and recall@k",
  options = {
    mode = { default = "search", choices = { "search", "ingest", "update" },
             help = "search: k-NN queries (+ recall checks); ingest: insert new vectors; update: rewrite existing ones" },
    rows = { default = 10000, type = "integer", min = 1, help = "vectors loaded at prepare (runs read the count from the meta table)" },
    dims = { default = 128, type = "integer", min = 1, help = "vector dimensions (indexes support up to 2000)" },
    metric = { default = "l2", choices = { "l2", "cosine", "ip" }, help = "distance: l2 (<->), cosine (<=>), ip inner product (<#>)" },
    index = { default = "hnsw", choices = { "none", "ivfflat", "hnsw" }, help = "ANN index built at prepare" },
    lists = { default = 0, type = "integer", min = 0, help = "IVFFlat lists (build); 0 = rows/1000, at least 1" },
    m = { default = 16, type = "integer", min = 2, help = "HNSW m, links per node (build)" },
    ef_construction = { default = 64, type = "integer", min = 4, help = "HNSW ef_construction (build)" },
    probes = { default = 0, type = "integer", min = 0, help = "IVFFlat lists probed per search (ivfflat.probes); 0 = sqrt(lists)" },
    ef_search = { default = 40, type = "integer", min = 1, help = "HNSW candidate list per search (hnsw.ef_search); must be >= k (checked)" },
    k = { default = 10, type = "integer", min = 1, help = "neighbours per search (LIMIT k), the k of recall@k" },
    recall_every = { default = 10, type = "integer", min = 0, help = "one search in N is a recall_check (ANN + exact scan); 0 = no recall checks" },
    ingest = { default = "batch", choices = { "single", "batch", "copy" },
               help = "write path of ingest/update: one row per statement, --batch_size rows per statement, " ..
                      "or COPY of --batch_size rows (update treats copy as batch)" },
    batch_size = { default = 100, type = "integer", min = 1, help = "rows per insert_batch/insert_copy/update_batch transaction" },
    clusters = { default = 0, type = "integer", min = 0, help = "Gaussian clusters the vectors are drawn around; 0 = sqrt(rows)" },
    spread = { default = 0.15, help = "standard deviation of each component around its cluster centre (centres are in [-1, 1])" },
    schema = { default = "vector_bench", help = "schema holding the tables, created by prepare (must not exist yet)" },
  },
  -- The engine first calls mix({}) before options are resolved (to list the workload), hence the
  -- fallbacks to the defaults.
  mix = function(opt)
    if opt.mode == "ingest" then return { ["insert_" .. (opt.ingest or "batch")] = 1 } end
    if opt.mode == "update" then return opt.ingest == "single" and { update_single = 1 } or { update_batch = 1 } end
    local every = opt.recall_every or 10
    if every <= 0 then return { knn_search = 1 } end
    return { knn_search = every - 1, recall_check = 1 }
  end,
}

local INSTALL_HINT = "the server has no 'vector' extension (pgvector). Install it on the database server: " ..
  "from the PGDG apt repository `apt-get install postgresql-15-pgvector`, or from source (Debian 12 does not " ..
  "package it): `apt-get install postgresql-server-dev-15 build-essential git && git clone " ..
  "https://github.com/pgvector/pgvector && cd pgvector && make && make install`, then rerun prepare " ..
  "(it runs CREATE EXTENSION vector)"

-- ---- options ---------------------------------------------------------------------------------------

local function check_options(opt)
  local s = opt.schema
  if not s:match("^[a-z_][a-z0-9_]*$") or #s > 63 then error("--schema must be a lower-case SQL identifier", 0) end
  if opt.index ~= "none" and opt.dims > 2000 then error("--dims above 2000 cannot be indexed by pgvector; use --index=none", 0) end
  if opt.spread <= 0 then error("--spread must be > 0", 0) end
  -- An HNSW scan returns at most hnsw.ef_search rows (pgvector's README), so LIMIT k above it
  -- would cap recall@k at ef_search/k and measure the setting, not the index.
  if opt.index == "hnsw" and opt.ef_search < opt.k then
    error(string.format("--ef_search=%d is below --k=%d: an HNSW search returns at most ef_search rows; " ..
                        "use --ef_search=%d or more", opt.ef_search, opt.k, opt.k), 0)
  end
  return s
end
workload.validate = check_options

local function lists_for(opt, rows)
  return opt.lists > 0 and opt.lists or math.max(1, math.floor(rows / 1000))
end

-- ---- vectors ---------------------------------------------------------------------------------------

-- Cluster centres are a pure function of --seed (rand:permute is a seeded hash), so loader parts
-- and clients agree on them without sharing state. Cached per Lua state.
local centres = {}
local TWO30 = 1073741824

local function centre(rand, c, dims)
  local v = centres[c]
  if not v then
    v = {}
    for d = 1, dims do v[d] = rand:permute((c - 1) * dims + d, TWO30) / TWO30 * 2 - 1 end
    centres[c] = v
  end
  return v
end

local buf = {}
-- A vector literal '[x1,...,xd]': a random cluster centre plus Gaussian noise (Box-Muller).
local function random_vector(rand, dims, nclusters, spread)
  local v = centre(rand, rand:uniform(1, nclusters), dims)
  local d = 1
  while d <= dims do
    local u1, u2 = rand:random(), rand:random()
    if u1 < 1e-300 then u1 = 1e-300 end
    local r = math.sqrt(-2 * math.log(u1)) * spread
    buf[d] = string.format("%.5f", v[d] + r * math.cos(2 * math.pi * u2))
    if d < dims then buf[d + 1] = string.format("%.5f", v[d + 1] + r * math.sin(2 * math.pi * u2)) end
    d = d + 2
  end
  return "[" .. table.concat(buf, ",", 1, dims) .. "]"
end

local function nclusters(opt, rows)
  return opt.clusters > 0 and opt.clusters or math.max(1, math.floor(math.sqrt(rows)))
end

-- ---- prepare --------------------------------------------------------------------------------------

local function require_extension(db)
  if db:value("SELECT 1 FROM pg_extension WHERE extname = 'vector'") then return end
  if not db:value("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'") then error(INSTALL_HINT, 0) end
  -- In the database's default schema (normally public), where the type and operators resolve
  -- for every workload; cleanup leaves the extension, which other schemas may use.
  db:exec("CREATE EXTENSION IF NOT EXISTS vector")
end

local function index_ddl(opt, rows)
  local ops = METRICS[opt.metric].ops
  if opt.index == "ivfflat" then
    return string.format("CREATE INDEX items_embedding ON items USING ivfflat (embedding %s) WITH (lists = %d)",
                         ops, lists_for(opt, rows))
  end
  return string.format("CREATE INDEX items_embedding ON items USING hnsw (embedding %s) " ..
                       "WITH (m = %d, ef_construction = %d)", ops, opt.m, opt.ef_construction)
end

function prepare(ctx)
  local db, opt = ctx.db, ctx.opt
  local schema = check_options(opt)
  require_extension(db)
  -- on_connect put the schema first on search_path: unqualified names below land in it.
  db:exec("CREATE SCHEMA " .. schema)
  db:exec(string.format([[
    CREATE TABLE items (
      id          bigint GENERATED BY DEFAULT AS IDENTITY,
      category    integer NOT NULL,          -- the cluster a vector was drawn around
      embedding   vector(%d) NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE meta (
      rows bigint NOT NULL, dims integer NOT NULL, metric text NOT NULL, index_type text NOT NULL,
      index_params text NOT NULL, clusters integer NOT NULL, build_ms double precision,
      index_bytes bigint, table_bytes bigint, loaded_at timestamptz NOT NULL DEFAULT now()
    )]], opt.dims))
  local rows = opt.rows
  ctx:progress(0, rows)
  local t0 = stormdb.now_ms()
  ctx:parallel(nil, "vector_load_part", rows)
  db:exec("ALTER TABLE items ADD PRIMARY KEY (id)")
  db:exec("SELECT setval(pg_get_serial_sequence('items', 'id'), " .. rows .. ")")
  -- VACUUM sets the visibility map, so the exact scans of recall_check are not slowed by hint-bit writes.
  db:exec("VACUUM ANALYZE items")
  local t1 = stormdb.now_ms()
  local build_ms, index_bytes, params = 0, 0, "exact scan"
  if opt.index ~= "none" then
    local ddl = index_ddl(opt, rows)
    params = ddl:match("WITH %((.*)%)")
    db:exec(ddl)
    build_ms = stormdb.now_ms() - t1
    index_bytes = db:value("SELECT pg_relation_size('items_embedding')")
  end
  local table_bytes = db:value("SELECT pg_table_size('items')")
  db:exec("INSERT INTO meta (rows, dims, metric, index_type, index_params, clusters, build_ms, " ..
          "index_bytes, table_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          rows, opt.dims, opt.metric, opt.index, params, nclusters(opt, rows), build_ms, index_bytes, table_bytes)
  ctx:log("vector: %d x %d-d loaded in %.1f s (table %.1f MB); %s index (%s) built in %.2f s, %.1f MB",
          rows, opt.dims, (t1 - t0) / 1000, table_bytes / 1048576, opt.index, params, build_ms / 1000,
          index_bytes / 1048576)
end

-- One loader part: a contiguous id slice, COPYed.
function vector_load_part(ctx, part, parts, rows)
  local opt, rand = ctx.opt, ctx.rand
  local first, last = stormdb.slice(part, parts, rows)
  local nc = nclusters(opt, rows)
  ctx:copy_range("items (id, category, embedding)", first, last, function(copy, id)
    local c = rand:uniform(1, nc)
    copy:row(id, c, random_vector(rand, opt.dims, nc, opt.spread))
  end)
end

-- ---- run -------------------------------------------------------------------------------------------

local R = {}   -- what the run needs, read from the meta table (same for every client of a Lua state)

-- The schema first on search_path (public after it, where the vector type lives), then the
-- search setting: on_connect runs again after a reconnect, before the statements are re-prepared.
function on_connect(ctx)
  ctx.db:exec("SET search_path TO " .. check_options(ctx.opt) .. ", public")
  if R.search_setting then ctx.db:exec(R.search_setting) end
end

function client_init(ctx)
  local db, opt = ctx.db, ctx.opt
  local schema = check_options(opt)
  local meta = db:row("SELECT rows, dims, metric, index_type, clusters, build_ms, index_bytes FROM meta")
  if not meta then error("no " .. schema .. ".meta row: run prepare first", 0) end
  for _, f in ipairs({ { "dims", "dims" }, { "metric", "metric" }, { "index_type", "index" } }) do
    if tostring(meta[f[1]]) ~= tostring(opt[f[2]]) then
      error(string.format("--%s=%s but %s was prepared with --%s=%s: pass the same value (or prepare again)",
                          f[2], tostring(opt[f[2]]), schema, f[2], tostring(meta[f[1]])), 0)
    end
  end
  R.rows, R.dims, R.clusters = meta.rows, meta.dims, meta.clusters
  R.build_ms, R.index_bytes = meta.build_ms, meta.index_bytes
  R.k, R.batch, R.spread = opt.k, opt.batch_size, opt.spread
  -- Search parameters are session settings, so every plan of this connection sees them; on_connect
  -- sets them again after a reconnect.
  if opt.index == "ivfflat" then
    local probes = opt.probes > 0 and opt.probes or math.max(1, math.floor(math.sqrt(lists_for(opt, R.rows))))
    R.search_setting = "SET ivfflat.probes = " .. probes
  elseif opt.index == "hnsw" then
    R.search_setting = "SET hnsw.ef_search = " .. opt.ef_search
  end
  if R.search_setting then db:exec(R.search_setting) end
  local op = METRICS[opt.metric].op
  -- k is part of the text (not a parameter) so the planner knows the LIMIT when it picks the index.
  db:prepare("knn", string.format("SELECT id FROM items ORDER BY embedding %s $1::vector LIMIT %d", op, R.k))
  -- The exact reference: ordering by an expression over the distance (+ 0) cannot be served by
  -- the index, whatever the settings or a cached plan, so this is always a full scan and sort.
  db:prepare("knn_exact", string.format(
    "SELECT id FROM items ORDER BY (embedding %s $1::vector) + 0 LIMIT %d", op, R.k))
  db:prepare("insert_single", "INSERT INTO items (category, embedding) VALUES ($1, $2::vector)")
  db:prepare("insert_batch", "INSERT INTO items (category, embedding) SELECT * FROM unnest($1::int[], $2::vector[])")
  db:prepare("update_single", "UPDATE items SET embedding = $2::vector WHERE id = $1")
  db:prepare("update_batch", "UPDATE items i SET embedding = u.e FROM unnest($1::bigint[], $2::vector[]) " ..
                             "AS u(id, e) WHERE i.id = u.id")
  R.copy_target = "items (category, embedding)"
end

-- The index figures reach summary(r) as counters; client 0 adds them once, after the run (counts
-- made in client_done belong to the measured phase; client_init's would be dropped).
function client_done(ctx)
  if ctx.client_id == 0 and R.build_ms then
    ctx:count("index_build_ms", R.build_ms)
    ctx:count("index_bytes", R.index_bytes or 0)
  end
end

local function query_vector(ctx)
  return random_vector(ctx.rand, R.dims, R.clusters, R.spread)
end

function knn_search(ctx)
  ctx.db:exec("knn", query_vector(ctx))
end

-- The same query through the index and as an exact scan; hits = how many true neighbours the
-- index returned. Latency covers both statements, so it is reported apart from knn_search, and
-- the exact scan alone is observed as the timing "exact_scan" (what recall checks cost).
function recall_check(ctx)
  local q = query_vector(ctx)
  local db = ctx.db
  local approx = db:query("knn", q)
  local t0 = stormdb.now_ms()
  local exact = db:query("knn_exact", q)
  ctx:observe("exact_scan", stormdb.now_ms() - t0)
  local found = {}
  for _, r in ipairs(approx) do found[r.id] = true end
  local hits = 0
  for _, r in ipairs(exact) do if found[r.id] then hits = hits + 1 end end
  ctx:count("recall_hits", hits)
  ctx:count("recall_total", #exact)
  ctx:count("recall_queries", 1)
end

-- Postgres array literals of n random categories and vectors (vector literals contain commas, so quoted).
local function batch_arrays(ctx, n)
  local cats, vecs = {}, {}
  for i = 1, n do
    local c = ctx.rand:uniform(1, R.clusters)
    cats[i] = c
    vecs[i] = '"' .. random_vector(ctx.rand, R.dims, R.clusters, R.spread) .. '"'
  end
  return "{" .. table.concat(cats, ",") .. "}", "{" .. table.concat(vecs, ",") .. "}"
end

function insert_single(ctx)
  ctx.db:exec("insert_single", ctx.rand:uniform(1, R.clusters), query_vector(ctx))
  ctx:count("vectors_written", 1)
end

function insert_batch(ctx)
  ctx.db:exec("insert_batch", batch_arrays(ctx, R.batch))
  ctx:count("vectors_written", R.batch)
end

function insert_copy(ctx)
  local copy = ctx.db:copy(R.copy_target)
  for _ = 1, R.batch do copy:row(ctx.rand:uniform(1, R.clusters), query_vector(ctx)) end
  copy:finish()
  ctx:count("vectors_written", R.batch)
end

function update_single(ctx)
  ctx.db:exec("update_single", ctx.rand:uniform(1, R.rows), query_vector(ctx))
  ctx:count("vectors_written", 1)
end

-- Distinct ids in ascending order: two batches then lock their rows in the same order and
-- cannot deadlock.
function update_batch(ctx)
  local n = math.min(R.batch, R.rows)
  local seen, ids = {}, {}
  while #ids < n do
    local id = ctx.rand:uniform(1, R.rows)
    if not seen[id] then seen[id] = true; ids[#ids + 1] = id end
  end
  table.sort(ids)
  local vecs = {}
  for i = 1, n do vecs[i] = '"' .. query_vector(ctx) .. '"' end
  ctx.db:exec("update_batch", "{" .. table.concat(ids, ",") .. "}", "{" .. table.concat(vecs, ",") .. "}")
  ctx:count("vectors_written", n)
end

-- ---- results ---------------------------------------------------------------------------------------

function summary(r)
  local out, c, opt = {}, r.counters, r.opt
  local total = c.recall_total or 0
  if total > 0 then
    local note = string.format("%d sampled queries vs exact scan; %s", c.recall_queries or 0, opt.index)
    if opt.index == "ivfflat" then note = note .. (opt.probes > 0 and (" probes=" .. opt.probes) or " probes=sqrt(lists)") end
    if opt.index == "hnsw" then note = note .. " ef_search=" .. opt.ef_search end
    out[#out + 1] = { name = "recall@" .. opt.k, value = (c.recall_hits or 0) / total, unit = "", note = note }
  end
  local searches = 0
  for _, name in ipairs({ "knn_search", "recall_check" }) do
    if r.types[name] then searches = searches + r.types[name].tps end
  end
  if searches > 0 then out[#out + 1] = { name = "searches", value = searches, unit = "qps" } end
  if (c.vectors_written or 0) > 0 then
    out[#out + 1] = { name = "vectors written", value = c.vectors_written / r.elapsed_s, unit = "rows/s" }
  end
  if c.index_build_ms and opt.index ~= "none" then
    out[#out + 1] = { name = "index build time", value = c.index_build_ms / 1000, unit = "s", note = opt.index .. ", at prepare" }
    out[#out + 1] = { name = "index size", value = (c.index_bytes or 0) / 1048576, unit = "MB", note = "pg_relation_size at prepare" }
  end
  return out
end
