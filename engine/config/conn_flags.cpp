// psql/pgbench connection flags (-h, -p, -U, -d) turned into one conninfo, over --url when given.
#include "config/conn_flags.h"

#include <fmt/format.h>

#include <cctype>

namespace stormdb {
namespace {

bool is_uri(const std::string &s) { return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0; }

// psql's rule for -d (PQconnectdbParams with expand_dbname): a value with '=' or a URI prefix is
// a conninfo of its own, anything else a database name.
bool is_conninfo(const std::string &s) { return is_uri(s) || s.find('=') != std::string::npos; }

std::string quoted(const std::string &v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// RFC 3986 percent-encoding of a URI query value.
std::string uri_encoded(const std::string &v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::string apply_conn_flags(const std::string &base, const std::map<std::string, RawValue> &flags) {
  std::string out = base;
  auto db = flags.find("dbname");
  bool db_is_conninfo = db != flags.end() && is_conninfo(db->second.value);
  if (db_is_conninfo) {
    if (!base.empty())
      throw UsageError(
          fmt::format("{} gives a whole conninfo and --url (or database: in YAML) gives one too: give the "
                      "database in one way (-h/-p/-U/-d may add to --url, but -d then names only a database)",
                      db->second.source));
    out = db->second.value;
  }
  for (const auto &[key, v] : flags) {
    if (key == "dbname" && db_is_conninfo) continue;
    if (is_uri(out)) {
      out += fmt::format("{}{}={}", out.find('?') == std::string::npos ? "?" : "&", key, uri_encoded(v.value));
    } else {
      out += fmt::format("{}{}={}", out.empty() ? "" : " ", key, quoted(v.value));
    }
  }
  return out;
}

}  // namespace stormdb
