// Settings of a throwaway server: postgresql.conf lines, benchmark defaults, the server's verdict on bad ones.
#include "pg/server_settings.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>

namespace stormdb {
namespace fs = std::filesystem;

namespace {
std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  return s;
}

// "2026-11-30 12:00:00.000 UTC [42] LOG:  text" -> "text"; the postgresql.conf location is ours,
// not the user's, so " in file "..." line N" goes too.
std::string message_of(const std::string &line) {
  static const std::regex prefix(R"(^.*?\b(LOG|FATAL|ERROR|PANIC|DETAIL|HINT):\s+)");
  static const std::regex location(R"( in file "[^"]*" line \d+)");
  std::smatch m;
  std::string text = std::regex_search(line, m, prefix) ? m.suffix().str() : line;
  return std::regex_replace(text, location, "");
}
}  // namespace

std::string conf_line(const std::string &setting) {
  auto eq = setting.find('=');
  std::string name = eq == std::string::npos ? "" : trim(setting.substr(0, eq));
  bool ok = !name.empty() && std::all_of(name.begin(), name.end(),
                                         [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; });
  // The name in double quotes, as the server quotes it, so the caller can tell which option gave it.
  if (!ok && eq == std::string::npos)
    throw ServerInputError(
        fmt::format("invalid server setting '{}': write it as name=value, e.g. shared_buffers=1GB", setting));
  if (!ok)
    throw ServerInputError(fmt::format(
        "invalid server setting \"{}\" ('{}'): write it as name=value, with a name of letters, digits, '_' and '.', "
        "e.g. shared_buffers=1GB",
        name, setting));
  std::string value = trim(setting.substr(eq + 1));
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') return name + " = " + value;
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return name + " = " + quoted + "'";
}

std::string stat_statements_library(const std::string &bindir) {
  fs::path base = fs::path(bindir).parent_path();
  if (fs::path(bindir).filename().empty()) base = base.parent_path();  // "…/bin/"
  for (const fs::path &p :
       {base / "lib" / "pg_stat_statements.so", base / "lib" / "postgresql" / "pg_stat_statements.so"}) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

std::vector<std::string> default_settings(const std::string &bindir, bool stat_statements) {
  std::vector<std::string> out;
  if (stat_statements && !stat_statements_library(bindir).empty())
    out.push_back("shared_preload_libraries=pg_stat_statements");
  return out;
}

std::string settings_complaints(const std::string &log_path, const std::vector<std::string> &user_settings) {
  std::vector<std::string> names, values;
  for (const auto &s : user_settings) {
    auto eq = s.find('=');
    if (eq == std::string::npos) continue;
    names.push_back(trim(s.substr(0, eq)));
    std::string v = trim(s.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
    if (!v.empty()) values.push_back(v);
  }
  auto mentions = [](const std::string &text, const std::vector<std::string> &words) {
    return std::any_of(words.begin(), words.end(), [&](const std::string &w) {
      return text.find("\"" + w + "\"") != std::string::npos || text.find(w + " (") != std::string::npos;
    });
  };
  std::ifstream in(log_path);
  std::vector<std::string> found;
  bool generic = false;  // "configuration file ... contains errors": only with no specific line
  for (std::string line; std::getline(in, line);) {
    std::string text = message_of(line);
    if (text.find("configuration file") != std::string::npos && text.find("contains errors") != std::string::npos) {
      generic = true;
      continue;
    }
    bool about = text.find("parameter \"") != std::string::npos || mentions(text, names) || mentions(text, values);
    if (about && std::find(found.begin(), found.end(), text) == found.end()) found.push_back(text);
  }
  if (found.empty() && generic) found.push_back("the server rejected its configuration file");
  std::string out;
  for (const auto &f : found) out += (out.empty() ? "" : "\n") + f;
  return out;
}

std::string create_stat_statements(const std::string &conninfo) {
  PGconn *c = PQconnectdb(conninfo.c_str());
  std::string error;
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    // Creating it without the preload would only make the view raise an error when read.
    const char *sql =
        "DO $$BEGIN IF 'pg_stat_statements' = ANY(string_to_array(replace("
        "current_setting('shared_preload_libraries'), ' ', ''), ',')) THEN "
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; END IF; END$$";
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) error = PQerrorMessage(c);
    PQclear(r);
  }
  PQfinish(c);
  while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
  return error;
}

}  // namespace stormdb
