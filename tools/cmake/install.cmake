# `cmake --install`: the binary, the shipped workloads and packs, example configs and the docs under
# GNUInstallDirs; the build tree gets the same relative layout so an uninstalled binary finds them too.
# (The plugin header and the CMake package config are installed by engine/plugin/CMakeLists.txt.)
install(TARGETS stormdb RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Packs are folders of workloads/ (each with its stormdb-pack.yaml); the binary looks for them at
# <bindir>/${STORMDB_DATA_FROM_BIN}/workloads (engine/util/install_dirs.cpp).
# A workload's native/ folder holds its plugin's C sources: the built plugin is installed instead.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/workloads/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stormdb/workloads
        PATTERN native EXCLUDE)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/config/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stormdb/config)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

# build/stormdb looks in build/share/stormdb/workloads: a link to the source's workloads, so edits
# there are seen without a rebuild.
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/share/stormdb)
file(CREATE_LINK ${CMAKE_SOURCE_DIR}/workloads ${CMAKE_BINARY_DIR}/share/stormdb/workloads SYMBOLIC)
