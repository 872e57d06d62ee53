-- E-commerce shop with vendors, purchase orders and stock-control triggers: OLTP orders, catalogue reads and analytics.
--
-- Demonstrates: a large normalized schema in a schema of its own (shareable with
-- ecommerce_basic), PL/pgSQL triggers whose cost lands in the transactions that fire them,
-- multi-statement transactions that lock rows in a fixed order (no deadlocks), an expected
-- business outcome counted as "rolled back by design" (an order for an item out of stock),
-- five --mode mixes from one weight table, optional pgvector review embeddings, and a check
-- hook with the invariants the writes must keep.
--
--   stormdb prepare workloads/ecommerce.lua --scale=100000 --loaders=4       # add --vectors for review embeddings
--   stormdb run     workloads/ecommerce.lua --mode=oltp -c 16 -j 4 -T 60s -P 5   # read|write|mixed|oltp|analytics
--   stormdb check   workloads/ecommerce.lua                                  # stock reservations, totals, receipts
--   stormdb cleanup workloads/ecommerce.lua
--
-- Schema, operations, weights and triggers: docs/workloads/ecommerce.md; config/ecommerce.yaml.
local common = require("ecommerce.common")
local schema_mod = require("ecommerce.schema")
local load = require("ecommerce.load")
local ops = require("ecommerce.ops")

workload = {
  name = "ecommerce",
  description = "e-commerce with vendors, purchase orders, stock-control triggers: orders, catalogue reads, analytics",
  options = {
    mode = { default = "mixed", choices = { "read", "write", "mixed", "oltp", "analytics" },
             help = "read: 20 reads; write: 10 writes; mixed: 75% read/25% write; oltp: 60% over 5 reads/40% over " ..
                    "4 writes; analytics: 7 reporting queries" },
    scale = { default = 10000, type = "integer", min = 1, help = "users at prepare; plus scale/20 vendors, scale/2 products, 2 orders, 1 review, " ..
                                      "3 sessions, 3 events per user; runs use what the meta table records" },
    skew = { default = 0.8, min = 0, help = "Zipf exponent of product popularity (orders, reviews, events, reads); 0 = uniform" },
    vectors = { default = false, help = "reviews.content_vector (pgvector, HNSW cosine) and review_vector_search" },
    vector_dims = { default = 128, type = "integer", min = 1, max = 2000, help = "dimensions of review embeddings with --vectors (the original used 1536)" },
    schema = { default = "ecommerce", help = "schema holding every table and function, created by prepare (must not exist yet)" },
    think = { default = false, help = "pause after each operation like the original: 0-9 ms (oltp), 0-499 ms " ..
                                      "(analytics), 0-49 ms (other modes), outside the measured latency" },
  },
  mix = ops.mix,
}

local function validate(opt)
  return common.schema(opt)
end
workload.validate = validate

on_connect = common.on_connect

-- ---- prepare / check ------------------------------------------------------------------------------

