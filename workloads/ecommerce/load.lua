-- E-commerce workload (full): the parallel COPY loader and the post-load fix-ups that derive aggregates from the loaded rows.
local common = require("ecommerce.common")

local M = {}

local DAY = common.DAY

-- Purchase orders at load: a history per vendor, at least 10 (the original had 10-20 in all).
function M.purchase_orders(scale)
  return math.max(10, math.floor(scale / 100))
end

-- Expected rows, for the progress line (order items and PO items are averages).
function M.total_rows(scale)
  local s = common.sizes(scale)
  return s.users + s.vendors + 2 * s.products + s.orders * 3 + s.reviews + 2 * s.sessions +
         M.purchase_orders(scale) * 3
end

-- Seconds before the load of the id-th of n rows spread over `span` seconds in id order (plus up
-- to ten minutes of jitter): row n is the newest.
function M.age(id, n, span, rand)
  return math.floor((n - id) * span / n) + rand:uniform(0, 600)
end

local slice = stormdb.slice

-- COPY of buffered rows (arrays of ncols column values; nil = NULL, hence the explicit count).
local function copy_rows(ctx, target, ncols, rows)
  if #rows == 0 then return end
  local copy = ctx.db:copy(target)
  for i = 1, #rows do copy:row(unpack(rows[i], 1, ncols)) end
  copy:finish()
  ctx:progress(#rows)
end

-- A vector literal near the centre of the review's product category: reviews of one category
-- are neighbours, so review_vector_search has structure to find (the centres are seeded hashes).
function M.review_vector(rand, category_index, dims)
  local t = {}
  for d = 1, dims do
    local c = common.hash01(rand, category_index * 4096 + d, 7) * 2 - 1
    t[d] = string.format("%.4f", c + (rand:random() - 0.5) * 0.6)
  end
  return "[" .. table.concat(t, ",") .. "]"
end

local CATEGORY_INDEX = {}
for i, c in ipairs(common.CATEGORIES) do CATEGORY_INDEX[c] = i end
M.CATEGORY_INDEX = CATEGORY_INDEX

-- Order items of one order: 1-5 distinct products chosen by popularity, 1-3 units each.
-- Returns the item rows (without ids) and the subtotal.
function M.order_lines(rand, products, skew)
  local lines, seen, subtotal = {}, {}, 0
  for _ = 1, rand:uniform(1, 5) do
    local pid = common.popular(rand, products, skew)
    if not seen[pid] then
      seen[pid] = true
      local qty = rand:uniform(1, 10) <= 7 and 1 or rand:uniform(2, 3)
      local price = common.price_of(rand, pid)
      local total = math.floor(price * qty * 100 + 0.5) / 100
      lines[#lines + 1] = { pid, qty, price, total }
      subtotal = subtotal + total
    end
  end
  return lines, math.floor(subtotal * 100 + 0.5) / 100
end

-- Tax 8%, free shipping from 50.
function M.amounts(subtotal)
  local tax = math.floor(subtotal * 8 + 0.5) / 100
  local shipping = subtotal >= 50 and 0 or 5.99
  return tax, shipping, subtotal + tax + shipping
end

function M.part(ctx, part, parts, schema, scale, skew, now, vector_dims)
  local rand = ctx.rand
  local s = common.sizes(scale)

  local first, last = slice(part, parts, s.users)
  ctx:copy_range("users (user_id, email, username, first_name, last_name, birth_date, country, city, " ..
                    "preferences, created_at, last_login_at)", first, last, function(copy, u)
    local prefs = string.format('{"newsletter":%s,"categories":["%s","%s"]}', rand:uniform(0, 1) == 1 and "true" or "false",
                                common.CATEGORIES[rand:uniform(1, #common.CATEGORIES)],
                                common.CATEGORIES[rand:uniform(1, #common.CATEGORIES)])
    copy:row(u, common.email(u), "user" .. u, common.FIRST[rand:uniform(1, #common.FIRST)],
             common.LAST[rand:uniform(1, #common.LAST)],
             string.format("%d-%02d-%02d", rand:uniform(1950, 2005), rand:uniform(1, 12), rand:uniform(1, 28)),
             common.COUNTRIES[rand:uniform(1, #common.COUNTRIES)], common.CITIES[rand:uniform(1, #common.CITIES)],
             prefs, common.ts(now, rand:uniform(30 * DAY, 3 * 365 * DAY)), common.ts(now, rand:uniform(0, 30 * DAY)))
  end)

  first, last = slice(part, parts, s.vendors)
  ctx:copy_range("vendors (vendor_id, name, contact_email, country, rating, lead_time_days, created_at)",
    first, last, function(copy, v)
      copy:row(v, common.BRANDS[rand:uniform(1, #common.BRANDS)] .. " Supply " .. v, "orders@vendor" .. v .. ".example.com",
               common.COUNTRIES[rand:uniform(1, #common.COUNTRIES)], rand:uniform(250, 500) / 100, rand:uniform(2, 21),
               common.ts(now, rand:uniform(365 * DAY, 5 * 365 * DAY)))
    end)

  first, last = slice(part, parts, s.products)
  ctx:copy_range("products (product_id, sku, name, description, category, subcategory, brand, price, cost, " ..
                    "margin_percent, dimensions, tags, attributes, view_count, vendor_id, is_active, created_at)",
    first, last, function(copy, p)
      local price, cost = common.price_of(rand, p), common.cost_of(rand, p)
      local category = common.category_of(rand, p)
      copy:row(p, common.sku(p), common.product_name(rand, p),
               common.search_phrase(rand) .. " for " .. category:lower() .. " lovers", category,
               common.SUBCATEGORIES[rand:uniform(1, #common.SUBCATEGORIES)], common.brand_of(rand, p), price, cost,
               math.floor((price / cost - 1) * 10000 + 0.5) / 100,
               string.format('{"w":%d,"h":%d,"d":%d,"kg":%.1f}', rand:uniform(5, 80), rand:uniform(5, 80),
                             rand:uniform(1, 40), rand:uniform(1, 200) / 10),
               "{" .. common.ADJECTIVES[rand:uniform(1, #common.ADJECTIVES)]:lower() .. "," .. category:lower() .. "}",
               string.format('{"color":"%s","warranty_months":%d}', ({ "black", "white", "red", "blue", "green" })[rand:uniform(1, 5)],
                             rand:uniform(0, 36)),
               rand:exponential(0, 100000, 6), common.vendor_of(p, s.vendors), rand:uniform(1, 100) <= 97,
               common.ts(now, rand:uniform(30 * DAY, 3 * 365 * DAY)))
    end)
  ctx:copy_range("inventory (product_id, quantity_available, reorder_level, max_stock_level, supplier_id, " ..
                    "unit_cost, auto_reorder, last_restocked_at)", first, last, function(copy, p)
    copy:row(p, rand:uniform(20, 500), rand:uniform(10, 50), rand:uniform(300, 1000), common.vendor_of(p, s.vendors),
             common.cost_of(rand, p), rand:uniform(1, 10) <= 9, common.ts(now, rand:uniform(0, 60 * DAY)))
  end)

  -- Orders and their items in chunks: an order's amounts depend on its items, and one connection
  -- cannot interleave two COPYs, so each chunk is generated, then copied table by table.
  -- Orders cover a year in id order, as a sequence numbers them: the latest N orders are the N
  -- highest ids, which the "recent" reads use instead of a window of days.
  first, last = slice(part, parts, s.orders)
  local o = first
  while o <= last do
    local orders, items = {}, {}
    for id = o, math.min(o + 999, last) do
      local ago = M.age(id, s.orders, 365 * DAY, rand)
      local status = common.order_status(rand, ago)
      local lines, subtotal = M.order_lines(rand, s.products, skew)
      for _, l in ipairs(lines) do items[#items + 1] = { id, l[1], l[2], l[3], l[4] } end
      local tax, shipping, total = M.amounts(subtotal)
      local address = common.address_json(rand)
      orders[#orders + 1] = {
        id, string.format("ORD-%010d", id), common.popular(rand, s.users, skew * 0.5), status, subtotal, tax, shipping, total,
        common.PAYMENTS[rand:uniform(1, #common.PAYMENTS)],
        status == "pending" and "authorized" or status == "cancelled" and "refunded" or "paid",
        address, rand:uniform(1, 5) == 1 and common.address_json(rand) or address, common.ts(now, ago),
        (status == "shipped" or status == "delivered") and common.ts(now, ago - 2 * DAY) or nil,
        status == "delivered" and common.ts(now, ago - 7 * DAY) or nil,
      }
    end
    copy_rows(ctx, "orders (order_id, order_number, user_id, status, subtotal, tax_amount, shipping_amount, " ..
                     "total_amount, payment_method, payment_status, shipping_address, billing_address, created_at, " ..
                     "shipped_at, delivered_at)", 15, orders)
    copy_rows(ctx, "order_items (order_id, product_id, quantity, unit_price, total_price)", 5, items)
    o = o + 1000
  end

  first, last = slice(part, parts, s.reviews)
  local vec_col = vector_dims and ", content_vector" or ""
  ctx:copy_range("reviews (review_id, product_id, user_id, rating, title, content, verified_purchase, " ..
                    "helpful_votes, created_at" .. vec_col .. ")", first, last, function(copy, r)
    local pid = common.popular(rand, s.products, skew)
    local text = common.review_text(rand)
    local user, rating, title = rand:uniform(1, s.users), common.rating(rand), text:match("^%S+ %S+ %S+") or text
    local verified, votes = rand:uniform(1, 10) <= 7, rand:exponential(0, 500, 8)
    local at = common.ts(now, M.age(r, s.reviews, 2 * 365 * DAY, rand))
    if vector_dims then
      copy:row(r, pid, user, rating, title, text, verified, votes, at,
               M.review_vector(rand, CATEGORY_INDEX[common.category_of(rand, pid)], vector_dims))
    else
      copy:row(r, pid, user, rating, title, text, verified, votes, at)
    end
  end)

  first, last = slice(part, parts, s.sessions)
  ctx:copy_range("user_sessions (session_id, session_token, user_id, device_type, browser, os, ip_address, " ..
                    "started_at, ended_at, page_views)", first, last, function(copy, id)
    local ago = M.age(id, s.sessions, 90 * DAY, rand) + 3600
    copy:row(id, string.format("sess-%012x", id), rand:uniform(1, s.users), common.DEVICES[rand:uniform(1, #common.DEVICES)],
             common.BROWSERS[rand:uniform(1, #common.BROWSERS)], common.OSES[rand:uniform(1, #common.OSES)], common.ip(rand),
             common.ts(now, ago), common.ts(now, ago - rand:uniform(30, 3600)), rand:uniform(1, 40))
  end)
  -- Analytics events, as many as sessions (the original's 3 per scale unit).
  ctx:copy_range("product_analytics (event_id, product_id, user_id, session_id, event_type, search_query, created_at)",
    first, last, function(copy, id)
      local kind = common.event_type(rand)
      copy:row(id, common.popular(rand, s.products, skew), rand:uniform(1, 5) > 1 and rand:uniform(1, s.users) or nil,
               rand:uniform(1, 2) == 1 and rand:uniform(1, s.sessions) or nil, kind,
               kind == "search" and common.search_phrase(rand) or nil, common.ts(now, M.age(id, s.sessions, 90 * DAY, rand)))
    end)

  -- Purchase orders of vendors' own products: 60% received (items in, received_at set; half of
  -- them automatic reorders), 40% open and manual (so no product starts with two open reorders).
  first, last = slice(part, parts, M.purchase_orders(scale))
  local pos, poitems = {}, {}
  for po = first, last do
    local vendor = common.vendor_of(rand:uniform(1, s.products), s.vendors)   -- a vendor with products
    local ago = rand:uniform(0, 180 * DAY)
    local received = rand:uniform(1, 10) <= 6
    local total, seen = 0, {}
    for _ = 1, rand:uniform(1, 3) do
      local pid = common.vendor_product(rand, vendor, s.vendors, s.products)
      if not seen[pid] then
        seen[pid] = true
        local qty, cost = rand:uniform(50, 500), common.cost_of(rand, pid)
        total = total + qty * cost
        poitems[#poitems + 1] = { po, pid, qty, received and qty or 0, cost, received and common.ts(now, ago - 5 * DAY) or nil }
      end
    end
    pos[#pos + 1] = { po, vendor, received and "received" or "ordered", math.floor(total * 100 + 0.5) / 100,
                      received and rand:uniform(1, 2) == 1, common.ts(now, ago), common.ts(now, ago - 7 * DAY),
                      received and common.ts(now, ago - 5 * DAY) or nil }
  end
  copy_rows(ctx, "purchase_orders (po_id, vendor_id, status, total_cost, auto_generated, created_at, expected_at, received_at)", 8, pos)
  copy_rows(ctx, "purchase_order_items (po_id, product_id, quantity_ordered, quantity_received, unit_cost, received_at)", 6, poitems)
end

-- Aggregates derived from the loaded rows, run before the triggers exist (so they fire nothing):
-- reservations of the pending orders, product ratings from reviews, customers' spend.
M.FIXUPS = {
  [[UPDATE inventory i SET quantity_reserved = s.q, quantity_available = greatest(i.quantity_available, s.q + 5)
      FROM (SELECT oi.product_id, sum(oi.quantity) AS q FROM order_items oi JOIN orders o ON o.order_id = oi.order_id
             WHERE o.status = 'pending' GROUP BY oi.product_id) s
     WHERE i.product_id = s.product_id]],
  [[UPDATE products p SET avg_rating = r.avg, review_count = r.n
      FROM (SELECT product_id, round(avg(rating), 2) AS avg, count(*) AS n FROM reviews GROUP BY product_id) r
     WHERE p.product_id = r.product_id]],
  [[UPDATE users u SET total_spent = s.spent, loyalty_points = floor(s.spent)::int
      FROM (SELECT user_id, sum(total_amount) AS spent FROM orders WHERE status <> 'cancelled' GROUP BY user_id) s
     WHERE u.user_id = s.user_id]],
  -- The fix-ups left a dead version of most rows of three tables; vacuum before indexing them.
  "VACUUM inventory, products, users",
}

return M
