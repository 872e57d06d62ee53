// Reading settings layers: a YAML config file (with ${VAR} expansion) and STORMDB_* variables.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>

#include "config/config.h"

extern char **environ;

namespace stormdb {
namespace {

// ${VAR} and ${VAR:-default} from the environment, as in shells and docker-compose files.
std::string expand_env(const std::string &text, const std::string &where) {
  static const std::regex re(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), re);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto &m = *it;
    out += text.substr(last, m.position() - last);
    const char *v = std::getenv(m[1].str().c_str());
    if (v) {
      out += v;
    } else if (m[2].matched) {
      out += m[3].str();
    } else {
      throw UsageError(fmt::format("{}: environment variable {} is not set (use ${{{}:-default}} for a default)", where,
                                   m[1].str(), m[1].str()));
    }
    last = m.position() + m.length();
  }
  return out + text.substr(last);
}

std::string where(const std::string &path, const YAML::Node &n) {
  return fmt::format("{}:{}", path, n.Mark().line + 1);
}

// A scalar's text. A list or mapping where one value belongs is bad input: yaml-cpp's own
// as<std::string>() would throw a bare "bad conversion" that main reports as a run-time failure.
std::string scalar_text(const std::string &path, const YAML::Node &n, const char *what) {
  if (!n.IsScalar() && !n.IsNull())
    throw UsageError(fmt::format("{}: {} must be a single value, not a list or mapping", where(path, n), what));
  return n.as<std::string>();
}

void read_map(const YAML::Node &node, const std::string &path, std::map<std::string, RawValue> &into,
              const char *section) {
  if (!node.IsMap())
    throw UsageError(fmt::format("{}: '{}' must be a mapping of name: value", where(path, node), section));
  for (const auto &kv : node) {
    std::string key = scalar_text(path, kv.first, "a key");
    if (!kv.second.IsScalar())
      throw UsageError(fmt::format("{}: {}.{} must be a single value", where(path, kv.second), section, key));
    std::string w = where(path, kv.first);
    into[key] = RawValue{expand_env(kv.second.as<std::string>(), w), w};
  }
}

// server: { bin_dir: DIR, settings: { name: value } }: the throwaway server's binaries and settings.
void read_server(const YAML::Node &node, const std::string &path, Layer &layer) {
  if (!node.IsMap())
    throw UsageError(fmt::format("{}: 'server' must be a mapping (bin_dir:, settings:)", where(path, node)));
  for (const auto &kv : node) {
    std::string key = scalar_text(path, kv.first, "a key");
    std::string w = where(path, kv.first);
    if (key == "settings") {
      read_map(kv.second, path, layer.server_settings, "server.settings");
    } else if (key == "bin_dir") {
      layer.settings["pg_bin"] = RawValue{expand_env(scalar_text(path, kv.second, "server.bin_dir"), w), w};
    } else {
      throw UsageError(fmt::format("{}: unknown key 'server.{}'{}", w, key, suggestion(key, {"bin_dir", "settings"})));
    }
  }
}

}  // namespace

Layer load_yaml_layer(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("{}: cannot read the config file", path));
  return parse_yaml_layer(std::string(std::istreambuf_iterator<char>(in), {}), path);
}

