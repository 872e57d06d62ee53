// Access to the Lua prelude modules and ffi.cdef text compiled into the binary (see cmake/embed_lua.cmake).
#pragma once

namespace stormdb {

struct EmbeddedModule {
  const char *name;    // module name for require(), e.g. "stormdb"
  const char *source;  // Lua source text
};

extern const char *const kFfiCdef;               // C declarations for ffi.cdef
extern const EmbeddedModule kEmbeddedModules[];  // terminated by {nullptr, nullptr}

}  // namespace stormdb
