// The load registry (stormdb_loads, stormdb_objects) over one blocking libpq connection: catalog
// snapshots, the diff that finds what a prepare created, and dropping exactly those objects.
#include "pg/ownership.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "pg/preflight.h"

namespace stormdb {
namespace {

// Every catalog object a prepare can create, one row each: ref (catalog:oid), kind, identity (as
// DROP takes it), name, mine (owned by current_user), visible (through search_path). Left out:
// system schemas, members of extensions (workloads share extensions and cleanup leaves them),
// objects that go with their parent (constraint and partition indexes, owned sequences,
// partition clones of triggers, array and multirange types) and the registry itself.
const char *const kCatalog = R"SQL(
WITH me AS (SELECT oid FROM pg_roles WHERE rolname = current_user),
objs AS (
  SELECT 'pg_class'::regclass AS cls, c.oid, c.relnamespace AS nsp, c.relowner AS owner, c.relname AS name,
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
              WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table'
              WHEN 'c' THEN 'type' ELSE 'index' END AS kind,
         quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS identity, pg_table_is_visible(c.oid) AS visible
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c', 'i', 'I')
    AND NOT (c.relname IN ('stormdb_loads', 'stormdb_objects', 'stormdb_loads_pkey', 'stormdb_loads_workload_key')
             AND n.nspname = current_schema())
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND (d.deptype IN ('i', 'P', 'S') OR (c.relkind = 'S' AND d.deptype = 'a')))
  UNION ALL
  SELECT 'pg_proc'::regclass, p.oid, p.pronamespace, p.proowner, p.proname,
         CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
         quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')',
         pg_function_is_visible(p.oid)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  UNION ALL
  SELECT 'pg_type'::regclass, t.oid, t.typnamespace, t.typowner, t.typname,
         CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,
         quote_ident(n.nspname) || '.' || quote_ident(t.typname), pg_type_is_visible(t.oid)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd', 'r')
  UNION ALL
  SELECT 'pg_namespace'::regclass, n.oid, n.oid, n.nspowner, n.nspname, 'schema', quote_ident(n.nspname), true
  FROM pg_namespace n
  UNION ALL
  SELECT 'pg_trigger'::regclass, tg.oid, c.relnamespace, c.relowner, tg.tgname, 'trigger',
         quote_ident(tg.tgname) || ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
         pg_table_is_visible(c.oid)
  FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE NOT tg.tgisinternal AND tg.tgparentid = 0
)
SELECT substr(o.cls::text, 4) || ':' || o.oid AS ref, o.kind, o.identity, o.name, o.visible,
       o.owner = (SELECT oid FROM me) AS mine
FROM objs o JOIN pg_namespace n ON n.oid = o.nsp
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.cls AND d.objid = o.oid AND d.deptype = 'e')
)SQL";

// Drop order: what others depend on goes last. Triggers and indexes may sit on tables stormdb
// does not own, so they are dropped by name first.
int drop_rank(const std::string &kind) {
  static const std::map<std::string, int> rank = {
      {"trigger", 0},       {"index", 1},    {"view", 2},     {"materialized view", 3}, {"table", 4},
      {"foreign table", 5}, {"sequence", 6}, {"function", 7}, {"procedure", 7},         {"aggregate", 7},
      {"type", 8},          {"domain", 9},   {"schema", 10}};
  auto it = rank.find(kind);
  return it == rank.end() ? 11 : it->second;
}

std::string drop_keyword(const std::string &kind) {
  if (kind == "function" || kind == "procedure" || kind == "aggregate") return "ROUTINE";
  std::string upper = kind;
  for (auto &c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

void sort_for_drop(std::vector<CatalogObject> &v) {
  std::stable_sort(v.begin(), v.end(), [](const CatalogObject &a, const CatalogObject &b) {
    return drop_rank(a.kind) < drop_rank(b.kind);
  });
}

std::string field(const PGresult *r, int code) {
  const char *f = PQresultErrorField(r, code);
  return f ? f : "";
}

}  // namespace

std::vector<std::string> drop_statements(const std::vector<CatalogObject> &objects) {
  std::vector<CatalogObject> sorted = objects;
  sort_for_drop(sorted);
  std::vector<std::string> out;
  std::string keyword, list;
  auto flush = [&] {
    if (!list.empty()) out.push_back(fmt::format("DROP {} {}", keyword, list));
    list.clear();
  };
  for (const auto &o : sorted) {
    // DROP TRIGGER takes one trigger; the others take a list, so objects that depend on each
    // other (foreign keys between tables, views on views) go in one statement.
    if (drop_keyword(o.kind) != keyword || o.kind == "trigger") flush();
    keyword = drop_keyword(o.kind);
    list += (list.empty() ? "" : ", ") + o.identity;
  }
  flush();
  return out;
}

Registry::Registry(const std::string &conninfo) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string m = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    throw ConnectError(m);
  }
  PQclear(PQexec(conn_, "SET client_min_messages = warning"));
}

Registry::~Registry() {
  if (conn_) PQfinish(conn_);
}

std::vector<std::vector<std::string>> Registry::query(const std::string &sql, const std::vector<std::string> &params) {
  std::vector<const char *> values;
  for (const auto &p : params) values.push_back(p.c_str());
  PGresult *r =
      PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    std::string m = field(r, PG_DIAG_MESSAGE_PRIMARY);
    if (m.empty()) m = PQerrorMessage(conn_);
    RegistryError e(m, field(r, PG_DIAG_SQLSTATE), field(r, PG_DIAG_MESSAGE_DETAIL));
    PQclear(r);
    throw e;
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r); i++) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r); j++) row.emplace_back(PQgetvalue(r, i, j));
    rows.push_back(std::move(row));
  }
  PQclear(r);
  return rows;
}

