// Tests for EphemeralServer: a real throwaway PostgreSQL is started, queried, kept, re-attached and stopped.
#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "pg/ephemeral_server.h"

namespace {

namespace fs = std::filesystem;
using stormdb::EphemeralServer;
using stormdb::EphemeralServerOptions;

bool skip_server_tests() { return std::getenv("STORMDB_SKIP_SERVER_TESTS") != nullptr; }

// Runs a one-row, one-column query; returns "<... error: ...>" text on failure so
// CHECKs show what went wrong.
std::string query_one(const std::string& conninfo, const char* sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out = std::string("<connect error: ") + PQerrorMessage(conn) + ">";
  } else {
    PGresult* res = PQexec(conn, sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
      out = PQgetvalue(res, 0, 0);
    else
      out = std::string("<query error: ") + PQerrorMessage(conn) + ">";
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

bool can_connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  bool ok = PQstatus(conn) == CONNECTION_OK;
  PQfinish(conn);
  return ok;
}

// A zombie counts as gone: it holds no socket or files, and reaping it is up to whoever adopted it.
bool is_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

pid_t postmaster_pid(const std::string& dir) {
  std::ifstream in(dir + "/data/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

}  // namespace

TEST_CASE("EphemeralServer: start, query, own session, keep/attach, stop" * doctest::skip(skip_server_tests())) {
  EphemeralServerOptions opts;
  opts.quiet = true;
  opts.settings = {"work_mem=7MB", "application_name = 'stormdb test'"};
  auto srv = EphemeralServer::start(opts);
  REQUIRE(srv);
  const std::string dir = srv->dir();
  const std::string conninfo = srv->conninfo();
  MESSAGE("started in ", srv->startup_ms(), " ms: ", conninfo);

  CHECK(fs::is_directory(dir + "/data"));
  CHECK(srv->log_path() == dir + "/server.log");
  CHECK(conninfo.find("host=" + dir) != std::string::npos);
  CHECK(!srv->server_version().empty());
  CHECK(std::isdigit(static_cast<unsigned char>(srv->server_version()[0])));
  CHECK(srv->startup_ms() > 0);

  CHECK(query_one(conninfo, "SELECT 1") == "1");
  CHECK(query_one(conninfo, "SHOW max_connections") == "300");
  CHECK(query_one(conninfo, "SHOW listen_addresses") == "");
  CHECK(query_one(conninfo, "SHOW work_mem") == "7MB");
  CHECK(query_one(conninfo, "SELECT current_user") == "postgres");
  // The server's reported version must match what `postgres --version` said.
  CHECK(query_one(conninfo, "SHOW server_version").rfind(srv->server_version(), 0) == 0);

  // A separate session means Ctrl-C in our terminal cannot reach the postmaster.
  pid_t pm = postmaster_pid(dir);
  REQUIRE(pm > 0);
  CHECK(is_alive(pm));
  CHECK(getsid(pm) > 0);
  CHECK(getsid(pm) != getsid(0));
  CHECK(getpgid(pm) != getpgrp());

  srv->keep();
  srv.reset();
  CHECK(fs::is_directory(dir));
  CHECK(query_one(conninfo, "SELECT 2") == "2");

  auto again = EphemeralServer::attach(dir);
  REQUIRE(again);
  CHECK(again->conninfo() == conninfo);
  CHECK(again->dir() == fs::canonical(dir).string());
  CHECK(!again->server_version().empty());
  again->stop();
  CHECK(!fs::exists(dir));
  CHECK(!can_connect(conninfo));
  CHECK(!is_alive(pm));
  CHECK_NOTHROW(again->stop());  // idempotent
}

TEST_CASE("EphemeralServer: destruction stops the server and removes its directory" *
          doctest::skip(skip_server_tests())) {
  EphemeralServerOptions opts;
  opts.quiet = true;
  std::string dir, conninfo;
  {
    auto srv = EphemeralServer::start(opts);
    dir = srv->dir();
    conninfo = srv->conninfo();
    CHECK(can_connect(conninfo));
  }
  CHECK(!fs::exists(dir));
  CHECK(!can_connect(conninfo));
}

TEST_CASE("EphemeralServer: bad inputs fail with a useful message and leave nothing behind") {
  EphemeralServerOptions opts;
  opts.quiet = true;
  opts.bindir = "/nonexistent/bin";
  CHECK_THROWS_WITH_AS(EphemeralServer::start(opts), doctest::Contains("STORMDB_PG_BINDIR"), std::runtime_error);

  opts.bindir.clear();
  opts.settings = {"no equals sign"};
  CHECK_THROWS_WITH_AS(EphemeralServer::start(opts), doctest::Contains("name=value"), std::runtime_error);

  opts.settings.clear();
  opts.parent_dir = "/tmp/" + std::string(90, 'x');
  CHECK_THROWS_WITH_AS(EphemeralServer::start(opts), doctest::Contains("too long"), std::runtime_error);

  char tmpl[] = "/tmp/stormdb-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  CHECK_THROWS_WITH_AS(EphemeralServer::attach(tmpl), doctest::Contains("not a stormdb server directory"),
                       std::runtime_error);
  CHECK_THROWS_AS(EphemeralServer::attach(std::string(tmpl) + "/missing"), std::runtime_error);
  fs::remove_all(tmpl);
}

TEST_CASE("EphemeralServer: a setting the server rejects reports the server log" *
          doctest::skip(skip_server_tests())) {
  EphemeralServerOptions opts;
  opts.quiet = true;
  opts.settings = {"shared_buffers=not_a_size"};
  std::string msg;
  try {
    EphemeralServer::start(opts);
  } catch (const std::runtime_error& e) {
    msg = e.what();
  }
  CHECK(msg.find("pg_ctl start failed") != std::string::npos);
  CHECK(msg.find("shared_buffers") != std::string::npos);
}
