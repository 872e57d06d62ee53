// Console summaries of saved result files: what `stormdb report FILE` prints for a run, a
// progressive run (one line per band and the USL fit) or a phased run (one line per phase).
#pragma once
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace stormdb {

// Prints the summary of j (read from path) to out. Returns false when j is of none of the three
// schemas (stormdb.result/, stormdb.progressive/, stormdb.phases/), having printed nothing.
bool print_saved_summary(std::FILE *out, const nlohmann::json &j, const std::string &path);

}  // namespace stormdb
