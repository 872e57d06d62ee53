-- TPC-C consistency conditions 1-12 (clause 3.3.2), run in parallel over warehouse ranges.
--
-- Design: check() empties the table tpcc_check_result (created by prepare, so it is recorded as
-- tpcc's and a user's table of that name is never touched) and runs ctx:parallel over --loaders
-- parts; part p takes a contiguous range of warehouses and runs each condition as one SQL
-- statement over that range, writing (condition, rows checked, rows violating, rows skipped,
-- one example) into the table. Parts run in other Lua states, so the database is where their
-- results meet; check() then sums them per condition and empties the table.
--
-- Condition 11 (count(ORDER) - count(NEW-ORDER) = 2100 per district) only holds until the first
-- Delivery of a district (New-Order adds one row to both tables, Delivery removes one NEW-ORDER
-- row). Delivery always takes the oldest NEW-ORDER row first, and the initial population's
-- oldest is O_ID 2,101, so a district has had no delivery exactly while NEW-ORDER still holds
-- its row 2,101: condition 11 is checked on those districts and the others are counted as skipped.
local const = require("tpcc.const")

local M = {}

local EX = "min(CASE WHEN bad THEN ex END)"   -- one (the smallest) example of a violation

-- Each statement takes ($1, $2) = first and last warehouse of the part and returns one row
-- (checked, bad, skipped, example).
M.CONDITIONS = {
  { id = 1, name = "3.3.2.1 W_YTD = sum(D_YTD)", unit = "warehouses", sql = [[
    SELECT count(*) AS checked, count(*) FILTER (WHERE bad) AS bad, 0 AS skipped, ]] .. EX .. [[ AS example
    FROM (SELECT w.w_ytd IS DISTINCT FROM d.s AS bad,
                 format('w=%s: w_ytd=%s sum(d_ytd)=%s', w.w_id, w.w_ytd, d.s) AS ex
          FROM warehouse w
          LEFT JOIN (SELECT d_w_id, sum(d_ytd) AS s FROM district WHERE d_w_id BETWEEN $1 AND $2
                     GROUP BY d_w_id) d ON d.d_w_id = w.w_id
          WHERE w.w_id BETWEEN $1 AND $2) x]] },

  { id = 2, name = "3.3.2.2 D_NEXT_O_ID - 1 = max(O_ID) = max(NO_O_ID)", unit = "districts", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT (d.d_next_o_id - 1) IS DISTINCT FROM mo OR (mno IS NOT NULL AND mno <> mo) AS bad,
                 format('w=%s d=%s: d_next_o_id-1=%s max(o_id)=%s max(no_o_id)=%s',
                        d.d_w_id, d.d_id, d.d_next_o_id - 1, mo, mno) AS ex
          FROM district d,
               LATERAL (SELECT max(o_id) AS mo FROM orders WHERE o_w_id = d.d_w_id AND o_d_id = d.d_id) o,
               LATERAL (SELECT max(no_o_id) AS mno FROM new_order
                        WHERE no_w_id = d.d_w_id AND no_d_id = d.d_id) n
          WHERE d.d_w_id BETWEEN $1 AND $2) x]] },

  { id = 3, name = "3.3.2.3 max(NO_O_ID) - min(NO_O_ID) + 1 = count(NEW-ORDER)", unit = "districts", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT n.cnt > 0 AND n.mx - n.mn + 1 <> n.cnt AS bad,
                 format('w=%s d=%s: max-min+1=%s count=%s', d.d_w_id, d.d_id, n.mx - n.mn + 1, n.cnt) AS ex
          FROM district d,
               LATERAL (SELECT max(no_o_id) AS mx, min(no_o_id) AS mn, count(*) AS cnt FROM new_order
                        WHERE no_w_id = d.d_w_id AND no_d_id = d.d_id) n
          WHERE d.d_w_id BETWEEN $1 AND $2) x]] },

  { id = 4, name = "3.3.2.4 sum(O_OL_CNT) = count(ORDER-LINE)", unit = "districts", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT o.s IS DISTINCT FROM l.n AS bad,
                 format('w=%s d=%s: sum(o_ol_cnt)=%s count(order_line)=%s', d.d_w_id, d.d_id, o.s, l.n) AS ex
          FROM district d,
               LATERAL (SELECT sum(o_ol_cnt) AS s FROM orders WHERE o_w_id = d.d_w_id AND o_d_id = d.d_id) o,
               LATERAL (SELECT count(*) AS n FROM order_line WHERE ol_w_id = d.d_w_id AND ol_d_id = d.d_id) l
          WHERE d.d_w_id BETWEEN $1 AND $2) x]] },

  { id = 5, name = "3.3.2.5 O_CARRIER_ID null <=> NEW-ORDER row exists", unit = "orders", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT (o.o_carrier_id IS NULL) <> (n.no_o_id IS NOT NULL) AS bad,
                 format('w=%s d=%s o=%s: o_carrier_id=%s new_order row=%s', o.o_w_id, o.o_d_id, o.o_id,
                        coalesce(o.o_carrier_id::text, 'null'), n.no_o_id IS NOT NULL) AS ex
          FROM orders o
          LEFT JOIN new_order n ON n.no_w_id = o.o_w_id AND n.no_d_id = o.o_d_id AND n.no_o_id = o.o_id
          WHERE o.o_w_id BETWEEN $1 AND $2) x]] },

  { id = 6, name = "3.3.2.6 O_OL_CNT = count(ORDER-LINE) per order", unit = "orders", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT o.o_ol_cnt IS DISTINCT FROM l.n AS bad,
                 format('w=%s d=%s o=%s: o_ol_cnt=%s lines=%s', o.o_w_id, o.o_d_id, o.o_id, o.o_ol_cnt,
                        coalesce(l.n, 0)) AS ex
          FROM orders o
          LEFT JOIN (SELECT ol_w_id, ol_d_id, ol_o_id, count(*) AS n FROM order_line
                     WHERE ol_w_id BETWEEN $1 AND $2 GROUP BY ol_w_id, ol_d_id, ol_o_id) l
                 ON l.ol_w_id = o.o_w_id AND l.ol_d_id = o.o_d_id AND l.ol_o_id = o.o_id
          WHERE o.o_w_id BETWEEN $1 AND $2) x]] },

  { id = 7, name = "3.3.2.7 OL_DELIVERY_D null <=> O_CARRIER_ID null", unit = "order lines", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT (l.ol_delivery_d IS NULL) <> (o.o_carrier_id IS NULL) AS bad,
                 format('w=%s d=%s o=%s line %s: ol_delivery_d=%s o_carrier_id=%s', l.ol_w_id, l.ol_d_id,
                        l.ol_o_id, l.ol_number, coalesce(l.ol_delivery_d::text, 'null'),
                        coalesce(o.o_carrier_id::text, 'null')) AS ex
          FROM order_line l
          JOIN orders o ON o.o_w_id = l.ol_w_id AND o.o_d_id = l.ol_d_id AND o.o_id = l.ol_o_id
          WHERE l.ol_w_id BETWEEN $1 AND $2) x]] },

  { id = 8, name = "3.3.2.8 W_YTD = sum(H_AMOUNT)", unit = "warehouses", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT w.w_ytd IS DISTINCT FROM h.s AS bad,
                 format('w=%s: w_ytd=%s sum(h_amount)=%s', w.w_id, w.w_ytd, h.s) AS ex
          FROM warehouse w
          LEFT JOIN (SELECT h_w_id, sum(h_amount) AS s FROM history WHERE h_w_id BETWEEN $1 AND $2
                     GROUP BY h_w_id) h ON h.h_w_id = w.w_id
          WHERE w.w_id BETWEEN $1 AND $2) x]] },

  { id = 9, name = "3.3.2.9 D_YTD = sum(H_AMOUNT)", unit = "districts", sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT d.d_ytd IS DISTINCT FROM h.s AS bad,
                 format('w=%s d=%s: d_ytd=%s sum(h_amount)=%s', d.d_w_id, d.d_id, d.d_ytd, h.s) AS ex
          FROM district d
          LEFT JOIN (SELECT h_w_id, h_d_id, sum(h_amount) AS s FROM history WHERE h_w_id BETWEEN $1 AND $2
                     GROUP BY h_w_id, h_d_id) h ON h.h_w_id = d.d_w_id AND h.h_d_id = d.d_id
          WHERE d.d_w_id BETWEEN $1 AND $2) x]] },

  -- 10 and 12 share the per-customer sums of delivered OL_AMOUNT and of H_AMOUNT.
  { id = 10, name = "3.3.2.10 C_BALANCE = sum(delivered OL_AMOUNT) - sum(H_AMOUNT)", unit = "customers",
    customer_sums = "c.c_balance <> coalesce(ol.s, 0) - coalesce(h.s, 0)",
    customer_ex = "format('w=%s d=%s c=%s: c_balance=%s sum(ol_amount)=%s sum(h_amount)=%s', " ..
                  "c.c_w_id, c.c_d_id, c.c_id, c.c_balance, coalesce(ol.s, 0), coalesce(h.s, 0))" },

  { id = 11, name = "3.3.2.11 count(ORDER) - count(NEW-ORDER) = 2100", unit = "districts", sql = [[
    SELECT count(*) FILTER (WHERE applies), count(*) FILTER (WHERE applies AND bad),
           count(*) FILTER (WHERE NOT applies), min(CASE WHEN applies AND bad THEN ex END)
    FROM (SELECT EXISTS (SELECT 1 FROM new_order WHERE no_w_id = d.d_w_id AND no_d_id = d.d_id
                         AND no_o_id = ]] .. const.FIRST_UNDELIVERED .. [[) AS applies,
                 o.n - n.n <> 2100 AS bad,
                 format('w=%s d=%s: count(orders)=%s count(new_order)=%s', d.d_w_id, d.d_id, o.n, n.n) AS ex
          FROM district d,
               LATERAL (SELECT count(*) AS n FROM orders WHERE o_w_id = d.d_w_id AND o_d_id = d.d_id) o,
               LATERAL (SELECT count(*) AS n FROM new_order WHERE no_w_id = d.d_w_id AND no_d_id = d.d_id) n
          WHERE d.d_w_id BETWEEN $1 AND $2) x]] },

  -- 3.3.2.12 asks for "randomly selected customers"; every customer is checked.
  { id = 12, name = "3.3.2.12 C_BALANCE + C_YTD_PAYMENT = sum(delivered OL_AMOUNT)", unit = "customers",
    customer_sums = "c.c_balance + c.c_ytd_payment <> coalesce(ol.s, 0)",
    customer_ex = "format('w=%s d=%s c=%s: c_balance+c_ytd_payment=%s sum(ol_amount)=%s', " ..
                  "c.c_w_id, c.c_d_id, c.c_id, c.c_balance + c.c_ytd_payment, coalesce(ol.s, 0))" },
}

