// The extern "C" connection and result functions of the FFI surface, thin over sdb_conn and libpq.
#include <libpq-fe.h>

#include <cstdlib>

#include "pg/connection.h"

namespace {
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;
}

extern "C" {

int32_t sdb_connect(sdb_conn *c) { return c->connect(); }
int32_t sdb_conn_ok(sdb_conn *c) { return c->ok() ? 1 : 0; }
void sdb_disconnect(sdb_conn *c) { c->disconnect(); }
int32_t sdb_send_query(sdb_conn *c, const char *sql) { return c->send_query(sql); }
int32_t sdb_send_params(sdb_conn *c, const char *sql, int32_t n, const sdb_param *p) {
  return c->send_params(sql, n, p);
}
int32_t sdb_send_prepare(sdb_conn *c, const char *name, const char *sql) { return c->send_prepare(name, sql); }
int32_t sdb_send_prepared(sdb_conn *c, int32_t stmt, int32_t n, const sdb_param *p) {
  return c->send_prepared(stmt, n, p);
}
int32_t sdb_send_prepare_at(sdb_conn *c, int32_t slot, const char *name, const char *sql) {
  return c->send_prepare_at(slot, name, sql);
}
int32_t sdb_stmt_ready(sdb_conn *c, int32_t slot) { return c->has_statement(slot) ? 1 : 0; }
int32_t sdb_send_literal(sdb_conn *c, const char *sql, int32_t n, const sdb_param *p) {
  return c->send_literal(sql, n, p);
}
int32_t sdb_txn_status(sdb_conn *c) { return c->txn_status(); }

int32_t sdb_res_status(sdb_conn *c) { return c->res_status(); }
int32_t sdb_res_ntuples(sdb_conn *c) { return c->result() ? PQntuples(c->result()) : 0; }
int32_t sdb_res_nfields(sdb_conn *c) { return c->result() ? PQnfields(c->result()) : 0; }

double sdb_res_affected(sdb_conn *c) {
  PGresult *r = c->result();
  if (!r) return 0;
  const char *t = PQcmdTuples(r);
  if (t && *t) return std::strtod(t, nullptr);
  return PQntuples(r);
}

const char *sdb_res_fname(sdb_conn *c, int32_t col) { return PQfname(c->result(), col); }

int32_t sdb_res_ftype(sdb_conn *c, int32_t col) {
  switch (PQftype(c->result(), col)) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
    case kFloat4:
    case kFloat8:
    case kNumeric:
      return 1;
    case kBool:
      return 2;
    default:
      return 0;
  }
}

int32_t sdb_res_isnull(sdb_conn *c, int32_t row, int32_t col) { return PQgetisnull(c->result(), row, col); }

double sdb_res_number(sdb_conn *c, int32_t row, int32_t col) {
  const char *v = PQgetvalue(c->result(), row, col);
  if (!v) return 0;
  if (v[0] == 't' && v[1] == '\0') return 1;  // boolean true; 'f' parses as 0 below
  return std::strtod(v, nullptr);
}

const char *sdb_res_text(sdb_conn *c, int32_t row, int32_t col) { return PQgetvalue(c->result(), row, col); }
int32_t sdb_res_length(sdb_conn *c, int32_t row, int32_t col) { return PQgetlength(c->result(), row, col); }

int32_t sdb_res_value(sdb_conn *c, sdb_cell *out) {
  PGresult *r = c->result();
  if (!r || PQntuples(r) == 0 || PQnfields(r) == 0) return out->kind = -1;
  if (PQgetisnull(r, 0, 0)) return out->kind = 0;
  int32_t t = sdb_res_ftype(c, 0);
  if (t == 0) {
    out->str = PQgetvalue(r, 0, 0);
    out->len = PQgetlength(r, 0, 0);
    return out->kind = 3;
  }
  out->num = sdb_res_number(c, 0, 0);
  return out->kind = t;
}

const char *sdb_err_sqlstate(sdb_conn *c) { return c->err_sqlstate().c_str(); }
const char *sdb_err_message(sdb_conn *c) { return c->err_message().c_str(); }
const char *sdb_err_detail(sdb_conn *c) { return c->err_detail().c_str(); }
const char *sdb_err_hint(sdb_conn *c) { return c->err_hint().c_str(); }

void sdb_copy_num(sdb_conn *c, double v) { c->copy_num(v); }
void sdb_copy_str(sdb_conn *c, const char *s, int32_t len) { c->copy_str(s, len); }
void sdb_copy_null(sdb_conn *c) { c->copy_null(); }
int32_t sdb_copy_end_row(sdb_conn *c) { return c->copy_end_row(); }
int32_t sdb_copy_finish(sdb_conn *c) { return c->copy_finish(); }

}  // extern "C"
