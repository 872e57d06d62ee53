-- The five TPC-C transactions (clauses 2.4-2.8) as prepared statements, per-terminal state and the deferred Delivery queue.
--
-- Locking (READ COMMITTED by default): every row a transaction updates is locked by the UPDATE
-- itself (or SELECT ... FOR UPDATE for NEW-ORDER rows in Delivery) before its value is used,
-- so no lost update is possible. Lock order is fixed to avoid deadlocks: New-Order locks its
-- district, then stock rows in (S_W_ID, S_I_ID) order; Payment locks warehouse, district,
-- customer; Delivery goes through districts 1..10. 40001/40P01 (REPEATABLE READ / SERIALIZABLE
-- or a residual deadlock) are retried by the engine with the *same* inputs (see with_inputs).
local const = require("tpcc.const")
local stormdb = require("stormdb")
local ffi = require("ffi")

local floor, ceil, concat, format = math.floor, math.ceil, table.concat, string.format

local M = {}

-- Deferred Delivery queue of this thread (2.7.2). Every thread has its own Lua state, so this
-- module table is shared by exactly the terminals and delivery workers of one thread.
local queue = { head = 1, tail = 0 }

-- --delivery-results: this thread's handle on the Delivery result file (2.7.2.3), opened in
-- append mode by every thread; each record is one write of one line, so threads never interleave.
local results_file

-- Wall-clock time in µs for the result file (stormdb.now() is monotonic, not a date).
pcall(ffi.cdef, "typedef struct { long sec; long usec; } tpcc_timeval; int gettimeofday(tpcc_timeval *tv, void *tz);")
local tv = ffi.new("tpcc_timeval")
local function wall_us()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.sec) * 1e6 + tonumber(tv.usec)
end
local function iso_time(us)
  local sec = floor(us / 1e6)
  return os.date("!%Y-%m-%dT%H:%M:%S", sec) .. format(".%03dZ", floor((us - sec * 1e6) / 1000))
end

