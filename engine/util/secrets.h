// Passwords stormdb has seen in its configuration, and the scrubbing of messages that might echo
// them (libpq's parse errors quote the URI or the token they choke on).
#pragma once

#include <string>

namespace stormdb {

/// Remembers the password(s) of a conninfo string or postgresql:// URI, also a malformed one that
/// libpq cannot parse: the value of password=..., the userinfo after "user:" up to any '@', and a
/// ?password= query parameter, each raw and percent-decoded. Values under 4 characters are not
/// remembered (scrubbing them would garble every message); patterns still redact them in URIs.
void remember_conninfo_secrets(const std::string &conninfo);

/// Remembers one secret value (e.g. YAML database.password, PGPASSWORD); same length rule.
void remember_secret(const std::string &secret);

/// text with every remembered secret replaced by ***, and the password of any conninfo or URI
/// written in it (password=..., postgresql://user:...@) replaced by *** as well.
std::string scrub_secrets(std::string text);

}  // namespace stormdb
