// Worker thread body: spawns the job's clients and drives them from the event loop through the
// client runtime.
#include "run/worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "rand/rand_ffi.h"
#include "run/engine.h"
#include "run/signals.h"
#include "util/thread_sched.h"

namespace stormdb {

Worker::Worker(int id, Engine &engine, std::unique_ptr<ClientRuntime> runtime)
    : id_(id), engine_(engine), runtime_(std::move(runtime)), recorder_(nullptr, id) {}

Worker::~Worker() {
  connect_gate_.close();  // connections closed from here on must not start the queued ones
  clients_.clear();
  runtime_.reset();
}

sdb_client *Worker::spawn(sdb_client::Kind kind, int id, const std::string &fn, const std::string &args) {
  auto cl = std::make_unique<sdb_client>();
  cl->worker = this;
  cl->kind = kind;
  cl->id = id;
  cl->pooled = pool_ && (kind == sdb_client::Kind::kTerminal || kind == sdb_client::Kind::kBackground);
  if (!cl->pooled) {
    cl->conn = std::make_unique<sdb_conn>(this, &engine_.plan().conninfo, cl.get());
    cl->held = cl->conn.get();
  }
  sdb_rng_seed(&cl->mix_rng, engine_.plan().seed, 1e6 + id + (kind == sdb_client::Kind::kTerminal ? 0 : 5e5));
  sdb_client *raw = cl.get();
  clients_.push_back(std::move(cl));
  alive_++;
  if (kind == sdb_client::Kind::kTerminal) terminals_alive_++;
  ClientStart start{kind, id, fn, args};
  resume(raw, &start);
  return raw;
}

void Worker::complete(sdb_conn *c) {
  if (auto *cl = static_cast<sdb_client *>(c->owner())) make_runnable(cl);  // a free pooled one has none
}

namespace {
// Timer tokens are clients; a connection's deadline is told apart by its low bit (both are
// aligned objects, so the bit is free).
void *deadline_token(sdb_conn *c) { return reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(c) | 1); }
sdb_conn *deadline_conn(void *token) {
  auto bits = reinterpret_cast<uintptr_t>(token);
  return bits & 1 ? reinterpret_cast<sdb_conn *>(bits & ~uintptr_t{1}) : nullptr;
}
}  // namespace

void Worker::add_deadline(sdb_conn *c, double after_us, uint64_t generation) {
  loop_.add_timer(now_us() + after_us, deadline_token(c), generation);
}

void Worker::make_runnable(sdb_client *cl) {
  if (!cl->finished) runnable_.push_back(cl);
}

void Worker::resume(sdb_client *cl, const ClientStart *start) {
  if (cl->finished) return;
  if (!start && cl->driver) {  // a C transaction sends its next request without a trip through the runtime
    if (cl->driver(cl->driver_arg)) return;
    cl->driver = nullptr;
  }
  // Two relaxed stores per resume (plain moves): what the watchdog needs to see a stuck client.
  running_.store(cl, std::memory_order_relaxed);
  resumes_.store(resumes_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  Step step = start ? runtime_->start(cl, cl->task, *start)
                    : runtime_->resume(cl, cl->task, cl->held ? cl->held->res_status() : 0);
  running_.store(nullptr, std::memory_order_relaxed);
  if (step == Step::kEnded) on_finished(cl);
}

void Worker::on_finished(sdb_client *cl) {
  cl->finished = true;
  ClientOutcome out = runtime_->take_outcome(cl->task);
  if (out.out_of_memory && (cl->kind == sdb_client::Kind::kTerminal || cl->kind == sdb_client::Kind::kBackground)) {
    // The runtime's memory limit: a script error that ends this client, not the run.
    script_error(cl, "not enough memory");
  } else {
    cl->error = std::move(out.error);
    cl->result = std::move(out.result);
  }
  if (cl->pooled) {
    if (sdb_client *next = pool_->forget(cl)) make_runnable(next);
  } else {
    cl->conn->disconnect();
  }
  alive_--;
  switch (cl->kind) {
    case sdb_client::Kind::kTerminal:
      terminals_alive_--;
      if (!cl->error.empty()) engine_.abort(fmt::format("client {}: {}", cl->id, cl->error));
      if (terminals_alive_ == 0) {
        recorder_.finish(now_us());
        wake_sleepers();  // background workers loop until the terminals are done
      }
      break;
    case sdb_client::Kind::kBackground:
      if (!cl->error.empty()) engine_.abort(fmt::format("background worker {}: {}", cl->id, cl->error));
      break;
    case sdb_client::Kind::kHook:
      hook_error_ = cl->error;
      hook_result_ = cl->result;
      break;
    case sdb_client::Kind::kPart:
      engine_.part_done(cl->id, cl->error);
      break;
  }
}

void Worker::post_part(int part) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_parts_.push_back(part);
  }
  loop_.wake();
}

