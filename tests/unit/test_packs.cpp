// Unit tests of pack manifest parsing (read_pack_manifest): bad shapes are UsageErrors naming file:line.
#include <doctest/doctest.h>

#include <string>

#include "cli/packs.h"
#include "config/config.h"

using namespace stormdb;

namespace {
const std::string kDir = std::string(STORMDB_SOURCE_DIR) + "/workloads";
const std::string kFile = kDir + "/stormdb-pack.yaml";

std::string manifest_error(const std::string &text) {
  try {
    Pack p;
    read_pack_manifest(text, kDir, p);
  } catch (const UsageError &e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("pack manifest: fields, extensions and workloads from text") {
  Pack p;
  read_pack_manifest(
      "name: g\nversion: 1.2.0\nextensions: pg_trgm\nworkloads:\n  - simple\n"
      "  - name: point_select\n    extensions: [vector, hstore]\n",
      kDir, p);
  CHECK(p.has_manifest);
  CHECK(p.name == "g");
  CHECK(p.version == "1.2.0");
  CHECK(p.extensions == std::vector<std::string>{"pg_trgm"});
  REQUIRE(p.workloads.size() == 2);
  CHECK(p.workloads[1].name == "point_select");
  CHECK(p.workloads[1].extensions == std::vector<std::string>{"vector", "hstore"});
}

TEST_CASE("pack manifest: plugins of the pack and of a workload") {
  Pack p;
  read_pack_manifest("plugins: [fast_gen]\nworkloads:\n  - name: tpcc\n    plugins: tpcc_native\n", kDir, p);
  CHECK(p.plugins == std::vector<std::string>{"fast_gen"});
  REQUIRE(p.workloads.size() == 1);
  CHECK(p.workloads[0].plugins == std::vector<std::string>{"tpcc_native"});
  CHECK(manifest_error("plugins: {a: 1}\n") == kFile + ":1: plugins must be a name or a list of names");
  CHECK(manifest_error("plugns: [x]\n") ==
        kFile + ":1: unknown key 'plugns' in a pack manifest (did you mean 'plugins'?)");
}

TEST_CASE("pack manifest: a list or mapping where one value belongs is bad input naming file:line") {
  // Found by tests/fuzz/fuzz_pack_manifest: yaml-cpp threw a bare "bad conversion" (exit status 1).
  CHECK(manifest_error("name: g\nextensions: [a: b]\n") ==
        kFile + ":2: each of extensions must be a single value, not a list or mapping");
  CHECK(manifest_error("name: [a, b]\n") == kFile + ":1: name must be a single value, not a list or mapping");
  CHECK(manifest_error("{a: 1}: x\n") == kFile + ":1: a key must be a single value, not a list or mapping");
  CHECK(manifest_error("workloads:\n  - name: {x: 1}\n") ==
        kFile + ":2: a workload's name must be a single value, not a list or mapping");
}

TEST_CASE("pack manifest: a workload name too long for a file name is a missing script") {
  // Found by tests/fuzz/fuzz_pack_manifest: std::filesystem threw "File name too long" (exit status 1).
  const std::string name(300, 'a');
  CHECK(manifest_error("workloads:\n  - " + name + "\n") ==
        kFile + ":2: workload '" + name + "' has no script " + name + ".lua in " + kDir);
}
