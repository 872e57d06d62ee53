// Outage spans from reconnect attempts: opened by the first failed attempt, closed by the first success.
#include "metrics/outages.h"

#include <algorithm>

namespace stormdb {

void OutageLog::attempt(bool ok, double lost_us, double now_us) {
  std::lock_guard lock(mu_);
  bool open = !outages_.empty() && outages_.back().open();
  if (ok) {
    if (open) outages_.back().end_us = std::max(now_us, outages_.back().start_us);
  } else if (!open) {
    // Another client may have reconnected after this one lost its connection: the database was
    // reachable then, so this outage starts after that.
    double start = outages_.empty() ? lost_us : std::max(lost_us, outages_.back().end_us);
    outages_.push_back(Outage{start, Outage::kOpen});
  }
}

void OutageLog::gave_up() {
  std::lock_guard lock(mu_);
  gave_up_++;
}

std::vector<Outage> OutageLog::outages() {
  std::lock_guard lock(mu_);
  return outages_;
}

int OutageLog::clients_gave_up() {
  std::lock_guard lock(mu_);
  return gave_up_;
}

}  // namespace stormdb
