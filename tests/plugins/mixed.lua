-- A workload mixing Lua transactions with the out-of-tree plugin oot_demo (tests/plugins/oot_demo.c):
-- its script functions through FFI, its COPY generator in prepare, its C transaction type in the mix.
local native, plugin = stormdb.plugin("oot_demo")

workload = {
  name = "oot_mixed",
  description = "Lua transactions beside the oot_demo plugin",
  options = { rows = { default = 5000 } },
  mix = { lua_insert = 1, ffi_insert = 1, native_insert = 1 },
}

function prepare(ctx)
  ctx.db:exec("CREATE TABLE oot_log (kind text NOT NULL, v int NOT NULL)")
  ctx.db:exec("CREATE TABLE oot_kv (k int PRIMARY KEY, v int NOT NULL, note text NOT NULL)")
  ctx:parallel(2, "oot_load_part", ctx.opt.rows)
end

-- Two parts copy one half of the keys each, from two streams of seed 42.
function oot_load_part(ctx, part, parts, rows)
  local half = math.floor(rows / 2)
  local first, last = part == 1 and 1 or half + 1, part == 1 and half or rows
  ctx:progress(plugin:copy(ctx.db, "kv", 42, part, first, last))
end

function lua_insert(ctx)
  ctx.db:exec("INSERT INTO oot_log (kind, v) VALUES ('lua', $1)", ctx.rand:uniform(1, 100))
end

-- A transaction type written in C (oot_demo.c), in the mix beside the Lua ones.
native_insert = plugin:txn("native_insert")

-- The value comes from the plugin: 40 + 2 and the byte sum of "ab" (97 + 98).
function ffi_insert(ctx)
  ctx.db:exec("INSERT INTO oot_log (kind, v) VALUES ('ffi', $1)", native.oot_add(40, 2) + native.oot_checksum("ab", 2))
end
