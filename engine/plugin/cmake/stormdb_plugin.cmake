# stormdb_add_plugin(): builds a native stormdb plugin (.so) against stormdb/plugin.h; used by the
# main build for the plugins that ship with workloads, and installed in stormdb's CMake package.
#
#   stormdb_add_plugin(<name> <source>... [OUTPUT_DIRECTORY <dir>])
#
# Makes MODULE library target <name> whose file is <name>.so (no "lib" prefix), the name
# stormdb.plugin("<name>") looks for. It links the interface target stormdb::plugin (the header's
# include folder), so the sources may #include <stormdb/plugin.h>.
function(stormdb_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 SDB "" "OUTPUT_DIRECTORY" "")
  if(NOT SDB_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "stormdb_add_plugin(${name}): no source files given")
  endif()
  add_library(${name} MODULE ${SDB_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE stormdb::plugin)
  set_target_properties(${name} PROPERTIES PREFIX "" POSITION_INDEPENDENT_CODE ON)
  if(SDB_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${SDB_OUTPUT_DIRECTORY})
  endif()
endfunction()
