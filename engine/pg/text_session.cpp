// The blocking text-result libpq session used beside the run (pg_stat sampler).
#include "pg/text_session.h"

#include <libpq-fe.h>

namespace stormdb {
namespace {

TextRows to_rows(PGresult *r) {
  TextRows rows;
  int nf = PQnfields(r), nt = PQntuples(r);
  for (int c = 0; c < nf; ++c) rows.columns.emplace_back(PQfname(r, c));
  rows.values.resize(nt);
  for (int i = 0; i < nt; ++i) {
    rows.values[i].reserve(nf);
    for (int c = 0; c < nf; ++c)
      rows.values[i].push_back(PQgetisnull(r, i, c) ? std::nullopt : std::optional<std::string>(PQgetvalue(r, i, c)));
  }
  return rows;
}

}  // namespace

TextSession::~TextSession() { close(); }

bool TextSession::connect(const std::vector<std::pair<const char *, const char *>> &defaults,
                          const std::string &conninfo) {
  close();
  std::vector<const char *> keys, vals;
  for (const auto &[k, v] : defaults) {
    keys.push_back(k);
    vals.push_back(v);
  }
  keys.push_back("dbname");
  vals.push_back(conninfo.c_str());
  keys.push_back(nullptr);
  vals.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), vals.data(), 1);
  if (PQstatus(conn_) == CONNECTION_OK) return true;
  return false;
}

bool TextSession::ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

bool TextSession::reset() {
  if (!conn_) return false;
  PQreset(conn_);
  return ok();
}

void TextSession::close() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void TextSession::exec(const std::string &sql) { PQclear(PQexec(conn_, sql.c_str())); }

TextBatch TextSession::run_batch(const std::string &text) {
  TextBatch b;
  if (!PQsendQuery(conn_, text.c_str())) {
    b.conn_lost = true;
    b.message = PQerrorMessage(conn_);
    return b;
  }
  while (PGresult *r = PQgetResult(conn_)) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK) {
      b.results.push_back(to_rows(r));
    } else if (st == PGRES_FATAL_ERROR && b.failed < 0) {
      b.failed = static_cast<int>(b.results.size());
      const char *ss = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      b.sqlstate = ss ? ss : "";
      // The primary message alone: "permission denied for view x", not "ERROR:  ...".
      const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
      b.message = m ? m : PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  if (PQstatus(conn_) != CONNECTION_OK) b.conn_lost = true;
  return b;
}

int TextSession::server_version() const { return conn_ ? PQserverVersion(conn_) : 0; }

std::string TextSession::user() const {
  const char *u = conn_ ? PQuser(conn_) : nullptr;
  return u ? u : "";
}

std::optional<std::string> TextSession::quote_identifier(const std::string &name) const {
  char *q = PQescapeIdentifier(conn_, name.c_str(), name.size());
  if (!q) return std::nullopt;
  std::string out = q;
  PQfreemem(q);
  return out;
}

std::string TextSession::error() const { return PQerrorMessage(conn_); }

}  // namespace stormdb
