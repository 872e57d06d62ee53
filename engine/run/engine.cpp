// Engine: worker threads per job, the start barrier, stop time, shared names and ctx:parallel parts.
#include "run/engine.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

#include "run/signals.h"
#include "script/lua_client_runtime.h"

namespace stormdb {

namespace {
// glibc gives a thread arena's free top back to the kernel (madvise) once it exceeds 128 KiB, and
// the next malloc faults the pages in again. A worker's libpq results, a few KiB per reply on
// each of its connections, free and re-grow that top all the time: at 256 clients on 2 threads
// that was 0.3 page faults per point select and 2.4x pgbench's user CPU per transaction (0.01
// and 1.2x with the top kept). A benchmark client keeps its heap: 64 MiB is trimmed, less is not.
// Fixing the trim threshold also stops glibc's dynamic mmap threshold, so that one is set to the
// dynamic one's ceiling (32 MiB): blocks below it keep coming from the heap. A user's own
// MALLOC_TRIM_THRESHOLD_ / GLIBC_TUNABLES setting wins.
void keep_heap() {
  static const bool done = [] {
    const char *tunables = std::getenv("GLIBC_TUNABLES");
    if (std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("MALLOC_MMAP_THRESHOLD_") ||
        (tunables && (std::strstr(tunables, "trim_threshold") || std::strstr(tunables, "mmap_threshold"))))
      return false;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    return true;
  }();
  (void)done;
}
}  // namespace

Engine::Engine(RunPlan plan, RuntimeFactory runtimes)
    : plan_(std::move(plan)), stop_at_(std::numeric_limits<double>::infinity()) {
  keep_heap();
  txn_names_ = plan_.mix_names;
  if (!runtimes) runtimes = [this](int id) { return std::make_unique<LuaClientRuntime>(plan_, id); };
  for (int i = 0; i < plan_.threads; i++) workers_.push_back(std::make_unique<Worker>(i, *this, runtimes(i)));
  for (auto &w : workers_) signals::add_wake_fd(w->wake_fd());
}

Engine::~Engine() {
  for (auto &w : workers_) signals::remove_wake_fd(w->wake_fd());
  // An abandoned thread may still run a worker's Lua state: leak them rather than close a state
  // in use (the process is about to exit anyway).
  if (abandoned_)
    for (auto &w : workers_) (void)w.release();
}

HookOutcome Engine::run_hook(const std::string &name) {
  plan_.phase = name;
  aborting_ = false;
  stop_at_ = std::numeric_limits<double>::infinity();
  Job job{Job::Kind::kHook, name};
  // Workers other than 0 serve parts until worker 0's hook ends and it sets the stop time.
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers_.size(); i++) threads.emplace_back([this, i, &job] { workers_[i]->run_job(job); });
  workers_[0]->run_job(job);
  request_stop(-1);
  for (auto &t : threads) t.join();
  HookOutcome out;
  out.error = workers_[0]->hook_error();
  out.ok = out.error.empty();
  out.result = workers_[0]->hook_result();
  return out;
}

std::string Engine::run(const std::function<void(const IntervalStats &)> &on_interval) {
  plan_.phase = "run";
  collector_ = std::make_unique<Collector>(plan_.threads);
  stop_at_ = std::numeric_limits<double>::infinity();
  // Shared with the threads: an abandoned one may still use them after this returns.
  auto job = std::make_shared<const Job>(Job{Job::Kind::kRun, ""});
  auto done_flags = std::make_shared<std::vector<std::atomic<bool>>>(workers_.size());
  auto &done = *done_flags;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers_.size(); i++)
    threads.emplace_back([this, i, job, done_flags] {
      workers_[i]->run_job(*job);
      (*done_flags)[i] = true;
    });
  std::vector<Watch> watch(workers_.size());
  signals::set_report_on_exit(true);
  // The reporter: prints intervals as they complete until every worker is done or abandoned.
  while (true) {
    int sig = signals::count();
    if (sig > 0) request_stop(now_us());
    if (sig >= 3) {
      // The third signal: stop waiting; the caller writes what was collected and exits.
      for (size_t i = 0; i < workers_.size(); i++)
        if (!done[i] && !watch[i].abandoned)
          abandon(watch, i, fmt::format("interrupted a third time: thread {} was not waited for", i));
    }
    watchdog(watch, threads, now_us());
    if (auto iv = collector_->next(100)) {
      on_interval(*iv);
      continue;
    }
    bool all_done = true;
    for (size_t i = 0; i < workers_.size(); i++) all_done = all_done && (done[i] || watch[i].abandoned);
    if (all_done && collector_->drained()) break;
  }
  for (size_t i = 0; i < threads.size(); i++) {
    if (watch[i].abandoned && !done[i]) {
      threads[i].detach();  // it still runs this worker's Lua state: see ~Engine
    } else {
      threads[i].join();
    }
  }
  std::lock_guard lock(mu_);
  return abort_reason_;
}

