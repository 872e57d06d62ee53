// A process-wide list of secrets from the configuration and the redaction of messages against it.
#include "util/secrets.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <regex>
#include <vector>

namespace stormdb {
namespace {

constexpr size_t kMinSecretLength = 4;

std::mutex g_mutex;
std::vector<std::string> g_secrets;

std::string percent_decode(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void add(const std::string &s) {
  if (s.size() < kMinSecretLength) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (std::find(g_secrets.begin(), g_secrets.end(), s) != g_secrets.end()) return;
  g_secrets.push_back(s);
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(g_secrets.begin(), g_secrets.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
}

}  // namespace

void remember_secret(const std::string &secret) {
  add(secret);
  add(percent_decode(secret));
}

void remember_conninfo_secrets(const std::string &conninfo) {
  static const std::regex kv(R"(pass\w*\s*=\s*('((?:[^'\\]|\\.)*)'?|(\S+)))", std::regex::icase);
  static const std::regex query(R"([?&]password=([^&]*))", std::regex::icase);
  for (auto it = std::sregex_iterator(conninfo.begin(), conninfo.end(), kv); it != std::sregex_iterator(); ++it)
    remember_secret((*it)[2].matched ? (*it)[2].str() : (*it)[3].str());
  for (auto it = std::sregex_iterator(conninfo.begin(), conninfo.end(), query); it != std::sregex_iterator(); ++it)
    remember_secret((*it)[1].str());
  // postgresql://user:PASS@host: libpq ends the userinfo at the first '@', a user may have meant
  // the last one; remember every candidate.
  size_t scheme = conninfo.find("://");
  if (scheme == std::string::npos) return;
  size_t colon = conninfo.find(':', scheme + 3);
  size_t slash = conninfo.find('/', scheme + 3);
  if (colon == std::string::npos || (slash != std::string::npos && slash < colon)) return;
  for (size_t at = conninfo.find('@', colon); at != std::string::npos; at = conninfo.find('@', at + 1))
    remember_secret(conninfo.substr(colon + 1, at - colon - 1));
}

std::string scrub_secrets(std::string text) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (const auto &s : g_secrets)
      for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3))
        text.replace(pos, s.size(), "***");
  }
  static const std::regex uri_userinfo(R"((postgres(?:ql)?://[^:/@\s"]*:)[^@\s"]*@)", std::regex::icase);
  static const std::regex kv(R"((pass\w*\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&"]+))", std::regex::icase);
  text = std::regex_replace(text, uri_userinfo, "$1***@");
  return std::regex_replace(text, kv, "$1***");
}

}  // namespace stormdb