void Worker::post_parallel_done(sdb_client *waiter) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_done_.push_back(waiter);
  }
  loop_.wake();
}

void Worker::drain_inbox() {
  std::vector<int> parts;
  std::vector<sdb_client *> done;
  {
    std::lock_guard lock(inbox_mu_);
    parts.swap(inbox_parts_);
    done.swap(inbox_done_);
  }
  if (!parts.empty()) {
    auto [fn, args] = engine_.parallel_job();
    for (int p : parts) spawn(sdb_client::Kind::kPart, p, fn, args);
  }
  for (sdb_client *w : done) make_runnable(w);
}

void Worker::sleep(sdb_client *cl, double us) {
  cl->sleeping = true;
  uint64_t gen = ++cl->timer_generation;
  if (stop_seen_ && cl->kind != sdb_client::Kind::kHook && cl->kind != sdb_client::Kind::kPart) {
    cl->wake_at_us = -1;
    make_runnable(cl);  // stopping: sleeps end at once so clients reach their end quickly
    return;
  }
  cl->wake_at_us = now_us() + us;
  loop_.add_timer(cl->wake_at_us, cl, gen);
}

// A sleep's timer fired and its client runs now: how late, as the run reports it (timer lateness).
void Worker::note_wake(sdb_client *cl) {
  if (cl->wake_at_us < 0 || cl->kind != sdb_client::Kind::kTerminal) return;
  double now = now_us();
  if (now >= cl->wake_at_us) recorder_.timer_lateness(now - cl->wake_at_us, now);
}

void Worker::on_timer(void *token, uint64_t generation) {
  if (sdb_conn *c = deadline_conn(token)) {
    c->on_deadline(generation);
    return;
  }
  auto *cl = static_cast<sdb_client *>(token);
  if (cl->timer_generation == generation && cl->sleeping && !cl->finished) woken_.push_back(cl);
}

void Worker::run_round() {
  // Every kTimerCheck resumes the round looks at the timer heap (a compare; the clock read is a
  // vDSO call): with thousands of clients per thread a round can take milliseconds, and a sleep
  // that falls due during it should not wait for all of it.
  constexpr size_t kTimerCheck = 8;
  auto on_timer = [this](void *token, uint64_t gen) { this->on_timer(token, gen); };
  std::vector<sdb_client *> &woken = woken_batch_;
  size_t i = 0;
  while (true) {
    if (!woken_.empty()) {
      woken.swap(woken_);
      for (sdb_client *cl : woken) {
        if (!cl->sleeping) continue;  // woken otherwise meanwhile (stop): runs from runnable_
        note_wake(cl);
        cl->sleeping = false;
        resume(cl);
      }
      woken.clear();
      continue;
    }
    if (i == runnable_.size()) break;
    sdb_client *cl = runnable_[i++];
    if (cl->sleeping) {
      note_wake(cl);
      cl->sleeping = false;
    }
    resume(cl);
    if (i % kTimerCheck == 0) loop_.fire_due(now_us(), on_timer);
  }
  runnable_.clear();
}