-- Conditions 10 and 12: per customer, delivered order lines (OL_DELIVERY_D not null) of the
-- customer's orders, and H_AMOUNT of the payments made *by* the customer (H_C_* keys).
for _, c in ipairs(M.CONDITIONS) do
  if c.customer_sums then
    c.sql = [[
    SELECT count(*), count(*) FILTER (WHERE bad), 0, ]] .. EX .. [[
    FROM (SELECT ]] .. c.customer_sums .. [[ AS bad, ]] .. c.customer_ex .. [[ AS ex
          FROM customer c
          LEFT JOIN (SELECT o.o_w_id, o.o_d_id, o.o_c_id, sum(l.ol_amount) AS s
                     FROM orders o JOIN order_line l
                       ON l.ol_w_id = o.o_w_id AND l.ol_d_id = o.o_d_id AND l.ol_o_id = o.o_id
                     WHERE o.o_w_id BETWEEN $1 AND $2 AND l.ol_delivery_d IS NOT NULL
                     GROUP BY o.o_w_id, o.o_d_id, o.o_c_id) ol
                 ON ol.o_w_id = c.c_w_id AND ol.o_d_id = c.c_d_id AND ol.o_c_id = c.c_id
          LEFT JOIN (SELECT h_c_w_id, h_c_d_id, h_c_id, sum(h_amount) AS s FROM history
                     WHERE h_c_w_id BETWEEN $1 AND $2 GROUP BY h_c_w_id, h_c_d_id, h_c_id) h
                 ON h.h_c_w_id = c.c_w_id AND h.h_c_d_id = c.c_d_id AND h.h_c_id = c.c_id
          WHERE c.c_w_id BETWEEN $1 AND $2) x]]
  end
