// The --json result file: a versioned schema ("stormdb.result/1") documented in docs/outputs.md.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"
#include "report/result.h"

namespace stormdb {

constexpr const char *kJsonSchema = "stormdb.result/1";

// A TxnRow as JSON (the "row" of docs/outputs.md).
nlohmann::json row_json(const TxnRow &t);
// The configuration with secrets redacted.
nlohmann::json config_json(const Config &c);
// Writes the run's result; throws std::runtime_error when the file cannot be written.
void write_json(const std::string &path, const RunResult &r, const Config &cfg);

}  // namespace stormdb
