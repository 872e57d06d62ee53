// prepare, cleanup and run/check's load check over the load registry: what a load created is
// recorded, cleanup drops exactly that, a clash with a user's object stops prepare with exit 2.
#include "run/loads.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

#include "pg/ownership.h"
#include "run/exit_status.h"
#include "run/signals.h"

namespace stormdb {
namespace {

// The prepare command a user should run: the workload as given plus the options given on this
// command line (values from YAML or STORMDB_* come back by themselves). No URL: it may hold a password.
std::string prepare_command(const Session &s, const char *command = "prepare") {
  std::string cmd = fmt::format("stormdb {} {}", command, s.given_script.empty() ? s.plan.script_path : s.given_script);
  if (!s.config_file.empty()) cmd += " -f " + s.config_file;
  for (const auto &[name, value] : s.cfg.options) {
    auto src = s.cfg.sources.find("options." + name);
    if (src != s.cfg.sources.end() && src->second.rfind("--", 0) == 0) cmd += fmt::format(" --{}={}", name, value);
  }
  return cmd;
}

std::string objects_text(size_t n) { return fmt::format("{} object{}", n, n == 1 ? "" : "s"); }

void print_objects(const char *verb, const std::vector<CatalogObject> &objects) {
  for (const auto &o : objects) std::fprintf(stderr, "stormdb:   %s %s %s\n", verb, o.kind.c_str(), o.identity.c_str());
}

// Records a running prepare's new objects every half second on a connection of its own, so a
// prepare killed outright (SIGKILL, power loss) leaves at most the last half second unrecorded.
class LoadRecorder {
 public:
  LoadRecorder(const std::string &conninfo, LoadRecord load)
      : thread_([this, conninfo, load] { loop(conninfo, load); }) {}
  ~LoadRecorder() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void loop(const std::string &conninfo, const LoadRecord &load) {
    try {
      Registry reg(conninfo);
      std::unique_lock<std::mutex> l(mu_);
      while (!cv_.wait_for(l, std::chrono::milliseconds(500), [this] { return stop_; })) reg.record(load, false);
    } catch (const std::exception &) {
      // the record after the hook is the one that counts; this one only narrows a kill's gap
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Objects a killed load may have created but did not record: named, never dropped.
void print_unrecorded(Registry &reg, const LoadRecord &load) {
  auto strays = reg.unrecorded(load);
  if (strays.empty()) return;
  std::fprintf(stderr,
               "stormdb: left alone: %s created since the unfinished load of %s started but never "
               "recorded as its own (drop them yourself if they were):\n",
               objects_text(strays.size()).c_str(), load.workload.c_str());
  print_objects("left", strays);
}

// Drops a recorded load's objects; prints why when an object stormdb did not create is in the way.
bool remove_load(Registry &reg, const LoadRecord &load, const std::vector<CatalogObject> &objects, const char *what) {
  try {
    reg.remove(load, objects);
    return true;
  } catch (const RegistryError &e) {
    std::fprintf(stderr, "stormdb: %s stopped, nothing was dropped: %s%s%s\n", what, e.what(),
                 e.detail.empty() ? "" : "\nDETAIL: ", e.detail.c_str());
    if (e.sqlstate == "2BP01")
      std::fprintf(stderr,
                   "stormdb: an object stormdb did not create depends on one it created (named above); "
                   "stormdb does not drop it: drop or change it yourself, then run %s again\n",
                   what);
    return false;
  }
}

// A name clash reported by the server: SQLSTATE 42P07, 42P06, 42710 or 42723 and the quoted name.
struct Clash {
  std::string what, name;
};

std::optional<Clash> find_clash(const std::string &error) {
  static const std::regex re(
      R"re((relation|schema|function|type|trigger) "([^"]+)"[^\n]*\(SQLSTATE (42P07|42P06|42710|42723))re");
  std::smatch m;
  if (!std::regex_search(error, m, re)) return std::nullopt;
  return Clash{m[1], m[2]};
}

// Replaces an earlier load of this workload before a new one starts.
bool drop_earlier_load(Registry &reg, const Session &s) {
  auto old = reg.find(s.info.name);
  if (!old) return true;
  auto objects = reg.owned(*old);
  if (old->state == "complete") {
    std::fprintf(stderr, "stormdb: replacing the earlier load of %s: dropping its %s\n", s.info.name.c_str(),
                 objects_text(objects.size()).c_str());
  } else {
    std::fprintf(stderr,
                 "stormdb: recovering a partial load of %s (started %s, never finished): dropping the %s "
                 "it created\n",
                 s.info.name.c_str(), old->started_at.c_str(), objects_text(objects.size()).c_str());
  }
  print_unrecorded(reg, *old);
  return remove_load(reg, *old, objects, "prepare");
}

enum class Attempt { kDone, kRetry, kStop };

// After a failed prepare hook: a clash with an object stormdb does not own removes this attempt
// and stops with exit 2, or with --force drops that object for a retry. Sets rc when it stops.
Attempt on_clash(Registry &reg, const LoadRecord &load, const std::vector<CatalogObject> &created, const Clash &c,
                 const Session &s, int &rc) {
  auto existing = reg.unowned_named(c.what, c.name);
  if (existing.empty()) return Attempt::kDone;  // not a clash with someone else's object: an ordinary failure
  if (!remove_load(reg, load, created, "prepare")) {
    rc = kExitFailure;
    return Attempt::kStop;
  }
  rc = kExitUsage;
  if (!s.cfg.force || existing.size() > 1) {
    std::fprintf(stderr, "stormdb: prepare %s stopped: the database already holds", s.info.name.c_str());
    for (const auto &o : existing)
      std::fprintf(stderr, "%s %s %s", &o == &existing[0] ? "" : ",", o.kind.c_str(), o.identity.c_str());
    std::fprintf(stderr,
                 ", not created by stormdb (nothing of it was changed; what this prepare had created is removed)\n"
                 "stormdb: drop or rename it, choose another --schema if the workload has that option, or pass "
                 "--force to take it over (drops it)%s\n",
                 existing.size() > 1 ? " (--force needs a single match)" : "");
    return Attempt::kStop;
  }
  try {
    reg.drop(existing[0]);
  } catch (const RegistryError &e) {
    std::fprintf(stderr, "stormdb: --force cannot take over %s %s: %s%s%s\n", existing[0].kind.c_str(),
                 existing[0].identity.c_str(), e.what(), e.detail.empty() ? "" : "\nDETAIL: ", e.detail.c_str());
    return Attempt::kStop;
  }
  std::fprintf(stderr, "stormdb: --force: took over %s %s (dropped it; prepare creates its own)\n",
               existing[0].kind.c_str(), existing[0].identity.c_str());
  return Attempt::kRetry;
}

// One prepare attempt with its registry record.
Attempt prepare_once(Engine &engine, Session &s, Registry &reg, int &rc) {
  LoadRecord load = reg.begin(s.info.name, s.plan.script_path, s.plan.options_lua);
  HookOutcome o;
  bool ok = false;
  {
    LoadRecorder recorder(s.cfg.conninfo, load);
    ok = run_hook(engine, s, "prepare", &o) && signals::count() == 0;
  }
  reg.record(load, ok);
  auto created = reg.owned(load);  // with what the recorder thread recorded during the hook
  if (ok) {
    if (!s.cfg.quiet)
      std::fprintf(stderr,
                   "stormdb: recorded the %s this load of %s created in %s.stormdb_objects "
                   "(cleanup drops exactly these)\n",
                   objects_text(created.size()).c_str(), s.info.name.c_str(), reg.schema().c_str());
    rc = 0;
    return Attempt::kDone;
  }
  if (auto clash = signals::count() == 0 ? find_clash(o.error) : std::nullopt) {
    Attempt a = on_clash(reg, load, created, *clash, s, rc);
    if (a != Attempt::kDone) return a;
  }
  std::fprintf(stderr,
               "stormdb: the database holds a partial load of %s (%s created so far); run and check "
               "refuse it.\nstormdb: to recover, run the same prepare again: %s\nstormdb: to remove it: %s\n",
               s.info.name.c_str(), objects_text(created.size()).c_str(), prepare_command(s).c_str(),
               prepare_command(s, "cleanup").c_str());
  rc = kExitFailure;
  return Attempt::kStop;
}

}  // namespace

int prepare_load(Engine &engine, Session &s) {
  if (!s.info.has_hook("prepare")) return 0;
  try {
    Registry reg(s.cfg.conninfo);
    if (!drop_earlier_load(reg, s)) return kExitFailure;
    int rc = 0;
    // Each retry (--force) has taken over one more object; a workload creates finitely many.
    for (int i = 0; i < 1000; i++)
      if (prepare_once(engine, s, reg, rc) != Attempt::kRetry) return rc;
    return kExitFailure;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "stormdb: prepare %s: cannot keep the load registry: %s\n", s.info.name.c_str(), e.what());
    return kExitFailure;
  }
}

int cleanup_load(Engine &engine, Session &s) {
  if (s.info.has_hook("cleanup") && !run_hook(engine, s, "cleanup")) return kExitFailure;
  try {
    Registry reg(s.cfg.conninfo);
    auto load = reg.find(s.info.name);
    if (!load) {
      std::fprintf(stderr, "stormdb: nothing to clean up: no stormdb load of %s in this database\n",
                   s.info.name.c_str());
      return 0;
    }
    auto objects = reg.owned(*load);
    print_unrecorded(reg, *load);
    if (!remove_load(reg, *load, objects, "cleanup")) return kExitFailure;
    std::fprintf(stderr, "stormdb: cleanup %s: dropped the %s its %sload created\n", s.info.name.c_str(),
                 objects_text(objects.size()).c_str(), load->state == "complete" ? "" : "partial ");
    print_objects("dropped", objects);
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "stormdb: cleanup %s: %s\n", s.info.name.c_str(), e.what());
    return kExitFailure;
  }
}

int require_complete_load(Session &s) {
  if (!s.info.has_hook("prepare") || s.server || s.cfg.prepare_first || s.cfg.skip_load_check) return 0;
  std::optional<LoadRecord> load;
  try {
    Registry reg(s.cfg.conninfo);
    load = reg.find(s.info.name);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "stormdb: cannot read the load registry: %s\n", e.what());
    return kExitFailure;
  }
  if (load && load->state == "complete") return 0;
  if (load) {
    std::fprintf(stderr,
                 "stormdb: the database holds a partial load of %s (its prepare started %s and never "
                 "finished): run `%s` again to recover it\n",
                 s.info.name.c_str(), load->started_at.c_str(), prepare_command(s).c_str());
  } else {
    std::fprintf(stderr,
                 "stormdb: workload %s is not loaded in this database (no stormdb prepare of it is recorded): "
                 "run `%s` first, or pass --prepare; if the data was loaded another way, pass --skip-load-check\n",
                 s.info.name.c_str(), prepare_command(s).c_str());
  }
  return kExitUsage;
}

}  // namespace stormdb
