-- TPC-C result lines for summary(r): tpmC with its confidence interval, steady state, efficiency, terminals, mix, response times, input variability, deferred Delivery.
local const = require("tpcc.const")
local stats = require("tpcc.stats")
local txn = require("tpcc.txn")

local M = {}

local function line(name, value, unit, note, ok)
  return { name = name, value = value, unit = unit or "", note = note or "", ok = ok }
end

-- Standard deviation, in percentage points, of an observed share with expected value p over n
-- draws. Independent draws: binomial. Draws from shuffled decks of `size` cards (`decks` of
-- them, e.g. one per terminal): complete decks hold the exact share, so only the partial deck at
-- each end of the measurement varies, a hypergeometric variance of at most size/4 * p(1-p) each.
local function share_sd(p, n, size, decks)
  if n <= 0 then return math.huge end
  if size then return 100 * math.sqrt(2 * decks * size / 4 * p * (1 - p)) / n end
  return 100 * math.sqrt(p * (1 - p) / n)
end

-- ok for a share within [lo, hi] (hi = nil: at least lo) whose expected value is e, or nil with a
-- note when 3 standard deviations do not fit between e and the bounds: then the sample is too
-- small to say anything (the 5.5.1.5 bounds are meant for a 2-hour measurement interval).
local function judge(pct, e, sd, lo, hi)
  local margin = e - lo
  if hi then margin = math.min(margin, hi - e) end
  if 3 * sd > margin then return nil, string.format("; too few samples to judge (3 sd = %.2f%%)", 3 * sd) end
  return pct >= lo and (hi == nil or pct <= hi), ""
end

-- An input-variability line of 5.5.1.5: share num/den, bounds lo..hi, expected e (all in %).
local function bounded(name, num, den, lo, hi, e, size, decks)
  if den <= 0 then return line(name, 0, "%", string.format("no samples; bounds %g-%g%% (5.5.1.5)", lo, hi)) end
  local pct = 100 * num / den
  local ok, why = judge(pct, e, share_sd(e / 100, den, size, decks), lo, hi)
  return line(name, pct, "%", string.format("%d of %d; bounds %g-%g%% (5.5.1.5)%s", num, den, lo, hi, why), ok)
end

-- Steady state: tpmC's trend must move it by less than this many % over the measurement interval.
local STEADY_DRIFT_PCT = 5

-- Recommended ramp-up (--warmup) in seconds. Paced terminals start in step at the barrier and
-- the first New-Order of each comes only after its 18 s keying time, so tpmC climbs for about
-- six mean card cycles (~21 s each); unpaced, a minute lets the buffer cache and the plans settle.
local function recommended_warmup_s(think) return think and 120 or 60 end

