// A blocking check that the database answers before any worker starts, so a wrong URL is a clear
// usage error (exit 2) rather than every client failing at once.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace stormdb {

struct ServerInfo {
  std::string version;  // e.g. "15.18"
  int version_num = 0;  // e.g. 150018
  std::string where;    // "host=... port=... dbname=... user=..." as libpq resolved them (never a password)
};

struct ConnectError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What bounds the number of connections a server still accepts from an ordinary role.
struct ConnectionSlots {
  int max_connections = 0;
  int reserved = 0;  // superuser_reserved_connections (+ reserved_connections on PostgreSQL 16+)
  int in_use = 0;    // client backends connected now, not counting the one that asked
};

// Connects once (libpq conventions: conninfo or URI, PG* variables, .pgpass) and reads the
// server version. Throws ConnectError with libpq's message.
ServerInfo probe_server(const std::string &conninfo);
// Reads max_connections, the reserved slots and the client backends in pg_stat_activity. Throws
// ConnectError when the server cannot be asked (then the caller should not guess).
ConnectionSlots connection_slots(const std::string &conninfo);
// The names among `names` that pg_available_extensions does not list. Throws ConnectError.
std::vector<std::string> missing_extensions(const std::string &conninfo, const std::vector<std::string> &names);

}  // namespace stormdb
