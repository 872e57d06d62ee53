-- E-commerce workload (full): the read, write and analytics operations, their statements, inputs and per-mode weights.
--
-- One operation = one transaction named after it. Writes that touch several rows are real
-- transactions: create_order reserves stock for every line (firing check_stock_and_reorder) or
-- rolls back by design when an item is out of stock; ship_order turns reservations into
-- shipments; receive_purchase_order fires handle_purchase_receipt. Rows are locked in ascending
-- product order everywhere, so these transactions cannot deadlock one another.
local common = require("ecommerce.common")
local load = require("ecommerce.load")

local M = {}

-- Percent weights within each side; mixed = 75% read + 25% write. docs/workloads/ecommerce.md.
M.WEIGHTS = {
  read = {
    -- point lookups (40)
    product_by_sku = 12, user_by_email = 10, order_details = 10, user_orders = 8,
    -- lists and searches (30)
    products_by_category = 8, product_reviews = 7, product_search = 6, recent_activity = 5, vendor_products = 4,
    -- joins and aggregates (20)
    user_activity_summary = 4, product_events_daily = 4, vendor_purchase_orders = 3, inventory_status = 3,
    similar_users = 3, review_vector_search = 3,
    -- analytics (10)
    vendor_performance = 2, top_products_per_category = 2, user_spending_trend = 2, inventory_analysis = 2,
    stock_control_report = 2,
  },
  write = {
    create_order = 25, ship_order = 15, log_event = 15, add_review = 10, adjust_inventory = 10,
    receive_purchase_order = 8, update_loyalty = 5, reprice_product = 5, create_purchase_order = 4,
    update_vendor_rating = 3,
  },
  -- the original's OLTP mode: 60% over five reads, 40% over four writes. The writes close the
  -- stock cycle (orders fire reorders, receipts restock), so stock-outs do not pile up over a run.
  oltp = {
    user_by_email = 12, product_by_sku = 12, products_by_category = 12, user_orders = 12, order_details = 12,
    create_order = 15, ship_order = 10, log_event = 10, receive_purchase_order = 5,
  },
  analytics = {
    vendor_performance = 1, top_products_per_category = 1, user_spending_trend = 1, inventory_analysis = 1,
    stock_control_report = 1, sales_by_month_category = 1, customer_segmentation = 1,
  },
}

-- review_vector_search needs --vectors; without it its weight goes to product_search (same role).
function M.mix(opt)
  local w = M.WEIGHTS
  if not opt.vectors then
    local read = {}
    for k, v in pairs(w.read) do read[k] = v end
    read.product_search = read.product_search + read.review_vector_search
    read.review_vector_search = nil
    w = { read = read, write = w.write, oltp = w.oltp, analytics = w.analytics }
  end
  return common.mix(opt.mode or "mixed", w)
end

