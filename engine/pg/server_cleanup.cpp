// Stops the processes of a throwaway server by their working directory, removes the directory, and
// runs the guardian that does so when stormdb exits without cleaning up.
#include "pg/server_cleanup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace stormdb {
namespace fs = std::filesystem;

namespace {

// Only these programs are ours to kill: a user's shell that happens to sit in the directory is not.
// A process whose working directory is readable but whose exe is not is exiting (the kernel drops
// its memory map before its working directory): it counts as ours until it is gone, else a killed
// initdb's postgres child could still be alive, holding the directory, when we say it stopped.
bool is_server_program(pid_t pid) {
  std::error_code ec;
  std::string name = fs::read_symlink(fmt::format("/proc/{}/exe", pid), ec).filename().string();
  if (ec) return ec == std::errc::no_such_file_or_directory;
  return name == "postgres" || name == "initdb" || name == "pg_ctl";
}

// Server processes whose working directory is dir or below it (initdb and pg_ctl run in dir, the
// postmaster and its children in dir/data).
std::vector<pid_t> processes_in(const std::string &dir) {
  std::vector<pid_t> pids;
  std::error_code ec;
  std::string root = fs::weakly_canonical(dir, ec).string();
  while (root.size() > 1 && root.back() == '/') root.pop_back();  // "DIR/" as typed
  if (ec || root.empty()) return pids;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    std::error_code lec;
    std::string cwd = fs::read_symlink(it->path() / "cwd", lec).string();
    if (lec || (cwd != root && cwd.rfind(root + "/", 0) != 0)) continue;
    if (is_server_program(pid)) pids.push_back(pid);
  }
  return pids;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Processes of group pgid that have not exited: fields 3 (state) and 5 (pgrp) of /proc/PID/stat.
int running_in_group(pid_t pgid) {
  int n = 0;
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream in(it->path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    auto paren = line.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(line.substr(paren + 1));
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (rest >> state >> ppid >> pgrp && pgrp == pgid && state != 'Z' && state != 'X') ++n;
  }
  return n;
}

}  // namespace

pid_t read_postmaster_pid(const std::string &data_dir) {
  std::ifstream in(data_dir + "/postmaster.pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

bool is_our_postmaster(pid_t pid, const std::string &data_dir) {
  std::error_code ec;
  fs::path cwd = fs::read_symlink(fmt::format("/proc/{}/cwd", pid), ec);
  if (ec) return false;
  fs::path data = fs::canonical(data_dir, ec);
  return !ec && cwd == data;
}

bool looks_like_server_dir(const std::string &dir) {
  static const std::regex kName("stormdb-[A-Za-z0-9]{6}");
  static const std::vector<std::string> kEntries = {
      "data",          "setup.log",         "server.log", "stormdb-server.json", "stormdb-server.json.tmp",
      ".s.PGSQL.5432", ".s.PGSQL.5432.lock"};
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  if (ec || !fs::is_directory(p, ec) || fs::is_symlink(p, ec) || !std::regex_match(p.filename().string(), kName))
    return false;
  for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
    if (std::find(kEntries.begin(), kEntries.end(), it->path().filename().string()) == kEntries.end()) return false;
  return !ec;
}

int kill_server_processes(const std::string &dir) {
  int found = 0;
  std::string data = dir + "/data";
  pid_t postmaster = read_postmaster_pid(data);
  if (postmaster > 0 && is_our_postmaster(postmaster, data)) {
    // Immediate shutdown: the postmaster ends its children and releases shared memory itself.
    ++found;
    ::kill(postmaster, SIGQUIT);
    for (int i = 0; i < 100 && is_our_postmaster(postmaster, data); ++i) sleep_ms(50);
  }
  for (int round = 0; round < 100; ++round) {
    std::vector<pid_t> left = processes_in(dir);
    if (left.empty()) break;
    if (round == 0) found += static_cast<int>(left.size());
    for (pid_t pid : left) ::kill(pid, SIGKILL);
    sleep_ms(50);
  }
  return found;
}

int kill_process_group(pid_t pgid) {
  int left = 0;
  for (int i = 0; i < 100; ++i) {
    ::kill(-pgid, SIGKILL);
    if ((left = running_in_group(pgid)) == 0) break;
    sleep_ms(50);
  }
  return left;
}

void force_remove_server_dir(const std::string &dir) {
  kill_server_processes(dir);
  std::vector<pid_t> left = processes_in(dir);
  if (!left.empty())
    throw std::runtime_error(
        fmt::format("server processes (pid {}) in {} do not stop; kill them by hand, then "
                    "remove the directory",
                    left.front(), dir));
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("could not remove {}: {}; remove it by hand", dir, ec.message()));
}

ServerGuardian::~ServerGuardian() {
  // Closing without disarming tells the guardian to clean up: the owner failed to.
  if (fd_ >= 0) ::close(fd_);
}

void ServerGuardian::start(const std::string &dir) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  std::string done = fmt::format("stormdb: stopped the throwaway server in {} and removed it\n", dir);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid > 0) {
    ::close(fds[0]);
    fd_ = fds[1];
    pid_ = pid;
    return;
  }
  // The guardian: out of the terminal's process group so Ctrl-C aimed at stormdb spares it, and
  // holding no descriptor but its stderr and the pipe's read end.
  ::setsid();
  for (int sig : {SIGINT, SIGHUP, SIGPIPE}) ::signal(sig, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  ::close(fds[1]);
  if (fds[0] != 3) ::dup2(fds[0], 3);
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, 0);
  ::dup2(null, 1);
  ::close_range(4, ~0U, 0);
  char byte = 0;
  ssize_t n;
  do n = ::read(3, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n == 1) ::_exit(0);
  std::error_code ec;
  try {
    if (fs::exists(dir, ec)) {
      force_remove_server_dir(dir);
      (void)!::write(2, done.data(), done.size());
    }
  } catch (const std::exception &e) {
    std::string msg = fmt::format("stormdb: warning: {}\n", e.what());
    (void)!::write(2, msg.data(), msg.size());
  }
  ::_exit(0);
}

void ServerGuardian::disarm() {
  if (fd_ < 0) return;
  char byte = 'd';
  (void)!::write(fd_, &byte, 1);
  ::close(fd_);
  fd_ = -1;
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace stormdb
