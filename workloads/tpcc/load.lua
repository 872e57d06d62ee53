-- TPC-C initial population (clause 4.3.3.1), streamed with COPY by parallel loader parts; ITEM and the big tables (STOCK, CUSTOMER, HISTORY, ORDERS, ORDER-LINE) come from the native plugin when it is built.
--
-- Determinism rule: every random value comes from an engine random stream (tpcc/rng.lua)
-- seeded from (data_seed, stream id), where data_seed is drawn once in prepare() from --seed
-- and the id depends only on the warehouse and the table (or the ITEM chunk). So the same
-- --seed loads the same values whatever --loaders is, and a warehouse's rows do not depend on
-- which part loads it. Only the timestamps (C_SINCE, O_ENTRY_D, H_DATE, OL_DELIVERY_D =
-- "current date/time" in 4.3.3.1) differ between loads.
--
-- The native generators (native/tpcc_native.c, plugin "tpcc_native") draw the same values from
-- the same streams in the same order as the Lua ones below: a seed gives identical rows either way.
--
-- Dealing: warehouse w goes to part ((w - 1) % parts) + 1; ITEM is cut into 10 chunks of 10,000
-- rows dealt the same way, so ITEM is loaded once and split over the parts.
local const = require("tpcc.const")
local rng = require("tpcc.rng")

local M = {}

local ITEM_CHUNKS = 10
local ITEM_CHUNK_ROWS = const.ITEMS / ITEM_CHUNKS

-- Sub-stream ids per warehouse: one per table, so each table's data is independent of the
-- others. O_OL_CNT has a stream of its own, drawn again by the ORDER-LINE pass.
local S_WAREHOUSE, S_DISTRICT, S_STOCK, S_CUSTOMER, S_HISTORY, S_ORDERS, S_OL_CNT, S_ORDER_LINE = 1, 2, 3, 4, 5, 6, 7, 8
local function stream(w, table_id) return w * 16 + table_id end
local KEYS = const.DISTRICTS * const.CUSTOMERS   -- keys of the per-district tables: (d - 1) * 3000 + c

-- The native plugin's object in this Lua state, when M.use_native chose it.
local native = nil

-- Picks the generator of the big tables: mode "lua", "native" (raises when the plugin is not
-- built) or "auto" (native when built). plugin is what stormdb.plugin returned (or nil).
-- Returns "native" or "lua".
function M.use_native(mode, plugin)
  if mode == "native" and not plugin then
    error("--loader=native: the tpcc_native plugin is not built (see stormdb plugin list); use --loader=lua", 0)
  end
  native = mode ~= "lua" and plugin or nil
  return native and "native" or "lua"
end

-- CPU seconds (user + system) this stormdb process has used so far, all threads (the loader
-- parts run on the workers): tools/bench/tpcc_load.sh divides the COPY step's rows by the
-- difference across it, the generator's cost with the server's share left out. nil where
-- /proc is not there. /proc/<pid>/stat counts in USER_HZ ticks (100 a second on Linux).
function M.client_cpu()
  local f = io.open("/proc/self/stat")
  if not f then return nil end
  local line = f:read("*l")
  f:close()
  -- Fields after the command name "(...)": state is field 3, utime 14 and stime 15.
  local utime, stime = line:match("%) %S+" .. string.rep(" %S+", 10) .. " (%d+) (%d+)")
  return utime and (tonumber(utime) + tonumber(stime)) / 100 or nil
end

-- Total rows for the progress line (ORDER-LINE counted at its mean of 10 per order).
function M.total_rows(warehouses)
  return const.ITEMS + warehouses * const.ROWS_PER_WAREHOUSE
end

-- 4.3.2.7: zip = random n-string of 4 digits followed by "11111".
local function zip(r) return r:nstring(4, 4) .. "11111" end

-- Street/city/state/zip as generated for WAREHOUSE, DISTRICT and CUSTOMER (4.3.3.1).
local function address(r)
  return r:astring(10, 20), r:astring(10, 20), r:astring(10, 20), r:state(), zip(r)
end

-- ITEM rows of one chunk (4.3.3.1): I_IM_ID 1..10,000, I_NAME a-string 14..24, I_PRICE
-- 1.00..100.00, I_DATA a-string 26..50 with "ORIGINAL" in 10% of rows.
local function load_item_chunk(ctx, data_seed, chunk)
  local first = (chunk - 1) * ITEM_CHUNK_ROWS + 1
  if native then
    return ctx:progress(native:copy(ctx.db, "item", data_seed, -chunk, first, first + ITEM_CHUNK_ROWS - 1))
  end
  local r = rng.new(data_seed, -chunk)
  local cp = ctx.db:copy("item (i_id, i_im_id, i_name, i_price, i_data)")
  for i_id = first, first + ITEM_CHUNK_ROWS - 1 do
    cp:row(i_id, r:uniform(1, 10000), r:astring(14, 24), r:uniform(100, 10000) / 100, r:data_string(26, 50))
  end
  ctx:progress(cp:finish())
