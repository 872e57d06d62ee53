// Which statistics queries the pg_stat sampler runs for a PostgreSQL version (12 to 18), how their rows become snapshot
// sections, and what notes explain a section's absence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/pg_delta.h"

namespace stormdb::pgmon {

/// One result set as text (NULL is nullopt), so parsing and its tests need no server.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> values;

  /// Index of the named column, -1 when absent.
  int col(std::string_view name) const;
  /// The value at (row, named column); nullopt when NULL or the column is absent.
  std::optional<std::string> get(size_t row, std::string_view name) const;
};

/// Turns a section query's rows into a SectionSnapshot; null json means "nothing to report this
/// time" (e.g. no standby connected), which omits the section without a note.
using SectionParser = SectionSnapshot (*)(const Rows &);

struct SectionQuery {
  std::string section;  // key in interval/window records: "database", "bgwriter", ...
  std::string source;   // the view named in notes, e.g. "pg_stat_database"
  std::string sql;      // one statement, no trailing semicolon, tagged with kSamplerTag
  SectionParser parse;
};

/// A comment inside every sampler statement, so pg_stat_statements entries of the sampler itself
/// can be recognised by their text and left out of the top statements.
inline constexpr const char *kSamplerTag = "/*stormdb-sampler*/";

/// The sections a server of `version_num` (PQserverVersion form, e.g. 150018) can give, in poll
/// order. For each section the version lacks, one note is appended to `notes`.
std::vector<SectionQuery> section_queries(int version_num, std::vector<std::string> *notes);

/// Reads what the sampler needs to know about pg_stat_statements in the current database; one row.
std::string statements_probe_sql();

/// What statements_probe_sql() found.
struct StatementsProbe {
  std::string database;                // current_database()
  std::optional<std::string> schema;   // where the extension lives; nullopt: not created
  std::optional<std::string> version;  // its extversion, e.g. "1.10"
  bool available = false;              // the contrib files are installed on the server
  std::optional<std::string> preload;  // shared_preload_libraries; nullopt when not readable
};

StatementsProbe parse_statements_probe(const Rows &rows);

/// Null when top statements can be sampled, else the note saying why not and how to enable them.
std::optional<std::string> statements_note(const StatementsProbe &p);

/// The per-poll query over pg_stat_statements(false) (no query text: reading the text file at
/// every poll would cost the server) for the current database, summed per queryid.
/// `quoted_schema` is an already-quoted identifier. The time column is total_exec_time from
/// extension version 1.8 (PostgreSQL 13) and total_time before; with no extversion known the
/// server version decides.
std::string statements_sql(int version_num, const std::optional<std::string> &extversion,
                           const std::string &quoted_schema);

/// Rows of statements_sql() as a sample sorted by queryid (rows with a NULL queryid, hidden from
/// roles without pg_read_all_stats, are skipped).
StatementSnapshot parse_statements(const Rows &rows, double t_us);

/// Fetches up to 200 characters of text for the given queryids (non-empty) of the current database.
std::string statement_texts_sql(const std::string &quoted_schema, const std::vector<int64_t> &ids);

/// The note for a section whose query failed with (sqlstate, message): what is missing and, when
/// the cause is a privilege, which role to grant to `user`.
std::string failure_note(const SectionQuery &q, std::string_view sqlstate, std::string_view message,
                         std::string_view user);

/// "15.4" from 150004 (the 10+ numbering; the sampler supports 12 and later).
std::string version_text(int version_num);

}  // namespace stormdb::pgmon