local SQL = {
  -- New-Order (2.4.2.2). The customer/warehouse read is the spec's own join (Appendix A.1).
  no_cust_wh = [[SELECT c_discount, c_last, c_credit, w_tax FROM customer, warehouse
                 WHERE w_id = $1 AND c_w_id = w_id AND c_d_id = $2 AND c_id = $3]],
  -- Reads D_TAX and D_NEXT_O_ID and increments it in one statement, holding the district row
  -- lock to commit: that lock serialises O_ID assignment per district.
  no_district = [[UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = $1 AND d_id = $2
                  RETURNING d_tax, d_next_o_id - 1 AS o_id]],
  no_ins_order = [[INSERT INTO orders (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_carrier_id, o_ol_cnt, o_all_local)
                   VALUES ($1, $2, $3, $4, current_timestamp, NULL, $5, $6)]],
  no_ins_new_order = [[INSERT INTO new_order (no_o_id, no_d_id, no_w_id) VALUES ($1, $2, $3)]],
  no_items = [[SELECT i_id, i_price, i_name, i_data FROM item WHERE i_id = ANY ($1::int[])]],
  -- Stock update rule of 2.4.2.2: S_QUANTITY - qty if that leaves >= 10, else + 91 - qty
  -- (the CASE reads the old value). The UPDATE takes the row lock and returns S_DATA and the
  -- district's S_DIST_xx, so select-for-update and update are one round trip.
  no_stock = [[UPDATE stock SET
                 s_quantity = CASE WHEN s_quantity >= $3::int + 10 THEN s_quantity - $3::int
                                   ELSE s_quantity - $3::int + 91 END,
                 s_ytd = s_ytd + $3::int, s_order_cnt = s_order_cnt + 1, s_remote_cnt = s_remote_cnt + $4::int
               WHERE s_i_id = $1 AND s_w_id = $2
               RETURNING s_quantity, s_data,
                 CASE $5::int WHEN 1 THEN s_dist_01 WHEN 2 THEN s_dist_02 WHEN 3 THEN s_dist_03
                   WHEN 4 THEN s_dist_04 WHEN 5 THEN s_dist_05 WHEN 6 THEN s_dist_06 WHEN 7 THEN s_dist_07
                   WHEN 8 THEN s_dist_08 WHEN 9 THEN s_dist_09 ELSE s_dist_10 END AS s_dist]],
  -- All order lines of the order in one INSERT (arrays in line order).
  no_ins_lines = [[INSERT INTO order_line (ol_o_id, ol_d_id, ol_w_id, ol_number, ol_i_id, ol_supply_w_id,
                     ol_delivery_d, ol_quantity, ol_amount, ol_dist_info)
                   SELECT $1, $2, $3, u.n, u.i, u.s, NULL, u.q, u.a, u.dist
                   FROM unnest($4::int[], $5::int[], $6::int[], $7::int[], $8::numeric[], $9::text[])
                        AS u(n, i, s, q, a, dist)]],

  -- Payment (2.5.2.2): each UPDATE locks the row it changes and returns what the screen shows.
  pay_wh = [[UPDATE warehouse SET w_ytd = w_ytd + $2::numeric WHERE w_id = $1
             RETURNING w_name, w_street_1, w_street_2, w_city, w_state, w_zip]],
  pay_district = [[UPDATE district SET d_ytd = d_ytd + $3::numeric WHERE d_w_id = $1 AND d_id = $2
                   RETURNING d_name, d_street_1, d_street_2, d_city, d_state, d_zip]],
  cust_by_name = [[SELECT c_id FROM customer WHERE c_w_id = $1 AND c_d_id = $2 AND c_last = $3
                   ORDER BY c_first]],
  -- BC credit: C_ID, C_D_ID, C_W_ID, D_ID, W_ID and H_AMOUNT are inserted at the left of C_DATA,
  -- which is truncated to 500 characters; the first 200 are displayed (2.5.2.2).
  pay_cust = [[UPDATE customer SET c_balance = c_balance - $4::numeric,
                 c_ytd_payment = c_ytd_payment + $4::numeric, c_payment_cnt = c_payment_cnt + 1,
                 c_data = CASE WHEN c_credit = 'BC'
                   THEN left(format('%s %s %s %s %s %s|', c_id, c_d_id, c_w_id, $5::int, $6::int, $4::numeric) || c_data, 500)
                   ELSE c_data END
               WHERE c_w_id = $1 AND c_d_id = $2 AND c_id = $3
               RETURNING c_first, c_middle, c_last, c_street_1, c_street_2, c_city, c_state, c_zip, c_phone,
                 c_since, c_credit, c_credit_lim, c_discount, c_balance,
                 CASE WHEN c_credit = 'BC' THEN left(c_data, 200) END AS c_data]],
  pay_history = [[INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data)
                  VALUES ($1, $2, $3, $4, $5, current_timestamp, $6, $7)]],

  -- Order-Status (2.6.2.2): the customer, its most recent order, that order's lines.
  os_cust_by_name = [[SELECT c_id, c_balance, c_first, c_middle, c_last FROM customer
                      WHERE c_w_id = $1 AND c_d_id = $2 AND c_last = $3 ORDER BY c_first]],
  os_cust_by_id = [[SELECT c_id, c_balance, c_first, c_middle, c_last FROM customer
                    WHERE c_w_id = $1 AND c_d_id = $2 AND c_id = $3]],
  os_last_order = [[SELECT o_id, o_entry_d, o_carrier_id FROM orders
                    WHERE o_w_id = $1 AND o_d_id = $2 AND o_c_id = $3 ORDER BY o_id DESC LIMIT 1]],
  os_lines = [[SELECT ol_o_id, ol_i_id, ol_supply_w_id, ol_quantity, ol_amount, ol_delivery_d FROM order_line
               WHERE ol_w_id = $1 AND ol_d_id = $2 AND ol_o_id = $3]],
  -- --verify: the same answer computed differently (max() instead of ORDER BY ... LIMIT 1,
  -- aggregates instead of rows), compared with what Order-Status read.
  os_verify = [[SELECT o.o_id, o.o_ol_cnt,
                  (SELECT count(*) FROM order_line l WHERE l.ol_w_id = o.o_w_id AND l.ol_d_id = o.o_d_id
                     AND l.ol_o_id = o.o_id) AS n,
                  (SELECT coalesce(sum(l.ol_i_id * 100 + l.ol_quantity), 0) FROM order_line l
                     WHERE l.ol_w_id = o.o_w_id AND l.ol_d_id = o.o_d_id AND l.ol_o_id = o.o_id) AS digest
                FROM orders o WHERE o.o_w_id = $1 AND o.o_d_id = $2
                  AND o.o_id = (SELECT max(o_id) FROM orders WHERE o_w_id = $1 AND o_d_id = $2 AND o_c_id = $3)]],

  -- Delivery (2.7.4.2). FOR UPDATE on the oldest NEW-ORDER row: a concurrent Delivery of the
  -- same district waits, then (READ COMMITTED) skips the row it deleted and takes the next.
  dl_oldest = [[SELECT no_o_id FROM new_order WHERE no_w_id = $1 AND no_d_id = $2
                ORDER BY no_o_id LIMIT 1 FOR UPDATE]],
  dl_order = [[WITH del AS (DELETE FROM new_order WHERE no_w_id = $1 AND no_d_id = $2 AND no_o_id = $3)
               UPDATE orders SET o_carrier_id = $4 WHERE o_w_id = $1 AND o_d_id = $2 AND o_id = $3
               RETURNING o_c_id]],
  -- OL_DELIVERY_D = now on every line, C_BALANCE += sum(OL_AMOUNT), C_DELIVERY_CNT + 1; the
  -- sum never leaves the server, so the balance stays exact numeric.
  dl_lines_cust = [[WITH ol AS (UPDATE order_line SET ol_delivery_d = current_timestamp
                                WHERE ol_w_id = $1 AND ol_d_id = $2 AND ol_o_id = $3 RETURNING ol_amount)
                    UPDATE customer SET c_balance = c_balance + (SELECT coalesce(sum(ol_amount), 0) FROM ol),
                      c_delivery_cnt = c_delivery_cnt + 1
                    WHERE c_w_id = $1 AND c_d_id = $2 AND c_id = $4]],

  -- Stock-Level (2.8.2.2): distinct items of the district's last 20 orders below the threshold.
  sl_next_o = [[SELECT d_next_o_id FROM district WHERE d_w_id = $1 AND d_id = $2]],
  sl_low = [[SELECT count(DISTINCT s_i_id) FROM order_line, stock
             WHERE ol_w_id = $1 AND ol_d_id = $2 AND ol_o_id < $3 AND ol_o_id >= $3 - 20
               AND s_w_id = $1 AND s_i_id = ol_i_id AND s_quantity < $4]],
}

