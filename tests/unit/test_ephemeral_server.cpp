// Tests for EphemeralServer: a real throwaway PostgreSQL is started, queried, kept, re-attached and stopped.
#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "pg/ephemeral_server.h"
#include "pg/server_settings.h"

namespace {

namespace fs = std::filesystem;
using stormdb::EphemeralServer;
using stormdb::EphemeralServerOptions;
using stormdb::ServerStartInterrupted;

bool skip_server_tests() { return std::getenv("STORMDB_SKIP_SERVER_TESTS") != nullptr; }

// Runs a one-row, one-column query; returns "<... error: ...>" text on failure so
// CHECKs show what went wrong.
std::string query_one(const std::string &conninfo, const char *sql) {
  PGconn *conn = PQconnectdb(conninfo.c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out = std::string("<connect error: ") + PQerrorMessage(conn) + ">";
  } else {
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
      out = PQgetvalue(res, 0, 0);
    else
      out = std::string("<query error: ") + PQerrorMessage(conn) + ">";
    PQclear(res);
  }
  PQfinish(conn);
  return out;
}

bool can_connect(const std::string &conninfo) {
  PGconn *conn = PQconnectdb(conninfo.c_str());
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

pid_t postmaster_pid(const std::string &dir) {
  std::ifstream in(dir + "/data/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

// A parent directory of its own (searchable by the server user when we are root), so a test can
// check that nothing at all is left in it.
struct ParentDir {
  std::string path;
  ParentDir() {
    char tmpl[] = "/tmp/sdbt-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    path = tmpl;
    chmod(path.c_str(), 0755);
  }
  ~ParentDir() { fs::remove_all(path); }
  bool empty() const { return fs::is_empty(path); }
};

// Processes (other than us) whose working directory is under dir: initdb, pg_ctl, postgres. Each
// one found is named in the test's output, so a failure says what was left running.
int processes_under(const std::string &dir) {
  int n = 0;
  for (const auto &e : fs::directory_iterator("/proc")) {
    std::error_code ec;
    std::string cwd = fs::read_symlink(e.path() / "cwd", ec).string();
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (ec || cwd.rfind(dir + "/", 0) != 0 || name == std::to_string(getpid()) || !is_alive(std::stoi(name))) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    MESSAGE("left running in ", cwd, ": ", line);
    n++;
  }
  return n;
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

TEST_CASE("EphemeralServer: a setting the server rejects is bad input with the server's message" *
          doctest::skip(skip_server_tests())) {
  EphemeralServerOptions opts;
  opts.quiet = true;
  opts.settings = {"shared_buffers=not_a_size"};
  std::string msg;
  try {
    EphemeralServer::start(opts);
  } catch (const stormdb::ServerInputError &e) {
    msg = e.what();
  }
  CHECK(msg.find("refused to start with the given server settings") != std::string::npos);
  CHECK(msg.find("invalid value for parameter \"shared_buffers\": \"not_a_size\"") != std::string::npos);
  CHECK(msg.find("postgresql.conf") == std::string::npos);  // our file, not the user's
}

TEST_CASE("EphemeralServer: an interrupted start stops what it started and leaves nothing" *
          doctest::skip(skip_server_tests())) {
  ParentDir parent;
  EphemeralServerOptions opts;
  opts.quiet = true;
  opts.parent_dir = parent.path;
  auto only_entry = [&] {
    for (const auto &e : fs::directory_iterator(parent.path)) return e.path().string();
    return std::string();
  };
  pid_t pm = 0;
  SUBCASE("while initdb runs") {
    // initdb makes data/ first thing; polled while it works, so this interrupts it mid-way.
    opts.interrupted = [&] { return fs::exists(only_entry() + "/data/base"); };
  }
  SUBCASE("once pg_ctl started the postmaster") {
    opts.interrupted = [&] {
      pm = postmaster_pid(only_entry());
      return pm > 0;
    };
  }
  std::string msg;
  try {
    EphemeralServer::start(opts);
  } catch (const ServerStartInterrupted &e) {
    msg = e.what();
  }
  CHECK(msg.find("interrupted while starting the throwaway server; stopped it and removed") != std::string::npos);
  CHECK(parent.empty());
  CHECK(processes_under(parent.path) == 0);
  if (pm > 0) CHECK(!is_alive(pm));
}

TEST_CASE("EphemeralServer: the guardian cleans up after an owner that dies without stopping" *
          doctest::skip(skip_server_tests())) {
  ParentDir parent;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // As a third Ctrl-C or SIGKILL would: no destructor, no stop().
    EphemeralServerOptions opts;
    opts.quiet = true;
    opts.parent_dir = parent.path;
    auto srv = EphemeralServer::start(opts);
    std::string dir = srv->dir() + "\n";
    (void)!write(fds[1], dir.data(), dir.size());
    _exit(0);
  }
  close(fds[1]);
  char buf[256] = {};
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  waitpid(child, nullptr, 0);
  REQUIRE(n > 1);
  std::string dir(buf, static_cast<size_t>(n - 1));
  for (int i = 0; i < 300 && fs::exists(dir); i++) usleep(50000);
  CHECK(!fs::exists(dir));
  CHECK(processes_under(parent.path) == 0);
}

TEST_CASE("EphemeralServer::remove: leftovers of an interrupted start, and nothing that is not ours" *
          doctest::skip(skip_server_tests())) {
  ParentDir parent;
  SUBCASE("a running server whose start never wrote its metadata") {
    EphemeralServerOptions opts;
    opts.quiet = true;
    opts.parent_dir = parent.path;
    auto srv = EphemeralServer::start(opts);
    srv->keep();
    std::string dir = srv->dir();
    pid_t pm = postmaster_pid(dir);
    fs::remove(dir + "/stormdb-server.json");
    CHECK(EphemeralServer::remove(dir).find("leftover server process(es) of an interrupted start") !=
          std::string::npos);
    CHECK(!fs::exists(dir));
    CHECK(!is_alive(pm));
  }
  SUBCASE("a stale pid file and no server") {
    std::string dir = parent.path + "/stormdb-AbC123";
    fs::create_directories(dir + "/data");
    std::ofstream(dir + "/data/postmaster.pid") << getpid() << "\n";  // alive, but not a postmaster
    std::ofstream(dir + "/setup.log") << "$ initdb\n";
    CHECK(EphemeralServer::remove(dir).find("no server was running") != std::string::npos);
    CHECK(!fs::exists(dir));
  }
  SUBCASE("an empty directory of a start cut short right after mkdtemp") {
    std::string dir = parent.path + "/stormdb-xyz789";
    fs::create_directories(dir);
    CHECK_NOTHROW(EphemeralServer::remove(dir));
    CHECK(!fs::exists(dir));
  }
  SUBCASE("a directory with other files is left alone") {
    std::string dir = parent.path + "/stormdb-keepme";
    fs::create_directories(dir);
    std::ofstream(dir + "/thesis.tex") << "precious\n";
    CHECK_THROWS_WITH_AS(EphemeralServer::remove(dir), doctest::Contains("not a stormdb server directory"),
                         std::runtime_error);
    CHECK(fs::exists(dir + "/thesis.tex"));
  }
}