M.SQL = {
  user_by_email = [[SELECT user_id, username, first_name, last_name, loyalty_points, total_spent
                      FROM users WHERE email = $1]],
  product_by_sku = [[SELECT p.product_id, p.name, p.price, p.avg_rating, p.review_count,
                            i.quantity_available - i.quantity_reserved AS in_stock
                       FROM products p JOIN inventory i ON i.product_id = p.product_id WHERE p.sku = $1]],
  products_by_category = [[SELECT product_id, name, price, avg_rating FROM products
                            WHERE category = $1 AND is_active ORDER BY avg_rating DESC LIMIT 20]],
  user_orders = [[SELECT order_id, order_number, status, total_amount, created_at FROM orders
                   WHERE user_id = $1 ORDER BY created_at DESC LIMIT 10]],
  order_details = [[SELECT o.order_number, o.status, o.total_amount, u.email, oi.quantity, oi.unit_price, p.name, p.sku
                      FROM orders o
                      JOIN users u ON u.user_id = o.user_id
                      JOIN order_items oi ON oi.order_id = o.order_id
                      JOIN products p ON p.product_id = oi.product_id
                     WHERE o.order_id = $1]],
  product_reviews = [[SELECT r.rating, r.title, r.content, r.created_at, u.username
                        FROM reviews r JOIN users u ON u.user_id = r.user_id
                       WHERE r.product_id = $1 ORDER BY r.created_at DESC LIMIT 10]],
  vendor_products = [[SELECT p.product_id, p.name, p.price, i.quantity_available
                        FROM products p JOIN inventory i ON i.product_id = p.product_id
                       WHERE p.vendor_id = $1 ORDER BY p.name LIMIT 50]],
  vendor_purchase_orders = [[
    SELECT po.po_id, po.status, po.total_cost, po.created_at, count(poi.poi_id) AS items,
           sum(poi.quantity_ordered) AS units
      FROM purchase_orders po LEFT JOIN purchase_order_items poi ON poi.po_id = po.po_id
     WHERE po.vendor_id = $1 GROUP BY po.po_id ORDER BY po.created_at DESC LIMIT 20]],
  user_activity_summary = [[
    SELECT u.user_id, u.username,
           (SELECT count(*) FROM orders o WHERE o.user_id = u.user_id) AS orders,
           (SELECT coalesce(sum(total_amount), 0) FROM orders o WHERE o.user_id = u.user_id AND o.status <> 'cancelled') AS spent,
           (SELECT count(*) FROM reviews r WHERE r.user_id = u.user_id) AS reviews,
           (SELECT count(*) FROM user_sessions s WHERE s.user_id = u.user_id) AS sessions,
           (SELECT max(started_at) FROM user_sessions s WHERE s.user_id = u.user_id) AS last_seen
      FROM users u WHERE u.user_id = $1]],
  -- "Recent" reads take the latest N rows (ids follow time) rather than the last N days: their cost
  -- then neither grows with what earlier write runs added nor falls to nothing as the data ages.
  -- "The latest 1000 orders" is order_id > $2, with $2 = max(order_id) - 1000 read by the
  -- transaction first: a bound the planner sees as a constant (a subquery bound is unknown at plan
  -- time, planned as a third of the table, with sequential scans of order_items).
  max_order_id = "SELECT max(order_id) FROM orders",
  product_events_daily = [[
    SELECT date_trunc('day', created_at) AS day, event_type, count(*) AS events
      FROM (SELECT created_at, event_type FROM product_analytics WHERE product_id = $1
             ORDER BY created_at DESC LIMIT 500) e
     GROUP BY 1, 2 ORDER BY 1, 2]],
  inventory_status = [[
    SELECT i.product_id, p.name, i.quantity_available, i.quantity_reserved, i.reorder_level
      FROM inventory i JOIN products p ON p.product_id = i.product_id
     WHERE i.auto_reorder AND i.quantity_available - i.quantity_reserved - i.reorder_level <= $1
     ORDER BY i.quantity_available - i.quantity_reserved - i.reorder_level LIMIT 50]],
  -- a vendor's open purchase orders, lead time over its last 20 receipts, sales in the latest 1000 orders
  vendor_performance = [[
    SELECT v.vendor_id, v.name, v.rating,
           (SELECT count(*) FROM purchase_orders po WHERE po.vendor_id = v.vendor_id AND po.status = 'ordered') AS open_purchase_orders,
           (SELECT avg(extract(epoch FROM r.received_at - r.created_at) / 86400)
              FROM (SELECT created_at, received_at FROM purchase_orders po
                     WHERE po.vendor_id = v.vendor_id AND po.status = 'received'
                     ORDER BY po.created_at DESC LIMIT 20) r) AS avg_lead_days,
           (SELECT coalesce(sum(oi.total_price), 0) FROM products p
              JOIN order_items oi ON oi.product_id = p.product_id
             WHERE p.vendor_id = v.vendor_id
               AND oi.order_id > $2) AS recent_sales
      FROM vendors v WHERE v.vendor_id = $1]],
  product_search = [[SELECT product_id, name, price, avg_rating FROM products
                      WHERE to_tsvector('english', name || ' ' || coalesce(description, '')) @@ plainto_tsquery('english', $1)
                        AND is_active ORDER BY avg_rating DESC LIMIT 20]],
  -- customers who bought, among the latest 1000 orders, in the categories this customer buys in
  similar_users = [[
    WITH mine AS (SELECT DISTINCT p.category FROM orders o
                    JOIN order_items oi ON oi.order_id = o.order_id JOIN products p ON p.product_id = oi.product_id
                   WHERE o.user_id = $1),
         others AS (SELECT o.user_id, count(DISTINCT p.category) AS shared FROM orders o
                      JOIN order_items oi ON oi.order_id = o.order_id JOIN products p ON p.product_id = oi.product_id
                     WHERE o.order_id > $2 AND oi.order_id > $2 AND o.user_id <> $1
                       AND p.category IN (SELECT category FROM mine)
                     GROUP BY o.user_id)
    SELECT user_id, shared FROM others ORDER BY shared DESC, user_id LIMIT 10]],
  recent_activity = [[
    SELECT * FROM (
      (SELECT 'order' AS kind, order_id AS id, user_id, created_at FROM orders ORDER BY created_at DESC LIMIT 20)
      UNION ALL
      (SELECT 'review', review_id, user_id, created_at FROM reviews ORDER BY created_at DESC LIMIT 20)) a
     ORDER BY created_at DESC LIMIT 20]],
  review_vector_search = [[SELECT review_id, product_id, rating FROM reviews
                            ORDER BY content_vector <=> $1::vector LIMIT 10]],
  top_products_per_category = [[
    SELECT category, product_id, name, avg_rating, review_count FROM (
      SELECT category, product_id, name, avg_rating, review_count,
             row_number() OVER (PARTITION BY category ORDER BY avg_rating DESC, review_count DESC) AS rn
        FROM products WHERE is_active AND review_count >= 3) t
     WHERE rn <= 3 ORDER BY category, rn]],
  user_spending_trend = [[
    SELECT month, total, total - lag(total) OVER (ORDER BY month) AS change
      FROM (SELECT date_trunc('month', created_at) AS month, sum(total_amount) AS total FROM orders
             WHERE user_id = $1 AND status <> 'cancelled' GROUP BY 1) m
     ORDER BY month]],
  inventory_analysis = [[
    WITH stock AS (SELECT p.category, p.product_id, i.quantity_available, i.unit_cost
                     FROM products p JOIN inventory i ON i.product_id = p.product_id WHERE p.category = $1),
         sold AS (SELECT oi.product_id, sum(oi.quantity) AS units FROM order_items oi
                   WHERE oi.order_id > $2 AND oi.product_id IN (SELECT product_id FROM stock)
                   GROUP BY oi.product_id)
    SELECT s.category, count(*) AS products, sum(s.quantity_available) AS units_on_hand,
           sum(s.quantity_available * s.unit_cost) AS stock_value, coalesce(sum(sold.units), 0) AS units_sold_recently,
           round(coalesce(sum(sold.units), 0)::numeric / nullif(sum(s.quantity_available), 0), 3) AS sell_through
      FROM stock s LEFT JOIN sold ON sold.product_id = s.product_id GROUP BY s.category]],
  stock_control_report = [[
    SELECT po.po_id, po.status, po.created_at, v.name AS vendor, poi.product_id, poi.quantity_ordered,
           poi.quantity_received, i.quantity_available, i.reorder_level
      FROM purchase_orders po
      JOIN vendors v ON v.vendor_id = po.vendor_id
      JOIN purchase_order_items poi ON poi.po_id = po.po_id
      JOIN inventory i ON i.product_id = poi.product_id
     WHERE po.auto_generated ORDER BY po.created_at DESC LIMIT 50]],
  -- Whole-history reports: their windows end at the load time (meta.loaded_at, $1), so the same
  -- data gives the same report whenever it runs; rows added by runs are newer and included.
  sales_by_month_category = [[
    SELECT date_trunc('month', o.created_at) AS month, p.category, count(DISTINCT o.order_id) AS orders,
           sum(oi.quantity) AS units, sum(oi.total_price) AS revenue
      FROM orders o JOIN order_items oi ON oi.order_id = o.order_id JOIN products p ON p.product_id = oi.product_id
     WHERE o.created_at >= $1::timestamptz - interval '12 months' AND o.status <> 'cancelled'
     GROUP BY 1, 2 ORDER BY 1, 2]],
  customer_segmentation = [[
    WITH per_user AS (SELECT user_id, count(*) AS orders, sum(total_amount) AS spent, max(created_at) AS last_order
                        FROM orders WHERE status <> 'cancelled' GROUP BY user_id)
    SELECT segment, count(*) AS users, round(avg(spent), 2) AS avg_spent, round(avg(orders), 2) AS avg_orders
      FROM (SELECT *, CASE WHEN spent > 1000 AND last_order > $1::timestamptz - interval '30 days' THEN 'champion'
                           WHEN spent > 500 THEN 'loyal'
                           WHEN last_order < $1::timestamptz - interval '180 days' THEN 'at_risk'
                           ELSE 'regular' END AS segment FROM per_user) s
     GROUP BY segment ORDER BY users DESC]],

  -- writes
  new_order = [[INSERT INTO orders (order_id, order_number, user_id, status, subtotal, tax_amount, shipping_amount,
                                     total_amount, payment_method, payment_status, shipping_address, billing_address, created_at)
                SELECT id, 'ORD-' || lpad(id::text, 10, '0'), $1, 'pending', 0, 0, 0, 0, $2, 'authorized', $3::jsonb, $3::jsonb, now()
                  FROM (SELECT nextval(pg_get_serial_sequence('orders', 'order_id')) AS id) s
                RETURNING order_id]],
  -- Reserve qty units if that many can be sold; returns the price, or no row when out of stock.
  reserve_stock = [[UPDATE inventory i SET quantity_reserved = i.quantity_reserved + $2
                      FROM products p
                     WHERE i.product_id = $1 AND p.product_id = i.product_id
                       AND i.quantity_available - i.quantity_reserved >= $2
                    RETURNING p.price]],
  new_order_item = [[INSERT INTO order_items (order_id, product_id, quantity, unit_price, total_price)
                     VALUES ($1, $2, $3, $4, $3::int * $4::numeric)]],
  order_totals = [[UPDATE orders SET subtotal = $2, tax_amount = $3, shipping_amount = $4, total_amount = $5
                    WHERE order_id = $1]],
  next_pending_order = [[SELECT order_id FROM orders WHERE status = 'pending' AND order_id >= $1
                          ORDER BY order_id LIMIT 1 FOR UPDATE SKIP LOCKED]],
  order_lines = [[SELECT product_id, sum(quantity)::int AS quantity FROM order_items WHERE order_id = $1
                   GROUP BY product_id ORDER BY product_id]],
  ship_stock = [[UPDATE inventory SET quantity_available = quantity_available - $2,
                                       quantity_reserved = quantity_reserved - $2
                  WHERE product_id = $1]],
  mark_shipped = [[UPDATE orders SET status = 'shipped', payment_status = 'paid', shipped_at = now() WHERE order_id = $1]],
  add_review = [[INSERT INTO reviews (product_id, user_id, rating, title, content, verified_purchase, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, now())]],
  add_review_vector = [[INSERT INTO reviews (product_id, user_id, rating, title, content, verified_purchase, created_at,
                                              content_vector)
                        VALUES ($1, $2, $3, $4, $5, $6, now(), $7::vector)]],
  product_rating = [[UPDATE products SET avg_rating = round((avg_rating * review_count + $2) / (review_count + 1), 2),
                                          review_count = review_count + 1
                      WHERE product_id = $1]],
  -- A stock count correction; never below what is reserved.
  adjust_inventory = [[UPDATE inventory SET quantity_available = greatest(quantity_reserved, quantity_available + $2)
                        WHERE product_id = $1]],
  update_loyalty = [[UPDATE users SET loyalty_points = loyalty_points + $2, last_login_at = now() WHERE user_id = $1]],
  reprice_product = [[UPDATE products p SET price = round(i.unit_cost * (1 + p.margin_percent / 100), 2), updated_at = now()
                        FROM inventory i WHERE p.product_id = $1 AND i.product_id = p.product_id]],
  log_event = [[INSERT INTO product_analytics (product_id, user_id, session_id, event_type, search_query, created_at)
                VALUES ($1, $2, $3, $4, $5, now())]],
  update_vendor_rating = [[UPDATE vendors SET rating = round(rating * 0.9 + $2 * 0.1, 2) WHERE vendor_id = $1]],
  new_purchase_order = [[INSERT INTO purchase_orders (vendor_id, status, auto_generated, created_at, expected_at)
                         SELECT vendor_id, 'ordered', false, now(), now() + make_interval(days => lead_time_days)
                           FROM vendors WHERE vendor_id = $1
                         RETURNING po_id]],
  new_purchase_order_item = [[INSERT INTO purchase_order_items (po_id, product_id, quantity_ordered, unit_cost)
                              SELECT $1, product_id, $3, unit_cost FROM inventory WHERE product_id = $2
                              RETURNING quantity_ordered * unit_cost AS cost]],
  purchase_order_total = [[UPDATE purchase_orders SET total_cost = $2 WHERE po_id = $1]],
  next_open_po_item = [[SELECT poi_id FROM purchase_order_items
                         WHERE quantity_received < quantity_ordered AND poi_id >= $1
                         ORDER BY poi_id LIMIT 1 FOR UPDATE SKIP LOCKED]],
  receive_po_item = [[UPDATE purchase_order_items SET quantity_received = quantity_ordered WHERE poi_id = $1]],
}