void Worker::start_pool() {
  pool_.reset();
  const RunPlan &plan = engine_.plan();
  if (plan.connections <= 0) return;
  // The connections are dealt over the threads as the clients are, and no worker gets more than
  // it has clients (config caps threads at connections, so each gets at least one).
  int clients = 0;
  for (int c = id_; c < plan.clients; c += plan.threads) clients++;
  int share = plan.connections / plan.threads + (id_ < plan.connections % plan.threads ? 1 : 0);
  share = std::max(1, std::min(share, clients));
  pool_ = std::make_unique<ConnPool>(this, &plan.conninfo, share);
}

sdb_conn *Worker::claim_conn(sdb_client *cl) { return cl->pooled ? pool_->claim_unopened(cl) : nullptr; }

sdb_conn *Worker::borrow(sdb_client *cl) {
  if (!cl->pooled) return cl->held;
  if (cl->held) return cl->held;
  if (sdb_conn *c = pool_->borrow(cl)) return c;
  cl->wait_since_us = now_us();
  recorder_.pool_queue(pool_->waiting(), cl->wait_since_us);
  return nullptr;
}

void Worker::give_back(sdb_client *cl) {
  if (!cl->pooled || !cl->held) return;
  sdb_client *next = pool_->give_back(cl);
  if (!next) return;
  double now = now_us();
  next->pool_wait_us += now - next->wait_since_us;
  recorder_.pool_queue(pool_->waiting(), now);
  make_runnable(next);
}

void Worker::wake_sleepers() {
  for (auto &c : clients_) {
    if (c->sleeping && !c->finished) {
      c->timer_generation++;
      c->sleeping = false;
      make_runnable(c.get());
    }
  }
}

void Worker::barrier(sdb_client *cl) {
  cl->at_barrier = true;
  at_barrier_++;
}

void Worker::pass_barrier() {
  barrier_passed_ = true;
  engine_.barrier_wait();
  recorder_ = Recorder(&engine_.collector(), id_);
  const RunPlan &plan = engine_.plan();
  recorder_.start(engine_.t0(), plan.warmup_us, plan.interval_us, plan.rate_per_client > 0, plan.latency_limit_us);
  if (pool_) recorder_.pool_queue(pool_->waiting(), engine_.t0());  // marks the intervals as pooled
  if (terminals_alive_ == 0) recorder_.finish(now_us());
  for (auto &c : clients_)
    if (c->at_barrier && !c->finished) make_runnable(c.get());
}

void Worker::script_error(sdb_client *cl, const char *message) {
  std::string m = runtime_->explain_error(message ? message : "");
  if (engine_.first_script_error(m)) std::fprintf(stderr, "stormdb: script error (client %d): %s\n", cl->id, m.c_str());
}

int32_t Worker::next_txn(sdb_client *cl) {
  double now = now_us();
  if (engine_.aborting() || now >= engine_.stop_at()) return -1;
  const RunPlan &plan = engine_.plan();
  if (plan.transactions > 0 && cl->txns_done >= plan.transactions) return -1;
  if (plan.rate_per_client > 0) return next_arrival(cl, now);
  cl->txns_done++;
  cl->intended_us = cl->start_us = now;  // closed loop: the transaction is meant to start now
  cl->scheduled = false;
  int32_t txn = pick_txn(cl);
  cl->txn.store(txn, std::memory_order_relaxed);
  return txn;
}

