// ConnectGate with real sdb_conn attempts: the limit, arrival order, drops, and attempts that fail as they start.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pg/connect_gate.h"
#include "pg/connection.h"

namespace {

// A host without an event loop: it records what the connections ask of it.
struct FakeHost : stormdb::ConnHost {
  explicit FakeHost(int limit) : gate(limit) {}
  void watch(sdb_conn *, int, bool) override {}
  void unwatch(sdb_conn *, int) override {}
  void complete(sdb_conn *c) override { completed.push_back(c); }
  void add_deadline(sdb_conn *, double, uint64_t) override {}
  stormdb::ConnectGate *connect_gate() override { return &gate; }
  stormdb::ConnectGate gate;
  std::vector<sdb_conn *> completed;
};

// A Unix socket that listens and never accepts: a connection attempt to it stays in flight (the
// kernel completes the connect, and libpq then waits for an answer that never comes).
struct SilentServer {
  SilentServer() {
    char tmpl[] = "/tmp/stormdb-gate-XXXXXX";
    dir = mkdtemp(tmpl);
    path = dir + "/.s.PGSQL.5432";
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
    REQUIRE(listen(fd, 64) == 0);
    conninfo = "host=" + dir + " port=5432 user=nobody dbname=nothing";
  }
  ~SilentServer() {
    close(fd);
    unlink(path.c_str());
    rmdir(dir.c_str());
  }
  std::string dir, path, conninfo;
  int fd = -1;
};

}  // namespace

TEST_CASE("ConnectGate: at most `limit` attempts in flight, the rest start in arrival order") {
  SilentServer server;
  FakeHost host(2);
  sdb_conn a(&host, &server.conninfo, nullptr), b(&host, &server.conninfo, nullptr),
      c(&host, &server.conninfo, nullptr), d(&host, &server.conninfo, nullptr);
  for (sdb_conn *x : {&a, &b, &c, &d}) CHECK(x->connect() == 0);
  CHECK(a.state() == sdb_conn::State::kConnecting);
  CHECK(b.state() == sdb_conn::State::kConnecting);
  CHECK(c.state() == sdb_conn::State::kConnectQueued);
  CHECK(d.state() == sdb_conn::State::kConnectQueued);
  CHECK(host.gate.in_flight() == 2);
  CHECK(host.gate.queued() == 2);

  a.disconnect();  // its place goes to c, the first in line
  CHECK(c.state() == sdb_conn::State::kConnecting);
  CHECK(d.state() == sdb_conn::State::kConnectQueued);

  d.abort_request("gave up", "57014");  // a queued attempt that is abandoned ends as failed
  CHECK(d.state() == sdb_conn::State::kClosed);
  CHECK(d.res_status() == -1);
  CHECK(d.err_sqlstate() == "57014");
  REQUIRE(host.completed.size() == 1);
  CHECK(host.completed[0] == &d);
  CHECK(host.gate.queued() == 0);
  CHECK(host.gate.in_flight() == 2);
  b.disconnect();
  c.disconnect();
  CHECK(host.gate.in_flight() == 0);
}

TEST_CASE("ConnectGate: queued attempts that fail as they start end as failed and pass their place on") {
  SilentServer server;
  std::string nowhere = "host=/nonexistent-stormdb-dir port=5432 user=nobody dbname=nothing";
  FakeHost host(1);
  sdb_conn first(&host, &server.conninfo, nullptr);
  std::vector<std::unique_ptr<sdb_conn>> bad;
  CHECK(first.connect() == 0);
  for (int i = 0; i < 50; i++) {
    bad.push_back(std::make_unique<sdb_conn>(&host, &nowhere, nullptr));
    CHECK(bad.back()->connect() == 0);  // queued: nothing is tried yet
  }
  sdb_conn last(&host, &server.conninfo, nullptr);
  CHECK(last.connect() == 0);
  CHECK(host.gate.queued() == 51);

  first.disconnect();  // each bad one fails at once and hands the place on, down to `last`
  CHECK(host.completed.size() == 50);
  for (auto &x : bad) {
    CHECK(x->state() == sdb_conn::State::kClosed);
    CHECK(x->res_status() == -1);
    CHECK(!x->err_message().empty());
  }
  CHECK(last.state() == sdb_conn::State::kConnecting);
  CHECK(host.gate.in_flight() == 1);
  CHECK(host.gate.queued() == 0);
}