end

local function load_warehouse_row(ctx, data_seed, w)
  local r = rng.new(data_seed, stream(w, S_WAREHOUSE))
  local cp = ctx.db:copy("warehouse (w_id, w_name, w_street_1, w_street_2, w_city, w_state, w_zip, w_tax, w_ytd)")
  local name = r:astring(6, 10)
  local s1, s2, city, state, z = address(r)
  -- W_TAX random 0.0000..0.2000; W_YTD = 300,000.00
  cp:row(w, name, s1, s2, city, state, z, r:uniform(0, 2000) / 10000, 300000)
  ctx:progress(cp:finish())
end

local function load_districts(ctx, data_seed, w)
  local r = rng.new(data_seed, stream(w, S_DISTRICT))
  local cp = ctx.db:copy("district (d_id, d_w_id, d_name, d_street_1, d_street_2, d_city, d_state, d_zip, " ..
                         "d_tax, d_ytd, d_next_o_id)")
  for d = 1, const.DISTRICTS do
    local name = r:astring(6, 10)
    local s1, s2, city, state, z = address(r)
    -- D_YTD = 30,000.00, D_NEXT_O_ID = 3,001
    cp:row(d, w, name, s1, s2, city, state, z, r:uniform(0, 2000) / 10000, 30000, const.ORDERS + 1)
  end
  ctx:progress(cp:finish())
end

-- STOCK (4.3.3.1): S_QUANTITY 10..100, S_DIST_xx a-string of 24, counters 0, S_DATA like I_DATA.
local function load_stock(ctx, data_seed, w)
  if native then
    return ctx:progress(native:copy(ctx.db, "stock", data_seed, stream(w, S_STOCK), 1, const.ITEMS, w))
  end
  local r = rng.new(data_seed, stream(w, S_STOCK))
  local cp = ctx.db:copy("stock (s_i_id, s_w_id, s_quantity, s_dist_01, s_dist_02, s_dist_03, s_dist_04, " ..
                         "s_dist_05, s_dist_06, s_dist_07, s_dist_08, s_dist_09, s_dist_10, s_ytd, " ..
                         "s_order_cnt, s_remote_cnt, s_data)")
  for i = 1, const.ITEMS do
    cp:row(i, w, r:uniform(10, 100),
      r:astring(24, 24), r:astring(24, 24), r:astring(24, 24), r:astring(24, 24), r:astring(24, 24),
      r:astring(24, 24), r:astring(24, 24), r:astring(24, 24), r:astring(24, 24), r:astring(24, 24),
      0, 0, 0, r:data_string(26, 50))
    if i % 20000 == 0 then ctx:progress(20000) end
  end
  cp:finish()
end

-- CUSTOMER (4.3.3.1): C_LAST from the syllables of c_id - 1 for the first 1,000 customers of a
-- district and of NURand(255, 0, 999) with C-Load for the rest (4.3.2.3, 2.1.6.1); C_MIDDLE "OE";
-- 10% "BC" credit chosen at random; C_CREDIT_LIM 50,000.00; C_DISCOUNT 0.0000..0.5000;
-- C_BALANCE -10.00; C_YTD_PAYMENT 10.00; C_PAYMENT_CNT 1; C_DELIVERY_CNT 0; C_DATA 300..500.
local function load_customers(ctx, data_seed, w, c_load, now)
  if native then
    return ctx:progress(native:copy(ctx.db, "customer", data_seed, stream(w, S_CUSTOMER), 1, KEYS, w, c_load, now))
  end
  local r = rng.new(data_seed, stream(w, S_CUSTOMER))
  local cp = ctx.db:copy("customer (c_id, c_d_id, c_w_id, c_first, c_middle, c_last, c_street_1, c_street_2, " ..
                         "c_city, c_state, c_zip, c_phone, c_since, c_credit, c_credit_lim, c_discount, " ..
                         "c_balance, c_ytd_payment, c_payment_cnt, c_delivery_cnt, c_data)")
  for d = 1, const.DISTRICTS do
    for c = 1, const.CUSTOMERS do
      local last = c <= 1000 and c - 1 or r:nurand(const.A_C_LAST, 0, 999, c_load)
      local first = r:astring(8, 16)
      local s1, s2, city, state, z = address(r)
      local phone = r:nstring(16, 16)
      local credit = r:uniform(1, 10) == 1 and "BC" or "GC"
      cp:row(c, d, w, first, "OE", const.last_name(last), s1, s2, city, state, z, phone, now, credit,
        50000, r:uniform(0, 5000) / 10000, -10, 10, 1, 0, r:astring(300, 500))
    end
    ctx:progress(const.CUSTOMERS)
  end
  cp:finish()
end

