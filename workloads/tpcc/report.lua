-- TPC-C result lines for summary(r): tpmC, NOPM, TPM, efficiency, mix, response-time limits, input variability, deferred Delivery.
local const = require("tpcc.const")

local M = {}

local function line(name, value, unit, note, ok)
  return { name = name, value = value, unit = unit or "", note = note or "", ok = ok }
end

-- A percentage with its 5.5.1.5 bounds. The bounds are meant for a 2-hour measurement; when the
-- draws are independent (--input-decks=false) and the sample is too small for the bounds to be
-- decidable (3 standard deviations of the binomial wider than half the band), ok is left unset.
local function bounded(name, num, den, lo, hi, expect, decks)
  if den <= 0 then return line(name, 0, "%", string.format("no samples (bounds %g-%g%%, 5.5.1.5)", lo, hi)) end
  local pct = 100 * num / den
  local note = string.format("%d of %d; bounds %g-%g%% (5.5.1.5)", num, den, lo, hi)
  local ok = pct >= lo and pct <= hi
  local sd = 100 * math.sqrt(expect / 100 * (1 - expect / 100) / den)
  if not decks and 3 * sd > (hi - lo) / 2 then
    return line(name, pct, "%", note .. string.format("; too few samples to judge (3 sd = %.2f%%)", 3 * sd))
  end
  return line(name, pct, "%", note, ok)
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

  if opt.think then
    local eff = 100 * tpmc / (const.MAX_TPMC_PER_W * W)
    local note = string.format("tpmC / (12.86 x %d warehouses)", W)
    if r.clients ~= const.TERMINALS_PER_W * W then
      note = note .. string.format("; %d terminals, the spec has %d (10 per warehouse, 4.2.2)", r.clients,
                                   const.TERMINALS_PER_W * W)
    end
    out[#out + 1] = line("efficiency", eff, "%", note)
  else
    out[#out + 1] = line("pacing", 0, "",
      "NOT spec-paced TPC-C: no keying/think times, so tpmC is not capped at 12.86/warehouse; " ..
      "use --think with -c " .. const.TERMINALS_PER_W * W .. " for a spec-paced run")
  end

  -- Mix (5.2.3): minimum shares of completed transactions.
  if all > 0 then
    for _, name in ipairs(const.TYPES) do
      local min = const.MIN_MIX_PCT[name]
      local pct = 100 * done(name) / all
      out[#out + 1] = line("mix " .. name, pct, "%", min and string.format(">= %g%% (5.2.3)", min) or "no minimum (5.2.3)",
                           min and pct >= min or nil)
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
  local decks = opt.input_decks
  out[#out + 1] = bounded("rolled-back New-Orders", no.rolled_back, done("new_order"), 0.9, 1.1, 1, decks)
  local lines, orders = cnt["new_order.lines"] or 0, done("new_order")
  out[#out + 1] = line("order-lines per order", orders > 0 and lines / orders or 0, "",
                       "bounds 9.5-10.5 (5.5.1.5)", orders > 0 and lines / orders >= 9.5 and lines / orders <= 10.5 or nil)
  if W > 1 then
    out[#out + 1] = bounded("remote order-lines", cnt["new_order.remote_lines"] or 0, lines, 0.95, 1.05, 1, decks)
    out[#out + 1] = bounded("remote Payments", cnt["payment.remote"] or 0, done("payment"), 14, 16, 15, decks)
  else
    out[#out + 1] = line("remote order-lines / Payments", 0, "%", "n/a with 1 warehouse (2.4.1.5.2, 2.5.1.2)")
  end
  local by_name = (cnt["payment.by_name"] or 0) + (cnt["order_status.by_name"] or 0)
  out[#out + 1] = bounded("customers by last name", by_name, done("payment") + done("order_status"), 57, 63, 60, decks)

  -- Delivery: skipped districts (2.7.4.2, 5.4.5) and the deferred-execution limit (2.7.2.2).
  local skipped = cnt["delivery.skipped_districts"] or 0
  if skipped > 0 then
    out[#out + 1] = line("delivery skipped districts", skipped, "", "districts with no NEW-ORDER row (2.7.4.2)")
  end
  if opt.deferred_delivery then
    local d, in80 = cnt["delivery.deferred_done"] or 0, cnt["delivery.deferred_in_80s"] or 0
    if d > 0 then
      out[#out + 1] = line("deferred Delivery <= 80 s", 100 * in80 / d, "%",
        string.format("%d of %d completed within 80 s of queueing; >= 90%% required (2.7.2.2); mean wait %.0f ms",
                      in80, d, (cnt["delivery.deferred_wait_ms"] or 0) / d), 100 * in80 / d >= const.DEFERRED_MIN_PCT)
    else
      out[#out + 1] = line("deferred Delivery <= 80 s", 0, "%", "no deferred Delivery completed in the measurement")
    end
  end
  if (cnt["verify.order_status_bad"] or 0) + (cnt["verify.order_status_ok"] or 0) > 0 then
    local bad = cnt["verify.order_status_bad"] or 0
    out[#out + 1] = line("Order-Status verified", cnt["verify.order_status_ok"] or 0, "",
      string.format("%d mismatches with an independent query (--verify)", bad), bad == 0)
  end
  return out
end

return M
