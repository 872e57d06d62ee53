# CPack: `cpack -G DEB` in the build folder makes stormdb_<version>_<arch>.deb for Debian 12.
set(CPACK_PACKAGE_NAME stormdb)
set(CPACK_PACKAGE_VENDOR "stormdb")
set(CPACK_PACKAGE_CONTACT "stormdb developers")  # the Maintainer field, which dpkg requires
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "PostgreSQL benchmark runner with LuaJIT workloads (TPC-C, pgbench-like, ...)")
set(CPACK_PACKAGE_INSTALL_DIRECTORY stormdb)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # stormdb_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION database)
# Depends comes from dpkg-shlibdeps: the Debian packages of the libraries the binary links
# (libluajit2-5.1-2, libpq5, libyaml-cpp0.7, libfmt9, libstdc++6, libc6, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The throwaway server (no database named) runs PostgreSQL's own binaries; postgresql-contrib
# (part of postgresql on Debian 12) has pg_stat_statements.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql")
include(CPack)