end

M.RESULT_DDL = [[
  CREATE UNLOGGED TABLE tpcc_check_result (
    cond integer NOT NULL, w_lo integer NOT NULL, w_hi integer NOT NULL,
    checked bigint NOT NULL, bad bigint NOT NULL, skipped bigint NOT NULL, example text)]]

-- Warehouses [lo, hi] of part p of n (contiguous ranges, sizes differing by at most one).
local function range(part, parts, warehouses)
  local base, extra = math.floor(warehouses / parts), warehouses % parts
  local lo = (part - 1) * base + math.min(part - 1, extra) + 1
  local hi = lo + base - 1 + (part <= extra and 1 or 0)
  return lo, hi
end

-- Body of one ctx:parallel part: every condition over this part's warehouses.
function M.part(ctx, part, parts, warehouses)
  local lo, hi = range(part, parts, warehouses)
  if hi < lo then return end
  local db = ctx.db
  -- Several conditions join hundreds of thousands of rows per warehouse; let them hash in memory.
  db:exec("SET work_mem = '64MB'")
  for _, c in ipairs(M.CONDITIONS) do
    local checked, bad, skipped, example = db:values(c.sql, lo, hi)
    db:exec("INSERT INTO tpcc_check_result VALUES ($1, $2, $3, $4, $5, $6, $7)",
            c.id, lo, hi, checked, bad, skipped, example)
  end
