// The load registry in the target database: which catalog objects each stormdb prepare created,
// so cleanup drops exactly those and run/check can tell a complete load from a partial one.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

typedef struct pg_conn PGconn;

namespace stormdb {

// One catalog object as the registry knows it.
struct CatalogObject {
  std::string ref;       // "class:16384", "proc:...", "type:...", "namespace:...", "trigger:..." (catalog:oid)
  std::string kind;      // table, view, materialized view, foreign table, sequence, index, function,
                         // procedure, aggregate, type, domain, trigger, schema
  std::string identity;  // as DROP takes it: "s.t", "s.f(integer)", "trg ON s.t"
};

// One row of stormdb_loads.
struct LoadRecord {
  long long id = 0;
  std::string workload;
  std::string options;     // the options as the script saw them (a Lua table literal)
  std::string state;       // "loading" or "complete"
  std::string started_at;  // timestamptz as text
};

// An SQL error from the registry's connection; sqlstate such as "2BP01", detail as the server sent it.
struct RegistryError : std::runtime_error {
  RegistryError(const std::string &message, std::string sqlstate, std::string detail)
      : std::runtime_error(message), sqlstate(std::move(sqlstate)), detail(std::move(detail)) {}
  std::string sqlstate, detail;
};

// A blocking connection to the registry (tables stormdb_loads and stormdb_objects in the
// connection's current schema). Every method throws RegistryError on an SQL error.
class Registry {
 public:
  // Connects; throws ConnectError (pg/preflight.h) with libpq's message.
  explicit Registry(const std::string &conninfo);
  ~Registry();
  Registry(const Registry &) = delete;
  Registry &operator=(const Registry &) = delete;

  // The load of `workload`, if the registry exists and holds one.
  std::optional<LoadRecord> find(const std::string &workload);
  // The load's recorded objects that still exist, ordered as they must be dropped.
  std::vector<CatalogObject> owned(const LoadRecord &load);
  // For a load that never finished (its process may have been killed between two records): the
  // objects of the current user created since its before-snapshot that no load recorded. They
  // may be the load's or somebody else's, so they are reported, never dropped.
  std::vector<CatalogObject> unrecorded(const LoadRecord &load);
  // In one transaction: drops `objects` without CASCADE (in their order) and forgets the load;
  // drops the registry tables when no load is left. On error nothing is dropped.
  void remove(const LoadRecord &load, const std::vector<CatalogObject> &objects);
  // Creates the registry if needed and inserts a 'loading' row with a snapshot of the catalog.
  LoadRecord begin(const std::string &workload, const std::string &script, const std::string &options);
  // Records the objects created since the load's snapshot that no load recorded yet and, when
  // `complete`, marks the load complete. Returns the objects this call recorded.
  std::vector<CatalogObject> record(const LoadRecord &load, bool complete);
  // Objects no load owns whose name matches a "duplicate object" error: `what` is the word the
  // server used (relation, schema, function, type, trigger), `name` the quoted name. Objects
  // visible through search_path come first.
  std::vector<CatalogObject> unowned_named(const std::string &what, const std::string &name);
  // Drops one object without CASCADE (prepare --force). Throws RegistryError (2BP01: dependents).
  void drop(const CatalogObject &object);
  // The schema holding the registry (the connection's current schema).
  std::string schema();

 private:
  std::vector<std::vector<std::string>> query(const std::string &sql, const std::vector<std::string> &params = {});
  bool exists();
  std::vector<CatalogObject> objects(const std::string &where, const std::vector<std::string> &params);
  PGconn *conn_ = nullptr;
};

// Sorts objects into an order in which DROP without CASCADE works (triggers and indexes, views,
// tables, sequences, routines, types, schemas) and groups them into DROP statements.
std::vector<std::string> drop_statements(const std::vector<CatalogObject> &objects);

}  // namespace stormdb
