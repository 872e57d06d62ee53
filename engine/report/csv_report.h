// The --csv interval time series: one row per interval per transaction type plus a total row,
// with the PostgreSQL sampler's deltas on the total rows.
#pragma once
#include <string>

#include "metrics/result.h"

namespace stormdb {

// Writes the CSV (header line first); throws std::runtime_error when the file cannot be written.
void write_csv(const std::string &path, const RunResult &r);

}  // namespace stormdb
