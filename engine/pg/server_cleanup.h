// Tearing down what a throwaway server leaves behind: its processes, its directory, and a guardian
// process that does both when stormdb dies without stopping the server itself.
#pragma once

#include <sys/types.h>

#include <string>

namespace stormdb {

/// The postmaster pid in <data_dir>/postmaster.pid, or 0 when there is no (readable) pid file.
pid_t read_postmaster_pid(const std::string &data_dir);

/// True when pid is a running process whose working directory is data_dir (the postmaster chdirs
/// there), so a stale pid file naming a recycled pid is never taken for our server.
bool is_our_postmaster(pid_t pid, const std::string &data_dir);

/// True when dir looks like a directory EphemeralServer::start made: named stormdb-XXXXXX and
/// holding nothing but what start() puts there (possibly nothing, if start was cut short).
bool looks_like_server_dir(const std::string &dir);

/// Ends every server process working in dir (postgres, initdb, pg_ctl, found by their working
/// directory): an immediate shutdown (SIGQUIT) of the postmaster named by data/postmaster.pid,
/// then SIGKILL for whatever is left after a few seconds. Returns how many processes it found.
int kill_server_processes(const std::string &dir);

/// SIGKILLs every process of process group pgid (a tool spawned with setsid and what it ran: for
/// initdb, a shell and a single-user postgres) and waits up to 5 s until none is left running
/// (exited or zombie). Returns how many were still running at the end (0 when all are gone).
int kill_process_group(pid_t pgid);

/// kill_server_processes(dir), then removes dir. Throws std::runtime_error (naming dir and what to
/// do) when a process survives or the directory cannot be removed.
void force_remove_server_dir(const std::string &dir);

/// A child process that removes a throwaway server's directory (and stops its processes) if
/// stormdb exits without disarming it: a third Ctrl-C, a crash, SIGKILL or any other hard exit.
/// It waits on a pipe whose write end only this process holds, so the kernel closes it on any
/// exit. Must be started while the process is single-threaded (the child runs C++ after fork).
class ServerGuardian {
 public:
  ServerGuardian() = default;
  ~ServerGuardian();
  ServerGuardian(const ServerGuardian &) = delete;
  ServerGuardian &operator=(const ServerGuardian &) = delete;

  /// Forks the guardian for dir. On failure (fork or pipe) the server simply runs unguarded.
  void start(const std::string &dir);
  /// Tells the guardian to exit without touching anything (the server was stopped, or is kept on
  /// purpose) and reaps it. Idempotent.
  void disarm();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace stormdb
