// The connection, result, error and COPY functions of the FFI surface (engine/pg/connection_api.cpp,
// engine/pg/sqlstate.cpp); the text between the FFI markers is part of the ffi.cdef
// (script/stormdb_ffi.h includes it there).
#pragma once
#include <stdint.h>

#include "base/ffi_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* FFI-BEGIN */
/* ---- connections (engine/pg/connection.cpp) -----------------------------------------------------
   Every send returns 0 when the request is on its way; the caller then yields and, once resumed,
   reads the result with the sdb_res_* functions. -1 means it failed at once (see sdb_err_*). */
/* Starts (re)connecting; yield until resumed, then check sdb_conn_ok. */
int32_t sdb_connect(sdb_conn *c);
int32_t sdb_conn_ok(sdb_conn *c);
/* Closes the connection (transient clients, end of a loader part). */
void sdb_disconnect(sdb_conn *c);
/* Simple protocol; several ;-separated statements allowed; no parameters. */
int32_t sdb_send_query(sdb_conn *c, const char *sql);
/* Extended protocol with parameters ($1..$n), unnamed statement. */
int32_t sdb_send_params(sdb_conn *c, const char *sql, int32_t n, const sdb_param *p);
/* Prepares a named statement on this connection; returns its index (>= 0) right away, or -1. */
int32_t sdb_send_prepare(sdb_conn *c, const char *name, const char *sql);
/* Executes prepared statement `stmt` (an index from sdb_send_prepare). */
int32_t sdb_send_prepared(sdb_conn *c, int32_t stmt, int32_t n, const sdb_param *p);
/* Lazy prepare (pooled connections, -M): prepares `sql` as `name` under statement number `slot`, a
   number the caller keeps alike for every connection; sdb_send_prepared(c, slot, ...) then runs it.
   A new session forgets them. */
int32_t sdb_send_prepare_at(sdb_conn *c, int32_t slot, const char *name, const char *sql);
/* 1 when statement number `slot` was prepared on this session by sdb_send_prepare_at, else 0. */
int32_t sdb_stmt_ready(sdb_conn *c, int32_t slot);
/* -M simple: the simple protocol with $1..$n in `sql` replaced by the values, quoted by libpq
   (PQescapeLiteral; NULL for nil). $n inside quotes, identifiers and comments is left alone. */
int32_t sdb_send_literal(sdb_conn *c, const char *sql, int32_t n, const sdb_param *p);
/* 0 idle, 1 in a transaction block, 2 in a failed transaction block, 3 unknown/bad connection. */
int32_t sdb_txn_status(sdb_conn *c);

/* Result of the last request: 0 command ok, 1 rows, 2 ready for COPY data, -1 error. */
int32_t sdb_res_status(sdb_conn *c);
int32_t sdb_res_ntuples(sdb_conn *c);
int32_t sdb_res_nfields(sdb_conn *c);
/* Rows affected by INSERT/UPDATE/DELETE/COPY (or returned by SELECT). */
double sdb_res_affected(sdb_conn *c);
const char *sdb_res_fname(sdb_conn *c, int32_t col);
/* Lua type of a column: 0 string, 1 number, 2 boolean (from the column's type OID). */
int32_t sdb_res_ftype(sdb_conn *c, int32_t col);
int32_t sdb_res_isnull(sdb_conn *c, int32_t row, int32_t col);
/* Value as a number (columns of ftype 1), or 0/1 for booleans; no allocation. */
double sdb_res_number(sdb_conn *c, int32_t row, int32_t col);
const char *sdb_res_text(sdb_conn *c, int32_t row, int32_t col);
int32_t sdb_res_length(sdb_conn *c, int32_t row, int32_t col);

/* The first column of the first row (see sdb_cell). */
int32_t sdb_res_value(sdb_conn *c, sdb_cell *out);

/* Error of the last failed request or connect. sqlstate is "" when the server sent none
   (lost connection: class "connection_exception" is then implied). */
const char *sdb_err_sqlstate(sdb_conn *c);
const char *sdb_err_message(sdb_conn *c);
const char *sdb_err_detail(sdb_conn *c);
const char *sdb_err_hint(sdb_conn *c);
/* Class name for a SQLSTATE, e.g. "40001" -> "transaction_rollback" (PostgreSQL Appendix A). */
const char *sdb_sqlstate_class(const char *sqlstate);
/* Condition name for a SQLSTATE when known, e.g. "40001" -> "serialization_failure", else "". */
const char *sdb_sqlstate_name(const char *sqlstate);

/* COPY ... FROM STDIN, after sdb_res_status returned 2. Values are appended in COPY text format
   (escaped); rows are flushed to the server in ~256 KiB chunks. sdb_copy_end_row returns 1 when the
   caller must yield until the socket drains (or may finish the COPY at once), 0 otherwise, -1 on error. */
void sdb_copy_num(sdb_conn *c, double v);
void sdb_copy_str(sdb_conn *c, const char *s, int32_t len);
void sdb_copy_null(sdb_conn *c);
int32_t sdb_copy_end_row(sdb_conn *c);
/* Sends the rest and ends COPY; yield, then sdb_res_status gives the final result. */
int32_t sdb_copy_finish(sdb_conn *c);
/* FFI-END */

#ifdef __cplusplus
}
#endif
