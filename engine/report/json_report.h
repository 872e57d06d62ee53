// The --json result file: a versioned schema ("stormdb.result/1") documented in docs/outputs.md.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"
#include "metrics/result.h"

namespace stormdb {

constexpr const char *kJsonSchema = "stormdb.result/1";

// A TxnRow as JSON (the "row" of docs/outputs.md).
nlohmann::json row_json(const TxnRow &t);
// The configuration with secrets redacted.
nlohmann::json config_json(const Config &c);
// The run's result as a JSON object (schema kJsonSchema).
nlohmann::json result_json(const RunResult &r, const Config &cfg);
// Writes j to path; throws std::runtime_error when the file cannot be written.
void write_json_file(const std::string &path, const nlohmann::json &j);
// Writes j as --json (when json_path is set) and its HTML rendering as --html (when html_path is
// set); throws std::runtime_error when a file cannot be written.
void write_outputs(const nlohmann::json &j, const std::string &json_path, const std::string &html_path);

}  // namespace stormdb
