// A throwaway PostgreSQL cluster started from the installed server binaries, for runs that name no database and for tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace stormdb {

struct EphemeralServerOptions {
  // Directory holding initdb, pg_ctl and postgres. Empty: $STORMDB_PG_BINDIR, else the highest
  // /usr/lib/postgresql/<N>/bin that has initdb, else the directory of initdb found on PATH.
  std::string bindir;
  // Where the stormdb-XXXXXX directory is made. Empty: $TMPDIR if it is short enough for a unix
  // socket path (and reachable by the server user when running as root), else /tmp.
  std::string parent_dir;
  // Extra "name=value" server settings, appended to postgresql.conf.
  std::vector<std::string> settings;
  // Suppress the one-line "started ..." notice on stderr.
  bool quiet = false;
};

class EphemeralServer {
 public:
  /// Creates a temp directory, runs initdb and starts the server (unix socket only). When running
  /// as root, initdb and the server run as the `postgres` user (else `nobody`), since PostgreSQL
  /// refuses to run as root. Throws std::runtime_error saying what went wrong and what to do,
  /// with the tail of the setup/server log; nothing is left behind on failure.
  static std::unique_ptr<EphemeralServer> start(const EphemeralServerOptions& opts);

  /// Re-attaches to a server directory made by start() and left running via keep(), e.g. for
  /// `stormdb server stop DIR`. Throws std::runtime_error if DIR is not such a directory. The
  /// returned object stops the server at destruction unless keep() is called, like one from start().
  static std::unique_ptr<EphemeralServer> attach(const std::string& dir);

  /// Stops the server and removes its directory unless keep() was called; never throws (a failure
  /// is reported on stderr).
  ~EphemeralServer();

  EphemeralServer(const EphemeralServer&) = delete;
  EphemeralServer& operator=(const EphemeralServer&) = delete;

  /// Leaves the server running (and its directory in place) when this object is destroyed.
  void keep();

  /// Stops the server (pg_ctl stop -m fast, escalating to immediate and then SIGKILL if needed)
  /// and removes the whole directory. Idempotent. Throws std::runtime_error if the server could
  /// not be stopped or the directory not removed; a later call retries.
  void stop();

  /// libpq keyword/value conninfo: "host=<socketdir> port=5432 user=postgres dbname=postgres".
  const std::string& conninfo() const;
  /// The temp directory holding data/, the socket, server.log and setup.log.
  const std::string& dir() const;
  /// The server's log file (<dir>/server.log).
  const std::string& log_path() const;
  /// The server's version from `postgres --version`, e.g. "15.18".
  std::string server_version() const;
  /// Wall time initdb + server start took, in milliseconds (as recorded at start for attach()).
  double startup_ms() const;

 private:
  EphemeralServer() = default;

  void init_cluster(const EphemeralServerOptions& opts);
  void launch();
  void write_metadata() const;
  // Runs a server binary as the server user, output appended to setup.log; returns the exit code.
  int run_tool(const std::vector<std::string>& argv) const;
  std::string failure(const std::string& what) const;

  std::string dir_;
  std::string data_dir_;
  std::string log_path_;
  std::string setup_log_path_;
  std::string bindir_;
  std::string conninfo_;
  std::string version_;
  double startup_ms_ = 0;
  int port_ = 5432;
  // Set when we are root: the unprivileged account initdb/pg_ctl run as.
  bool drop_privileges_ = false;
  std::string run_user_;
  unsigned run_uid_ = 0;
  unsigned run_gid_ = 0;
  bool keep_ = false;
  bool stopped_ = false;
};

}  // namespace stormdb
