// Console summaries of saved runs, progressive runs and phased runs for `stormdb report`.
#include "report/saved_summary.h"

#include <fmt/format.h>

namespace stormdb {
namespace {

const nlohmann::json &field(const nlohmann::json &j, const char *k) {
  static const nlohmann::json empty = nlohmann::json::object();
  return j.is_object() && j.contains(k) && j[k].is_object() ? j[k] : empty;
}

// "N transactions in S s, T tps, p99 X ms, F failed" of a result row and its measured time.
std::string totals(const nlohmann::json &total, double elapsed_s) {
  return fmt::format("{} transactions in {:.3f} s, {:.1f} tps, p99 {:.3f} ms, {} failed", total.value("count", 0),
                     elapsed_s, total.value("tps", 0.0), field(total, "latency_ms").value("p99", 0.0),
                     total.value("failed", 0));
}

void print_progressive(std::FILE *out, const nlohmann::json &j, const std::string &path) {
  const auto &bands = j.contains("bands") && j["bands"].is_array() ? j["bands"] : nlohmann::json::array();
  std::fprintf(
      out, "%s\n",
      fmt::format("{}: progressive run of {}, {} bands", path, field(j, "workload").value("name", "?"), bands.size())
          .c_str());
  for (const auto &b : bands)
    std::fprintf(
        out, "%s\n",
        fmt::format("  {:>5} clients: {}", b.value("clients", 0), totals(field(b, "total"), b.value("elapsed_s", 0.0)))
            .c_str());
  const auto &usl = field(j, "usl");
  if (usl.value("ok", false))
    std::fprintf(
        out, "%s\n",
        fmt::format("  USL fit: lambda {:.1f} tps, sigma {:.4f}, kappa {:.6f}, R² {:.3f}", usl.value("lambda", 0.0),
                    usl.value("sigma", 0.0), usl.value("kappa", 0.0), usl.value("r2", 0.0))
            .c_str());
  if (j.contains("best_band") && j["best_band"].is_number())
    std::fprintf(out, "  best band: %d clients\n", j["best_band"].get<int>());
}

void print_phases(std::FILE *out, const nlohmann::json &j, const std::string &path) {
  const auto &phases = j.contains("phases") && j["phases"].is_array() ? j["phases"] : nlohmann::json::array();
  std::fprintf(
      out, "%s\n",
      fmt::format("{}: phased run of {}, {} phases", path, field(j, "workload").value("name", "?"), phases.size())
          .c_str());
  for (const auto &p : phases)
    std::fprintf(out, "%s\n",
                 fmt::format("  {:<16} {}", p.value("phase", "?"), totals(field(p, "total"), p.value("elapsed_s", 0.0)))
                     .c_str());
}

}  // namespace

bool print_saved_summary(std::FILE *out, const nlohmann::json &j, const std::string &path) {
  std::string schema = j.value("schema", "");
  if (schema.rfind("stormdb.result/", 0) == 0) {
    std::fprintf(out, "%s\n",
                 fmt::format("{}: {}", path, totals(field(j, "total"), j.value("elapsed_s", 0.0))).c_str());
  } else if (schema.rfind("stormdb.progressive/", 0) == 0) {
    print_progressive(out, j, path);
  } else if (schema.rfind("stormdb.phases/", 0) == 0) {
    print_phases(out, j, path);
  } else {
    return false;
  }
  return true;
}

}  // namespace stormdb