std::string Registry::schema() {
  auto rows = query("SELECT coalesce(current_schema(), '')");
  return rows[0][0];
}

bool Registry::exists() {
  return query("SELECT to_regclass(quote_ident(current_schema()) || '.stormdb_loads') IS NOT NULL")[0][0] == "t";
}

std::vector<CatalogObject> Registry::objects(const std::string &where, const std::vector<std::string> &params) {
  std::vector<CatalogObject> out;
  for (auto &row :
       query(fmt::format("SELECT ref, kind, identity FROM ({}) o WHERE {} ORDER BY ref", kCatalog, where), params))
    out.push_back(CatalogObject{row[0], row[1], row[2]});
  sort_for_drop(out);
  return out;
}

std::optional<LoadRecord> Registry::find(const std::string &workload) {
  if (!exists()) return std::nullopt;
  auto rows =
      query("SELECT id, workload, options, state, started_at::text FROM stormdb_loads WHERE workload = $1", {workload});
  if (rows.empty()) return std::nullopt;
  return LoadRecord{std::stoll(rows[0][0]), rows[0][1], rows[0][2], rows[0][3], rows[0][4]};
}

std::vector<CatalogObject> Registry::owned(const LoadRecord &load) {
  return objects("ref IN (SELECT ref FROM stormdb_objects WHERE load_id = $1)", {std::to_string(load.id)});
}

std::vector<CatalogObject> Registry::unrecorded(const LoadRecord &load) {
  if (load.state == "complete") return {};
  return objects(
      "mine AND ref NOT IN (SELECT unnest(before_objects) FROM stormdb_loads WHERE id = $1)"
      " AND ref NOT IN (SELECT ref FROM stormdb_objects)",
      {std::to_string(load.id)});
}

void Registry::remove(const LoadRecord &load, const std::vector<CatalogObject> &objects) {
  query("BEGIN");
  try {
    for (const auto &sql : drop_statements(objects)) query(sql);
    if (load.id != 0) {
      query("DELETE FROM stormdb_objects WHERE load_id = $1", {std::to_string(load.id)});
      query("DELETE FROM stormdb_loads WHERE id = $1", {std::to_string(load.id)});
      if (query("SELECT count(*) FROM stormdb_loads")[0][0] == "0") query("DROP TABLE stormdb_objects, stormdb_loads");
    }
    query("COMMIT");
  } catch (const RegistryError &) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
}

LoadRecord Registry::begin(const std::string &workload, const std::string &script, const std::string &options) {
  if (schema().empty())
    throw RegistryError("no schema to hold the stormdb load registry: search_path names no existing schema", "3F000",
                        "");
  query(R"SQL(
CREATE TABLE IF NOT EXISTS stormdb_loads (
  id             integer PRIMARY KEY,
  workload       text NOT NULL UNIQUE,
  script         text NOT NULL,
  options        text NOT NULL,
  state          text NOT NULL CHECK (state IN ('loading', 'complete')),
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  before_objects text[] NOT NULL
))SQL");
  query(R"SQL(
CREATE TABLE IF NOT EXISTS stormdb_objects (
  load_id  integer NOT NULL,
  ref      text NOT NULL,
  kind     text NOT NULL,
  identity text NOT NULL
))SQL");
  auto rows = query(fmt::format("INSERT INTO stormdb_loads (id, workload, script, options, state, before_objects) "
                                "SELECT coalesce((SELECT max(id) FROM stormdb_loads), 0) + 1, $1, $2, $3, 'loading', "
                                "array(SELECT ref FROM ({}) o) RETURNING id, started_at::text",
                                kCatalog),
                    {workload, script, options});
  return LoadRecord{std::stoll(rows[0][0]), workload, options, "loading", rows[0][1]};
}

std::vector<CatalogObject> Registry::record(const LoadRecord &load, bool complete) {
  std::string id = std::to_string(load.id);
  auto created = objects(
      "mine AND ref NOT IN (SELECT unnest(before_objects) FROM stormdb_loads WHERE id = $1)"
      " AND ref NOT IN (SELECT ref FROM stormdb_objects)",
      {id});
  query("BEGIN");
  try {
    for (const auto &o : created)
      query("INSERT INTO stormdb_objects (load_id, ref, kind, identity) VALUES ($1, $2, $3, $4)",
            {id, o.ref, o.kind, o.identity});
    if (complete) query("UPDATE stormdb_loads SET state = 'complete', finished_at = now() WHERE id = $1", {id});
    query("COMMIT");
  } catch (const RegistryError &) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    throw;
  }
  return created;
}

std::vector<CatalogObject> Registry::unowned_named(const std::string &what, const std::string &name) {
  static const std::map<std::string, std::string> kinds = {
      {"relation", "kind IN ('table', 'view', 'materialized view', 'foreign table', 'sequence', 'index', 'type')"},
      {"schema", "kind = 'schema'"},
      {"function", "kind IN ('function', 'procedure', 'aggregate')"},
      {"type", "kind IN ('type', 'domain')"},
      {"trigger", "kind = 'trigger'"}};
  auto it = kinds.find(what);
  if (it == kinds.end()) return {};
  std::string where = it->second + " AND name = $1";
  if (exists()) where += " AND ref NOT IN (SELECT ref FROM stormdb_objects)";
  std::vector<CatalogObject> out;
  for (auto &row : query(fmt::format("SELECT ref, kind, identity FROM ({}) o WHERE {} ORDER BY visible DESC, identity",
                                     kCatalog, where),
                         {name}))
    out.push_back(CatalogObject{row[0], row[1], row[2]});
  return out;
}

void Registry::drop(const CatalogObject &object) {
  for (const auto &sql : drop_statements({object})) query(sql);
}

}  // namespace stormdb
