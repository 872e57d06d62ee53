-- E-commerce workloads (full and basic): schema naming, vocabularies and the deterministic catalogue values both share.
--
-- Catalogue facts that several loader parts and the run must agree on (a product's price, cost,
-- category, vendor) are pure functions of the id and --seed (rand:permute is a seeded hash), so
-- no part has to read another part's rows and a client can compute them without a query.
local M = {}

-- ---- schema ---------------------------------------------------------------------------------------

-- Validates --schema. prepare creates it with a plain CREATE SCHEMA: an existing schema (public
-- included) is a name clash the engine reports, never a schema to load into.
function M.schema(opt)
  local s = opt.schema
  if type(s) ~= "string" or not s:match("^[a-z_][a-z0-9_]*$") or #s > 63 then
    error("--schema must be a lower-case SQL identifier ([a-z_][a-z0-9_]*), got '" .. tostring(s) .. "'", 0)
  end
  return s
end

-- Session setup of every connection of both workloads (prepare, loader parts, clients): the
-- schema first on search_path, so statements name tables unqualified. The engine runs on_connect
-- again after a reconnect, before it re-prepares the statements. Trigger functions keep the
-- search_path they were created with (SET search_path FROM CURRENT), whoever fires them.
function M.on_connect(ctx)
  ctx.db:exec("SET search_path TO " .. M.schema(ctx.opt) .. ", public")
end

M.PGVECTOR_HINT = "the server has no 'vector' extension (pgvector), needed by --vectors. Install it on the " ..
  "database server: from the PGDG apt repository `apt-get install postgresql-15-pgvector`, or from source " ..
  "(Debian 12 does not package it): `apt-get install postgresql-server-dev-15 build-essential git && git clone " ..
  "https://github.com/pgvector/pgvector && cd pgvector && make && make install`; or run without --vectors"

-- Foreign keys of the tables both workloads have, added after the load.
M.FOREIGN_KEYS = {
  "ALTER TABLE inventory ADD FOREIGN KEY (product_id) REFERENCES products",
  "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users",
  "ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders",
  "ALTER TABLE order_items ADD FOREIGN KEY (product_id) REFERENCES products",
  "ALTER TABLE reviews ADD FOREIGN KEY (product_id) REFERENCES products",
  "ALTER TABLE reviews ADD FOREIGN KEY (user_id) REFERENCES users",
  "ALTER TABLE user_sessions ADD FOREIGN KEY (user_id) REFERENCES users",
  "ALTER TABLE product_analytics ADD FOREIGN KEY (product_id) REFERENCES products",
  "ALTER TABLE product_analytics ADD FOREIGN KEY (user_id) REFERENCES users",
}

-- ---- sizes ----------------------------------------------------------------------------------------

-- Per --scale unit, as in the original tool (it had 0 vendors, and crashed, below scale 20).
function M.sizes(scale)
  return {
    users = scale,
    vendors = math.max(1, math.ceil(scale / 20)),
    products = math.max(1, math.floor(scale / 2)),
    orders = 2 * scale,
    reviews = scale,
    sessions = 3 * scale,
  }
end

-- ---- deterministic catalogue ------------------------------------------------------------------------

local H = 1073741824          -- 2^30: range of the hash
-- A uniform value in [0, 1) that depends only on (i, salt) and --seed.
function M.hash01(rand, i, salt)
  return rand:permute(i * 16 + salt, H) / H
end

M.CATEGORIES = { "Electronics", "Home", "Clothing", "Sports", "Books", "Beauty", "Toys", "Grocery",
                 "Garden", "Automotive", "Health", "Office" }
M.SUBCATEGORIES = { "Basics", "Premium", "Outdoor", "Kids", "Accessories", "Essentials" }
M.BRANDS = { "Acme", "Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Stark", "Wayne",
             "Hooli", "Vandelay", "Soylent", "Tyrell", "Wonka", "Cyberdyne", "Aperture" }
M.ADJECTIVES = { "Wireless", "Organic", "Compact", "Deluxe", "Portable", "Smart", "Classic", "Ultra",
                 "Eco", "Vintage", "Rugged", "Premium", "Mini", "Pro", "Ergonomic", "Waterproof" }
M.NOUNS = { "Headphones", "Blender", "Jacket", "Backpack", "Lamp", "Notebook", "Sneakers", "Kettle",
            "Drone", "Yoga Mat", "Speaker", "Watch", "Camera", "Chair", "Bottle", "Toolkit",
            "Puzzle", "Serum", "Charger", "Tent" }
