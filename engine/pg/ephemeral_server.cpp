// Starts, re-attaches to and tears down a throwaway PostgreSQL cluster using initdb/pg_ctl via fork/exec.
#include "pg/ephemeral_server.h"

#include "pg/server_cleanup.h"
#include "pg/server_settings.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

extern char **environ;

namespace stormdb {
namespace fs = std::filesystem;

namespace {

constexpr const char *kMetadataFile = "stormdb-server.json";
constexpr const char *kMetadataFormat = "stormdb-ephemeral-server/1";
constexpr const char *kInstallHint =
    "install them with: apt-get install postgresql, or name the directory holding initdb and pg_ctl "
    "with --pg-bin (server.bin_dir in YAML, STORMDB_PG_BINDIR)";
// sun_path is 108 bytes; staying under 100 leaves room for PostgreSQL's own checks.
constexpr size_t kMaxSocketPath = 100;
constexpr const char *kSocketName = "/.s.PGSQL.5432";

bool is_executable(const fs::path &p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

bool has_server_binaries(const fs::path &dir) {
  return is_executable(dir / "initdb") && is_executable(dir / "pg_ctl") && is_executable(dir / "postgres");
}

// "15" < "9.6" as strings, so compare dotted numbers part by part.
std::vector<long> version_key(const std::string &s) {
  std::vector<long> key;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, '.')) key.push_back(std::strtol(part.c_str(), nullptr, 10));
  return key;
}

std::string find_bindir(const std::string &requested) {
  if (!requested.empty()) {
    if (!has_server_binaries(requested))
      throw ServerInputError(
          fmt::format("no PostgreSQL server binaries (initdb, pg_ctl, postgres) in the requested bindir {}; {}",
                      requested, kInstallHint),
          true);
    return requested;
  }
  if (const char *env = std::getenv("STORMDB_PG_BINDIR"); env && *env) {
    if (!has_server_binaries(env))
      throw std::runtime_error(
          fmt::format("STORMDB_PG_BINDIR={} does not hold initdb, pg_ctl and postgres; point it at the "
                      "PostgreSQL server bin directory (e.g. /usr/lib/postgresql/15/bin)",
                      env));
    return env;
  }
  std::string best;
  std::vector<long> best_key;
  std::error_code ec;
  for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end; it.increment(ec)) {
    fs::path bin = it->path() / "bin";
    std::vector<long> key = version_key(it->path().filename().string());
    if (has_server_binaries(bin) && (best.empty() || key > best_key)) {
      best = bin.string();
      best_key = key;
    }
  }
  if (!best.empty()) return best;
  if (const char *path = std::getenv("PATH")) {
    std::stringstream in(path);
    std::string entry;
    while (std::getline(in, entry, ':')) {
      if (entry.empty() || !is_executable(fs::path(entry) / "initdb")) continue;
      // Resolve symlinks so pg_ctl and postgres are taken from the real installation.
      fs::path real = fs::canonical(fs::path(entry) / "initdb", ec);
      if (!ec && has_server_binaries(real.parent_path())) return real.parent_path().string();
      if (has_server_binaries(entry)) return entry;
    }
  }
  throw std::runtime_error(
      fmt::format("no PostgreSQL server binaries found (looked in $STORMDB_PG_BINDIR, /usr/lib/postgresql/*/bin "
                  "and PATH); {}",
                  kInstallHint));
}

struct UserInfo {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

bool lookup_user(const std::string &name, UserInfo &out) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd *result = nullptr;
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &result) != 0 || !result) return false;
  out = {name, pw.pw_uid, pw.pw_gid};
  return true;
}

// Every ancestor must be searchable by "other", since the server user owns only our subdirectory.
bool world_searchable(const fs::path &dir) {
  std::error_code ec;
  fs::path p = fs::canonical(dir, ec);
  if (ec) return false;
  for (;;) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || !(st.st_mode & S_IXOTH)) return false;
    if (p == p.root_path()) return true;
    p = p.parent_path();
  }
}

// Characters that need no quoting in postgresql.conf, a unix_socket_directories list or a conninfo.
bool is_plain_path(const std::string &s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::strchr("/._+-~@", c) != nullptr;
  });
}

