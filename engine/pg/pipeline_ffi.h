// The pipeline-mode functions of the FFI surface (engine/pg/pipeline.cpp); the text between the FFI
// markers is part of the ffi.cdef (script/stormdb_ffi.h includes it there).
#pragma once
#include <stdint.h>

#include "base/ffi_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* FFI-BEGIN */
/* ---- pipeline mode (engine/pg/pipeline.cpp) ----------------------------------------------------
   One entry of a pipeline: stmt >= 0 runs that prepared statement (index from sdb_send_prepare),
   stmt -1 runs `sql` as an unnamed statement (extended protocol, one statement), stmt -2 is a sync
   point (PQpipelineSync: the statements since the previous one form one implicit transaction).
   Entry i takes nparams parameters, the next ones of the params array. */
typedef struct sdb_pipe_stmt {
  const char *sql;
  int32_t stmt;
  int32_t nparams;
} sdb_pipe_stmt;
/* Enters pipeline mode, queues the n entries, ends them with a sync and sends them. Returns 0
   when they are on their way (yield; resumed with -1 when an entry failed or the connection was
   lost), -1 when nothing could be sent (see sdb_err_*). */
int32_t sdb_pipe_run(sdb_conn *c, int32_t n, const sdb_pipe_stmt *stmts, const sdb_param *params);
/* After the pipeline ended: index (0-based, counting every entry) of the first entry that failed,
   -1 when none did. The sdb_err_* functions give its error. */
int32_t sdb_pipe_failed(sdb_conn *c);
/* Number of statements the server skipped because an earlier one of their sync segment failed
   (or that never ran because the connection was lost). */
int32_t sdb_pipe_aborted(sdb_conn *c);
/* Makes entry i's result the connection's result for the sdb_res_* functions; returns its status
   as sdb_res_status does (0 command ok, 1 rows), -1 failed, -2 aborted. */
int32_t sdb_pipe_result(sdb_conn *c, int32_t i);
/* FFI-END */

#ifdef __cplusplus
}
#endif
