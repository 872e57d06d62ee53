-- tpcb_like.lua — pgbench's built-in TPC-B-like transaction (and its -S select-only variant) on pgbench's own schema.
--
-- Demonstrates: a workload that is interchangeable with pgbench (same tables, columns, data,
-- statements and random draws), a parallel COPY load, a multi-statement transaction of prepared
-- statements, and a check built on the invariant TPC-B guarantees.
--
--   stormdb prepare workloads/tpcb_like.lua --scale=10              # like pgbench -i -s 10
--   stormdb run     workloads/tpcb_like.lua -c 8 -j 2 -T 60s -P 5   # like pgbench -M prepared
--   stormdb run     workloads/tpcb_like.lua --select-only -c 8 -T 60s   # like pgbench -S -M prepared
--   stormdb run     workloads/tpcb_like.lua --select-only --pipeline=10    # -S's SELECT 10 times in one \startpipeline
--   stormdb check   workloads/tpcb_like.lua                         # balances agree with history
--   stormdb run     workloads/tpcb_like.lua --native -c 8 -T 60s    # the same transactions in C
--
-- `prepare` may be skipped on a database initialised by `pgbench -i` (run with --skip-load-check): the tables are the same,
-- and without --scale the run reads the scale from pgbench_branches, as pgbench does.
local native_txn   -- the C transaction types by mix name, when the plugin is built (below)

workload = {
  name = "tpcb_like",
  description = "pgbench TPC-B-like: update account/teller/branch, select balance, insert history",
  options = {
    scale = { default = 0, type = "integer", min = 0, help = "pgbench scale: 1 branch, 10 tellers, 100000 accounts each; " ..
                                  "0 = count pgbench_branches when running, 1 when preparing" },
    select_only = { default = false, help = "run pgbench's -S transaction instead (SELECT abalance by aid)" },
    pipeline = { default = 0, type = "integer", min = 0, max = 10000,
                 help = "with --select-only: N > 0 sends N of its SELECTs in one pipeline per transaction, as a " ..
                        "pgbench script with them between \\startpipeline and \\endpipeline; 0: one SELECT" },
    native = { default = false, help = "run the transactions written in C (plugin tpcb_native, tpcb_like/native/): " ..
                                       "same statements and draws, less client CPU" },
  },
  mix = function(opt)
    if opt.pipeline > 0 and (not opt.select_only or opt.native) then
      error("--pipeline applies to --select-only without --native (only that transaction is pipelined)", 0)
    end
    if opt.select_only then return { select_only = 1 } end
    return { tpcb_like = 1 }
  end,
  -- With --native the mix names the C transaction types themselves: a mix of C types only runs
  -- in C from the worker's loop, with no Lua per transaction (docs/plugins.md).
  txn = function(opt)
    if opt.native then return native_txn end
    return nil
  end,
}

local NBRANCHES, NTELLERS, NACCOUNTS = 1, 10, 100000   -- per scale unit (pgbench.c)
local SCALE_32BIT_THRESHOLD = 20000                      -- pgbench switches aid to bigint from here

-- ---- prepare / check ---------------------------------------------------------------------

-- pgbench -i's steps "tgvp" (no "d": stormdb cleanup drops what prepare recorded; tables of
-- these names that stormdb did not create stop prepare): create tables, generate data, vacuum, primary keys. The DDL
-- is pgbench's, including fillfactor=100 and the bigint aid at large scales.
function prepare(ctx)
  local scale = ctx.opt.scale
  if scale == 0 then scale = 1 end
  local aid = scale >= SCALE_32BIT_THRESHOLD and "bigint" or "int"
  local db = ctx.db
  db:exec(string.format([[
    CREATE TABLE pgbench_history (tid int, bid int, aid %s, delta int, mtime timestamp, filler char(22));
    CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84)) WITH (fillfactor = 100);
    CREATE TABLE pgbench_accounts (aid %s NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor = 100);
    CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88)) WITH (fillfactor = 100)]],
    aid, aid))
  ctx:progress(0, (NBRANCHES + NTELLERS + NACCOUNTS) * scale)
  -- Branches and tellers are tiny: one COPY each here. Their filler is NULL, as pgbench loads it.
  local copy = db:copy("pgbench_branches (bid, bbalance, filler)")
  for bid = 1, NBRANCHES * scale do copy:row(bid, 0, nil) end
  copy:finish()
  copy = db:copy("pgbench_tellers (tid, bid, tbalance, filler)")
  for tid = 1, NTELLERS * scale do copy:row(tid, math.floor((tid - 1) / NTELLERS) + 1, 0, nil) end
  copy:finish()
  ctx:progress((NBRANCHES + NTELLERS) * scale)
  ctx:parallel(nil, load_accounts, scale)
  -- VACUUM (not only ANALYZE) like pgbench's "v" step: it sets hint bits and the visibility map,
  -- so the first measured seconds do not pay for them.
  db:exec("VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history")
  ctx:parallel(3, add_primary_key)
end

