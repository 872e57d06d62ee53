// Tests for pg/server_settings: postgresql.conf lines, the pg_stat_statements default and reading the server's
// complaints.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "pg/server_settings.h"

namespace {
namespace fs = std::filesystem;
using namespace stormdb;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/stormdb-settings-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

void touch(const fs::path &p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "";
}
}  // namespace

TEST_CASE("conf_line quotes values and rejects what is not name=value") {
  CHECK(conf_line("work_mem=7MB") == "work_mem = '7MB'");
  CHECK(conf_line(" application_name = it's ") == "application_name = 'it''s'");
  CHECK(conf_line("search_path='a, b'") == "search_path = 'a, b'");
  CHECK(conf_line("auto_explain.log_min_duration=0") == "auto_explain.log_min_duration = '0'");
  CHECK_THROWS_AS(conf_line("work_mem"), ServerInputError);
  CHECK_THROWS_AS(conf_line("work mem=1"), ServerInputError);
  CHECK_THROWS_AS(conf_line("=1"), ServerInputError);
}

TEST_CASE("pg_stat_statements is preloaded only where the installation has it") {
  TempDir debian, embedded, bare;
  touch(fs::path(debian.path) / "lib/pg_stat_statements.so");               // /usr/lib/postgresql/N
  touch(fs::path(embedded.path) / "lib/postgresql/pg_stat_statements.so");  // source builds, npm
  fs::create_directories(fs::path(bare.path) / "bin");
  CHECK(stat_statements_library(debian.path + "/bin") == debian.path + "/lib/pg_stat_statements.so");
  CHECK(stat_statements_library(embedded.path + "/bin/") == embedded.path + "/lib/postgresql/pg_stat_statements.so");
  CHECK(stat_statements_library(bare.path + "/bin").empty());
  CHECK(default_settings(debian.path + "/bin", true) ==
        std::vector<std::string>{"shared_preload_libraries=pg_stat_statements"});
  CHECK(default_settings(debian.path + "/bin", false).empty());
  CHECK(default_settings(bare.path + "/bin", true).empty());
}

TEST_CASE("settings_complaints keeps the server's lines about settings, without log prefixes") {
  TempDir d;
  std::string log = d.path + "/server.log";
  std::ofstream(log)
      << "2026-11-30 12:00:00.000 UTC [42] LOG:  unrecognized configuration parameter \"no_such\" in file "
         "\"/tmp/stormdb-x/data/postgresql.conf\" line 830\n"
      << "2026-11-30 12:00:00.000 UTC [42] FATAL:  configuration file \"/tmp/stormdb-x/data/postgresql.conf\" "
         "contains errors\n"
      << "2026-11-30 12:00:00.000 UTC [43] FATAL:  could not access file \"nolib\": No such file or directory\n"
      << "2026-11-30 12:00:00.000 UTC [43] LOG:  database system is shut down\n";
  std::string c = settings_complaints(log, {"no_such=1", "shared_preload_libraries='nolib'"});
  CHECK(c ==
        "unrecognized configuration parameter \"no_such\"\n"
        "could not access file \"nolib\": No such file or directory");

  std::ofstream(log) << "2026-11-30 12:00:00.000 UTC [44] FATAL:  could not create lock file: Permission denied\n";
  CHECK(settings_complaints(log, {"work_mem=1MB"}).empty());
  CHECK(settings_complaints(d.path + "/missing.log", {"work_mem=1MB"}).empty());
}
