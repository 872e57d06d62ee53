-- Constants of the TPC-C 5.11 specification shared by the loader, the transactions, the checks and the summary.
local M = {}

-- Cardinalities (clause 4.3.3.1 / 1.2.1).
M.ITEMS = 100000
M.DISTRICTS = 10                 -- per warehouse
M.CUSTOMERS = 3000               -- per district
M.ORDERS = 3000                  -- per district
M.NEW_ORDERS = 900               -- per district: the last 900 orders, O_ID 2101..3000
M.FIRST_UNDELIVERED = 2101       -- O_CARRIER_ID / OL_DELIVERY_D are null from this O_ID on
M.UNUSED_ITEM = M.ITEMS + 1      -- an I_ID that does not exist: the 1% rollback (2.4.1.5)

-- Rows loaded per warehouse, for progress/ETA (ORDER-LINE is 10 per order on average).
M.ROWS_PER_WAREHOUSE = 1 + 10 + 100000 + 30000 + 30000 + 30000 + 300000 + 9000

-- C_LAST syllables (4.3.2.3): the name of number n in 0..999 is the syllables of its three digits.
local SYLLABLES = { "BAR", "OUGHT", "ABLE", "PRI", "PRES", "ESE", "ANTI", "CALLY", "ATION", "EING" }
local last_names = {}
for n = 0, 999 do
  last_names[n] = SYLLABLES[math.floor(n / 100) + 1] .. SYLLABLES[math.floor(n / 10) % 10 + 1]
                  .. SYLLABLES[n % 10 + 1]
end
function M.last_name(n) return last_names[n] end

-- NURand A values (2.1.6).
M.A_C_LAST, M.A_C_ID, M.A_OL_I_ID = 255, 1023, 8191

-- 2.1.6.1: C-Run must differ from C-Load by a delta in [65 .. 119], excluding 96 and 112.
function M.valid_c_delta(delta)
  delta = math.abs(delta)
  return delta >= 65 and delta <= 119 and delta ~= 96 and delta ~= 112
end

-- Mix as a 23-card deck (5.2.4.2): 10 New-Order, 10 Payment, 1 each of the others.
M.MIX = { new_order = 10, payment = 10, order_status = 1, delivery = 1, stock_level = 1 }
M.TYPES = { "new_order", "payment", "order_status", "delivery", "stock_level" }

-- Minimum mix percentages (5.2.3); New-Order has none (its rate is the metric).
M.MIN_MIX_PCT = { payment = 43.0, order_status = 4.0, delivery = 4.0, stock_level = 4.0 }

-- Keying times in seconds (5.2.5.2) and mean think times in seconds (5.2.5.4).
M.KEYING_S = { new_order = 18, payment = 3, order_status = 2, delivery = 2, stock_level = 2 }
M.THINK_MEAN_S = { new_order = 12, payment = 12, order_status = 10, delivery = 5, stock_level = 5 }

-- 90th percentile response-time limits in seconds (5.2.5.3).
M.P90_LIMIT_S = { new_order = 5, payment = 5, order_status = 5, delivery = 5, stock_level = 20 }

-- Deferred Delivery (2.7.2.2 / 5.2.5.3): 90% must complete within 80 s of being queued.
M.DEFERRED_LIMIT_S = 80
M.DEFERRED_MIN_PCT = 90

-- Maximum tpmC per warehouse with spec pacing (4.2.2 / 5.4): 10 terminals per warehouse.
M.MAX_TPMC_PER_W = 12.86
M.TERMINALS_PER_W = 10

-- New-Orders per minute of one paced terminal with zero response times: the deck's 10 of 23
-- cards over the mean keying + think time of a card, (10x30 + 10x15 + 12 + 7 + 7) s / 23. Ten
-- terminals give 12.61 tpmC per warehouse, 98.0 % of 12.86: the steady-state ceiling of the deck.
local cycle_s = 0
for name, w in pairs(M.MIX) do cycle_s = cycle_s + w * (M.KEYING_S[name] + M.THINK_MEAN_S[name]) end
M.PACED_TPMC_PER_TERMINAL = 60 * M.MIX.new_order / cycle_s

-- Measurement interval (5.5): at least 120 minutes in steady state.
M.MIN_MEASURE_S = 120 * 60

-- Isolation option -> BEGIN argument (PostgreSQL spelling).
M.ISOLATION = {
  read_committed = "ISOLATION LEVEL READ COMMITTED",
  repeatable_read = "ISOLATION LEVEL REPEATABLE READ",
  serializable = "ISOLATION LEVEL SERIALIZABLE",
}

-- Tables in dependency order (children last).
M.TABLES = { "warehouse", "district", "customer", "history", "orders", "new_order",
             "order_line", "item", "stock" }

return M
