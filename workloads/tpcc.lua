-- TPC-C (TPC Benchmark C 5.11) for PostgreSQL: schema, parallel COPY loader, the five transactions, consistency checks and tpmC.
--
--   stormdb prepare workloads/tpcc.lua --warehouses 10 --loaders 4
--   stormdb run     workloads/tpcc.lua --warehouses 10 -c 8 -T 5m        # as fast as it goes
--   stormdb run     workloads/tpcc.lua --warehouses 10 -c 100 --think    # spec-paced terminals
--   stormdb run     workloads/tpcc.lua --warehouses 10 -c 100 --think --connections 10 --deferred-delivery
--                                                    # the same through a transaction monitor (a pool)
--   stormdb check   workloads/tpcc.lua                                   # 3.3.2 conditions 1-12
--   stormdb cleanup workloads/tpcc.lua
--
-- Everything TPC-C specific lives in workloads/tpcc/ (schema, load, txn, check, report);
-- this file only declares the workload and wires the hooks to those modules. What is
-- implemented clause by clause, and where it departs from the spec: docs/workloads/tpcc.md.
local const = require("tpcc.const")
local schema = require("tpcc.schema")
local load = require("tpcc.load")
local txn = require("tpcc.txn")
local check_mod = require("tpcc.check")
local report = require("tpcc.report")

-- The native loader of the big tables (native/tpcc_native.c), when it is built.
local _, native_loader = stormdb.plugin("tpcc_native", { optional = true })

workload = {
  name = "tpcc",
  description = "TPC-C 5.11: nine tables, five transactions, 23-card deck mix, consistency checks, tpmC",
  options = {
    warehouses = { default = 1, type = "integer", min = 1,
                   help = "scale: number of warehouses W (100,000 ITEM rows + ~500,000 rows per warehouse)" },
    fk = { default = false, help = "create the clause 1.3 foreign keys after the load" },
    isolation = { default = "read_committed", choices = { "read_committed", "repeatable_read", "serializable" },
                  help = "isolation of New-Order, Payment, Order-Status, Delivery (Stock-Level always READ COMMITTED, 2.8.2.3)" },
    selection = { default = "deck", choices = { "deck", "random" },
                  help = "mix selection: 23-card deck (5.2.4.2) or weighted random with the same weights" },
    think = { default = false, help = "keying and think times per 5.2.5 (use -c 10xW terminals for a spec-paced run)" },
    pacing_scale = { default = 1, min = 0.001, max = 1,
                     help = "multiplies the --think keying and think times (1 = the spec's; less is a lightly paced, " ..
                            "not spec-paced, run for tests)" },
    deferred_delivery = { default = false,
                          help = "Delivery only queues the request; background workers execute it (2.7.2)" },
    delivery_results = { default = "",
                         help = "file for the Delivery result records of 2.7.2.3 (queued, completed, W_ID, carrier, D_ID:O_ID); emptied at the start" },
    input_decks = { default = true,
                    help = "draw the 1% rollback, 1% remote line, 15% remote payment, 60% by-name choices from per-terminal 100-card decks" },
    verify = { default = false, help = "Order-Status cross-checks its result with an independent query (testing aid)" },
    loader = { default = "auto", choices = { "auto", "native", "lua" },
               help = "generator of ITEM, STOCK, CUSTOMER, HISTORY, ORDERS, ORDER-LINE: the C plugin tpcc_native (auto: when built) or Lua; same rows" },
  },
  -- 5.2.4.2: 10 New-Order, 10 Payment, 1 Order-Status, 1 Delivery, 1 Stock-Level per 23 cards;
  -- --selection=random draws with the same weights (5.2.4.1).
  mix = const.MIX,
  selection = function(opt) return opt.selection end,
  -- Keying times (5.2.5.2) with --think: slept before each transaction's measured start.
  keying = function(opt)
    if not opt.think then return nil end
    local ms = {}
    for name, s in pairs(const.KEYING_S) do ms[name] = s * 1000 * opt.pacing_scale end
    return ms
  end,
  -- One deferred-Delivery worker per thread; it returns at once unless --deferred-delivery.
  background = { delivery_worker = 1 },
}

-- ---- phases --------------------------------------------------------------------------------

-- Creates the tables (the engine records them; a name clash with a user's table stops with exit 2), loads in parallel, then builds keys/indexes and statistics in
-- parallel. C-Load and C-Run (2.1.6.1) and the data seed come from ctx.rand, i.e. from --seed.
function prepare(ctx)
  local db, opt = ctx.db, ctx.opt
  local W = opt.warehouses
  schema.create_tables(db, check_mod.RESULT_DDL)
  local c_load = ctx.rand:uniform(0, const.A_C_LAST)
  local c_run
  repeat c_run = ctx.rand:uniform(0, const.A_C_LAST) until const.valid_c_delta(c_run - c_load)
  local data_seed = ctx.rand:uniform(1, 2147483646)
  db:exec(string.format("INSERT INTO tpcc_meta (warehouses, c_load, c_run, data_seed, fk) " ..
                        "VALUES (%d, %d, %d, %d, %s)", W, c_load, c_run, data_seed, tostring(opt.fk)))
  ctx:progress(0, load.total_rows(W))
  local generator = load.use_native(opt.loader, native_loader)
  local t0, cpu0 = stormdb.now(), load.client_cpu()
  -- n = nil: as many parts as --loaders
  ctx:parallel(nil, "tpcc_load_part", W, data_seed, c_load)
  local t1, cpu1 = stormdb.now(), load.client_cpu()
  ctx:parallel(nil, "tpcc_index_part")
  if opt.fk then
    for _, sql in ipairs(schema.FOREIGN_KEYS) do db:exec(sql) end
  end
  ctx:log("tpcc: W=%d: COPY %.1f s (%s generator)%s, keys/indexes%s/ANALYZE %.1f s", W, (t1 - t0) / 1e6, generator,
          cpu0 and string.format(" using %.2f s of client CPU", cpu1 - cpu0) or "", opt.fk and "/foreign keys" or "",
          (stormdb.now() - t1) / 1e6)
end

function tpcc_load_part(ctx, part, parts, W, data_seed, c_load)
  load.use_native(ctx.opt.loader, native_loader)
  load.part(ctx, part, parts, W, data_seed, c_load)
end

function tpcc_index_part(ctx, part, parts)
  local db = ctx.db
  -- Index builds sort; a larger maintenance_work_mem keeps the ORDER-LINE key sort in memory longer.
  db:exec("SET maintenance_work_mem = '256MB'")
  for _, job in ipairs(schema.jobs_for_part(part, parts)) do
    for _, sql in ipairs(job.sql) do db:exec(sql) end
    for _, t in ipairs(job.analyze) do db:exec("ANALYZE " .. t) end
  end
end

function check(ctx)
  return check_mod.run(ctx, "tpcc_check_part")
end

function tpcc_check_part(ctx, part, parts, W)
  check_mod.part(ctx, part, parts, W)
end

function client_init(ctx)
  txn.init(ctx)
end

function client_done(ctx)
  txn.done(ctx)
end

-- ---- the mix (each call is one business transaction) ----------------------------------------

new_order = txn.new_order
payment = txn.payment
order_status = txn.order_status
delivery = txn.delivery
stock_level = txn.stock_level
delivery_worker = txn.delivery_worker

function summary(r)
  return report.summary(r)
end