end

-- check(ctx): runs the parts (global function part_fn) and returns {name=, ok=, detail=} per
-- condition. A condition that checked no row at all fails, so an empty database cannot pass;
-- one whose every row was skipped (condition 11 once every district had a Delivery) could not
-- be checked: it is returned with checked = false ("not checked", never "passed").
function M.run(ctx, part_fn)
  local db = ctx.db
  local warehouses = db:value("SELECT warehouses FROM tpcc_meta")
  if not warehouses then error("tpcc_meta is empty: the database was not prepared by tpcc.lua", 0) end
  db:exec("TRUNCATE tpcc_check_result")
  ctx:parallel(nil, part_fn, warehouses)
  local sums = {}
  for _, r in ipairs(db:query([[SELECT cond, sum(checked) AS checked, sum(bad) AS bad, sum(skipped) AS skipped,
                                       min(example) AS example
                                FROM tpcc_check_result GROUP BY cond]])) do
    sums[r.cond] = r
  end
  db:exec("TRUNCATE tpcc_check_result")
  local out = {}
  for _, c in ipairs(M.CONDITIONS) do
    local r = sums[c.id] or { checked = 0, bad = 0, skipped = 0 }
    local detail
    local unchecked = r.checked == 0 and r.skipped > 0
    if unchecked then
      detail = string.format("could not be checked: all %d %s had a Delivery since the load (3.3.2.11 holds " ..
                             "only before the first Delivery)", r.skipped, c.unit)
    elseif r.bad > 0 then
      detail = string.format("%d of %d %s violate it, e.g. %s", r.bad, r.checked, c.unit, r.example or "?")
    else
      detail = string.format("all %d %s hold (%d warehouses)", r.checked, c.unit, warehouses)
    end
    if r.skipped > 0 and r.checked > 0 then
      detail = detail .. string.format("; %d %s skipped (delivered since the load: 3.3.2.11 " ..
                                       "holds only before the first Delivery)", r.skipped, c.unit)
    end
    out[#out + 1] = { name = c.name, ok = r.bad == 0 and r.checked > 0, checked = not unchecked, detail = detail }
  end
  return out
end

return M