// Looks at every worker once the stop time + grace has passed: a client that has not given control
// back for kStuckUs gets the Lua hook; kStuckUs after that, its thread is abandoned.
bool Engine::watchdog(std::vector<Watch> &watch, std::vector<std::thread> &threads, double now) {
  bool acted = false;
  for (size_t i = 0; i < workers_.size(); i++) {
    Watch &w = watch[i];
    if (w.abandoned) continue;
    sdb_client *cl = workers_[i]->running();
    uint64_t resumes = workers_[i]->resumes();
    if (!cl || cl != w.running || resumes != w.resumes) {
      w = Watch{resumes, cl, now, 0, false};
      continue;
    }
    if (now < stop_at() + kStopGraceUs || now - w.since < kStuckUs) continue;
    if (w.interrupted == 0) {
      w.interrupted = now;
      signals::interrupt_thread(threads[i].native_handle(), (now - w.since) / 1e6);
      acted = true;
    } else if (now - w.interrupted >= kStuckUs) {
      int32_t txn = cl->txn.load(std::memory_order_relaxed);
      abandon(watch, i,
              fmt::format("client {}{} did not yield for {:.1f} s after the end of the run (endless loop in a "
                          "script?); its thread was abandoned and its clients' last results are missing",
                          cl->id, txn >= 0 ? " (transaction " + txn_name(txn) + ")" : std::string(),
                          (now - w.since) / 1e6));
      acted = true;
    }
  }
  return acted;
}

void Engine::abandon(std::vector<Watch> &watch, size_t worker, const std::string &why) {
  watch[worker].abandoned = true;
  abandoned_ = true;
  collector_->worker_ended(static_cast<int>(worker));
  std::lock_guard lock(mu_);
  if (!why.empty()) cut_notes_.push_back(why);
}

void Engine::note_cut_short(int client, int32_t txn) {
  std::lock_guard lock(mu_);
  cut_requests_.emplace_back(client, txn);
}

void Engine::note_straggler(int client) {
  std::lock_guard lock(mu_);
  cut_notes_.push_back(
      fmt::format("client {} had not ended {:g} s after the end of the run (a script that yields "
                  "with nothing to wait for?); it was left suspended",
                  client, (kStopGraceUs + kStuckUs) / 1e6));
}

std::string Engine::txn_name(int32_t txn) {
  std::lock_guard lock(mu_);
  return txn >= 0 && static_cast<size_t>(txn) < txn_names_.size() ? txn_names_[txn] : "?";
}

std::vector<std::string> Engine::cut_short() {
  std::vector<std::pair<int, int32_t>> cut;
  std::vector<std::string> out;
  {
    std::lock_guard lock(mu_);
    cut = cut_requests_;
    out = cut_notes_;
  }
  if (!cut.empty()) {
    std::vector<std::string> who;
    for (const auto &[client, txn] : cut)
      if (who.size() < 10) who.push_back(fmt::format("client {} ({})", client, txn_name(txn)));
    out.insert(out.begin(),
               fmt::format("{} request(s) still running {:g} s after the end were cancelled: {}{}", cut.size(),
                           kStopGraceUs / 1e6, fmt::join(who, ", "), cut.size() > who.size() ? ", ..." : ""));
  }
  return out;
}

int Engine::txn_id(const std::string &name) {
  std::lock_guard lock(mu_);
  auto it = std::find(txn_names_.begin(), txn_names_.end(), name);
  if (it != txn_names_.end()) return static_cast<int>(it - txn_names_.begin());
  txn_names_.push_back(name);
  return static_cast<int>(txn_names_.size() - 1);
}

