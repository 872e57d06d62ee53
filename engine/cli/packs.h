// Script packs: folders of workloads with a stormdb-pack.yaml manifest, found on the workload
// search path (--path, STORMDB_PATH, ./workloads, the built-in workloads).
#pragma once
#include <string>
#include <vector>

namespace stormdb {

struct PackWorkload {
  std::string name;                     // script stem: <dir>/<name>.lua
  std::vector<std::string> extensions;  // server extensions it needs beyond the pack's
  std::vector<std::string> plugins;     // native plugins it uses (stormdb list marks unbuilt ones)
};

struct Pack {
  std::string dir;   // canonical folder
  std::string name;  // manifest name, else the folder name
  std::string version;
  std::string description;
  std::string min_stormdb;              // minimum stormdb version, "" for any
  std::vector<std::string> extensions;  // needed by every workload of the pack
  std::vector<std::string> plugins;     // native plugins the pack ships (docs/plugins.md)
  std::vector<PackWorkload> workloads;  // as declared; empty: every *.lua in dir
  bool has_manifest = false;
};

// The search path, in order and without duplicates: --path DIRs, STORMDB_PATH, ./workloads and
// the shipped workloads found next to the binary (util/install_dirs.h).
std::vector<std::string> workload_search_dirs(const std::vector<std::string> &extra);
// Reads dir/stormdb-pack.yaml if present. Throws UsageError naming file:line for unknown keys
// (with the closest valid one) and malformed values.
Pack load_pack(const std::string &dir);
// Fills p from the text of dir/stormdb-pack.yaml already in memory (load_pack reads the file; the
// fuzz target passes any text). Throws UsageError as load_pack does.
void read_pack_manifest(const std::string &text, const std::string &dir, Pack &p);
// Workload names a pack provides: the declared ones, else every *.lua in its folder, sorted.
std::vector<std::string> pack_workloads(const Pack &p);
// Extensions a script needs when it belongs to a pack on the search path (pack + workload ones).
std::vector<std::string> required_extensions(const std::string &script, const std::vector<std::string> &dirs,
                                             std::string *pack_name, std::string *min_version);
// True when version a (e.g. "0.1.0") is at least b.
bool version_at_least(const std::string &a, const std::string &b);

}  // namespace stormdb