std::string choose_parent(const std::string &requested, bool as_root) {
  auto fits = [](const std::string &p) { return p.size() + 15 + std::strlen(kSocketName) < kMaxSocketPath; };
  if (!requested.empty()) {
    std::string p = fs::absolute(requested).lexically_normal().string();
    if (p.size() > 1 && p.back() == '/') p.pop_back();
    if (!fits(p))
      throw std::runtime_error(
          fmt::format("parent directory {} is too long for a unix socket path (keep it under {} bytes); pick a "
                      "shorter one such as /tmp",
                      p, kMaxSocketPath - 15 - std::strlen(kSocketName)));
    if (!is_plain_path(p))
      throw std::runtime_error(
          fmt::format("parent directory '{}' contains characters (spaces, quotes, commas) that cannot go in a "
                      "socket directory setting; pick a plain path such as /tmp",
                      p));
    return p;
  }
  if (const char *tmp = std::getenv("TMPDIR"); tmp && *tmp) {
    std::string p = fs::absolute(tmp).lexically_normal().string();
    if (p.size() > 1 && p.back() == '/') p.pop_back();
    std::error_code ec;
    if (fits(p) && is_plain_path(p) && fs::is_directory(p, ec) && (!as_root || world_searchable(p))) return p;
  }
  return "/tmp";
}

std::string tail_lines(const std::string &path, size_t n) {
  std::ifstream in(path);
  if (!in) return {};
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > n) lines.pop_front();
  }
  std::string out;
  for (const auto &l : lines) out += "  " + l + "\n";
  return out;
}

struct Child {
  std::vector<std::string> argv;
  std::string cwd;
  int out_fd = -1;  // becomes stdout and stderr; -1 means /dev/null
  bool drop = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return exit_code(status);
}

// fork + execve with an explicit argv (never a shell). Everything the child touches is prepared
// before fork, because the parent may be multi-threaded and the child may only make
// async-signal-safe calls.
pid_t spawn(const Child &c) {
  std::vector<char *> args;
  for (const auto &a : c.argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  // PG* variables (PGPORT, PGDATA, PGOPTIONS...) would silently override what we configure.
  std::vector<char *> env;
  for (char **e = environ; e && *e; ++e)
    if (std::strncmp(*e, "PG", 2) != 0) env.push_back(*e);
  env.push_back(nullptr);
  std::string exec_error = fmt::format("stormdb: could not execute {}\n", c.argv[0]);
  std::string priv_error = "stormdb: could not switch to the server user\n";

  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // A new session keeps the postmaster (pg_ctl's grandchild) out of the terminal's foreground
  // process group, so Ctrl-C aimed at stormdb does not shut the server down under a benchmark.
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
  int out = c.out_fd >= 0 ? c.out_fd : ::open("/dev/null", O_WRONLY);
  int in = ::open("/dev/null", O_RDONLY);
  if (in >= 0) ::dup2(in, 0);
  if (out >= 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
  }
  if (c.drop && (::setgroups(0, nullptr) != 0 || ::setgid(c.gid) != 0 || ::setuid(c.uid) != 0)) {
    (void)!::write(2, priv_error.data(), priv_error.size());
    ::_exit(126);
  }
  // The postmaster would otherwise inherit our sockets and pipes (e.g. CTest's output pipe, which
  // would then never reach EOF).
  ::close_range(3, ~0U, 0);
  if (!c.cwd.empty() && ::chdir(c.cwd.c_str()) != 0) (void)!::chdir("/");
  ::execve(args[0], args.data(), env.data());
  (void)!::write(2, exec_error.data(), exec_error.size());
  ::_exit(127);
}

std::string capture_output(Child c) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  c.out_fd = fds[1];
  pid_t pid = spawn(c);
  ::close(fds[1]);
  std::string out;
  if (pid > 0) {
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fds[0]);
  if (pid > 0) wait_for(pid);
  return out;
}

// "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> "15.18".
std::string parse_version(const std::string &out) {
  const std::string marker = "(PostgreSQL) ";
  auto pos = out.find(marker);
  std::string v = pos == std::string::npos ? out : out.substr(pos + marker.size());
  v = v.substr(0, v.find_first_of(" \n"));
  return v;
}

}  // namespace

