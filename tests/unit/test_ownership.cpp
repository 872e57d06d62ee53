// Unit tests of the registry's drop order: the statements cleanup runs work without CASCADE.
#include <doctest/doctest.h>

#include "pg/ownership.h"

using stormdb::CatalogObject;
using stormdb::drop_statements;

TEST_CASE("drop statements: dependents first, one list per kind, schemas last") {
  std::vector<CatalogObject> objects = {
      {"namespace:1", "schema", "shop"},
      {"class:2", "table", "shop.orders"},
      {"proc:3", "function", "shop.f(integer)"},
      {"trigger:4", "trigger", "t1 ON shop.orders"},
      {"class:5", "table", "shop.items"},
      {"class:6", "view", "shop.v"},
      {"type:7", "domain", "shop.d"},
      {"trigger:8", "trigger", "t2 ON public.user_t"},
      {"class:9", "index", "public.idx_on_user_t"},
      {"class:10", "sequence", "shop.s"},
      {"proc:11", "procedure", "shop.p()"},
      {"class:12", "materialized view", "shop.mv"},
  };
  std::vector<std::string> expected = {
      "DROP TRIGGER t1 ON shop.orders",
      "DROP TRIGGER t2 ON public.user_t",
      "DROP INDEX public.idx_on_user_t",
      "DROP VIEW shop.v",
      "DROP MATERIALIZED VIEW shop.mv",
      "DROP TABLE shop.orders, shop.items",
      "DROP SEQUENCE shop.s",
      "DROP ROUTINE shop.f(integer), shop.p()",
      "DROP DOMAIN shop.d",
      "DROP SCHEMA shop",
  };
  CHECK(drop_statements(objects) == expected);
}

TEST_CASE("drop statements: nothing to drop is no statement") { CHECK(drop_statements({}).empty()); }
