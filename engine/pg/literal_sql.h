// -M simple: a statement's $1..$n parameters replaced by their values as quoted SQL literals.
#pragma once
#include <string>

typedef struct pg_conn PGconn;

namespace stormdb {

// Writes `sql` into `out` with each $k (1 <= k <= n) outside string literals, quoted identifiers,
// dollar quotes and comments replaced by values[k-1] quoted by PQescapeLiteral (NULL for a null
// pointer), so the server sees what pgbench -M simple sends. Returns "" or what went wrong (a $k
// beyond n, libpq's refusal of an encoding).
std::string inline_literals(PGconn *pg, const char *sql, int n, const char *const *values, std::string &out);

}  // namespace stormdb
