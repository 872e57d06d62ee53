// A native driver of a client: C code that takes the client's results instead of its coroutine
// until it is done (see engine/plugin/plugin_drive.cpp for the one the plugins use).
#pragma once
#include <stdint.h>

#include "base/ffi_types.h"

extern "C" {
/* From now on, each time the client would be resumed (a result is in, a timer fired), fn(arg)
   runs first: 1 keeps the coroutine suspended (the driver sent another request), 0 ends the
   driving and resumes the coroutine. Declared to FFI by lua/stormdb_plugin.lua. */
void sdb_client_drive(sdb_client *cl, int32_t (*fn)(void *arg), void *arg);
}
