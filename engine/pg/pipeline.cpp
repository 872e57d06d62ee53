// libpq pipeline mode: sends a batch of statements with sync points in one go and sorts the
// results that come back into one result (or error, or "aborted") per statement.
#include "pg/pipeline.h"

#include <libpq-fe.h>

#include <string>

#include "pg/connection.h"
#include "pg/sqlstate.h"

namespace stormdb {

void Pipeline::reset() {
  for (PGresult *r : results_)
    if (r) PQclear(r);
  results_.clear();
  status_.clear();
  cursor_ = 0;
  failed_ = -1;
  aborted_ = 0;
  active_ = false;
}

// A send failed after part of the batch was queued: those messages cannot be taken back, so the
// connection is closed and the script sees a lost connection (the engine reconnects as usual).
int32_t Pipeline::abandon(sdb_conn &c, const char *what) {
  c.fail_now(what);
  c.disconnect();  // keeps the error fail_now set
  c.res_status_ = -1;
  return -1;
}

int32_t Pipeline::run(sdb_conn &c, int32_t n, const sdb_pipe_stmt *stmts, const sdb_param *params) {
  reset();
  if (!c.ok()) return c.fail_now("not connected");
  for (int32_t i = 0; i < n; i++)
    if (stmts[i].stmt >= 0 && !c.has_statement(stmts[i].stmt)) return c.fail_now("unknown statement");
  c.clear_result();
  if (!PQenterPipelineMode(c.pg_)) return c.fail_now("could not enter pipeline mode");
  for (int32_t i = 0; i < n; i++) {
    const sdb_pipe_stmt &s = stmts[i];
    int sent;
    if (s.stmt == -2) {
      sent = PQpipelineSync(c.pg_);
    } else {
      const char *const *values = c.bind(s.nparams, params);
      params += s.nparams;
      sent = s.stmt >= 0
                 ? PQsendQueryPrepared(c.pg_, c.stmt_names_[s.stmt].c_str(), s.nparams, values, nullptr, nullptr, 0)
                 : PQsendQueryParams(c.pg_, s.sql, s.nparams, nullptr, values, nullptr, nullptr, 0);
    }
    if (!sent) return abandon(c, "could not send the pipeline");
    status_.push_back(s.stmt == -2 ? kSync : kPending);
  }
  if (n == 0 || stmts[n - 1].stmt != -2) {
    if (!PQpipelineSync(c.pg_)) return abandon(c, "could not send the pipeline");
    status_.push_back(kSync);
  }
  results_.assign(status_.size(), nullptr);
  active_ = true;
  if (c.started() < 0) {
    reset();
    return -1;
  }
  return 0;
}

bool Pipeline::take(sdb_conn &c, PGresult *r) {
  if (status_[cursor_] == kSync) {
    if (!r) return true;  // the sync's result is not read yet (nothing to do until input arrives)
    bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync && ++cursor_ == status_.size()) return false;
    return true;
  }
  if (!r) {  // this statement's results are complete
    cursor_++;
    return true;
  }
  int8_t &st = status_[cursor_];
  switch (PQresultStatus(r)) {
    case PGRES_PIPELINE_ABORTED:
      st = kAborted;
      aborted_++;
      PQclear(r);
      break;
    case PGRES_FATAL_ERROR:
    case PGRES_BAD_RESPONSE:
      if (failed_ < 0) {
        c.set_error(r);
        failed_ = static_cast<int32_t>(cursor_);
      }
      st = kFailed;
      PQclear(r);
      break;
    case PGRES_NONFATAL_ERROR:
      PQclear(r);
      break;
    default:
      if (results_[cursor_]) PQclear(results_[cursor_]);
      results_[cursor_] = r;
      st = PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_SINGLE_TUPLE ? kRows : kCommand;
  }
  return true;
}

void Pipeline::on_input(sdb_conn &c) {
  if (!PQconsumeInput(c.pg_)) {
    lost(c);
    return;
  }
  while (!PQisBusy(c.pg_)) {
    PGresult *r = PQgetResult(c.pg_);
    size_t before = cursor_;
    if (!take(c, r)) {
      finish(c);
      return;
    }
    if (!r && cursor_ == before) return;  // waiting for the sync's answer
  }
  if (PQstatus(c.pg_) == CONNECTION_BAD) lost(c);
}

void Pipeline::finish(sdb_conn &c) {
  active_ = false;
  if (!PQexitPipelineMode(c.pg_)) {
    // Not expected once the last sync's result is read; but a connection left in pipeline mode
    // would run the next request inside a pipeline, so it is closed and the client reconnects.
    std::string why = std::string("could not leave pipeline mode: ") + PQerrorMessage(c.pg_);
    c.abort_request(why.c_str());
    return;
  }
  c.had_error_ = failed_ >= 0;
  c.finish_request();
}

void Pipeline::lost(sdb_conn &c) {
  // The server may have said why before closing (FATAL 57P01 ...): collect what was read, unless a
  // statement already got that reason as its error. The guard bounds the loop should libpq keep
  // answering on a dead connection.
  c.had_error_ = failed_ >= 0 && sqlstate_is_connection_loss(c.err_sqlstate_.c_str());
  for (size_t guard = 2 * status_.size() + 8; guard > 0; guard--) {
    PGresult *r = PQgetResult(c.pg_);
    if (!r) break;
    if (!c.had_error_ && PQresultStatus(r) == PGRES_FATAL_ERROR) {
      c.set_error(r);
      c.had_error_ = true;
    }
    PQclear(r);
  }
  if (!c.had_error_) c.set_conn_error("connection lost");
  c.had_error_ = true;
  // The loss is the failure to report (it decides the reconnect), at the first statement without
  // its answer; the ones after it never ran.
  size_t at = cursor_;
  while (at < status_.size() && status_[at] == kSync) at++;
  if (at == status_.size()) {  // lost while waiting for a final sync: blame the last statement
    at = cursor_;
    while (at > 0 && status_[at] == kSync) at--;
  }
  failed_ = static_cast<int32_t>(at);
  aborted_ = 0;
  for (size_t i = at + 1; i < status_.size(); i++)
    if (status_[i] != kSync) aborted_++;
  active_ = false;
  c.finish_request();
}

int32_t Pipeline::take_result(sdb_conn &c, int32_t i) {
  if (i < 0 || i >= static_cast<int32_t>(status_.size())) return kAborted;
  c.clear_result();
  c.result_ = results_[i];
  results_[i] = nullptr;
  int8_t st = status_[i];
  c.res_status_ = st == kRows ? 1 : st == kCommand ? 0 : -1;
  if (st == kPending || st == kSync) return kAborted;
  return st;
}

}  // namespace stormdb

stormdb::Pipeline &sdb_conn::pipeline() {
  if (!pipe_) pipe_ = new stormdb::Pipeline();
  return *pipe_;
}

extern "C" {

int32_t sdb_pipe_run(sdb_conn *c, int32_t n, const sdb_pipe_stmt *stmts, const sdb_param *params) {
  return c->pipeline().run(*c, n, stmts, params);
}
int32_t sdb_pipe_failed(sdb_conn *c) { return c->pipeline().failed(); }
int32_t sdb_pipe_aborted(sdb_conn *c) { return c->pipeline().aborted(); }
int32_t sdb_pipe_result(sdb_conn *c, int32_t i) { return c->pipeline().take_result(*c, i); }

}  // extern "C"