-- ---- per-terminal state --------------------------------------------------------------------

-- Percentage draws (x, y, rbk of 2.4.1.4, 2.4.1.5.2, 2.5.1.2, 2.6.1.2) are random numbers in
-- [1 .. 100]. With --input-decks (default) each comes from the terminal's own shuffled deck of
-- the 100 values, one deck per purpose, like the 5.2.4.2 card deck for the mix: every value is
-- still uniform on [1 .. 100], but every 100 draws hold each value once, so even a short run
-- meets the 5.5.1.5 input-variability bounds. --input-decks=false draws independently.
local function draw_pct(st, purpose, rand)
  if not st.decks then return rand:uniform(1, 100) end
  local deck = st.decks[purpose]
  if not deck then
    deck = { pos = 101 }
    for i = 1, 100 do deck[i] = i end
    st.decks[purpose] = deck
  end
  if deck.pos > 100 then
    for i = 100, 2, -1 do
      local j = rand:uniform(1, i)
      deck[i], deck[j] = deck[j], deck[i]
    end
    deck.pos = 1
  end
  local v = deck[deck.pos]
  deck.pos = deck.pos + 1
  return v
end

-- A warehouse other than w, uniform over the W - 1 others (2.4.1.5.2, 2.5.1.2).
local function other_warehouse(rand, w, W)
  local o = rand:uniform(1, W - 1)
  return o >= w and o + 1 or o
end