std::unique_ptr<EphemeralServer> EphemeralServer::start(const EphemeralServerOptions &opts) {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<EphemeralServer> srv(new EphemeralServer());
  srv->bindir_ = find_bindir(opts.bindir);
  for (const auto &s : opts.settings) conf_line(s);  // validate before creating anything

  bool as_root = ::geteuid() == 0;
  if (as_root) {
    UserInfo user;
    if (!lookup_user("postgres", user) && !lookup_user("nobody", user))
      throw std::runtime_error(
          "PostgreSQL refuses to run as root and neither a 'postgres' nor a 'nobody' user exists; "
          "create one (useradd --system postgres) or run stormdb as a non-root user");
    srv->drop_privileges_ = true;
    srv->run_user_ = user.name;
    srv->run_uid_ = user.uid;
    srv->run_gid_ = user.gid;
  }

  std::string tmpl = choose_parent(opts.parent_dir, as_root) + "/stormdb-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throw std::runtime_error(
        fmt::format("could not create a temporary directory {}: {}; set TMPDIR to "
                    "a writable directory",
                    tmpl, std::strerror(errno)));
  srv->dir_ = buf.data();
  srv->data_dir_ = srv->dir_ + "/data";
  srv->log_path_ = srv->dir_ + "/server.log";
  srv->setup_log_path_ = srv->dir_ + "/setup.log";
  srv->conninfo_ = fmt::format("host={} port={} user=postgres dbname=postgres", srv->dir_, srv->port_);

  srv->interrupted_ = opts.interrupted;
  srv->guardian_.start(srv->dir_);

  try {
    if (srv->drop_privileges_ && ::chown(srv->dir_.c_str(), srv->run_uid_, srv->run_gid_) != 0)
      throw std::runtime_error(
          fmt::format("could not chown {} to user {}: {}", srv->dir_, srv->run_user_, std::strerror(errno)));
    if (srv->drop_privileges_ && !world_searchable(fs::path(srv->dir_).parent_path()))
      throw std::runtime_error(
          fmt::format("user {} (which the server runs as, since PostgreSQL refuses root) cannot reach {}; use a "
                      "parent directory every component of which is world-searchable, such as /tmp",
                      srv->run_user_, fs::path(srv->dir_).parent_path().string()));
    srv->check_interrupted();
    srv->init_cluster(opts);
    srv->write_metadata();
    srv->check_interrupted();
    srv->launch(opts.settings);
    if (opts.stat_statements) create_stat_statements(srv->conninfo_);  // the sampler notes a failure
    srv->version_ = parse_version(capture_output(Child{{srv->bindir_ + "/postgres", "--version"},
                                                       srv->dir_,
                                                       -1,
                                                       srv->drop_privileges_,
                                                       srv->run_uid_,
                                                       srv->run_gid_}));
    srv->startup_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    srv->write_metadata();  // again, now with the version and startup time
    srv->check_interrupted();
  } catch (const std::exception &e) {
    bool interrupted = srv->interrupted_ && srv->interrupted_();
    bool bad_input = dynamic_cast<const ServerInputError *>(&e) != nullptr;
    std::string msg = interrupted ? "interrupted while starting the throwaway server" : e.what();
    try {
      srv->stop();
      if (interrupted) msg += fmt::format("; stopped it and removed {}", srv->dir_);
    } catch (const std::exception &cleanup) {
      msg += fmt::format("\n(cleaning up also failed: {}; remove {} by hand)", cleanup.what(), srv->dir_);
    }
    srv->keep_ = true;  // the destructor must not retry and report twice
    if (interrupted) throw ServerStartInterrupted(msg);
    if (bad_input) throw ServerInputError(msg);
    throw std::runtime_error(msg);
  }
  if (!opts.quiet)
    std::cerr << fmt::format("stormdb: started PostgreSQL {} in {} ({:.0f} ms)\n", srv->version_, srv->dir_,
                             srv->startup_ms_);
  return srv;
}

