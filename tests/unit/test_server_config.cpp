// Tests for the throwaway server's configuration: YAML server: { bin_dir, settings }, --server-setting layers and their
// validation.
#include <doctest/doctest.h>

#include <string>

#include "config/config.h"

using namespace stormdb;

TEST_CASE("server: bin_dir and settings come from YAML; the command line wins per name") {
  Layer yaml = parse_yaml_layer("server:\n  bin_dir: /opt/pg/17/bin\n  settings:\n    work_mem: 8MB\n    jit: off\n",
                                "bench.yaml");
  REQUIRE(yaml.server_settings.count("work_mem") == 1);
  CHECK(yaml.server_settings["work_mem"].value == "8MB");
  CHECK(yaml.server_settings["work_mem"].source == "bench.yaml:4");
  Layer cli;
  cli.server_settings["work_mem"] = RawValue{"16MB", "--server-setting work_mem"};
  Config c = merge_config("run", "x.lua", WorkloadInfo{}, {yaml, cli});
  CHECK(c.pg_bin == "/opt/pg/17/bin");
  CHECK(c.sources["pg_bin"] == "bench.yaml:2");
  CHECK(c.server_settings.at("work_mem").value == "16MB");
  CHECK(c.server_settings.at("jit").value == "off");
}

TEST_CASE("server: mistakes are bad input naming the place") {
  CHECK_THROWS_WITH_AS(parse_yaml_layer("server:\n  bindir: /x\n", "b.yaml"),
                       doctest::Contains("b.yaml:2: unknown key 'server.bindir' (did you mean 'bin_dir'?)"),
                       UsageError);
  CHECK_THROWS_WITH_AS(parse_yaml_layer("server: /usr/lib/postgresql/15/bin\n", "b.yaml"),
                       doctest::Contains("'server' must be a mapping"), UsageError);
  CHECK_THROWS_WITH_AS(parse_yaml_layer("server:\n  settings:\n    work_mem: [1, 2]\n", "b.yaml"),
                       doctest::Contains("server.settings.work_mem must be a single value"), UsageError);
}