-- Home warehouses of terminal t (0-based) of T over W warehouses. With T >= W terminal t is bound
-- to warehouse t mod W + 1 for the whole run (2.4.1.1). With fewer terminals than warehouses no
-- fixed binding reaches every warehouse, so terminal t takes turns over warehouses t+1, t+1+T,
-- t+1+2T ... (one per business transaction): every warehouse gets a terminal's work.
function M.homes(t, T, W)
  local homes = {}
  if T >= W then
    homes[1] = t % W + 1
  else
    for w = t + 1, W, T do homes[#homes + 1] = w end
    if #homes == 0 then homes[1] = t % W + 1 end   -- a background worker (client id >= T)
  end
  return homes
end

-- Binds the terminal to its next home warehouse and Stock-Level district; called once per new
-- business transaction (never on a retry). Stock-Level's district is unique per warehouse while
-- there are at most 10 terminals per warehouse (2.8.1.1); a terminal taking turns over several
-- warehouses also moves to the next district after each round, so all districts get Stock-Levels.
local function next_home(st)
  local n = #st.homes
  if n == 1 and st.w then return end
  local turn = st.turn
  st.turn = turn + 1
  st.w = st.homes[turn % n + 1]
  st.sl_district = (st.rank + floor(turn / n)) % const.DISTRICTS + 1
end

-- Opens the --delivery-results file: client 0 empties it and writes the header before the start
-- barrier (no record is written before it), then every thread appends.
local function open_results(ctx, path)
  if ctx.client_id == 0 and not ctx.background then
    local f, err = io.open(path, "w")
    if not f then error("--delivery-results: cannot write " .. tostring(err), 0) end
    f:write("# TPC-C Delivery result records (clause 2.7.2.3): queued completed W_ID O_CARRIER_ID " ..
            "D_ID:O_ID of each delivered order (D_ID:- for a district with no NEW-ORDER row)\n")
    f:close()
  end
  if not results_file then
    local f, err = io.open(path, "a")
    if not f then error("--delivery-results: cannot write " .. tostring(err), 0) end
    f:setvbuf("full")
    results_file = f
  end
end

-- Reads the scale and C constants stored by prepare, prepares every statement, binds the
-- terminal to its home warehouse(s) and Stock-Level district (2.4.1.1, 2.8.1.1).
function M.init(ctx)
  local db, opt = ctx.db, ctx.opt
  local ok, meta = pcall(db.row, db, "SELECT warehouses, c_load, c_run FROM tpcc_meta")
  if not ok or not meta then
    error("the database holds no TPC-C data (table tpcc_meta missing or empty): run " ..
          "`stormdb prepare workloads/tpcc.lua --warehouses N` first" ..
          (ok and "" or (" (" .. tostring(meta) .. ")")), 0)
  end
  if meta.warehouses ~= opt.warehouses then
    error(format("the database holds %d warehouses but --warehouses is %d: pass --warehouses %d",
                 meta.warehouses, opt.warehouses, meta.warehouses), 0)
  end
  for name, sql in pairs(SQL) do db:prepare(name, sql) end
  local W = meta.warehouses
  if opt.delivery_results ~= "" then open_results(ctx, opt.delivery_results) end
  local st = {
    W = W,
    homes = M.homes(ctx.client_id, ctx.clients, W),
    rank = floor(ctx.client_id / W),   -- this terminal's rank among its warehouse's terminals
    turn = 0,
    c_run = meta.c_run,
    iso = const.ISOLATION[opt.isolation],
    think = opt.think,
    pacing_scale = opt.pacing_scale,
    deferred = opt.deferred_delivery,
    verify = opt.verify,
    decks = opt.input_decks and {} or nil,
    pending = {},
  }
  next_home(st)
  ctx.tpcc = st
end

-- Runs body(ctx, st, inputs) with inputs from make(ctx, st), keeping the inputs when the body
-- raises 40001/40P01 so the engine's retry replays the same business transaction instead of
-- drawing new inputs (a retry is the same terminal input, 5.2.5.3). Only a retry reuses them:
-- ctx.try is 1 on every first try, so inputs whose 40001 outlasted --max-tries (a final failure)
-- are dropped, never replayed by the terminal's next transaction.
local function with_inputs(ctx, name, make, body)
  local st = ctx.tpcc
  local inp = st.pending[name]
  if not inp or (ctx.try or 1) == 1 then
    next_home(st)
    inp = make(ctx, st)
    st.pending[name] = inp
  end
  local ok, err = pcall(body, ctx, st, inp)
  if not ok then
    local s = stormdb.is_error(err) and err.sqlstate
    if s ~= "40001" and s ~= "40P01" then st.pending[name] = nil end
    error(err, 0)
  end
  st.pending[name] = nil
  -- Think time (5.2.5.4) after the transaction, outside its measured response time; the keying
  -- time (5.2.5.2) comes before it, from workload.keying.
  if st.think then
    local mu = const.THINK_MEAN_S[name] * 1000 * st.pacing_scale
    local think = -math.log(1 - ctx.rand:random()) * mu   -- r in (0, 1]
    if think > 10 * mu then think = 10 * mu end            -- truncation at 10 x mean (5.2.5.4)
    ctx:think(think)
  end
end

-- ---- helpers -------------------------------------------------------------------------------

local function money(cents) return format("%d.%02d", floor(cents / 100), cents % 100) end

-- PostgreSQL array literal of numbers or of (quoted) strings.
local function int_array(t) return "{" .. concat(t, ",") .. "}" end
local function text_array(t)
  local q = {}
  for i, s in ipairs(t) do q[i] = '"' .. s:gsub('[\\"]', "\\%0") .. '"' end
  return "{" .. concat(q, ",") .. "}"
end

-- Customer selection shared by Payment and Order-Status (2.5.1.2, 2.6.1.2): 60% by last name
-- (NURand(255, 0, 999) with C-Run), else by number (NURand(1023, 1, 3000)).
local function pick_customer(ctx, st, purpose)
  local r = ctx.rand
  if draw_pct(st, purpose, r) <= 60 then
    return nil, const.last_name(r:nurand(const.A_C_LAST, 0, 999, st.c_run))
  end
  return r:nurand(const.A_C_ID, 1, const.CUSTOMERS), nil
end

-- ---- New-Order (2.4) -------------------------------------------------------------------------

local function new_order_inputs(ctx, st)
  local r, w, W = ctx.rand, st.w, st.W
  local inp = { d = r:uniform(1, 10), c = r:nurand(const.A_C_ID, 1, const.CUSTOMERS),
                n = r:uniform(5, 15), items = {}, supply = {}, qty = {}, remote = 0 }
  local rbk = draw_pct(st, "rbk", r)                          -- 2.4.1.4
  for i = 1, inp.n do
    inp.items[i] = r:nurand(const.A_OL_I_ID, 1, const.ITEMS)  -- 2.4.1.5.1
    local sw = w
    -- 2.4.1.5.2: x = 1 (1%) supplies the line from another warehouse, when there is one.
    if draw_pct(st, "ol_remote", r) == 1 and W > 1 then
      sw = other_warehouse(r, w, W)
      inp.remote = inp.remote + 1
    end
    inp.supply[i] = sw
    inp.qty[i] = r:uniform(1, 10)                              -- 2.4.1.5.3
  end
  -- 2.4.1.5.1: with rbk = 1 the *last* item is an unused I_ID, found missing after the valid
  -- lines were processed (2.4.2.3), which rolls the transaction back.
  if rbk == 1 then inp.items[inp.n] = const.UNUSED_ITEM end
  -- Lock order for the stock rows: (S_W_ID, S_I_ID), so two New-Orders never deadlock.
  inp.order = {}
  for i = 1, inp.n do inp.order[i] = i end
  table.sort(inp.order, function(a, b)
    if inp.supply[a] ~= inp.supply[b] then return inp.supply[a] < inp.supply[b] end
    if inp.items[a] ~= inp.items[b] then return inp.items[a] < inp.items[b] end
    return a < b
  end)
  inp.item_array = int_array(inp.items)
  return inp
end

local function new_order_body(ctx, st, inp)
  local db, w, d = ctx.db, st.w, inp.d
  db:begin(st.iso)
  local c_discount, _, _, w_tax = db:values("no_cust_wh", w, d, inp.c)
  local d_tax, o_id = db:values("no_district", w, d)
  db:exec("no_ins_order", o_id, d, w, inp.c, inp.n, inp.remote == 0 and 1 or 0)
  db:exec("no_ins_new_order", o_id, d, w)
  local found = {}
  for _, it in ipairs(db:query("no_items", inp.item_array)) do found[it.i_id] = it end
  local dist, cents, brand, missing = {}, {}, {}, false
  for _, k in ipairs(inp.order) do
    local it = found[inp.items[k]]
    if it then
      local sw = inp.supply[k]
      local _, s_data, s_dist = db:values("no_stock", inp.items[k], sw, inp.qty[k], sw ~= w and 1 or 0, d)
      dist[k] = s_dist
      cents[k] = inp.qty[k] * floor(it.i_price * 100 + 0.5)    -- OL_AMOUNT = OL_QUANTITY * I_PRICE
      -- brand-generic: "B" when both I_DATA and S_DATA hold "ORIGINAL" (2.4.2.2; display only)
      brand[k] = (it.i_data:find("ORIGINAL", 1, true) and s_data:find("ORIGINAL", 1, true)) and "B" or "G"
    else
      missing = true
    end
  end
  local nums, ids, sws, qtys, amounts, dists, total = {}, {}, {}, {}, {}, {}, 0
  for k = 1, inp.n do
    if cents[k] then
      local j = #nums + 1
      nums[j], ids[j], sws[j], qtys[j] = k, inp.items[k], inp.supply[k], inp.qty[k]
      amounts[j], dists[j] = money(cents[k]), dist[k]
      total = total + cents[k]
    end
  end
  if #nums > 0 then
    db:exec("no_ins_lines", o_id, d, w, int_array(nums), int_array(ids), int_array(sws), int_array(qtys),
            int_array(amounts), text_array(dists))
  end
  if missing then
    ctx:rollback_by_design()          -- "Item number is not valid" (2.4.2.3)
  else
    db:commit()
  end
  -- total amount as displayed (2.4.3.3); computed for fidelity, not shown
  total = total / 100 * (1 - c_discount) * (1 + w_tax + d_tax)
  ctx:count("new_order.lines", inp.n)
  ctx:count("new_order.remote_lines", inp.remote)
end

function M.new_order(ctx)
  with_inputs(ctx, "new_order", new_order_inputs, new_order_body)
end

-- ---- Payment (2.5) ---------------------------------------------------------------------------

local function payment_inputs(ctx, st)
  local r = ctx.rand
  local inp = { d = r:uniform(1, 10), c_w = st.w }
  -- 2.5.1.2: x <= 85 pays at home; otherwise a random district of another warehouse.
  if draw_pct(st, "pay_remote", r) > 85 and st.W > 1 then
    inp.c_w = other_warehouse(r, st.w, st.W)
    inp.c_d = r:uniform(1, 10)
  else
    inp.c_d = inp.d
  end
  inp.c_id, inp.c_last = pick_customer(ctx, st, "pay_by_name")
  inp.amount = money(r:uniform(100, 500000))                 -- H_AMOUNT 1.00 .. 5,000.00 (2.5.1.3)
  return inp
end

local function payment_body(ctx, st, inp)
  local db, w = ctx.db, st.w
  db:begin(st.iso)
  local w_name = db:value("pay_wh", w, inp.amount)
  local d_name = db:value("pay_district", w, inp.d, inp.amount)
  local c_id = inp.c_id
  if not c_id then
    -- by last name: the row at position ceil(n / 2) of the matches sorted by C_FIRST (2.5.2.2)
    local rows = db:query("cust_by_name", inp.c_w, inp.c_d, inp.c_last)
    if #rows == 0 then error("no customer named " .. inp.c_last .. " in district " .. inp.c_d) end
    c_id = rows[ceil(#rows / 2)].c_id
  end
  db:row("pay_cust", inp.c_w, inp.c_d, c_id, inp.amount, inp.d, w)
  -- H_DATA = W_NAME, 4 spaces, D_NAME (2.5.2.2)
  db:exec("pay_history", c_id, inp.c_d, inp.c_w, inp.d, w, inp.amount, w_name .. "    " .. d_name)
  db:commit()
  if inp.c_w ~= w then ctx:count("payment.remote") end
  if inp.c_last then ctx:count("payment.by_name") end
end

function M.payment(ctx)
  with_inputs(ctx, "payment", payment_inputs, payment_body)
end

-- ---- Order-Status (2.6) ----------------------------------------------------------------------

local function order_status_inputs(ctx, st)
  local inp = { d = ctx.rand:uniform(1, 10) }
  inp.c_id, inp.c_last = pick_customer(ctx, st, "os_by_name")
  return inp
end

-- --verify: compares what Order-Status read with an independent query in the same snapshot.
local function verify_order_status(ctx, st, d, c_id, o_id, lines)
  local v = ctx.db:row("os_verify", st.w, d, c_id)
  local digest = 0
  for _, l in ipairs(lines) do digest = digest + l.ol_i_id * 100 + l.ol_quantity end
  local good = v and v.o_id == o_id and v.n == #lines and v.o_ol_cnt == #lines and v.digest == digest
  for _, l in ipairs(lines) do good = good and l.ol_o_id == o_id end
  if good then
    ctx:count("verify.order_status_ok")
  else
    ctx:count("verify.order_status_bad")
    ctx:log("Order-Status mismatch: w=%d d=%d c=%d read o_id=%s with %d lines; expected o_id=%s with %s lines",
            st.w, d, c_id, tostring(o_id), #lines, tostring(v and v.o_id), tostring(v and v.n))
  end
end

local function order_status_body(ctx, st, inp)
  local db, w, d = ctx.db, st.w, inp.d
  -- --verify needs one snapshot for both reads; otherwise the chosen isolation level.
  db:begin(st.verify and "ISOLATION LEVEL REPEATABLE READ READ ONLY" or st.iso)
  local c
  if inp.c_last then
    local rows = db:query("os_cust_by_name", w, d, inp.c_last)
    c = rows[ceil(#rows / 2)]                                 -- ceil(n / 2) by C_FIRST (2.6.2.2)
  else
    c = db:row("os_cust_by_id", w, d, inp.c_id)
  end
  if not c then error(format("customer not found: w=%d d=%d %s", w, d, inp.c_last or tostring(inp.c_id))) end
  local o_id = db:values("os_last_order", w, d, c.c_id)
  local lines = db:query("os_lines", w, d, o_id)
  if st.verify then verify_order_status(ctx, st, d, c.c_id, o_id, lines) end
  db:commit()
  if inp.c_last then ctx:count("order_status.by_name") end
end

function M.order_status(ctx)
  with_inputs(ctx, "order_status", order_status_inputs, order_status_body)
end

-- ---- Delivery (2.7) --------------------------------------------------------------------------

-- One Delivery business transaction as one database transaction over the 10 districts
-- (2.7.4.1 allows 1..10). Counts the districts skipped for want of a NEW-ORDER row; with
-- --delivery-results writes the result record of 2.7.2.3 (queued_wall: wall-clock µs of the
-- queueing; nil for a Delivery run by the terminal itself, which is queued as it starts).
local function deliver(ctx, st, w, carrier, queued_wall)
  local db = ctx.db
  if results_file and not queued_wall then queued_wall = wall_us() end
  db:begin(st.iso)
  local skipped, delivered = 0, {}
  for d = 1, const.DISTRICTS do
    local no_o_id = db:value("dl_oldest", w, d)
    if no_o_id then
      local c_id = db:value("dl_order", w, d, no_o_id, carrier)
      db:exec("dl_lines_cust", w, d, no_o_id, c_id)
      delivered[d] = d .. ":" .. no_o_id
    else
      skipped = skipped + 1                                   -- reported (2.7.4.2, 5.4.5)
      delivered[d] = d .. ":-"
    end
  end
  db:commit()
  if skipped > 0 then ctx:count("delivery.skipped_districts", skipped) end
  if results_file then
    results_file:write(format("%s %s %d %d %s\n", iso_time(queued_wall), iso_time(wall_us()), w,
                              carrier, concat(delivered, " ")))
    results_file:flush()
  end
end

local function delivery_inputs(ctx, st)
  return { carrier = ctx.rand:uniform(1, 10) }                -- O_CARRIER_ID 1..10 (2.7.1.2)
end

local function delivery_body(ctx, st, inp)
  if st.deferred then
    -- 2.7.2: the terminal only queues the request; a delivery worker of this thread runs it.
    queue.tail = queue.tail + 1
    queue[queue.tail] = { w = st.w, carrier = inp.carrier, queued_us = stormdb.now(),
                          queued_wall = results_file and wall_us() or nil }
    ctx:count("delivery.queued")
  else
    deliver(ctx, st, st.w, inp.carrier)
  end
end

function M.delivery(ctx)
  with_inputs(ctx, "delivery", delivery_inputs, delivery_body)
end

-- Executes one queued Delivery; records queue -> completion time (2.7.2.2: 90% within 80 s).
local function deferred_delivery(ctx, req)
  deliver(ctx, ctx.tpcc, req.w, req.carrier, req.queued_wall)
  if req.unfinished then return end   -- still running when the measurement ended: counted as unfinished
  local wait_ms = (stormdb.now() - req.queued_us) / 1000
  ctx:count("delivery.deferred_done")
  ctx:count("delivery.deferred_wait_ms", wait_ms)
  if wait_ms <= const.DEFERRED_LIMIT_S * 1000 then ctx:count("delivery.deferred_in_80s") end
end

-- Background worker (workload.background): drains this thread's queue until the run ends. A
-- Delivery that failed is recorded as a failed delivery_deferred transaction.
function M.delivery_worker(ctx)
  if not ctx.opt.deferred_delivery then return end
  while not ctx:stopping() do
    if queue.head <= queue.tail then
      local req = queue[queue.head]
      queue[queue.head] = nil
      queue.head = queue.head + 1
      queue.current = req
      ctx:transaction("delivery_deferred", deferred_delivery, req)
      queue.current = nil
    else
      ctx:sleep(5)
    end
  end
end

-- client_done of a terminal: the first terminal of a thread to end counts what is unfinished:
-- still queued (the worker takes nothing once the run is stopping, and no terminal queues any
-- more) or still running in the worker (marked, so that its completion is not also counted as
-- done), with how many had already waited over 80 s. The summary counts them against the
-- 90 %-within-80 s rule. Counted here, not in the worker: client_done lands in the measured
-- time, a worker's counts after its loop come too late to be recorded.
function M.done(ctx)
  if ctx.background or not ctx.opt.deferred_delivery or queue.counted then return end
  queue.counted = true
  local now, late, left = stormdb.now(), 0, {}
  for i = queue.head, queue.tail do left[#left + 1] = queue[i] end
  if queue.current then
    queue.current.unfinished = true
    left[#left + 1] = queue.current
  end
  for _, req in ipairs(left) do
    if now - req.queued_us > const.DEFERRED_LIMIT_S * 1e6 then late = late + 1 end
  end
  ctx:count("delivery.unfinished", #left)
  ctx:count("delivery.unfinished_over_80s", late)
end

-- ---- Stock-Level (2.8) -----------------------------------------------------------------------

local function stock_level_inputs(ctx, st)
  return { threshold = ctx.rand:uniform(10, 20) }             -- 2.8.1.2
end

local function stock_level_body(ctx, st, inp)
  local db, w, d = ctx.db, st.w, st.sl_district
  -- 2.8.2.3 relaxes Stock-Level's isolation: READ COMMITTED whatever --isolation says.
  db:begin("ISOLATION LEVEL READ COMMITTED READ ONLY")
  local next_o = db:value("sl_next_o", w, d)
  db:value("sl_low", w, d, next_o, inp.threshold)
  db:commit()
end

function M.stock_level(ctx)
  with_inputs(ctx, "stock_level", stock_level_inputs, stock_level_body)
end

return M
