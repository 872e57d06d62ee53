// SQLSTATE classification tables (generated from PostgreSQL's errcodes.txt) and lookups.
#include "pg/sqlstate.h"

#include <algorithm>
#include <iterator>

#include "pg/pg_ffi.h"

namespace stormdb {
namespace {
struct SqlstateEntry {
  const char *code;
  const char *name;
};
#include "pg/sqlstate_table.inc"

const char *lookup(const SqlstateEntry *begin, const SqlstateEntry *end, std::string_view code) {
  auto it = std::lower_bound(begin, end, code,
                             [](const SqlstateEntry &e, std::string_view c) { return std::string_view(e.code) < c; });
  return (it != end && std::string_view(it->code) == code) ? it->name : nullptr;
}
}  // namespace

const char *sqlstate_class(std::string_view sqlstate) {
  if (sqlstate.empty()) return "connection_exception";
  const char *n = lookup(std::begin(kClasses), std::end(kClasses), sqlstate.substr(0, 2));
  return n ? n : "unknown";
}

const char *sqlstate_name(std::string_view sqlstate) {
  const char *n = lookup(std::begin(kConditions), std::end(kConditions), sqlstate);
  return n ? n : "";
}

bool sqlstate_is_connection_loss(std::string_view s) {
  return s.empty() || s.substr(0, 2) == "08" || s == "57P01" || s == "57P02" || s == "57P03";
}

}  // namespace stormdb

extern "C" const char *sdb_sqlstate_class(const char *s) { return stormdb::sqlstate_class(s ? s : ""); }
extern "C" const char *sdb_sqlstate_name(const char *s) { return stormdb::sqlstate_name(s ? s : ""); }