int32_t Worker::next_arrival(sdb_client *cl, double now) {
  const RunPlan &plan = engine_.plan();
  double period = 1e6 / plan.rate_per_client;
  auto gap = [&] {
    // Poisson arrivals: exponential gaps by inversion (as pgbench -R); else a fixed period.
    return plan.poisson ? -std::log(1.0 - sdb_rand_double(&cl->mix_rng)) * period : period;
  };
  if (cl->next_arrival_us < 0) {
    // The schedule starts at the barrier; uniform arrivals are staggered so clients do not fire
    // together.
    cl->next_arrival_us = engine_.t0() + (plan.poisson ? gap() : period * (cl->id + 0.5) / plan.clients);
  }
  while (true) {
    if (cl->next_arrival_us >= engine_.stop_at()) return -1;
    if (now < cl->next_arrival_us) {
      sleep(cl, cl->next_arrival_us - now);
      return -2;  // the prelude yields and asks again when the timer fires
    }
    int32_t txn = pick_txn(cl);
    cl->intended_us = cl->next_arrival_us;
    cl->start_us = now;
    cl->scheduled = true;
    cl->next_arrival_us += gap();
    if (plan.latency_limit_us > 0 && now - cl->intended_us > plan.latency_limit_us) {
      recorder_.skip(txn, now);  // pgbench -R -L: too late already, counted and never sent
      continue;
    }
    cl->txns_done++;
    cl->txn.store(txn, std::memory_order_relaxed);
    return txn;
  }
}

int32_t Worker::pick_txn(sdb_client *cl) {
  const RunPlan &plan = engine_.plan();
  const std::vector<double> &weights = cl->weights.empty() ? plan.mix_weights : cl->weights;
  size_t n = weights.size();
  if (n == 1) return 0;
  if (plan.deck) {
    if (cl->deck_pos >= cl->deck.size()) {
      cl->deck.clear();
      for (size_t i = 0; i < n; i++)
        for (int k = 0; k < static_cast<int>(weights[i]); k++) cl->deck.push_back(static_cast<int32_t>(i));
      for (size_t i = cl->deck.size(); i > 1; i--) {  // Fisher-Yates: a fresh shuffle per pass
        size_t j = static_cast<size_t>(sdb_rand_uniform(&cl->mix_rng, 0, static_cast<double>(i - 1)));
        std::swap(cl->deck[i - 1], cl->deck[j]);
      }
      cl->deck_pos = 0;
    }
    return cl->deck[cl->deck_pos++];
  }
  double total = 0;
  for (double w : weights) total += w;
  double r = sdb_rand_double(&cl->mix_rng) * total;
  for (size_t i = 0; i < n; i++) {
    if (r < weights[i]) return static_cast<int32_t>(i);
    r -= weights[i];
  }
  return static_cast<int32_t>(n - 1);
}

// Requests still running at the end + grace are cut short: a frozen or stuck server must not hold
// the run past its end. Clients that still have not ended a little later (a script that yielded
// with nothing to wait for) are left suspended. Returns true when it acted; else lowers deadline
// to its next step.
bool Worker::past_grace(double now, double &deadline) {
  double cut_at = engine_.stop_at() + Engine::kStopGraceUs;
  if (!cut_done_ && now >= cut_at) {
    cut_requests();
    return true;
  }
  if (cut_done_ && now >= cut_at + Engine::kStuckUs) {
    drop_stragglers();
    return true;
  }
  deadline = std::min(deadline, cut_done_ ? cut_at + Engine::kStuckUs : cut_at);
  return false;
}

void Worker::cut_requests() {
  cut_done_ = true;
  for (auto &c : clients_) {
    if (c->finished) continue;
    if (c->held &&
        c->held->cut_short("cut short: still running when the run's grace time after its end ran out; cancelled"))
      engine_.note_cut_short(c->id, c->txn.load(std::memory_order_relaxed));
  }
}

void Worker::drop_stragglers() {
  for (auto &c : clients_) {
    if (c->finished) continue;
    engine_.note_straggler(c->id);
    c->finished = true;
    if (c->held) c->held->disconnect();
    alive_--;
    if (c->kind == sdb_client::Kind::kTerminal) terminals_alive_--;
  }
}