Layer parse_yaml_layer(const std::string &text, const std::string &path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException &e) {
    throw UsageError(fmt::format("{}:{}:{}: malformed YAML: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  Layer layer;
  if (root.IsNull()) return layer;
  if (!root.IsMap()) throw UsageError(fmt::format("{}: the config file must be a mapping of key: value", path));
  for (const auto &kv : root) {
    std::string key = scalar_text(path, kv.first, "a key");
    std::string w = where(path, kv.first);
    if (key == "phases") {
      if (!kv.second.IsSequence()) throw UsageError(fmt::format("{}: phases must be a list of mappings", w));
      for (const auto &item : kv.second) {
        if (!item.IsMap())
          throw UsageError(fmt::format("{}: each phase must be a mapping (name:, duration:, ...)", where(path, item)));
        RawPhase ph;
        ph.where = where(path, item);
        for (const auto &pk : item) {
          std::string k = scalar_text(path, pk.first, "a key");
          if (k == "mix") {
            read_map(pk.second, path, ph.mix, "mix");
          } else if (pk.second.IsScalar()) {
            ph.settings[k] =
                RawValue{expand_env(pk.second.as<std::string>(), where(path, pk.first)), where(path, pk.first)};
          } else {
            throw UsageError(fmt::format("{}: phase key {} must be a single value", where(path, pk.first), k));
          }
        }
        layer.phases.push_back(std::move(ph));
      }
    } else if (key == "options") {
      read_map(kv.second, path, layer.options, "options");
    } else if (key == "database") {
      read_map(kv.second, path, layer.database, "database");
    } else if (key == "server") {
      read_server(kv.second, path, layer);
    } else if (key == "thresholds" && kv.second.IsSequence()) {
      std::string all;
      for (const auto &item : kv.second) all += (all.empty() ? "" : "\n") + scalar_text(path, item, "each threshold");
      layer.settings[key] = RawValue{all, w};
    } else if (std::find(setting_keys().begin(), setting_keys().end(), key) != setting_keys().end()) {
      if (!kv.second.IsScalar()) throw UsageError(fmt::format("{}: {} must be a single value", w, key));
      layer.settings[key] = RawValue{expand_env(kv.second.as<std::string>(), w), w};
    } else {
      std::vector<std::string> all = setting_keys();
      all.push_back("options");
      all.push_back("database");
      all.push_back("phases");
      all.push_back("server");
      throw UsageError(fmt::format("{}: unknown key '{}'{}", w, key, suggestion(key, all)));
    }
  }
  return layer;
}

Layer env_layer() {
  Layer layer;
  for (char **e = environ; *e; e++) {
    std::string kv = *e;
    if (kv.rfind("STORMDB_", 0) != 0) continue;
    size_t eq = kv.find('=');
    std::string name = kv.substr(8, eq - 8), value = kv.substr(eq + 1);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.rfind("opt_", 0) == 0) {
      layer.options[lower.substr(4)] = RawValue{value, "STORMDB_" + name};
    } else if (std::find(setting_keys().begin(), setting_keys().end(), lower) != setting_keys().end()) {
      layer.settings[lower] = RawValue{value, "STORMDB_" + name};
    }  // other STORMDB_* variables (STORMDB_PATH, STORMDB_PG_BINDIR, ...) belong to other parts
  }
  return layer;
}

std::vector<std::string> env_warnings() {
  // Read by stormdb outside the settings, or by its test harness and tools.
  static const std::vector<std::string> kOther = {"path",       "pg_bindir",         "debug",       "bin",
                                                  "source_dir", "skip_server_tests", "plugin_path", "pg_cache"};
  std::vector<std::string> known = setting_keys();
  known.insert(known.end(), kOther.begin(), kOther.end());
  std::vector<std::string> out;
  for (char **e = environ; *e; e++) {
    std::string kv = *e;
    if (kv.rfind("STORMDB_", 0) != 0) continue;
    std::string name = kv.substr(0, kv.find('='));
    std::string lower = name.substr(8);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.rfind("opt_", 0) == 0 || lower.rfind("test_", 0) == 0) continue;  // options are checked by merge
    if (std::find(known.begin(), known.end(), lower) != known.end()) continue;
    std::string near = closest(lower, known);
    std::transform(near.begin(), near.end(), near.begin(), ::toupper);
    out.push_back(fmt::format("environment variable {} is not a stormdb setting and is ignored{}", name,
                              near.empty() ? " (see docs/config.md for the STORMDB_* names)"
                                           : fmt::format(" (did you mean STORMDB_{}?)", near)));
  }
  return out;
}

}  // namespace stormdb
