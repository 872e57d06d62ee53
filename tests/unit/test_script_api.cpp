// Unit tests of script API entries that need no database: stormdb.rand streams, stormdb.now_ms,
// workload.txn tables and option declarations (type, range, choices) as _describe reads them.
#include <doctest/doctest.h>

#include <lua.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "config/run_plan.h"
#include "rand/random.h"
#include "script/describe.h"
#include "script/lua_state.h"

using namespace stormdb;

namespace {
const char *kPath = "/tmp/stormdb_unit_script_api.lua";

// Runs chunk (which returns one number) in a state loaded with the given script.
double eval(const std::string &script, const char *chunk) {
  std::ofstream(kPath) << script;
  RunPlan plan;
  plan.script_path = kPath;
  lua_State *L = new_script_state(plan, 0);
  REQUIRE(luaL_loadstring(L, chunk) == 0);
  int status = lua_pcall(L, 0, 1, 0);
  std::string err = status != 0 && lua_tostring(L, -1) ? lua_tostring(L, -1) : "";
  CHECK(err == "");
  double v = lua_tonumber(L, -1);
  lua_close(L);
  return v;
}

const char *kEvent = "workload = { mix = { event = 1 } }\nfunction event(ctx) end\n";

std::string describe_error(const std::string &script) {
  std::ofstream(kPath) << script;
  try {
    describe_workload(kPath);
  } catch (const std::exception &e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("stormdb.rand(seed, stream) draws what the engine's generator draws for that pair") {
  Rng cpp(42, 7);
  double first = static_cast<double>(cpp.uniform(1, 1000000000));
  CHECK(eval(kEvent, "return stormdb.rand(42, 7):uniform(1, 1000000000)") == first);
  // another stream of the same seed is another sequence
  CHECK(eval(kEvent, "return stormdb.rand(42, 8):uniform(1, 1000000000)") != first);
  // and it has ctx.rand's methods
  double s = eval(kEvent, "local r = stormdb.rand(1, 2) return #r:nstring(5, 5) + r:zipf(1, 1, 1.1)");
  CHECK(s == 6);
}

TEST_CASE("stormdb.now_ms is the stormdb.now clock in milliseconds") {
  double d = eval(kEvent, "local us, ms = stormdb.now(), stormdb.now_ms() return ms - us / 1000");
  CHECK(d >= 0);
  CHECK(d < 1000);  // the same clock, read twice in a row: well under a second apart, not 1000x off
}

TEST_CASE("a mix may name functions of workload.txn, which leave Lua's globals alone") {
  WorkloadInfo w;
  std::ofstream(kPath) << "workload = { mix = { select = 2, put = 1 }, txn = {} }\n"
                          "function workload.txn.select(ctx) end\nfunction workload.txn.put(ctx) end\n";
  w = describe_workload(kPath);
  REQUIRE(w.mix.size() == 2);
  CHECK(w.mix[0].first == "put");
  CHECK(w.mix[1].first == "select");
  CHECK(describe_error("workload = { mix = { sel = 1 }, txn = { select = function() end } }\n")
            .find("no global function sel(ctx) (nor workload.txn.sel) is defined") != std::string::npos);
}

TEST_CASE("a mix function of the options sees a false boolean default as false") {
  std::ofstream(kPath) << "workload = { options = { alt = { default = false } },\n"
                          "  mix = function(opt) if opt.alt then return { b = 1 } end return { a = 1 } end }\n"
                          "function a(ctx) end\nfunction b(ctx) end\n";
  WorkloadInfo w = describe_workload(kPath);
  REQUIRE(w.mix.size() == 1);
  CHECK(w.mix[0].first == "a");
}

TEST_CASE("options declare a whole-number type, a range and choices") {
  std::ofstream(kPath) << "workload = { options = { n = { default = 4, type = 'integer', min = 1, max = 64 },\n"
                          "  f = { default = 0.5, min = 0 }, m = { default = 'a', choices = { 'a', 'b' } } },\n"
                          "  mix = { event = 1 } }\nfunction event(ctx) end\n";
  WorkloadInfo w = describe_workload(kPath);
  REQUIRE(w.option("n") != nullptr);
  CHECK(w.option("n")->integer);
  CHECK(option_constraints(*w.option("n")) == "integer, 1..64");
  CHECK(option_constraints(*w.option("f")) == ">= 0");
  CHECK(option_constraints(*w.option("m")) == "a|b");
  CHECK(describe_error("workload = { options = { s = { default = 'x', min = 1 } }, mix = { event = 1 } }\n"
                       "function event(ctx) end\n")
            .find("option 's' min must be a number, on a number option") != std::string::npos);
  CHECK(describe_error("workload = { options = { n = { default = 0, min = 1 } }, mix = { event = 1 } }\n"
                       "function event(ctx) end\n")
            .find("option 'n' has a default (0) outside its own type or range") != std::string::npos);
  std::remove(kPath);
}