-- ---- per-thread-state data -------------------------------------------------------------------------

local K = {}
local NEEDS_VECTORS = { review_vector_search = true, add_review_vector = true }   -- use reviews.content_vector

function M.client_init(ctx, schema)
  local db = ctx.db
  local m = db:row("SELECT scale, users, vendors, products, orders, reviews, purchase_orders, " ..
                                    "vectors, vector_dims, skew, loaded_at::text AS loaded_at FROM meta")
  if not m then error("the " .. schema .. " schema holds no data: run prepare first", 0) end
  if ctx.opt.vectors and not m.vectors then
    error("--vectors, but " .. schema .. " was prepared without it: prepare again with --vectors", 0)
  end
  for k, v in pairs(m) do K[k] = v end
  for name, sql in pairs(M.SQL) do
    if K.vectors or not NEEDS_VECTORS[name] then db:prepare(name, sql) end
  end
end

local function product(ctx) return common.draw_product(ctx, K) end
local function user(ctx) return common.draw_user(ctx, K) end
local category = common.draw_category
local recent_orders = common.recent_orders

-- ---- reads -----------------------------------------------------------------------------------------

-- The reads ecommerce and ecommerce_basic share (common.shared_reads), then this workload's own.
local T = common.shared_reads(K)
M.TXN = T

