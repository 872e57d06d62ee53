// Discovery and validation of script packs (stormdb-pack.yaml) on the workload search path.
#include "cli/packs.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "config/config.h"
#include "util/install_dirs.h"

namespace stormdb {
namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kPackKeys = {"name",       "version", "description", "workloads", "min_stormdb_version",
                                            "extensions", "plugins"};

std::string at(const std::string &file, const YAML::Node &n) { return fmt::format("{}:{}", file, n.Mark().line + 1); }

// A scalar's text. A list or mapping where one value belongs is bad input: yaml-cpp's own
// as<std::string>() would throw a bare "bad conversion" that main reports as a run-time failure.
std::string manifest_scalar(const std::string &file, const YAML::Node &n, const std::string &what) {
  if (!n.IsScalar() && !n.IsNull())
    throw UsageError(fmt::format("{}: {} must be a single value, not a list or mapping", at(file, n), what));
  return n.as<std::string>();
}

std::vector<std::string> string_list(const YAML::Node &n, const std::string &file, const char *key) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
  } else if (n.IsSequence()) {
    for (const auto &item : n) out.push_back(manifest_scalar(file, item, fmt::format("each of {}", key)));
  } else {
    throw UsageError(fmt::format("{}: {} must be a name or a list of names", at(file, n), key));
  }
  return out;
}
}  // namespace

std::vector<std::string> workload_search_dirs(const std::vector<std::string> &extra) {
  std::vector<std::string> dirs = extra;
  if (const char *p = std::getenv("STORMDB_PATH")) {
    std::stringstream ss(p);
    std::string d;
    while (std::getline(ss, d, ':'))
      if (!d.empty()) dirs.push_back(d);
  }
  dirs.push_back("workloads");
  for (const auto &d : shipped_workload_dirs()) dirs.push_back(d);
  std::vector<std::string> out, seen;
  for (const auto &d : dirs) {
    std::error_code ec;
    std::string canon = fs::weakly_canonical(d, ec).string();
    if (ec || std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
    seen.push_back(canon);
    out.push_back(d);
  }
  return out;
}

Pack load_pack(const std::string &dir) {
  Pack p;
  std::error_code ec;
  p.dir = fs::weakly_canonical(dir, ec).string();
  p.name = fs::path(p.dir).filename().string();
  std::string file = (fs::path(dir) / "stormdb-pack.yaml").string();
  if (!fs::is_regular_file(file)) return p;
  std::ifstream in(file);
  if (!in) throw UsageError(fmt::format("{}: cannot read the pack manifest", file));
  read_pack_manifest(std::string(std::istreambuf_iterator<char>(in), {}), dir, p);
  return p;
}

void read_pack_manifest(const std::string &text, const std::string &dir, Pack &p) {
  const std::string file = (fs::path(dir) / "stormdb-pack.yaml").string();
  p.has_manifest = true;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException &e) {
    throw UsageError(fmt::format("{}:{}: malformed YAML: {}", file, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap())
    throw UsageError(fmt::format("{}: a pack manifest is a mapping (name:, version:, workloads:, ...)", file));
  for (const auto &kv : root) {
    std::string key = manifest_scalar(file, kv.first, "a key");
    const YAML::Node &v = kv.second;
    if (key == "name") {
      p.name = manifest_scalar(file, v, "name");
    } else if (key == "version") {
      p.version = manifest_scalar(file, v, "version");
    } else if (key == "description") {
      p.description = manifest_scalar(file, v, "description");
    } else if (key == "min_stormdb_version") {
      p.min_stormdb = manifest_scalar(file, v, "min_stormdb_version");
    } else if (key == "extensions") {
      p.extensions = string_list(v, file, "extensions");
    } else if (key == "plugins") {
      p.plugins = string_list(v, file, "plugins");
    } else if (key == "workloads") {
      if (!v.IsSequence()) throw UsageError(fmt::format("{}: workloads must be a list", at(file, v)));
      for (const auto &item : v) {
        PackWorkload w;
        if (item.IsScalar()) {
          w.name = item.as<std::string>();
        } else if (item.IsMap() && item["name"]) {
          w.name = manifest_scalar(file, item["name"], "a workload's name");
          if (item["extensions"]) w.extensions = string_list(item["extensions"], file, "extensions");
          if (item["plugins"]) w.plugins = string_list(item["plugins"], file, "plugins");
        } else {
          throw UsageError(
              fmt::format("{}: a workload is a name or {{name:, extensions: [...], plugins: [...]}}", at(file, item)));
        }
        std::error_code missing;  // a name too long for a file is reported like any missing script
        if (!fs::is_regular_file(fs::path(dir) / (w.name + ".lua"), missing))
          throw UsageError(
              fmt::format("{}: workload '{}' has no script {}.lua in {}", at(file, item), w.name, w.name, dir));
        p.workloads.push_back(std::move(w));
      }
    } else {
      std::string near = closest(key, kPackKeys);
      throw UsageError(fmt::format("{}: unknown key '{}' in a pack manifest{}", at(file, kv.first), key,
                                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    }
  }
}

std::vector<std::string> pack_workloads(const Pack &p) {
  std::vector<std::string> out;
  if (!p.workloads.empty()) {
    for (const auto &w : p.workloads) out.push_back(w.name);
    return out;
  }
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(p.dir, ec))
    if (e.path().extension() == ".lua") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> required_extensions(const std::string &script, const std::vector<std::string> &dirs,
                                             std::string *pack_name, std::string *min_version) {
  std::error_code ec;
  fs::path s = fs::weakly_canonical(script, ec);
  for (const auto &d : dirs) {
    if (fs::weakly_canonical(d, ec) != s.parent_path()) continue;
    Pack p = load_pack(d);
    if (!p.has_manifest) return {};
    *pack_name = p.name;
    *min_version = p.min_stormdb;
    std::vector<std::string> ext = p.extensions;
    for (const auto &w : p.workloads)
      if (w.name == s.stem().string()) ext.insert(ext.end(), w.extensions.begin(), w.extensions.end());
    return ext;
  }
  return {};
}

bool version_at_least(const std::string &a, const std::string &b) {
  std::stringstream sa(a), sb(b);
  std::string pa, pb;
  while (true) {
    bool ha = static_cast<bool>(std::getline(sa, pa, '.')), hb = static_cast<bool>(std::getline(sb, pb, '.'));
    if (!ha && !hb) return true;
    long x = ha ? std::atol(pa.c_str()) : 0, y = hb ? std::atol(pb.c_str()) : 0;
    if (x != y) return x > y;
  }
}

}  // namespace stormdb
