// libpq pipeline mode on one connection: a batch of statements and sync points sent at once, read
// back statement by statement, each statement's result or error kept for the script.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pg/pipeline_ffi.h"

typedef struct pg_result PGresult;
struct sdb_conn;

namespace stormdb {

// The pipeline state of one sdb_conn (which owns it and hands it its socket input while active).
class Pipeline {
 public:
  Pipeline() = default;
  ~Pipeline() { reset(); }
  Pipeline(const Pipeline &) = delete;
  Pipeline &operator=(const Pipeline &) = delete;

  // Enters pipeline mode and sends the n entries (plus a final sync when the last entry is not
  // one); see sdb_pipe_run. Returns 0 when the batch is on its way, -1 (error on c) otherwise.
  int32_t run(sdb_conn &c, int32_t n, const sdb_pipe_stmt *stmts, const sdb_param *params);
  // True from run() until the last sync's result arrived or the connection was lost.
  bool active() const { return active_; }
  // Reads what arrived; completes c's request after the last sync (or the loss of the connection).
  void on_input(sdb_conn &c);
  // Forgets every result (the connection closed, or a new pipeline starts).
  void reset();
  // Index of the first entry that failed, -1 when none did.
  int32_t failed() const { return failed_; }
  // Statements that did not run: aborted by the server after an error in their sync segment, or
  // cut off by a lost connection.
  int32_t aborted() const { return aborted_; }
  // Moves entry i's result into c (for the sdb_res_* functions); returns its status (see
  // sdb_pipe_result).
  int32_t take_result(sdb_conn &c, int32_t i);

 private:
  enum Status : int8_t { kPending = 3, kCommand = 0, kRows = 1, kFailed = -1, kAborted = -2, kSync = 4 };
  int32_t abandon(sdb_conn &c, const char *what);
  // One result (or the NULL that ends a statement's results) for the entry at cursor_; false when
  // the pipeline is over.
  bool take(sdb_conn &c, PGresult *r);
  void finish(sdb_conn &c);
  void lost(sdb_conn &c);

  std::vector<PGresult *> results_;
  std::vector<int8_t> status_;
  size_t cursor_ = 0;  // the entry whose results arrive now
  int32_t failed_ = -1;
  int32_t aborted_ = 0;
  bool active_ = false;
};

}  // namespace stormdb