function prepare(ctx)
  local db, opt = ctx.db, ctx.opt
  local schema = validate(opt)
  if opt.vectors and not db:value("SELECT 1 FROM pg_extension WHERE extname = 'vector'") then
    if not db:value("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'") then error(common.PGVECTOR_HINT, 0) end
    db:exec("CREATE EXTENSION IF NOT EXISTS vector")   -- database-wide and shared: cleanup leaves it
  end
  local dims = opt.vectors and opt.vector_dims or nil
  schema_mod.create(db, schema, dims)
  local scale, now = opt.scale, os.time()
  ctx:progress(0, load.total_rows(scale))
  local t0 = stormdb.now_ms()
  ctx:parallel(nil, "ecommerce_load_part", schema, scale, opt.skew, now, dims or 0)
  local t1 = stormdb.now_ms()
  for _, sql in ipairs(load.FIXUPS) do db:exec(sql) end
  ctx:parallel(#schema_mod.INDEX_JOBS, "ecommerce_index_part", schema, opt.vectors)
  schema_mod.finish(db, schema)
  local s = common.sizes(scale)
  db:exec("INSERT INTO meta (scale, users, vendors, products, orders, reviews, purchase_orders, " ..
                           "vectors, vector_dims, skew) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          scale, s.users, s.vendors, s.products, s.orders, s.reviews, load.purchase_orders(scale), opt.vectors, dims,
          opt.skew)
  ctx:log("ecommerce: scale %d: COPY %.1f s, fix-ups/indexes/keys/triggers %.1f s", scale, (t1 - t0) / 1000,
          (stormdb.now_ms() - t1) / 1000)
end

function ecommerce_load_part(ctx, part, parts, schema, scale, skew, now, dims)
  load.part(ctx, part, parts, schema, scale, skew, now, dims > 0 and dims or nil)
end

function ecommerce_index_part(ctx, part, parts, schema, vectors)
  schema_mod.index_job(ctx.db, schema, part, vectors)
end

-- Invariants every write transaction keeps (a lost reservation, a half-applied order or a
-- receipt that skipped the trigger breaks one of them).
function check(ctx)
  local schema = validate(ctx.opt)
  local function n(sql) return ctx.db:value(sql) end
  if not pcall(n, "SELECT scale FROM meta") or not n("SELECT scale FROM meta") then
    return { { name = schema .. " is loaded", ok = false, detail = "no " .. schema .. ".meta row: run prepare first" } }
  end
  local reserved = n([[SELECT count(*) FROM inventory i LEFT JOIN (
      SELECT oi.product_id, sum(oi.quantity) AS q FROM order_items oi JOIN orders o ON o.order_id = oi.order_id
       WHERE o.status = 'pending' GROUP BY oi.product_id) p ON p.product_id = i.product_id
     WHERE i.quantity_reserved <> coalesce(p.q, 0)]])
  local negative = n("SELECT count(*) FROM inventory WHERE quantity_reserved < 0 OR quantity_available < quantity_reserved")
  local totals = n([[SELECT count(*) FROM orders o LEFT JOIN (
      SELECT order_id, sum(total_price) AS s FROM order_items GROUP BY order_id) i ON i.order_id = o.order_id
     WHERE o.subtotal <> coalesce(i.s, 0) OR o.total_amount <> o.subtotal + o.tax_amount + o.shipping_amount]])
  local receipts = n([[SELECT count(*) FROM purchase_orders po WHERE (po.status = 'received') <> NOT EXISTS (
      SELECT 1 FROM purchase_order_items i WHERE i.po_id = po.po_id AND i.quantity_received < i.quantity_ordered)]])
  local open = n([[SELECT count(*) FROM (SELECT product_id FROM purchase_order_items i JOIN purchase_orders po
      ON po.po_id = i.po_id WHERE po.auto_generated AND i.quantity_received < i.quantity_ordered
      GROUP BY product_id HAVING count(*) > 1) d]])
  return {
    { name = "quantity_reserved = units of pending orders", ok = reserved == 0, detail = reserved .. " products differ" },
    { name = "0 <= quantity_reserved <= quantity_available", ok = negative == 0, detail = negative .. " products violate it" },
    { name = "order subtotal = sum of its items, total = subtotal + tax + shipping", ok = totals == 0,
      detail = totals .. " orders differ" },
    { name = "purchase order received <=> all its items received", ok = receipts == 0, detail = receipts .. " purchase orders differ" },
    { name = "at most one open automatic reorder per product", ok = open == 0, detail = open .. " products have several" },
  }
end

-- ---- run -------------------------------------------------------------------------------------------

local think_ms = 0

function client_init(ctx)
  local schema = validate(ctx.opt)
  think_ms = ctx.opt.think and common.THINK_MS[ctx.opt.mode] or 0
  ops.client_init(ctx, schema)
end

-- Every operation is a global function named as in the mix, followed by the optional pause.
workload.txn = common.transactions(ops.TXN, function() return think_ms end)

-- Business figures beside the engine's latency table (analytics count as reads).
function summary(r)
  return common.summary(r, function(name) return ops.WEIGHTS.write[name] ~= nil end)
end