-- Lines on the measurement itself: its length against 5.5, tpmC's 95 % confidence interval,
-- the steady-state criterion and the ramp-up. Returns the lines and tpmC's CI half-width.
local function measurement_lines(r, out)
  local el, think = r.elapsed_s, r.opt.think
  local long_enough   -- judged only for a paced run, the one that claims to be TPC-C
  if think then long_enough = el >= const.MIN_MEASURE_S end
  out[#out + 1] = line("measurement interval", el / 60, "min",
    string.format("%.0f s measured; >= %d min in steady state for a publishable tpmC (5.5)", el,
                  const.MIN_MEASURE_S / 60), long_enough)
  local intervals = r.intervals or {}
  local k = stats.batch_count(el, #intervals)
  local rates, mids = stats.batches(intervals, "new_order", k)
  local mean, half, cv = stats.confidence(rates)
  if half == math.huge then
    out[#out + 1] = line("tpmC 95% CI +/-", 0, "tpm", "not computed: fewer than 2 measured intervals")
  else
    out[#out + 1] = line("tpmC 95% CI +/-", half, "tpm", string.format(
      "tpmC %.1f-%.1f: batch means over %d batches of %.0f s, mean +/- t(%d) sd/sqrt(%d); batches vary by %.1f%% (cv)",
      mean - half, mean + half, #rates, el / math.max(#rates, 1), #rates - 1, #rates, cv))
  end
  local drift, dhalf = stats.drift(rates, mids, el)
  local rec = recommended_warmup_s(think)
  local verdict, note = stats.steady(drift, dhalf, STEADY_DRIFT_PCT), nil
  if dhalf == math.huge then
    note = "not judged: fewer than 3 batches"
  else
    note = string.format("tpmC trend over the interval %+.1f%% +/- %.1f%% (95%%); steady when within +/-%d%% (%s)",
                         drift, dhalf, STEADY_DRIFT_PCT,
                         verdict == true and "steady" or verdict == false and "NOT steady" or "too noisy to judge: measure longer")
    if verdict == false and drift > 0 then note = note .. "; still rising: raise --warmup" end
  end
  out[#out + 1] = line("steady state drift", drift, "%", note, verdict)
  local w = r.warmup_s or 0
  out[#out + 1] = line("ramp-up (--warmup)", w, "s", string.format("recommended >= %d s %s%s", rec,
    think and "with --think (terminals start in step)" or "unpaced (cache and plans settle)",
    w < rec and "; this run's is shorter" or ""))
  return half
end

-- Terminals per warehouse: the spec has 10, each bound to one home warehouse (4.2.2, 2.4.1.1).
local function terminal_line(r, out)
  local T, W = r.clients, r.opt.warehouses
  local note
  if T < W then
    note = string.format("%d terminals over %d warehouses: each takes turns over up to %d home warehouses, one per " ..
                         "business transaction, so every warehouse is used (the spec binds a terminal to one, 2.4.1.1)",
                         T, W, #txn.homes(0, T, W))
  else
    local lo, hi = math.floor(T / W), math.ceil(T / W)
    note = string.format("%d terminals over %d warehouses, %s per warehouse", T, W,
                         lo == hi and tostring(lo) or (lo .. "-" .. hi))
  end
  out[#out + 1] = line("terminals per warehouse", T / W, "",
                       note .. string.format("; the spec has %d (4.2.2)", const.TERMINALS_PER_W))
end

-- The transaction monitor (--connections): the spec lets a TP monitor sit between the terminals
-- and the database (part of the SUT, clause 6, named in the disclosure); here it is the engine's
-- connection pool. A terminal holds a connection from its transaction's first statement to its
-- commit, never while keying or thinking, so the pool wait is part of the response time.
local function monitor_lines(r, out)
  local n, T = r.connections or 0, r.clients
  if n == 0 then
    out[#out + 1] = line("transaction monitor", 0, "connections", string.format(
      "none: each of the %d terminals has its own connection; --connections N puts a TP monitor (a pool of N " ..
      "connections) between the terminals and the database", T))
    return
  end
  out[#out + 1] = line("transaction monitor", n, "connections", string.format(
    "stormdb connection pool between %d terminals (%.1f per connection) and the database, as a TP monitor " ..
    "(clause 6 SUT; name it in the disclosure): a terminal holds a connection only from its transaction's first " ..
    "statement to its commit, never while keying or thinking", T, T / n))
  local tot = r.total or {}
  if not tot.pool_wait_p99_ms then return end
  local per = {}
  for _, name in ipairs(const.TYPES) do
    local x = r.types[name]
    if x and x.pool_wait_p90_ms then per[#per + 1] = string.format("%s %.1f", name, x.pool_wait_p90_ms) end
  end
  out[#out + 1] = line("pool wait p99", tot.pool_wait_p99_ms, "ms", string.format(
    "wait for a connection, inside the response times above: mean %.2f, p50 %.2f, p90 %.2f, max %.1f ms; " ..
    "p90 per type (ms): %s; terminals waiting: mean %.1f, at most %d", tot.pool_wait_mean_ms, tot.pool_wait_p50_ms,
    tot.pool_wait_p90_ms, tot.pool_wait_max_ms, table.concat(per, ", "), r.pool_queue_mean or 0, r.pool_queue_max or 0))
end

-- Efficiency of a paced run against 12.86 tpmC per warehouse, with its confidence interval and
-- the deck's own ceiling; above 100 % is flagged (ok = false): such a tpmC cannot be reported.
local function efficiency_line(r, out, tpmc, half)
  local W, T = r.opt.warehouses, r.clients
  local max = const.MAX_TPMC_PER_W * W
  local eff = 100 * tpmc / max
  local ceiling = 100 * const.PACED_TPMC_PER_TERMINAL * const.TERMINALS_PER_W / const.MAX_TPMC_PER_W
  local note = string.format("tpmC / (12.86 x %d warehouses)", W)
  if half ~= math.huge then
    note = note .. string.format("; 95%% CI %.1f-%.1f%%", 100 * (tpmc - half) / max, 100 * (tpmc + half) / max)
  end
  note = note .. string.format("; pacing ceiling %.1f%% with 10 terminals per warehouse (keying + think, 5.2.5)",
                               ceiling)
  if T ~= const.TERMINALS_PER_W * W then
    note = note .. string.format("; %d terminals, the spec has %d (10 per warehouse, 4.2.2)", T,
                                 const.TERMINALS_PER_W * W)
  end
  local ok
  if eff > 100 then
    ok = false
    note = "ABOVE 100%: over the 12.86 tpmC/warehouse maximum, not reportable" ..
           (half ~= math.huge and tpmc - half <= max and " (within the CI: sampling error of a short run)" or "") ..
           "; " .. note
  end
  out[#out + 1] = line("efficiency", eff, "%", note, ok)
end

-- Deferred Delivery (2.7.2): queued, executed, failed and unfinished; the 90 %-within-80 s rule
-- (2.7.2.2, 5.2.5.4) over every Delivery that is not known to have completed in time.
local function deferred_lines(r, cnt, out)
  local queued, done = cnt["delivery.queued"] or 0, cnt["delivery.deferred_done"] or 0
  local failed, left = (r.types.delivery_deferred or {}).failed or 0, cnt["delivery.unfinished"] or 0
  local late_left, in80 = cnt["delivery.unfinished_over_80s"] or 0, cnt["delivery.deferred_in_80s"] or 0
  out[#out + 1] = line("deferred Delivery queued", queued, "", string.format(
    "queued in the measurement; %d executed, %d failed, %d unfinished when the run ended (%d of them already " ..
    "waiting > 80 s)", done, failed, left, late_left), nil)
  local all = done + failed + left
  if all == 0 then
    out[#out + 1] = line("deferred Delivery <= 80 s", 0, "%", "no deferred Delivery executed or pending in the measurement")
    return
  end
  local pct = 100 * in80 / all
  out[#out + 1] = line("deferred Delivery <= 80 s", pct, "%", string.format(
    "%d of %d (executed + failed + unfinished) completed within 80 s of queueing; >= 90%% required (2.7.2.2, " ..
    "5.2.5.4); mean wait of the executed %.0f ms", in80, all, done > 0 and (cnt["delivery.deferred_wait_ms"] or 0) / done or 0),
    pct >= const.DEFERRED_MIN_PCT)
end

function M.summary(r)
  local opt, W, el = r.opt, r.opt.warehouses, r.elapsed_s
  local t, cnt = r.types, r.counters
  local function done(name)
    local x = t[name]
    return x and (x.committed + x.rolled_back) or 0
  end
  local out = {}
  local per_min = el > 0 and 60 / el or 0
  local no = t.new_order or { committed = 0, rolled_back = 0, count = 0 }
  local tpmc = done("new_order") * per_min

  -- 5.4.2: completed New-Orders per minute over the measurement interval; the 1% rolled back
  -- by design are completed business transactions and count.
  out[#out + 1] = line("tpmC", tpmc, "tpm", "completed New-Orders (incl. rolled back, 5.4.2) per minute")
  -- HammerDB's NOPM is the growth of sum(D_NEXT_O_ID) per minute, i.e. committed New-Orders
  -- only (a rollback does not advance D_NEXT_O_ID): about 1% below tpmC.
  out[#out + 1] = line("NOPM", no.committed * per_min, "tpm", "committed New-Orders per minute (HammerDB's definition)")
  local all = 0
  for _, name in ipairs(const.TYPES) do all = all + done(name) end
  out[#out + 1] = line("TPM", all * per_min, "tpm", "all five transaction types per minute")
  local half = measurement_lines(r, out)
  terminal_line(r, out)
  monitor_lines(r, out)

  if opt.think and (opt.pacing_scale or 1) ~= 1 then
    out[#out + 1] = line("pacing", opt.pacing_scale, "x", string.format(
      "lightly paced, NOT spec-paced TPC-C: keying and think times x %g (--pacing-scale), so tpmC is not capped " ..
      "at 12.86/warehouse and no efficiency is computed", opt.pacing_scale))
  elseif opt.think then
    efficiency_line(r, out, tpmc, half)
  else
    out[#out + 1] = line("pacing", 0, "",
      "NOT spec-paced TPC-C: no keying/think times, so tpmC is not capped at 12.86/warehouse; " ..
      "use --think with -c " .. const.TERMINALS_PER_W * W .. " for a spec-paced run")
  end

  -- Mix (5.2.3): minimum shares of completed transactions.
  if all > 0 then
    local deck = opt.selection == "deck"
    for _, name in ipairs(const.TYPES) do
      local min = const.MIN_MIX_PCT[name]
      local pct = 100 * done(name) / all
      local note, ok, why = "no minimum (5.2.3)", nil, ""
      if min then
        local e = 100 * const.MIX[name] / 23
        ok, why = judge(pct, e, share_sd(e / 100, all, deck and 23, r.clients), min)
        note = string.format(">= %g%% (5.2.3)%s", min, why)
      end
      out[#out + 1] = line("mix " .. name, pct, "%", note, ok)
    end
  end

  -- 90th percentile response times (5.2.5.3).
  for _, name in ipairs(const.TYPES) do
    local x = t[name]
    if x and x.count > 0 then
      local limit = const.P90_LIMIT_S[name]
      local note = string.format("<= %g s (5.2.5.3)", limit)
      if name == "delivery" and opt.deferred_delivery then note = note .. ", queueing part (2.7.2)" end
      out[#out + 1] = line("p90 " .. name, x.p90_ms, "ms", note, x.p90_ms <= limit * 1000)
    end
  end

  -- Input variability (5.5.1.5).
  -- With --input-decks every terminal draws from one 100-card deck per purpose (txn.lua).
  local size, T = opt.input_decks and 100 or nil, r.clients
  out[#out + 1] = bounded("rolled-back New-Orders", no.rolled_back, done("new_order"), 0.9, 1.1, 1, size, T)
  local lines, orders = cnt["new_order.lines"] or 0, done("new_order")
  -- O_OL_CNT is uniform on 5..15 (mean 10, sd 3.16), drawn independently.
  local avg_ol, avg_ok, why = 0, nil, ""
  if orders > 0 then
    avg_ol = lines / orders
    avg_ok, why = judge(avg_ol, 10, math.sqrt(10) / math.sqrt(orders), 9.5, 10.5)
  end
  out[#out + 1] = line("order-lines per order", avg_ol, "", "bounds 9.5-10.5 (5.5.1.5)" .. why, avg_ok)
  if W > 1 then
    out[#out + 1] = bounded("remote order-lines", cnt["new_order.remote_lines"] or 0, lines, 0.95, 1.05, 1, size, T)
    out[#out + 1] = bounded("remote Payments", cnt["payment.remote"] or 0, done("payment"), 14, 16, 15, size, T)
  else
    out[#out + 1] = line("remote order-lines / Payments", 0, "%", "n/a with 1 warehouse (2.4.1.5.2, 2.5.1.2)")
  end
  local by_name = (cnt["payment.by_name"] or 0) + (cnt["order_status.by_name"] or 0)
  out[#out + 1] = bounded("customers by last name", by_name, done("payment") + done("order_status"), 57, 63, 60,
                               size, 2 * T)

  -- Delivery: skipped districts (2.7.4.2, 5.4.5) and the deferred-execution limit (2.7.2.2).
  local skipped = cnt["delivery.skipped_districts"] or 0
  if skipped > 0 then
    out[#out + 1] = line("delivery skipped districts", skipped, "", "districts with no NEW-ORDER row (2.7.4.2)")
  end
  if opt.deferred_delivery then deferred_lines(r, cnt, out) end
  if (cnt["verify.order_status_bad"] or 0) + (cnt["verify.order_status_ok"] or 0) > 0 then
    local bad = cnt["verify.order_status_bad"] or 0
    out[#out + 1] = line("Order-Status verified", cnt["verify.order_status_ok"] or 0, "",
      string.format("%d mismatches with an independent query (--verify)", bad), bad == 0)
  end
  return out
end

return M
