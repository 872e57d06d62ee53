// One blocking libpq connection to check reachability and read the server version.
#include "pg/preflight.h"

#include <libpq-fe.h>

namespace stormdb {

ServerInfo probe_server(const std::string &conninfo) {
  PGconn *c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string m = PQerrorMessage(c);
    PQfinish(c);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    throw ConnectError(m);
  }
  ServerInfo info;
  const char *v = PQparameterStatus(c, "server_version");
  info.version = v ? v : "";
  info.version_num = PQserverVersion(c);
  PQfinish(c);
  return info;
}

}  // namespace stormdb
