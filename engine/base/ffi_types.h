// Plain C types shared by every engine layer and by scripts (through LuaJIT FFI): opaque client and
// connection handles, random stream state, request parameters, cells and transaction outcome codes.
// The text between the FFI markers is part of the ffi.cdef (script/stormdb_ffi.h includes it there).
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* FFI-BEGIN */
/* Opaque engine objects. A client is one simulated user (a coroutine); a connection belongs to one
   client (its main connection, or a loader's connection inside ctx:parallel). */
typedef struct sdb_client sdb_client;
typedef struct sdb_conn sdb_conn;

/* State of one xoshiro256** stream (engine/rand/random.cpp); plain data so Lua allocates it with ffi.new. */
typedef struct sdb_rng {
  uint64_t s[4];
} sdb_rng;

/* Outcome of a transaction, as sdb_record takes it and the recorder counts it. */
enum { SDB_COMMITTED = 0, SDB_ROLLED_BACK = 1, SDB_FAILED = 2 };

/* One parameter of a request (engine/pg/connection.cpp). */
typedef struct sdb_param {
  double num;      /* kind 1 (number) and 3 (boolean: 0/1) */
  const char *str; /* kind 2 (string): not copied, must live until the send returns */
  int32_t len;     /* kind 2: length in bytes */
  int32_t kind;    /* 0 NULL, 1 number, 2 string, 3 boolean */
} sdb_param;

/* The first column of the first row in one call (db:value): kind -1 no row, 0 NULL, 1 number
   (num), 2 boolean (num 0/1), 3 text (str, len; valid until the next request). */
typedef struct sdb_cell {
  double num;
  const char *str;
  int32_t len;
  int32_t kind;
} sdb_cell;
/* FFI-END */

#ifdef __cplusplus
}
#endif