M.FIRST = { "Ana", "Ben", "Chen", "Dana", "Eli", "Fatou", "Gus", "Hiro", "Ines", "Jon", "Kira", "Luis",
            "Maya", "Nils", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess" }
M.LAST = { "Alvarez", "Brooks", "Cohen", "Dumas", "Evans", "Fischer", "Garcia", "Hayes", "Ito", "Jensen",
           "Khan", "Lopez", "Meyer", "Novak", "Okoro", "Patel", "Quist", "Rossi", "Silva", "Tran" }
M.COUNTRIES = { "US", "GB", "DE", "FR", "CA", "AU", "JP", "BR", "IN", "ES", "IT", "NL" }
M.CITIES = { "Springfield", "Riverside", "Fairview", "Lakeside", "Georgetown", "Salem", "Madison",
             "Franklin", "Clinton", "Arlington" }
M.DEVICES = { "desktop", "mobile", "tablet" }
M.BROWSERS = { "Chrome", "Safari", "Firefox", "Edge" }
M.OSES = { "Windows", "macOS", "iOS", "Android", "Linux" }
M.PAYMENTS = { "card", "card", "card", "paypal", "bank_transfer", "gift_card" }
-- Event types with their share of the analytics stream (views dominate, as on any shop).
M.EVENTS = { { "view", 60 }, { "search", 15 }, { "add_to_cart", 15 }, { "wishlist", 5 }, { "purchase", 5 } }

-- Products are dealt round-robin to vendors, so vendor v sells v, v+V, v+2V, ...: the loader and
-- the purchase-order transactions can enumerate a vendor's products without a query.
function M.vendor_of(product_id, vendors)
  return (product_id - 1) % vendors + 1
end
function M.vendor_product(rand, vendor_id, vendors, products)
  local per = math.floor((products - vendor_id) / vendors)        -- highest j with v + j*V <= products
  if per < 0 then return nil end
  return vendor_id + vendors * rand:uniform(0, per)
end

function M.category_of(rand, pid)
  return M.CATEGORIES[1 + math.floor(M.hash01(rand, pid, 1) * #M.CATEGORIES)]
end

-- List price 4.99 .. 499.99 (log-uniform: cheap items are common) and a unit cost 45-75% of it.
function M.price_of(rand, pid)
  return math.floor(499 * math.exp(-4.6 * M.hash01(rand, pid, 2)) * 100 + 0.5) / 100 + 4.99
end
function M.cost_of(rand, pid)
  return math.floor(M.price_of(rand, pid) * (0.45 + 0.3 * M.hash01(rand, pid, 3)) * 100 + 0.5) / 100
end

function M.brand_of(rand, pid)
  return M.BRANDS[1 + math.floor(M.hash01(rand, pid, 4) * #M.BRANDS)]
end

-- "<brand> <adjective> <noun>", e.g. "Acme Wireless Headphones": what product_search matches.
function M.product_name(rand, pid)
  return M.brand_of(rand, pid) .. " " ..
         M.ADJECTIVES[1 + math.floor(M.hash01(rand, pid, 5) * #M.ADJECTIVES)] .. " " ..
         M.NOUNS[1 + math.floor(M.hash01(rand, pid, 6) * #M.NOUNS)]
end

function M.sku(pid) return string.format("SKU-%08d", pid) end
function M.email(uid) return "user" .. uid .. "@example.com" end

-- ---- random draws -----------------------------------------------------------------------------------

-- Popularity: Zipf rank scattered over the ids by a seeded permutation, identical in every
-- loader part and client, so the products bought and reviewed most are also the ones the run
-- reads most. skew 0 = uniform.
function M.popular(rand, n, skew)
  if n <= 1 then return 1 end
  if skew <= 0 then return rand:uniform(1, n) end
  return rand:permute(rand:zipf(1, n, skew) - 1, n) + 1
end

function M.event_type(rand)
  local x = rand:uniform(1, 100)
  for _, e in ipairs(M.EVENTS) do
    if x <= e[2] then return e[1] end
    x = x - e[2]
  end
  return "view"
end

-- A search phrase of one or two catalogue words (matches product names and search events).
function M.search_phrase(rand)
  if rand:uniform(1, 2) == 1 then return M.NOUNS[rand:uniform(1, #M.NOUNS)] end
  return M.ADJECTIVES[rand:uniform(1, #M.ADJECTIVES)] .. " " .. M.NOUNS[rand:uniform(1, #M.NOUNS)]
end

local REVIEW_WORDS = { "great", "quality", "broke", "fast", "shipping", "love", "cheap", "sturdy",
                       "recommend", "return", "value", "size", "color", "battery", "comfortable", "works" }
function M.review_text(rand)
  local t = {}
  for i = 1, rand:uniform(8, 30) do t[i] = REVIEW_WORDS[rand:uniform(1, #REVIEW_WORDS)] end
  return table.concat(t, " ")
end

-- Ratings lean positive, as on real shops: 5 (40%), 4 (30%), 3 (15%), 2 (8%), 1 (7%).
function M.rating(rand)
  local x = rand:uniform(1, 100)
  if x <= 40 then return 5 elseif x <= 70 then return 4 elseif x <= 85 then return 3 elseif x <= 93 then return 2 end
  return 1
end

function M.address_json(rand)
  return string.format('{"street":"%d %s St","city":"%s","country":"%s","zip":"%05d"}', rand:uniform(1, 9999),
                       M.LAST[rand:uniform(1, #M.LAST)], M.CITIES[rand:uniform(1, #M.CITIES)],
                       M.COUNTRIES[rand:uniform(1, #M.COUNTRIES)], rand:uniform(1000, 99999))
end

function M.ip(rand)
  return string.format("10.%d.%d.%d", rand:uniform(0, 255), rand:uniform(0, 255), rand:uniform(1, 254))
end

-- UTC timestamp text `ago` seconds before `now` (os.time at prepare, shared by every part).
function M.ts(now, ago)
  return os.date("!%Y-%m-%d %H:%M:%S+00", now - ago)
end
M.DAY = 86400

-- Order status follows its age: delivered/cancelled when old, shipped when days old, pending when
-- recent. Pending orders hold stock reservations (inventory.quantity_reserved).
function M.order_status(rand, ago)
  if ago > 14 * M.DAY then return rand:uniform(1, 100) <= 95 and "delivered" or "cancelled" end
  if ago > 3 * M.DAY then return "shipped" end
  return "pending"
end

-- ---- mixes ------------------------------------------------------------------------------------------

-- Builds the mix of one --mode from the workload's weight tables (each of read/write sums to 100).
function M.mix(mode, w)
  local mix = {}
  local function add(t, f)
    for name, weight in pairs(t) do mix[name] = (mix[name] or 0) + weight * f end
  end
  if mode == "read" then add(w.read, 1)
  elseif mode == "write" then add(w.write, 1)
  elseif mode == "oltp" then add(w.oltp, 1)
  elseif mode == "analytics" then add(w.analytics, 1)
  else add(w.read, 0.75); add(w.write, 0.25) end     -- mixed: 75% reads, 25% writes (the original's split)
  for name, weight in pairs(mix) do if weight <= 0 then mix[name] = nil end end
  return mix
end

-- The original's pauses after each operation, per mode, in ms (with --think).
M.THINK_MS = { oltp = 9, analytics = 499, read = 49, write = 49, mixed = 49 }

-- ---- run ---------------------------------------------------------------------------------------

-- Draws of a run, from K (the meta row a client_init read: products, users, skew).
function M.draw_product(ctx, K) return M.popular(ctx.rand, K.products, K.skew) end
function M.draw_user(ctx, K) return ctx.rand:uniform(1, K.users) end
function M.draw_category(ctx) return M.CATEGORIES[ctx.rand:uniform(1, #M.CATEGORIES)] end
-- The bound of "the latest 1000 orders": order_id above it (statement max_order_id, see the SQL).
function M.recent_orders(ctx) return (ctx.db:value("max_order_id") or 0) - 1000 end

-- The reads both workloads run with the same statement names and inputs (each prepares its own
-- SQL under these names, for its own columns): a table name -> function(ctx), to extend with the
-- workload's other transactions. K is the workload's per-thread meta table (users, products,
-- orders, skew, loaded_at), read at each call, so client_init may fill it after this.
function M.shared_reads(K)
  local T = {}
  function T.user_by_email(ctx) ctx.db:exec("user_by_email", M.email(M.draw_user(ctx, K))) end
  function T.product_by_sku(ctx) ctx.db:exec("product_by_sku", M.sku(M.draw_product(ctx, K))) end
  function T.products_by_category(ctx) ctx.db:exec("products_by_category", M.draw_category(ctx)) end
  function T.product_search(ctx) ctx.db:exec("product_search", M.search_phrase(ctx.rand)) end
  function T.user_orders(ctx) ctx.db:exec("user_orders", M.draw_user(ctx, K)) end
  function T.order_details(ctx) ctx.db:exec("order_details", ctx.rand:uniform(1, K.orders)) end
  function T.product_reviews(ctx) ctx.db:exec("product_reviews", M.draw_product(ctx, K)) end
  function T.sales_by_month_category(ctx) ctx.db:exec("sales_by_month_category", K.loaded_at) end
  function T.customer_segmentation(ctx) ctx.db:exec("customer_segmentation", K.loaded_at) end
  return T
end

-- The operations of txns as the workload's transactions (for workload.txn, so that no global
-- is needed), each followed by the optional --think pause (think_ms() is read per call: it is
-- set in client_init).
function M.transactions(txns, think_ms)
  local out = {}
  for name, fn in pairs(txns) do
    out[name] = function(ctx)
      fn(ctx)
      local ms = think_ms()
      if ms > 0 then ctx:think(ctx.rand:uniform(0, ms)) end
    end
  end
  return out
end

-- Business figures beside the engine's latency table: orders placed and rejected, and read vs
-- write throughput (a type is a write when is_write(name)).
function M.summary(r, is_write)
  local out = {}
  local orders = r.types.create_order
  if orders and orders.count > 0 then
    out[#out + 1] = { name = "orders placed", value = orders.committed / r.elapsed_s, unit = "/s" }
    out[#out + 1] = { name = "orders rejected (out of stock)", value = 100 * orders.rolled_back / orders.count,
                      unit = "%", note = "rolled back by design" }
  end
  local reads, writes = 0, 0
  for name, t in pairs(r.types) do
    if is_write(name) then writes = writes + t.tps else reads = reads + t.tps end
  end
  out[#out + 1] = { name = "read transactions", value = reads, unit = "tps" }
  out[#out + 1] = { name = "write transactions", value = writes, unit = "tps" }
  return out
end

return M