void EphemeralServer::init_cluster(const EphemeralServerOptions &opts) {
  // --no-sync only skips initdb's final fsync of the fresh cluster: a crash during setup just
  // means starting over. The running server keeps its default durability.
  int rc = run_tool(
      {bindir_ + "/initdb", "-D", data_dir_, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"},
      true);
  if (rc != 0) throw std::runtime_error(failure(fmt::format("initdb failed (exit code {})", rc)));

  // Settings go into postgresql.conf (later lines win) rather than a pg_ctl -o string, which
  // pg_ctl hands to a shell and would need quoting.
  std::ofstream conf(data_dir_ + "/postgresql.conf", std::ios::app);
  conf << "\n# added by stormdb for a throwaway server\n"
       << "listen_addresses = ''\n"  // unix socket only: nothing reachable over TCP
       << "unix_socket_directories = '" << dir_ << "'\n"
       << "port = " << port_ << "\n"  // the private socket dir means 5432 never conflicts
       << "max_connections = 300\n";
  for (const auto &s : default_settings(bindir_, opts.stat_statements)) conf << conf_line(s) << "\n";
  for (const auto &s : opts.settings) conf << conf_line(s) << "\n";
  conf.close();
  if (!conf) throw std::runtime_error(fmt::format("could not append to {}/postgresql.conf", data_dir_));
}

void EphemeralServer::launch(const std::vector<std::string> &user_settings) {
  int rc = run_tool({bindir_ + "/pg_ctl", "-D", data_dir_, "-l", log_path_, "-w", "-t", "60", "start"});
  if (rc == 0) return;
  std::string complaints = settings_complaints(log_path_, user_settings);
  if (!complaints.empty()) {
    std::string indented;
    for (char c : complaints) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
    throw ServerInputError("the server refused to start with the given server settings:\n  " + indented);
  }
  throw std::runtime_error(failure(fmt::format("pg_ctl start failed (exit code {})", rc)));
}

void EphemeralServer::write_metadata() const {
  nlohmann::json j = {{"format", kMetadataFormat},
                      {"conninfo", conninfo_},
                      {"bindir", bindir_},
                      {"data_dir", data_dir_},
                      {"log_path", log_path_},
                      {"port", port_},
                      {"run_as_user", drop_privileges_ ? run_user_ : std::string()},
                      {"server_version", version_},
                      {"startup_ms", startup_ms_}};
  std::string path = dir_ + "/" + kMetadataFile;
  std::ofstream out(path + ".tmp", std::ios::trunc);
  out << j.dump(2) << "\n";
  out.close();
  std::error_code ec;
  if (out) fs::rename(path + ".tmp", path, ec);
  if (!out || ec) throw std::runtime_error(fmt::format("could not write {}", path));
}

std::unique_ptr<EphemeralServer> EphemeralServer::attach(const std::string &dir) {
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root))
    throw std::runtime_error(fmt::format("{} does not exist or is not a directory", dir));
  std::ifstream in(root / kMetadataFile);
  if (!in)
    throw std::runtime_error(fmt::format(
        "{} is not a stormdb server directory (no {}); pass the directory printed by `stormdb server start`", dir,
        kMetadataFile));
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception &e) {
    throw std::runtime_error(fmt::format("{}/{} is unreadable: {}", dir, kMetadataFile, e.what()));
  }
  if (!j.is_object() || j.value("format", "") != kMetadataFormat)
    throw std::runtime_error(fmt::format("{}/{} was not written by this stormdb version", dir, kMetadataFile));

  std::unique_ptr<EphemeralServer> srv(new EphemeralServer());
  srv->dir_ = root.string();
  srv->data_dir_ = srv->dir_ + "/data";
  srv->log_path_ = srv->dir_ + "/server.log";
  srv->setup_log_path_ = srv->dir_ + "/setup.log";
  srv->bindir_ = j.value("bindir", "");
  srv->conninfo_ = j.value("conninfo", "");
  srv->port_ = j.value("port", 5432);
  srv->version_ = j.value("server_version", "");
  srv->startup_ms_ = j.value("startup_ms", 0.0);
  if (srv->bindir_.empty() || srv->conninfo_.empty() || !fs::is_directory(srv->data_dir_))
    throw std::runtime_error(fmt::format("{} is not a complete stormdb server directory", dir));
  std::string user = j.value("run_as_user", "");
  if (!user.empty() && ::geteuid() == 0) {
    UserInfo info;
    if (!lookup_user(user, info))
      throw std::runtime_error(fmt::format("the server in {} runs as user {}, which no longer exists", dir, user));
    srv->drop_privileges_ = true;
    srv->run_user_ = info.name;
    srv->run_uid_ = info.uid;
    srv->run_gid_ = info.gid;
  }
  return srv;
}

std::string EphemeralServer::remove(const std::string &dir) {
  // attach() names what is wrong with a directory that is not ours; nothing is touched then.
  if (!looks_like_server_dir(dir)) {
    attach(dir)->stop();
    return fmt::format("stopped the server and removed {}", dir);
  }
  pid_t pid = read_postmaster_pid(dir + "/data");
  bool running = pid > 0 && is_our_postmaster(pid, dir + "/data");
  std::unique_ptr<EphemeralServer> srv;
  try {
    srv = attach(dir);
  } catch (const std::exception &) {
    // The start was cut short before the metadata was written: no pg_ctl to ask, so stop the
    // processes found working in the directory.
  }
  int killed = 0;
  if (srv) {
    srv->stop();
  } else {
    killed = kill_server_processes(dir);
    force_remove_server_dir(dir);
  }
  if (srv && running) return fmt::format("stopped the server and removed {}", dir);
  if (killed > 0)
    return fmt::format("stopped {} leftover server process(es) of an interrupted start and removed {}", killed, dir);
  return fmt::format("no server was running in {} (left by an interrupted start or a crash); removed it", dir);
}

