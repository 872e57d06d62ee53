// A throwaway PostgreSQL cluster started from the installed server binaries, for runs that name no database and for
// tests.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "pg/server_cleanup.h"

namespace stormdb {

struct EphemeralServerOptions {
  // Directory holding initdb, pg_ctl and postgres. Empty: $STORMDB_PG_BINDIR, else the highest
  // /usr/lib/postgresql/<N>/bin that has initdb, else the directory of initdb found on PATH.
  std::string bindir;
  // Where the stormdb-XXXXXX directory is made. Empty: $TMPDIR if it is short enough for a unix
  // socket path (and reachable by the server user when running as root), else /tmp.
  std::string parent_dir;
  // Extra "name=value" server settings, appended to postgresql.conf after stormdb's own (so they
  // win). One the server rejects makes start() throw ServerInputError with the server's message.
  std::vector<std::string> settings;
  // Preload pg_stat_statements when the installation has it and create it in the postgres
  // database, so statement statistics work out of the box (pg/server_settings.h).
  bool stat_statements = false;
  // Suppress the one-line "started ..." notice on stderr.
  bool quiet = false;
  // Polled while the server is set up (e.g. "a Ctrl-C arrived"). When it returns true, start()
  // kills initdb at once (or lets pg_ctl start finish, so the postmaster is known), stops what it
  // started, removes the directory and throws ServerStartInterrupted.
  std::function<bool()> interrupted;
};

// start() was interrupted (EphemeralServerOptions::interrupted); nothing was left behind.
struct ServerStartInterrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class EphemeralServer {
 public:
  /// Creates a temp directory, runs initdb and starts the server (unix socket only). When running
  /// as root, initdb and the server run as the `postgres` user (else `nobody`), since PostgreSQL
  /// refuses to run as root. Throws ServerInputError (pg/server_settings.h) for an opts.bindir
  /// without server binaries or settings the server rejects, else std::runtime_error saying what went wrong and what to
  /// do, with the tail of the setup/server log; nothing is left behind on failure. From the moment the directory
  /// exists, a guardian process (ServerGuardian) removes it and stops the server if this process exits without stop()
  /// or keep(), e.g. on a third Ctrl-C or SIGKILL.
  static std::unique_ptr<EphemeralServer> start(const EphemeralServerOptions &opts);

  /// Re-attaches to a server directory made by start() and left running via keep(), e.g. for
  /// `stormdb server stop DIR`. Throws std::runtime_error if DIR is not such a directory. The
  /// returned object stops the server at destruction unless keep() is called, like one from start().
  static std::unique_ptr<EphemeralServer> attach(const std::string &dir);

  /// `stormdb server stop DIR`: stops the server of DIR and removes DIR, also when a start was cut
  /// short (no metadata, no running postmaster, a stale postmaster.pid). Returns a one-line
  /// description of what was found. Throws std::runtime_error when DIR is not a stormdb server
  /// directory (it then touches nothing) or cannot be cleaned up.
  static std::string remove(const std::string &dir);

  /// Stops the server and removes its directory unless keep() was called; never throws (a failure
  /// is reported on stderr).
  ~EphemeralServer();

  EphemeralServer(const EphemeralServer &) = delete;
  EphemeralServer &operator=(const EphemeralServer &) = delete;

  /// Leaves the server running (and its directory in place) when this object is destroyed, and
  /// disarms the guardian.
  void keep();

  /// Stops the server (pg_ctl stop -m fast, escalating to immediate and then SIGKILL if needed)
  /// and removes the whole directory. Idempotent. Throws std::runtime_error if the server could
  /// not be stopped or the directory not removed; a later call retries.
  void stop();

  /// libpq keyword/value conninfo: "host=<socketdir> port=5432 user=postgres dbname=postgres".
  const std::string &conninfo() const;
  /// The temp directory holding data/, the socket, server.log and setup.log.
  const std::string &dir() const;
  /// The server's log file (<dir>/server.log).
  const std::string &log_path() const;
  /// The directory of the server binaries that run it.
  const std::string &bindir() const;
  /// The server's version from `postgres --version`, e.g. "15.18".
  std::string server_version() const;
  /// Wall time initdb + server start took, in milliseconds (as recorded at start for attach()).
  double startup_ms() const;

 private:
  EphemeralServer() = default;

  void init_cluster(const EphemeralServerOptions &opts);
  void launch(const std::vector<std::string> &user_settings);
  void write_metadata() const;
  // Runs a server binary as the server user, output appended to setup.log; returns the exit code.
  // kill_on_interrupt: when interrupted_ says so, kill the tool and its process group at once.
  int run_tool(const std::vector<std::string> &argv, bool kill_on_interrupt = false) const;
  int wait_tool(pid_t pid, bool kill_on_interrupt) const;
  void check_interrupted() const;
  std::string failure(const std::string &what) const;

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
  std::function<bool()> interrupted_;
  ServerGuardian guardian_;
};

}  // namespace stormdb
