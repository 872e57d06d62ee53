// Unit tests of configuration merging and validation: precedence, messages, redaction, suggestions.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

#include "config/config.h"

using namespace stormdb;

namespace {
WorkloadInfo sample_workload() {
  WorkloadInfo w;
  w.name = "sample";
  w.options = {{"rows", "number", "1000", "rows", {}, false, "", ""},
               {"mode", "string", "read", "mode", {"read", "write", "mixed"}, false, "", ""},
               {"fk", "boolean", "false", "foreign keys", {}, false, "", ""}};
  return w;
}

Layer layer(std::initializer_list<std::pair<const char *, const char *>> settings, const char *source) {
  Layer l;
  for (auto &[k, v] : settings) l.settings[k] = RawValue{v, source};
  return l;
}

std::string write_temp(const std::string &text) {
  char path[] = "/tmp/stormdb-config-XXXXXX.yaml";
  int fd = mkstemps(path, 5);
  REQUIRE(fd >= 0);
  std::FILE *f = fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

std::string usage_error(const std::function<void()> &f) {
  try {
    f();
  } catch (const UsageError &e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("later layers win and every value is validated after merging") {
  auto w = sample_workload();
  Layer yaml = layer({{"clients", "4"}, {"threads", "2"}, {"duration", "1m"}}, "a.yaml:1");
  yaml.options["rows"] = RawValue{"500", "a.yaml:5"};
  Layer env = layer({{"clients", "8"}}, "STORMDB_CLIENTS");
  Layer cli = layer({{"duration", "30s"}}, "-T/--duration");
  cli.options["mode"] = RawValue{"write", "--mode"};
  Config c = merge_config("run", "x.lua", w, {yaml, env, cli});
  CHECK(c.clients == 8);
  CHECK(c.threads == 2);
  CHECK(c.duration_us == 30'000'000);
  CHECK(c.options.at("rows") == "500");
  CHECK(c.options.at("mode") == "write");
  CHECK(c.options.at("fk") == "false");
  CHECK(c.sources.at("clients") == "STORMDB_CLIENTS");
  CHECK(c.sources.at("options.rows") == "a.yaml:5");
  CHECK(c.options_lua(w) == R"(return {["rows"]=500,["mode"]="write",["fk"]=false,})");
}

TEST_CASE("defaults: threads capped at clients, 10 s without -t, no duration with -t") {
  auto w = sample_workload();
  Config c = merge_config("run", "x.lua", w, {layer({{"clients", "1"}, {"threads", "4"}}, "cli")});
  CHECK(c.threads == 1);
  CHECK(c.duration_us == 10'000'000);
  Config t = merge_config("run", "x.lua", w, {layer({{"transactions", "5"}}, "cli")});
  CHECK(t.duration_us == 0);
  CHECK(t.transactions == 5);
}

TEST_CASE("bad values name their source and what is wrong") {
  auto w = sample_workload();
  CHECK(usage_error([&] {
          merge_config("run", "x", w, {layer({{"clients", "0"}}, "-c/--clients")});
        }) == "-c/--clients: clients must be at least 1, not 0");
  CHECK(usage_error([&] {
          merge_config("run", "x", w, {layer({{"clients", "ten"}}, "f.yaml:3")});
        }) == "f.yaml:3: clients must be a whole number, not 'ten'");
  CHECK(usage_error([&] {
          merge_config("run", "x", w, {layer({{"duration", "soon"}}, "STORMDB_DURATION")});
        }).find("STORMDB_DURATION: invalid duration 'soon'") == 0);
  Layer l;
  l.options["mdoe"] = RawValue{"read", "--mdoe"};
  CHECK(usage_error([&] { merge_config("run", "x", w, {l}); }) ==
        "--mdoe: workload sample has no option 'mdoe' (did you mean 'mode'?)");
  Layer bad;
  bad.options["mode"] = RawValue{"wirte", "--mode"};
  CHECK(usage_error([&] { merge_config("run", "x", w, {bad}); }) ==
        "--mode: option mode must be one of read, write, mixed, not 'wirte' (did you mean 'write'?)");
  Layer num;
  num.options["rows"] = RawValue{"12x", "--rows"};
  CHECK(usage_error([&] { merge_config("run", "x", w, {num}); }) == "--rows: option rows must be a number, not '12x'");
}

TEST_CASE("YAML: unknown keys with line and suggestion, ${VAR} expansion, database section") {
  std::string p = write_temp("clients: 3\nthreds: 2\n");
  CHECK(usage_error([&] { load_yaml_layer(p); }) == p + ":2: unknown key 'threds' (did you mean 'threads'?)");
  std::remove(p.c_str());

  setenv("STORMDB_TEST_HOST", "db1", 1);
  p = write_temp(
      "database:\n  host: ${STORMDB_TEST_HOST}\n  password: ${STORMDB_TEST_NOPE:-pw}\noptions:\n  rows: 7\n");
  Layer l = load_yaml_layer(p);
  CHECK(l.database.at("host").value == "db1");
  CHECK(l.database.at("password").value == "pw");
  CHECK(l.options.at("rows").source == p + ":5");
  Config c = merge_config("run", "x", sample_workload(), {l});
  CHECK(c.database_named);
  CHECK(c.conninfo.find("host='db1'") != std::string::npos);
  CHECK(c.redacted_conninfo().find("pw") == std::string::npos);
  std::remove(p.c_str());

  p = write_temp("url: ${STORMDB_TEST_SURELY_UNSET}\n");
  CHECK(usage_error([&] {
          load_yaml_layer(p);
        }).find(":1: environment variable STORMDB_TEST_SURELY_UNSET is not set") != std::string::npos);
  std::remove(p.c_str());

  p = write_temp("clients: [1,\n");
  CHECK(usage_error([&] { load_yaml_layer(p); }).find("malformed YAML") != std::string::npos);
  std::remove(p.c_str());
}

TEST_CASE("YAML: a list or mapping where one value belongs is bad input naming file:line") {
  // yaml-cpp threw a bare "bad conversion" here, which main reported with exit status 1.
  CHECK(usage_error([] { parse_yaml_layer("clients: 2\nthresholds:\n  - {p99: 1}\n", "c.yaml"); }) ==
        "c.yaml:3: each threshold must be a single value, not a list or mapping");
  CHECK(usage_error([] { parse_yaml_layer("[a]: 1\n", "c.yaml"); }) ==
        "c.yaml:1: a key must be a single value, not a list or mapping");
  CHECK(usage_error([] { parse_yaml_layer("options:\n  {x: 1}: 2\n", "c.yaml"); }) ==
        "c.yaml:2: a key must be a single value, not a list or mapping");
  CHECK(usage_error([] { parse_yaml_layer("phases:\n  - [d]: 1s\n", "c.yaml"); }) ==
        "c.yaml:2: a key must be a single value, not a list or mapping");
  CHECK(parse_yaml_layer("thresholds:\n  - p99<5ms\n  - tps>1\n", "c.yaml").settings.at("thresholds").value ==
        "p99<5ms\ntps>1");
}

TEST_CASE("passwords are redacted in conninfo strings and URIs") {
  CHECK(redact_conninfo("host=x password=secret user=u") == "host=x password=*** user=u");
  CHECK(redact_conninfo("host=x password='se cret' user=u") == "host=x password=*** user=u");
  CHECK(redact_conninfo("postgresql://bob:secret@db:5432/x") == "postgresql://bob:***@db:5432/x");
  CHECK(redact_conninfo("postgresql://db/x?user=bob&password=secret&sslmode=require") ==
        "postgresql://db/x?user=bob&password=***&sslmode=require");
  CHECK(redact_conninfo("host=/tmp dbname=x") == "host=/tmp dbname=x");
}

TEST_CASE("closest suggests near names only") {
  std::vector<std::string> keys = {"clients", "threads", "duration"};
  CHECK(closest("clinets", keys) == "clients");
  CHECK(closest("durration", keys) == "duration");
  CHECK(closest("zzz", keys).empty());
}

TEST_CASE("-T 0: an error alone (it used to run 10 s), no time limit together with -t") {
  auto w = sample_workload();
  CHECK(usage_error([&] {
          merge_config("run", "x", w, {layer({{"duration", "0"}}, "-T/--duration")});
        }).find("-T/--duration: duration must be above 0") == 0);
  CHECK(usage_error([&] {
          merge_config("run", "x", w, {layer({{"duration", "0s"}}, "f.yaml:2")});
        }).find("f.yaml:2: duration must be above 0") == 0);
  Config t = merge_config("run", "x", w, {layer({{"duration", "0"}, {"transactions", "5"}}, "cli")});
  CHECK(t.duration_us == 0);
  CHECK(t.transactions == 5);
}

TEST_CASE("env_warnings: a mistyped STORMDB_* variable names the closest valid one") {
  setenv("STORMDB_CLIENT", "4", 1);
  setenv("STORMDB_ZZQQXX", "1", 1);
  setenv("STORMDB_PATH", "/tmp", 1);        // read by the script search, not a setting
  setenv("STORMDB_TEST_WHATEVER", "1", 1);  // test harness namespace
  setenv("STORMDB_OPT_ROWS", "5", 1);       // a workload option: merge_config checks it
  setenv("STORMDB_DURATION", "1s", 1);
  auto warnings = env_warnings();
  unsetenv("STORMDB_CLIENT");
  unsetenv("STORMDB_ZZQQXX");
  unsetenv("STORMDB_PATH");
  unsetenv("STORMDB_TEST_WHATEVER");
  unsetenv("STORMDB_OPT_ROWS");
  unsetenv("STORMDB_DURATION");
  REQUIRE(warnings.size() == 2);
  std::string all = warnings[0] + "\n" + warnings[1];
  CHECK(all.find("environment variable STORMDB_CLIENT is not a stormdb setting and is ignored (did you mean "
                 "STORMDB_CLIENTS?)") != std::string::npos);
  CHECK(all.find("STORMDB_ZZQQXX is not a stormdb setting and is ignored (see docs/config.md") != std::string::npos);
}

TEST_CASE("lua_memory_limit: 1024 MB by default, at least 16") {
  auto w = sample_workload();
  CHECK(merge_config("run", "x", w, {}).lua_memory_limit_mb == 1024);
  CHECK(merge_config("run", "x", w, {layer({{"lua_memory_limit", "64"}}, "cli")}).lua_memory_limit_mb == 64);
  CHECK(usage_error([&] {
          merge_config("run", "x", w, {layer({{"lua_memory_limit", "8"}}, "--lua-memory-limit")});
        }) == "--lua-memory-limit: lua_memory_limit must be at least 16, not 8");
}
