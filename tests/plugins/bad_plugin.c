/* Plugins broken in one way each (chosen by a -D flag), for the loader's error tests. */
#include <stdint.h>

#include <stormdb/plugin.h>

static const char *const kFunctions[] = {"bad_missing_function", 0};

static int bad_init(const stormdb_host *host, stormdb_plugin *out) {
  (void)host;
#if defined(BAD_ABI)
  out->name = "bad_abi";
#elif defined(BAD_SYMBOL)
  out->name = "bad_symbol";
  out->cdef = "int bad_missing_function(int x);";
  out->functions = kFunctions;   /* declared, never defined */
#else
  out->name = "bad_no_entry";
#endif
  return 0;
}

#if defined(BAD_ABI)
/* What a plugin built against a future header would export. */
uint32_t stormdb_plugin_abi = STORMDB_PLUGIN_ABI + 41;
int stormdb_plugin_init(const stormdb_host *host, stormdb_plugin *out) { return bad_init(host, out); }
#elif defined(BAD_SYMBOL)
STORMDB_PLUGIN_EXPORT(bad_init)
#else
/* No entry point: a shared object that is not a stormdb plugin. */
int bad_unrelated(void) {
  (void)bad_init;
  return 42;
}
#endif
