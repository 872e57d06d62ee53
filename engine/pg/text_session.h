// A blocking libpq session for work beside the run (the pg_stat sampler's thread): connect, send
// several statements as one simple-query batch, get every result back as text rows.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

typedef struct pg_conn PGconn;

namespace stormdb {

// One result set as text; NULL is nullopt.
struct TextRows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> values;
};

// What one batch gave back.
struct TextBatch {
  std::vector<TextRows> results;  // one per statement that returned rows, in order
  int failed = -1;                // index in results where the first failing statement stood
  std::string sqlstate;           // of that failure ("" when the server sent none)
  std::string message;            // its primary message, or libpq's message when the send failed
  bool conn_lost = false;         // the send failed or the connection is bad afterwards
};

class TextSession {
 public:
  TextSession() = default;
  TextSession(const TextSession &) = delete;
  TextSession &operator=(const TextSession &) = delete;
  ~TextSession();

  // Connects (blocking). `defaults` are libpq keywords placed before "dbname", so the conninfo
  // given as dbname still overrides them. False when it failed: error() says why; close() it
  // then.
  bool connect(const std::vector<std::pair<const char *, const char *>> &defaults, const std::string &conninfo);
  // True between a successful connect and close().
  bool open() const { return conn_ != nullptr; }
  // True when open and the connection is good.
  bool ok() const;
  // Reconnects with the same parameters (PQreset); true when the connection is good again.
  bool reset();
  void close();
  // Runs one statement and ignores its result (session settings).
  void exec(const std::string &sql);
  // Sends the ;-separated statements as one simple query (one round trip, one implicit
  // transaction) and waits for all their results.
  TextBatch run_batch(const std::string &text);
  // PQserverVersion form (150004 for 15.4); 0 when not connected.
  int server_version() const;
  // The user the session logged in as ("" when unknown).
  std::string user() const;
  // name quoted as an SQL identifier; nullopt when libpq refused it.
  std::optional<std::string> quote_identifier(const std::string &name) const;
  // libpq's last error message on this session (may span lines).
  std::string error() const;

 private:
  PGconn *conn_ = nullptr;
};

}  // namespace stormdb