EphemeralServer::~EphemeralServer() {
  if (keep_ || stopped_) return;
  try {
    stop();
  } catch (const std::exception &e) {
    std::cerr << "stormdb: warning: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "stormdb: warning: could not stop the server in " << dir_ << "\n";
  }
}

void EphemeralServer::keep() {
  keep_ = true;
  guardian_.disarm();
}

void EphemeralServer::stop() {
  if (stopped_) return;
  // A stale postmaster.pid (a crash, an interrupted start) may name a recycled pid that pg_ctl
  // would signal: only a live postmaster of this directory goes through pg_ctl.
  pid_t postmaster = read_postmaster_pid(data_dir_);
  if (postmaster > 0 && is_our_postmaster(postmaster, data_dir_)) {
    std::string pg_ctl = bindir_ + "/pg_ctl";
    // Fast shutdown ends sessions cleanly; immediate and SIGKILL only matter if that hangs, and
    // leaving a server running with its directory deleted would be worse than either.
    int rc = run_tool({pg_ctl, "-D", data_dir_, "-m", "fast", "-w", "-t", "30", "stop"});
    if (rc != 0) run_tool({pg_ctl, "-D", data_dir_, "-m", "immediate", "-w", "-t", "10", "stop"});
    // Should both hang, force_remove_server_dir below ends the postmaster with SIGQUIT, then SIGKILL.
    // pg_ctl returns once postmaster.pid is gone, which the postmaster removes just before it
    // exits; wait for the exit so a caller that checks (or starts another server) sees it gone.
    for (int i = 0; i < 100 && postmaster > 0 && is_our_postmaster(postmaster, data_dir_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // An interrupted initdb leaves its postgres children; a failed stop, a postmaster.
  force_remove_server_dir(dir_);
  stopped_ = true;
  guardian_.disarm();
}

int EphemeralServer::run_tool(const std::vector<std::string> &argv, bool kill_on_interrupt) const {
  int fd = ::open(setup_log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    std::string header = "$";
    for (const auto &a : argv) header += " " + a;
    header += "\n";
    (void)!::write(fd, header.data(), header.size());
  }
  pid_t pid = spawn(Child{argv, dir_, fd, drop_privileges_, run_uid_, run_gid_});
  int saved = errno;
  if (fd >= 0) ::close(fd);
  if (pid < 0) throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(saved)));
  return wait_tool(pid, kill_on_interrupt);
}

int EphemeralServer::wait_tool(pid_t pid, bool kill_on_interrupt) const {
  if (!kill_on_interrupt || !interrupted_) return wait_for(pid);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return exit_code(status);
    if (r < 0 && errno != EINTR) return -1;
    if (interrupted_()) {
      // The tool leads its own process group (spawn calls setsid), which holds what initdb runs
      // (a shell and a single-user postgres); all of it must be gone before the directory is
      // removed and the interrupt reported as cleaned up.
      ::kill(pid, SIGKILL);
      int rc = wait_for(pid);
      kill_process_group(pid);
      return rc;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void EphemeralServer::check_interrupted() const {
  if (interrupted_ && interrupted_()) throw ServerStartInterrupted("interrupted while starting the throwaway server");
}

std::string EphemeralServer::failure(const std::string &what) const {
  std::string msg = what;
  if (drop_privileges_) msg += fmt::format(" (running as user {}, since PostgreSQL refuses root)", run_user_);
  std::string setup = tail_lines(setup_log_path_, 20);
  if (!setup.empty()) msg += "\n--- last lines of " + setup_log_path_ + " ---\n" + setup;
  std::string server = tail_lines(log_path_, 20);
  if (!server.empty()) msg += "--- last lines of " + log_path_ + " ---\n" + server;
  return msg;
}

const std::string &EphemeralServer::conninfo() const { return conninfo_; }
const std::string &EphemeralServer::dir() const { return dir_; }
const std::string &EphemeralServer::log_path() const { return log_path_; }
const std::string &EphemeralServer::bindir() const { return bindir_; }
std::string EphemeralServer::server_version() const { return version_; }
double EphemeralServer::startup_ms() const { return startup_ms_; }

}  // namespace stormdb
