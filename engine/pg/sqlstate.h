// SQLSTATE classification: class and condition names, and which errors mean a lost connection.
#pragma once
#include <string_view>

namespace stormdb {

// Class name of a SQLSTATE ("40001" -> "transaction_rollback"); "connection_exception" for an
// empty code (libpq lost the connection and no server message arrived); "unknown" otherwise.
const char *sqlstate_class(std::string_view sqlstate);
// Condition name ("40001" -> "serialization_failure"), or "" when the code is not a known one.
const char *sqlstate_name(std::string_view sqlstate);
// True when the error ends the session: class 08, 57P01..57P03 (admin/crash/cannot-connect-now)
// or no SQLSTATE at all.
bool sqlstate_is_connection_loss(std::string_view sqlstate);

}  // namespace stormdb
