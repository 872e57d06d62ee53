-- Feeds crafted results to the TPC-C summary (workloads/tpcc/report.lua) to test its verdicts on runs too long to make in CI.
--
-- Run with STORMDB_PATH=<repo>/workloads so that require("tpcc.report") resolves. The run itself
-- does nothing; summary(r) returns the TPC-C lines of three made-up 10-minute measurements, each
-- line's name prefixed with its case:
--   over:   W = 1, 10 paced terminals, 13.5 New-Orders per minute every minute (105 %)
--   flat:   W = 1, 10 paced terminals, a constant 12.5 New-Orders per minute
--   rising: unpaced, New-Orders per second climbing from 100 to 199 over the interval
local report = require("tpcc.report")

workload = { name = "tpcc_report_probe", mix = { noop = 1 } }

function noop(ctx) end

-- A made-up result: `per_s(i)` New-Orders in second i of a 600 s measurement.
local function fake(think, clients, per_s)
  local intervals, total = {}, 0
  for i = 1, 600 do
    local n = per_s(i)
    total = total + n
    intervals[i] = { t_s = i, span_s = 1, types = { new_order = { count = n, committed = n, rolled_back = 0 } } }
  end
  local no = { count = total, committed = total, rolled_back = 0, failed = 0, retries = 0, p90_ms = 10 }
  return { elapsed_s = 600, warmup_s = 0, clients = clients, threads = 1, intervals = intervals, counters = {},
           opt = { warehouses = 1, think = think, selection = "deck", input_decks = true },
           types = { new_order = no } }
end

function summary(r)
  local cases = {
    over = fake(true, 10, function(i) return (i % 40 == 0 or i % 40 == 20) and 4.5 or 0 end),
    flat = fake(true, 10, function(i) return i % 6 == 0 and 1.25 or 0 end),
    rising = fake(false, 8, function(i) return 100 + math.floor(i / 6) end),
  }
  local out = {}
  for _, name in ipairs({ "over", "flat", "rising" }) do
    for _, l in ipairs(report.summary(cases[name])) do
      l.name = name .. ": " .. l.name
      out[#out + 1] = l
    end
  end
  return out
end
