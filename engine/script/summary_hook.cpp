// Building the `r` table for summary(r) and reading back its result lines.
#include "script/summary_hook.h"

#include <lua.hpp>

#include "script/lua_state.h"

namespace stormdb {
namespace {

void set_num(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

void push_row(lua_State *L, const TxnRow &t) {
  lua_newtable(L);
  set_num(L, "count", static_cast<double>(t.count));
  set_num(L, "committed", static_cast<double>(t.committed));
  set_num(L, "rolled_back", static_cast<double>(t.rolled_back));
  set_num(L, "failed", static_cast<double>(t.failed));
  set_num(L, "retries", static_cast<double>(t.retries));
  set_num(L, "tps", t.tps);
  set_num(L, "mean_ms", t.latency.mean);
  set_num(L, "p50_ms", t.latency.p50);
  set_num(L, "p90_ms", t.latency.p90);
  set_num(L, "p95_ms", t.latency.p95);
  set_num(L, "p99_ms", t.latency.p99);
  set_num(L, "max_ms", t.latency.max);
  // Pooled runs (--connections): the wait for a connection, already inside the latency above.
  if (t.has_pool_wait) {
    set_num(L, "pool_wait_mean_ms", t.pool_wait.mean);
    set_num(L, "pool_wait_p50_ms", t.pool_wait.p50);
    set_num(L, "pool_wait_p90_ms", t.pool_wait.p90);
    set_num(L, "pool_wait_p99_ms", t.pool_wait.p99);
    set_num(L, "pool_wait_max_ms", t.pool_wait.max);
  }
}

// r.intervals: the measured intervals in time order, each { t_s =, span_s =, types = { name =
// { count =, committed =, rolled_back =, failed = } } } (t_s: end of the interval, seconds since
// the start barrier). Workloads judge steady state from them (TPC-C clause 5.5).
void push_intervals(lua_State *L, const std::vector<IntervalRow> &intervals) {
  lua_newtable(L);
  int i = 0;
  for (const auto &iv : intervals) {
    if (iv.phase != "measure") continue;
    lua_newtable(L);
    set_num(L, "t_s", iv.t_s);
    set_num(L, "span_s", iv.span_s);
    lua_newtable(L);
    for (const auto &t : iv.types) {
      lua_newtable(L);
      set_num(L, "count", static_cast<double>(t.count));
      set_num(L, "committed", static_cast<double>(t.committed));
      set_num(L, "rolled_back", static_cast<double>(t.rolled_back));
      set_num(L, "failed", static_cast<double>(t.failed));
      lua_setfield(L, -2, t.name.c_str());
    }
    lua_setfield(L, -2, "types");
    lua_rawseti(L, -2, ++i);
  }
}

std::string str_field(lua_State *L, const char *k) {
  lua_getfield(L, -1, k);
  std::string v = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return v;
}

}  // namespace

std::vector<SummaryLine> run_summary_hook(const RunPlan &plan, const RunResult &r) {
  RunPlan p = plan;
  p.phase = "summary";
  lua_State *L = new_script_state(p, -1);
  std::vector<SummaryLine> out;
  lua_getglobal(L, "summary");
  if (!lua_isfunction(L, -1)) {
    lua_close(L);
    return out;
  }
  lua_newtable(L);
  set_num(L, "elapsed_s", r.elapsed_s);
  set_num(L, "clients", plan.clients);
  set_num(L, "threads", plan.threads);
  set_num(L, "warmup_s", plan.warmup_us / 1e6);
  // The pool (--connections): 0 when every client has its own connection.
  set_num(L, "connections", r.pool.connections);
  set_num(L, "pool_queue_mean", r.pool.queue_mean);
  set_num(L, "pool_queue_max", static_cast<double>(r.pool.queue_max));
  push_intervals(L, r.intervals);
  lua_setfield(L, -2, "intervals");
  lua_getglobal(L, "stormdb");
  lua_getfield(L, -1, "_options");
  lua_remove(L, -2);
  lua_setfield(L, -2, "opt");
  lua_newtable(L);
  for (const auto &t : r.types) {
    push_row(L, t);
    lua_setfield(L, -2, t.name.c_str());
  }
  lua_setfield(L, -2, "types");
  push_row(L, r.total);
  lua_setfield(L, -2, "total");
  lua_newtable(L);
  for (const auto &[k, v] : r.counters) set_num(L, k.c_str(), v);
  lua_setfield(L, -2, "counters");
  lua_newtable(L);
  for (const auto &t : r.timings) {
    lua_newtable(L);
    set_num(L, "count", static_cast<double>(t.count));
    set_num(L, "mean_ms", t.latency.mean);
    set_num(L, "p50_ms", t.latency.p50);
    set_num(L, "p95_ms", t.latency.p95);
    set_num(L, "p99_ms", t.latency.p99);
    set_num(L, "max_ms", t.latency.max);
    lua_setfield(L, -2, t.name.c_str());
  }
  lua_setfield(L, -2, "timings");
  if (lua_pcall(L, 1, 1, 0) != 0) {
    out.push_back(SummaryLine{"summary error", 0, "", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?", 0});
    lua_close(L);
    return out;
  }
  if (lua_istable(L, -1)) {
    int n = static_cast<int>(lua_objlen(L, -1));
    for (int i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_istable(L, -1)) {
        SummaryLine s;
        s.name = str_field(L, "name");
        lua_getfield(L, -1, "value");
        s.value = lua_tonumber(L, -1);
        lua_pop(L, 1);
        s.unit = str_field(L, "unit");
        s.note = str_field(L, "note");
        lua_getfield(L, -1, "ok");
        s.ok = lua_isnil(L, -1) ? -1 : (lua_toboolean(L, -1) ? 1 : 0);
        lua_pop(L, 1);
        out.push_back(std::move(s));
      }
      lua_pop(L, 1);
    }
  }
  lua_close(L);
  return out;
}

}  // namespace stormdb