-- HISTORY (4.3.3.1): one row per customer, H_AMOUNT 10.00, H_DATA a-string 12..24.
local function load_history(ctx, data_seed, w, now)
  if native then
    return ctx:progress(native:copy(ctx.db, "history", data_seed, stream(w, S_HISTORY), 1, KEYS, w, now))
  end
  local r = rng.new(data_seed, stream(w, S_HISTORY))
  local cp = ctx.db:copy("history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data)")
  for d = 1, const.DISTRICTS do
    for c = 1, const.CUSTOMERS do
      cp:row(c, d, w, d, w, now, 10, r:astring(12, 24))
    end
  end
  ctx:progress(cp:finish())
end

-- ORDER, NEW-ORDER and ORDER-LINE (4.3.3.1): O_C_ID a random permutation of 1..3,000 per district;
-- O_CARRIER_ID 1..10 below O_ID 2,101, null from it on; O_OL_CNT 5..15; NEW-ORDER for the last
-- 900 orders; OL_I_ID 1..100,000; OL_DELIVERY_D = O_ENTRY_D and OL_AMOUNT 0.00 for delivered
-- orders, null and 0.01..9,999.99 for the undelivered ones; OL_QUANTITY 5; OL_DIST_INFO 24 chars.
local function load_orders(ctx, data_seed, w, now)
  if native then
    ctx:progress(native:copy(ctx.db, "orders", data_seed, stream(w, S_ORDERS), 1, KEYS, w, now,
                             data_seed, stream(w, S_OL_CNT)))
    ctx:progress(native:copy(ctx.db, "order_line", data_seed, stream(w, S_ORDER_LINE), 1, KEYS, w, now,
                             data_seed, stream(w, S_OL_CNT)))
    return
  end
  local r = rng.new(data_seed, stream(w, S_ORDERS))
  local counts = rng.new(data_seed, stream(w, S_OL_CNT))
  local cp = ctx.db:copy("orders (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_carrier_id, o_ol_cnt, o_all_local)")
  for d = 1, const.DISTRICTS do
    local perm = r:permutation(const.CUSTOMERS)
    for o = 1, const.ORDERS do
      local n = counts:uniform(5, 15)
      local carrier = o < const.FIRST_UNDELIVERED and r:uniform(1, 10) or nil
      cp:row(o, d, w, perm[o], now, carrier, n, 1)
    end
  end
  ctx:progress(cp:finish())

  r = rng.new(data_seed, stream(w, S_ORDER_LINE))
  counts = rng.new(data_seed, stream(w, S_OL_CNT))   -- the same O_OL_CNT values again
  cp = ctx.db:copy("order_line (ol_o_id, ol_d_id, ol_w_id, ol_number, ol_i_id, ol_supply_w_id, ol_delivery_d, " ..
                   "ol_quantity, ol_amount, ol_dist_info)")
  local rows = 0
  for d = 1, const.DISTRICTS do
    for o = 1, const.ORDERS do
      local delivered = o < const.FIRST_UNDELIVERED
      for l = 1, counts:uniform(5, 15) do
        local i_id = r:uniform(1, const.ITEMS)
        if delivered then
          cp:row(o, d, w, l, i_id, w, now, 5, 0, r:astring(24, 24))
        else
          local amount = r:uniform(1, 999999) / 100
          cp:row(o, d, w, l, i_id, w, nil, 5, amount, r:astring(24, 24))
        end
        rows = rows + 1
      end
    end
    ctx:progress(rows)
    rows = 0
  end
  cp:finish()
end

-- NEW-ORDER (4.3.3.1): the last 900 orders of each district.
local function load_new_orders(ctx, w)
  local cp = ctx.db:copy("new_order (no_o_id, no_d_id, no_w_id)")
  for d = 1, const.DISTRICTS do
    for o = const.FIRST_UNDELIVERED, const.ORDERS do cp:row(o, d, w) end
  end
  ctx:progress(cp:finish())
end

local function load_warehouse(ctx, data_seed, w, c_load, now)
  load_warehouse_row(ctx, data_seed, w)
  load_districts(ctx, data_seed, w)
  load_stock(ctx, data_seed, w)
  load_customers(ctx, data_seed, w, c_load, now)
  load_history(ctx, data_seed, w, now)
  load_orders(ctx, data_seed, w, now)
  load_new_orders(ctx, w)
end

-- Body of one ctx:parallel loader part (see the dealing rule at the top of this file).
function M.part(ctx, part, parts, warehouses, data_seed, c_load)
  local now = ctx.db:value("SELECT localtimestamp(0)::text")
  for chunk = 1, ITEM_CHUNKS do
    if (chunk - 1) % parts + 1 == part then load_item_chunk(ctx, data_seed, chunk) end
  end
  for w = part, warehouses, parts do
    load_warehouse(ctx, data_seed, w, c_load, now)
  end
end

return M
