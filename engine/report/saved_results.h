// Rendering of saved result files (--json output): `compare` and `report`.
#pragma once
#include <string>
#include <vector>

namespace stormdb {

// Prints two saved runs (schema stormdb.result/1) side by side (report/compare_report). Returns 0;
// throws UsageError naming the file that cannot be read or is not a run result.
int compare_results(const std::string &a_path, const std::string &b_path);
// Prints a saved result's summary (report/saved_summary: a run, its bands or its phases), writes
// its HTML page to html_out when given, and evaluates the thresholds (texts as --threshold)
// against it. Returns 0 or kExitThresholdFailed; throws UsageError for an unreadable file, a
// schema `report` does not read, a bad threshold or an HTML file that cannot be written.
int report_saved(const std::string &path, const std::vector<std::string> &thresholds, const std::string &html_out);

}  // namespace stormdb
