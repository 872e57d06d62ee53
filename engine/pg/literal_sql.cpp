// -M simple: replaces a statement's $n parameters by quoted literals, skipping what the lexer of
// PostgreSQL would not read as a parameter (scan.l: quotes, dollar quotes, comments).
#include "pg/literal_sql.h"

#include <libpq-fe.h>

#include <cctype>
#include <cstring>

namespace stormdb {
namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Length of what starts at s when it is a quoted or commented span (so it is copied verbatim),
// else 0.
size_t skip_span(const char *s, const char *begin) {
  const char *p = s;
  if (*p == '\'') {
    // E'...' strings take backslash escapes; standard ones only double the quote.
    bool escapes = p > begin && (p[-1] == 'E' || p[-1] == 'e') && (p - 1 == begin || !ident_char(p[-2]));
    for (p++; *p; p++) {
      if (escapes && *p == '\\' && p[1]) {
        p++;
      } else if (*p == '\'') {
        if (p[1] != '\'') return static_cast<size_t>(p + 1 - s);
        p++;
      }
    }
    return static_cast<size_t>(p - s);
  }
  if (*p == '"') {
    const char *e = std::strchr(p + 1, '"');
    return e ? static_cast<size_t>(e + 1 - s) : std::strlen(s);
  }
  if (p[0] == '-' && p[1] == '-') {
    const char *e = std::strchr(p, '\n');
    return e ? static_cast<size_t>(e - s) : std::strlen(s);
  }
  if (p[0] == '/' && p[1] == '*') {
    int depth = 0;  // PostgreSQL's block comments nest
    for (; *p; p++) {
      if (p[0] == '/' && p[1] == '*')
        depth++, p++;
      else if (p[0] == '*' && p[1] == '/' && --depth == 0)
        return static_cast<size_t>(p + 2 - s);
      else if (p[0] == '*' && p[1] == '/')
        p++;
    }
    return static_cast<size_t>(p - s);
  }
  if (*p == '$' && !(p > begin && ident_char(p[-1]))) {  // $tag$ ... $tag$ (tag may be empty)
    const char *q = p + 1;
    if (std::isdigit(static_cast<unsigned char>(*q))) return 0;  // a parameter
    while (*q && (std::isalnum(static_cast<unsigned char>(*q)) || *q == '_')) q++;
    if (*q != '$') return 0;
    std::string tag(p, q + 1);
    const char *e = std::strstr(q + 1, tag.c_str());
    return e ? static_cast<size_t>(e + tag.size() - s) : std::strlen(s);
  }
  return 0;
}

}  // namespace

std::string inline_literals(PGconn *pg, const char *sql, int n, const char *const *values, std::string &out) {
  out.clear();
  const char *p = sql;
  while (*p) {
    if (size_t span = skip_span(p, sql)) {
      out.append(p, span);
      p += span;
      continue;
    }
    if (*p == '$' && std::isdigit(static_cast<unsigned char>(p[1])) && !(p > sql && ident_char(p[-1]))) {
      const char *q = p + 1;
      long k = 0;
      while (std::isdigit(static_cast<unsigned char>(*q))) k = k * 10 + (*q++ - '0');
      if (k < 1 || k > n) return "there is no parameter $" + std::to_string(k) + " (" + std::to_string(n) + " given)";
      if (!values[k - 1]) {
        out += "NULL";
      } else {
        char *lit = PQescapeLiteral(pg, values[k - 1], std::strlen(values[k - 1]));
        if (!lit) return PQerrorMessage(pg);
        out += lit;
        PQfreemem(lit);
      }
      p = q;
      continue;
    }
    out.push_back(*p++);
  }
  return "";
}

}  // namespace stormdb
