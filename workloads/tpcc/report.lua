-- TPC-C result lines for summary(r): tpmC, NOPM, TPM, efficiency, mix, response-time limits, input variability, deferred Delivery.
local const = require("tpcc.const")

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
