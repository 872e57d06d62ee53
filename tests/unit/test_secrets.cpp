// Unit tests of secret scrubbing: passwords from well-formed and malformed conninfo never survive.
#include <doctest/doctest.h>

#include <string>

#include "util/secrets.h"

using namespace stormdb;

TEST_CASE("scrub_secrets: libpq's parse errors quoting a malformed URI lose its password") {
  std::string uri = "postgresql://bob:Hunter2pw@[::1/db";
  remember_conninfo_secrets(uri);
  std::string libpq =
      "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"" + uri + "\"";
  std::string out = scrub_secrets(libpq);
  CHECK(out.find("Hunter2pw") == std::string::npos);
  CHECK(out.find("postgresql://bob:***@[::1/db") != std::string::npos);

  // libpq quotes just the bad token; only the remembered value can catch it.
  remember_conninfo_secrets("postgresql://bob:s3%zzW1dget@localhost/db");
  CHECK(scrub_secrets("invalid percent-encoded token: \"s3%zzW1dget\"") == "invalid percent-encoded token: \"***\"");
}

TEST_CASE("scrub_secrets: key/value passwords, query parameters, '@' inside the password") {
  remember_conninfo_secrets("host=x password='Sw0rd fish' junk");
  CHECK(scrub_secrets("bad: Sw0rd fish") == "bad: ***");
  remember_conninfo_secrets("postgresql://db/x?password=Qu3ryPass&sslmode=x");
  CHECK(scrub_secrets("token \"Qu3ryPass\"") == "token \"***\"");
  remember_conninfo_secrets("postgresql://bob:at@Sign@host/db");
  CHECK(scrub_secrets("host \"Sign@host\" and at@Sign").find("at@Sign") == std::string::npos);
  // Patterns apply even to passwords never remembered.
  CHECK(scrub_secrets("x postgresql://u:abc@h/d password=xyz") == "x postgresql://u:***@h/d password=***");
}
