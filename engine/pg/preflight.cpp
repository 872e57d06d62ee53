// One blocking libpq connection to check reachability and read the server version.
#include "pg/preflight.h"

#include <libpq-fe.h>

#include <cstdlib>

#include "pg/connection.h"

namespace stormdb {
namespace {
// A blocking connect that gives up after connect_timeout (default kDefaultConnectTimeoutS) when
// the conninfo does not set one: a listener that never answers must not hang start-up.
PGconn *connect_or_throw(const std::string &conninfo) {
  std::string timeout = default_connect_timeout();
  const char *keys[] = {"connect_timeout", "dbname", nullptr};
  const char *vals[] = {timeout.c_str(), conninfo.c_str(), nullptr};
  PGconn *c = PQconnectdbParams(keys, vals, 1);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string m = PQerrorMessage(c);
    PQfinish(c);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    throw ConnectError(m);
  }
  return c;
}
}  // namespace

ServerInfo probe_server(const std::string &conninfo) {
  PGconn *c = connect_or_throw(conninfo);
  ServerInfo info;
  const char *v = PQparameterStatus(c, "server_version");
  info.version = v ? v : "";
  info.version_num = PQserverVersion(c);
  // What the connection resolved to, for reports when the conninfo came from PG* variables.
  auto part = [](const char *k, const char *v) { return v && *v ? std::string(k) + "=" + v + " " : std::string(); };
  info.where = part("host", PQhost(c)) + part("port", PQport(c)) + part("dbname", PQdb(c)) + part("user", PQuser(c));
  if (!info.where.empty()) info.where.pop_back();
  PQfinish(c);
  return info;
}

ConnectionSlots connection_slots(const std::string &conninfo) {
  PGconn *c = connect_or_throw(conninfo);
  // current_setting(name, true) is NULL where reserved_connections does not exist (before 16).
  PGresult *r = PQexec(c,
                       "SELECT current_setting('max_connections')::int,"
                       " current_setting('superuser_reserved_connections')::int"
                       " + coalesce(current_setting('reserved_connections', true)::int, 0),"
                       " (SELECT count(*) - 1 FROM pg_stat_activity WHERE backend_type = 'client backend')::int");
  bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
  std::string error = ok ? "" : PQresultErrorMessage(r);
  ConnectionSlots slots;
  if (ok) {
    slots.max_connections = std::atoi(PQgetvalue(r, 0, 0));
    slots.reserved = std::atoi(PQgetvalue(r, 0, 1));
    slots.in_use = std::atoi(PQgetvalue(r, 0, 2));
  }
  PQclear(r);
  PQfinish(c);
  if (!ok) throw ConnectError(error);
  return slots;
}

std::vector<std::string> missing_extensions(const std::string &conninfo, const std::vector<std::string> &names) {
  std::vector<std::string> missing;
  if (names.empty()) return missing;
  PGconn *c = connect_or_throw(conninfo);
  for (const auto &n : names) {
    const char *params[] = {n.c_str()};
    PGresult *r = PQexecParams(c, "SELECT 1 FROM pg_available_extensions WHERE name = $1", 1, nullptr, params, nullptr,
                               nullptr, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0) missing.push_back(n);
    PQclear(r);
  }
  PQfinish(c);
  return missing;
}

}  // namespace stormdb