function T.vendor_products(ctx) ctx.db:exec("vendor_products", ctx.rand:uniform(1, K.vendors)) end
function T.vendor_purchase_orders(ctx) ctx.db:exec("vendor_purchase_orders", ctx.rand:uniform(1, K.vendors)) end
function T.user_activity_summary(ctx) ctx.db:exec("user_activity_summary", user(ctx)) end
function T.product_events_daily(ctx) ctx.db:exec("product_events_daily", product(ctx)) end
function T.inventory_status(ctx) ctx.db:exec("inventory_status", ctx.rand:uniform(0, 50)) end
function T.vendor_performance(ctx)
  ctx.db:exec("vendor_performance", ctx.rand:uniform(1, K.vendors), recent_orders(ctx))
end
function T.similar_users(ctx) ctx.db:exec("similar_users", user(ctx), recent_orders(ctx)) end
function T.recent_activity(ctx) ctx.db:exec("recent_activity") end
function T.review_vector_search(ctx)
  local ci = ctx.rand:uniform(1, #common.CATEGORIES)
  ctx.db:exec("review_vector_search", load.review_vector(ctx.rand, ci, K.vector_dims))
end
function T.top_products_per_category(ctx) ctx.db:exec("top_products_per_category") end
function T.user_spending_trend(ctx) ctx.db:exec("user_spending_trend", user(ctx)) end
function T.inventory_analysis(ctx) ctx.db:exec("inventory_analysis", category(ctx), recent_orders(ctx)) end
function T.stock_control_report(ctx) ctx.db:exec("stock_control_report") end

-- ---- writes ----------------------------------------------------------------------------------------

-- An order of 1-5 popular products: the order row, then per line (ascending product id) a stock
-- reservation that can fire the reorder trigger, and the item; then the totals. An item out of
-- stock rolls the whole order back by design (counted apart from failures).
function T.create_order(ctx)
  local r, db = ctx.rand, ctx.db
  local lines = load.order_lines(r, K.products, K.skew)
  table.sort(lines, function(a, b) return a[1] < b[1] end)
  local address = common.address_json(r)
  db:begin()
  local order_id = db:value("new_order", common.popular(r, K.users, K.skew * 0.5),
                            common.PAYMENTS[r:uniform(1, #common.PAYMENTS)], address)
  local subtotal = 0
  for _, l in ipairs(lines) do
    local pid, qty = l[1], l[2]
    local price = db:value("reserve_stock", pid, qty)
    if not price then
      ctx:count("orders_out_of_stock")
      ctx:rollback_by_design()
      return
    end
    db:exec("new_order_item", order_id, pid, qty, price)
    subtotal = subtotal + price * qty
  end
  subtotal = math.floor(subtotal * 100 + 0.5) / 100
  local tax, shipping, total = load.amounts(subtotal)
  db:exec("order_totals", order_id, subtotal, tax, shipping, total)
  db:commit()
end

-- Ships the next pending order at or after a random point of the order range (SKIP LOCKED lets
-- concurrent shippers take different orders): reserved units leave the stock.
function T.ship_order(ctx)
  local db = ctx.db
  db:begin()
  local id = db:value("next_pending_order", ctx.rand:uniform(1, K.orders))
  if not id then id = db:value("next_pending_order", 1) end
  if not id then
    ctx:count("nothing_to_ship")
    ctx:rollback_by_design()
    return
  end
  for _, l in ipairs(db:query("order_lines", id)) do db:exec("ship_stock", l.product_id, l.quantity) end
  db:exec("mark_shipped", id)
  db:commit()
end

-- A review and the product's running average, atomically.
function T.add_review(ctx)
  local r, db = ctx.rand, ctx.db
  local pid, rating, text = product(ctx), common.rating(r), common.review_text(r)
  db:begin()
  if K.vectors then
    db:exec("add_review_vector", pid, user(ctx), rating, text:match("^%S+ %S+") or text, text, r:uniform(1, 10) <= 7,
            load.review_vector(r, load.CATEGORY_INDEX[common.category_of(r, pid)], K.vector_dims))
  else
    db:exec("add_review", pid, user(ctx), rating, text:match("^%S+ %S+") or text, text, r:uniform(1, 10) <= 7)
  end
  db:exec("product_rating", pid, rating)
  db:commit()
end

function T.adjust_inventory(ctx)
  ctx.db:exec("adjust_inventory", product(ctx), ctx.rand:uniform(-10, 10))
end

function T.update_loyalty(ctx)
  ctx.db:exec("update_loyalty", user(ctx), ctx.rand:uniform(1, 100))
end

function T.reprice_product(ctx)
  ctx.db:exec("reprice_product", product(ctx))
end

function T.log_event(ctx)
  local r = ctx.rand
  local kind = common.event_type(r)
  ctx.db:exec("log_event", product(ctx), r:uniform(1, 5) > 1 and user(ctx) or nil, nil, kind,
              kind == "search" and common.search_phrase(r) or nil)
end

function T.update_vendor_rating(ctx)
  ctx.db:exec("update_vendor_rating", ctx.rand:uniform(1, K.vendors), ctx.rand:uniform(100, 500) / 100)
end

-- A manual purchase order: 1-3 of the vendor's own products at their current unit cost.
function T.create_purchase_order(ctx)
  local r, db = ctx.rand, ctx.db
  local vendor = common.vendor_of(product(ctx), K.vendors)    -- a vendor that has products
  db:begin()
  local po = db:value("new_purchase_order", vendor)
  local total, seen = 0, {}
  for _ = 1, r:uniform(1, 3) do
    local pid = common.vendor_product(r, vendor, K.vendors, K.products)
    if not seen[pid] then
      seen[pid] = true
      total = total + (db:value("new_purchase_order_item", po, pid, r:uniform(50, 500)) or 0)
    end
  end
  db:exec("purchase_order_total", po, total)
  db:commit()
end

-- Receives the next open purchase-order item: the trigger adds the units to stock and closes the
-- purchase order when it was its last open item.
function T.receive_purchase_order(ctx)
  local db = ctx.db
  db:begin()
  local id = db:value("next_open_po_item", ctx.rand:uniform(1, K.purchase_orders * 2))
  if not id then id = db:value("next_open_po_item", 1) end
  if not id then
    ctx:count("nothing_to_receive")
    ctx:rollback_by_design()
    return
  end
  db:exec("receive_po_item", id)
  db:commit()
end

return M