int Engine::counter_id(const std::string &name) {
  std::lock_guard lock(mu_);
  auto it = std::find(counter_names_.begin(), counter_names_.end(), name);
  if (it != counter_names_.end()) return static_cast<int>(it - counter_names_.begin());
  counter_names_.push_back(name);
  return static_cast<int>(counter_names_.size() - 1);
}

int Engine::timing_id(const std::string &name) {
  std::lock_guard lock(mu_);
  auto it = std::find(timing_names_.begin(), timing_names_.end(), name);
  if (it != timing_names_.end()) return static_cast<int>(it - timing_names_.begin());
  timing_names_.push_back(name);
  return static_cast<int>(timing_names_.size() - 1);
}

std::vector<std::string> Engine::timing_names() {
  std::lock_guard lock(mu_);
  return timing_names_;
}

std::vector<std::string> Engine::txn_names() {
  std::lock_guard lock(mu_);
  return txn_names_;
}

std::vector<std::string> Engine::counter_names() {
  std::lock_guard lock(mu_);
  return counter_names_;
}

void Engine::request_stop(double at_us) {
  double cur = stop_at_.load();
  while (at_us < cur && !stop_at_.compare_exchange_weak(cur, at_us)) {
  }
  for (auto &w : workers_) w->wake();
}

void Engine::abort(const std::string &why) {
  {
    std::lock_guard lock(mu_);
    if (abort_reason_.empty()) abort_reason_ = why;
  }
  aborting_ = true;
  request_stop(now_us());
}

void Engine::barrier_wait() {
  std::unique_lock lock(mu_);
  uint64_t round = barrier_round_;
  if (++barrier_waiting_ == plan_.threads) {
    barrier_waiting_ = 0;
    barrier_round_++;
    t0_ = now_us();
    if (plan_.duration_us > 0) {
      double end = t0_ + plan_.warmup_us + plan_.duration_us;
      double cur = stop_at_.load();
      if (end < cur) stop_at_ = end;
    }
    cv_.notify_all();
    return;
  }
  cv_.wait(lock, [&] { return barrier_round_ != round; });
}

void Engine::note_connect(double us) {
  std::lock_guard lock(mu_);
  connect_.clients++;
  connect_.total_us += us;
  connect_.max_us = std::max(connect_.max_us, us);
}

bool Engine::first_script_error(const std::string &message) {
  std::lock_guard lock(mu_);
  return script_errors_.size() < 100 && script_errors_.insert(message).second;
}

ConnectStats Engine::connect_stats() {
  std::lock_guard lock(mu_);
  return connect_;
}

void Engine::parallel_start(sdb_client *waiter, const std::string &fn, int parts, const std::string &args) {
  {
    std::lock_guard lock(mu_);
    parallel_waiter_ = waiter;
    parallel_fn_ = fn;
    parallel_args_ = args;
    parallel_remaining_ = parts;
    parallel_cancelled_ = false;
    waiter->parallel_failed = 0;
    waiter->parallel_error.clear();
  }
  if (parts <= 0) {
    waiter->worker->post_parallel_done(waiter);
    return;
  }
  for (int p = 1; p <= parts; p++) workers_[(p - 1) % workers_.size()]->post_part(p);
}

std::pair<std::string, std::string> Engine::parallel_job() {
  std::lock_guard lock(mu_);
  return {parallel_fn_, parallel_args_};
}

void Engine::part_done(int part, const std::string &error) {
  sdb_client *waiter = nullptr;
  {
    std::lock_guard lock(mu_);
    if (!parallel_waiter_) return;
    if (!error.empty()) {
      if (parallel_waiter_->parallel_failed++ == 0)
        parallel_waiter_->parallel_error = "part " + std::to_string(part) + ": " + error;
      parallel_cancelled_ = true;
    }
    if (--parallel_remaining_ == 0) {
      waiter = parallel_waiter_;
      parallel_waiter_ = nullptr;
      parallel_cancelled_ = false;
    }
  }
  if (waiter) waiter->worker->post_parallel_done(waiter);
}

}  // namespace stormdb