-- One loader part: a contiguous aid slice, so the table is in aid order as pgbench leaves it.
-- The filler is '' (blank-padded by char(84)), as pgbench's initAccount writes it.
function load_accounts(ctx, part, parts, scale)
  local first, last = stormdb.slice(part, parts, NACCOUNTS * scale)
  ctx:copy_range("pgbench_accounts (aid, bid, abalance, filler)", first, last, function(copy, aid)
    copy:row(aid, math.floor((aid - 1) / NACCOUNTS) + 1, 0, "")
  end)
end

-- Constraint names default to pgbench's (pgbench_accounts_pkey, ...); the three build in parallel.
function add_primary_key(ctx, part)
  local ddl = {
    "ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid)",
    "ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid)",
    "ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid)",
  }
  ctx.db:exec(ddl[part])
end

-- Every committed TPC-B transaction adds the same delta to one account, one teller, one branch
-- and one history row, and the load starts every balance at 0: so the four sums are equal after
-- any number of transactions, and a lost or half-applied transaction breaks the equality.
function check(ctx)
  local a, t, b, h, nh = ctx.db:values([[
    SELECT (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts),
           (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers),
           (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches),
           (SELECT coalesce(sum(delta), 0) FROM pgbench_history),
           (SELECT count(*) FROM pgbench_history)]])
  local detail = string.format("accounts %s, tellers %s, branches %s, history %s (%s rows)",
                               tostring(a), tostring(t), tostring(b), tostring(h), tostring(nh))
  return {
    { name = "sum(abalance) = sum(history.delta)", ok = a == h, detail = detail },
    { name = "sum(tbalance) = sum(history.delta)", ok = t == h, detail = detail },
    { name = "sum(bbalance) = sum(history.delta)", ok = b == h, detail = detail },
  }
end

-- ---- transactions -------------------------------------------------------------------------

-- The scale the transactions draw from; the same for every client of a thread state.
local scale

-- The C versions of the two transactions (docs/plugins.md), used with --native.
local _, tpcb_plugin = stormdb.plugin("tpcb_native", { optional = true })
if tpcb_plugin then
  local function args() return scale end
  native_txn = {
    tpcb_like = tpcb_plugin:txn("tpcb_like", args),
    select_only = tpcb_plugin:txn("select_only", args),
  }
end

-- The row count of pgbench_branches, read by the first client of this thread state to get there:
-- the others reuse it (one query per thread instead of one per client at start-up).
local branches

function client_init(ctx)
  local db = ctx.db
  -- pgbench reads the scale from pgbench_branches for its built-in scripts; doing the same lets
  -- a run on a `pgbench -i -s N` database cover all of it without repeating N. A --scale that
  -- disagrees with the table would silently benchmark a different hot set, so it is an error.
  branches = branches or db:value("SELECT count(*) FROM pgbench_branches")
  local wanted = ctx.opt.scale
  if branches == 0 then error("pgbench_branches is empty: run prepare (or pgbench -i) first", 0) end
  if wanted ~= 0 and wanted ~= branches then
    error(string.format("--scale=%d but pgbench_branches has %d rows (scale %d)", wanted, branches, branches), 0)
  end
  scale = branches
  if ctx.opt.native and not tpcb_plugin then
    error("--native: the tpcb_native plugin is not built (see stormdb plugin list)", 0)
  end
  if ctx.opt.native then return end   -- the C transactions prepare their own statements
  -- Only the statements the run uses, as pgbench prepares its script's commands: -S needs one.
  db:prepare("get_balance", "SELECT abalance FROM pgbench_accounts WHERE aid = $1")
  if ctx.opt.select_only then return end
  db:prepare("upd_account", "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2")
  db:prepare("upd_teller", "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2")
  db:prepare("upd_branch", "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2")
  db:prepare("ins_history", "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) " ..
                            "VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)")
end

-- pgbench's tpcb-like script: the draws are pgbench's \set lines, the statements its body.
-- Accounts, tellers, branches are always locked in that order, so two of these cannot deadlock.
function tpcb_like(ctx)
  local rand, db = ctx.rand, ctx.db
  local aid = rand:uniform(1, NACCOUNTS * scale)
  local bid = rand:uniform(1, NBRANCHES * scale)
  local tid = rand:uniform(1, NTELLERS * scale)
  local delta = rand:uniform(-5000, 5000)
  db:begin()
  db:exec("upd_account", delta, aid)
  db:value("get_balance", aid)
  db:exec("upd_teller", delta, tid)
  db:exec("upd_branch", delta, bid)
  db:exec("ins_history", tid, bid, aid, delta)
  db:commit()
end

-- pgbench -S: one SELECT, no explicit transaction block.
-- With --pipeline=N, N of them in one pipeline (one implicit transaction, as pgbench runs them).
function select_only(ctx)
  local n = ctx.opt.pipeline
  if n == 0 then
    ctx.db:value("get_balance", ctx.rand:uniform(1, NACCOUNTS * scale))
    return
  end
  local p, rand = ctx.db:pipeline(), ctx.rand
  for _ = 1, n do p:value("get_balance", rand:uniform(1, NACCOUNTS * scale)) end
  p:run()
end
