// psql/pgbench connection flags (-h, -p, -U, -d) turned into one conninfo, over --url when given.
#pragma once
#include <map>
#include <string>

#include "config/config.h"

namespace stormdb {

// The conninfo libpq gets when the flags `flags` (libpq keyword -> value and the flag that gave
// it: host, port, user, dbname) are given over `base` (a --url/YAML conninfo, keyword string or
// postgresql:// URI, or ""). As psql does, a dbname holding '=' or a URI is a whole conninfo,
// and the other flags override its keywords (libpq keeps the last of a repeated keyword, also in
// a URI's query parameters). Throws UsageError when -d gives a conninfo and `base` is one too.
std::string apply_conn_flags(const std::string &base, const std::map<std::string, RawValue> &flags);

}  // namespace stormdb