bool Worker::job_done(const Job &job) const {
  if (alive_ > 0) return false;
  if (job.kind == Job::Kind::kRun) return true;
  return id_ == 0 || engine_.stop_at() < 0;
}

void Worker::run_job(const Job &job) {
  clients_.clear();
  runnable_.clear();
  woken_.clear();
  loop_.claim_thread();
  // Probed when the session opened (realtime_unavailable); a later refusal leaves the thread as it was.
  if (job.kind == Job::Kind::kRun && engine_.plan().realtime) (void)make_thread_realtime();
  alive_ = terminals_alive_ = at_barrier_ = 0;
  barrier_passed_ = stop_seen_ = cut_done_ = false;
  loop_.clear_timers();
  signals::set_thread_runtime(runtime_.get());
  hook_error_.clear();
  hook_result_.clear();
  recorder_ = Recorder(nullptr, id_);
  const RunPlan &plan = engine_.plan();
  pool_.reset();
  if (job.kind == Job::Kind::kRun) start_pool();
  if (job.kind == Job::Kind::kHook) {
    if (id_ == 0) spawn(sdb_client::Kind::kHook, 0, job.hook);
  } else {
    for (int c = id_; c < plan.clients; c += plan.threads) spawn(sdb_client::Kind::kTerminal, c, "");
    int bg = 0;
    for (const auto &[fn, per_thread] : plan.background)
      for (int k = 0; k < per_thread; k++) spawn(sdb_client::Kind::kBackground, id_ * 1000 + bg++, fn);
  }
  auto on_io = [](sdb_conn *c, uint32_t ev) { c->on_io(ev); };
  auto on_timer = [this](void *token, uint64_t gen) { this->on_timer(token, gen); };
  int signals_seen = 0;
  while (true) {
    run_round();
    runtime_->after_round();
    drain_inbox();
    if (!runnable_.empty()) continue;
    // Before sleeping in epoll, look for replies that are already there: on a busy machine the
    // server usually answers while the other clients are served, and finding them saves a sleep
    // and a wake-up, the costliest part of a round trip. One epoll call that does not wait, not
    // a read per busy connection: that cost grew with the clients per thread.
    if (!polled_busy_) {
      polled_busy_ = true;
      loop_.poll(0, on_io, on_timer);
      if (!runnable_.empty() || !woken_.empty()) continue;
    }
    polled_busy_ = false;
    if (job.kind == Job::Kind::kRun && !barrier_passed_ &&
        at_barrier_ + (int)clients_.size() - alive_ >= (int)clients_.size()) {
      pass_barrier();
      continue;
    }
    if (job_done(job)) break;
    double now = now_us();
    int sig = signals::count();
    if (sig != signals_seen) {
      signals_seen = sig;
      // A run stops gracefully on the first signal; a hook (a long load, say) has nothing to
      // report, so it is abandoned at once, as a run is on the second signal.
      if (job.kind == Job::Kind::kRun && sig == 1) {
        engine_.request_stop(now);
      } else {
        engine_.abort("interrupted");
        for (auto &c : clients_)
          if (c->held) c->held->abort_request("interrupted");
      }
    }
    double deadline = Recorder::kNever;
    if (barrier_passed_) deadline = recorder_.advance(now, engine_.stop_at());
    if (!stop_seen_ && now >= engine_.stop_at() && job.kind == Job::Kind::kRun) {
      stop_seen_ = true;
      wake_sleepers();
      continue;
    }
    if (!stop_seen_ && engine_.stop_at() > now && engine_.stop_at() < deadline) deadline = engine_.stop_at();
    if (stop_seen_ && past_grace(now, deadline)) continue;
    loop_.poll(deadline, on_io, on_timer);
  }
  if (barrier_passed_) recorder_.finish(now_us());
  if (job.kind == Job::Kind::kRun && !barrier_passed_) engine_.collector().worker_ended(id_);
  if (pool_) pool_->disconnect_all();
}

}  // namespace stormdb
