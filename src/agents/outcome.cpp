#include "agents/outcome.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <regex>
#include <string>

namespace simmer::agents {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains_any(const std::string& haystack, std::initializer_list<const char*> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](const char* needle) { return haystack.find(needle) != std::string::npos; });
}

// "2026-01-01T10:00:00Z" / "...+00:00" / with fractions: Unix ms, UTC only (what the CLIs print).
std::optional<std::int64_t> parse_iso_utc(const std::string& text) {
  std::tm tm{};
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dt%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

std::optional<std::int64_t> parse_reset(const std::string& text, std::int64_t now_ms) {
  std::smatch m;
  // Claude Code's subscription limit: "Claude AI usage limit reached|1767225600".
  static const std::regex k_pipe(R"(limit reached\|(\d{9,13}))");
  if (std::regex_search(text, m, k_pipe)) {
    std::int64_t v = std::stoll(m[1]);
    return v < 100000000000 ? v * 1000 : v;
  }
  static const std::regex k_iso(R"(reset(?:s|_at|sat)?(?: at)?[\s:="']+(\d{4}-\d{2}-\d{2}t\d{2}:\d{2}:\d{2}))");
  if (std::regex_search(text, m, k_iso)) {
    return parse_iso_utc(m[1]);
  }
  static const std::regex k_epoch(R"(reset(?:s|_at|sat)?(?: at)?[\s:="']+(\d{9,13})\b)");
  if (std::regex_search(text, m, k_epoch)) {
    std::int64_t v = std::stoll(m[1]);
    return v < 100000000000 ? v * 1000 : v;
  }
  static const std::regex k_relative(
      R"((?:try again in|retry after|retry in|retry-after:?|retrydelay"?:?\s*"?)\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hours?)?)");
  if (std::regex_search(text, m, k_relative)) {
    double v = std::stod(m[1]);
    std::string unit = m[2].matched ? m[2].str() : "s";
    double ms = unit.rfind("ms", 0) == 0 || unit.rfind("milli", 0) == 0 ? v
                : unit[0] == 'm'                                        ? v * 60000
                : unit[0] == 'h'                                        ? v * 3600000
                                                                        : v * 1000;
    return now_ms + static_cast<std::int64_t>(ms);
  }
  return std::nullopt;
}

}  // namespace

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Classification classify_error(std::string_view text, std::int64_t now_ms) {
  Classification c;
  const std::string t = lower(text);
  if (t.empty()) {
    return c;
  }
  // No retry and no other attempt helps an agent that cannot start: checked first, so that a login error that
  // also mentions a status or a retry is not taken for something worth waiting for.
  static const std::regex k_status_401(R"(\b401\b)");
  if (std::regex_search(t, k_status_401) ||
      contains_any(t, {"invalid api key", "invalid x-api-key", "not logged in", "please run /login", "run /login",
                       "authentication_error", "unauthorized", "unknown option", "unknown argument",
                       "unexpected argument", "unrecognized option", "unrecognized arguments"})) {
    c.outcome = Outcome::cannot_start;
    return c;
  }
  static const std::regex k_status_429(R"(\b429\b)");
  if (std::regex_search(t, k_status_429) ||
      contains_any(t, {"rate limit", "rate_limit", "usage limit", "usage_limit", "quota", "resource_exhausted",
                       "limit reached", "too many requests"})) {
    c.outcome = Outcome::usage_limit;
    c.reset_at_ms = parse_reset(t, now_ms);
    return c;
  }
  static const std::regex k_status_5xx(R"(\b5\d\d\b)");
  if (std::regex_search(t, k_status_5xx) ||
      contains_any(t, {"overloaded",          "econnrefused",     "econnreset",         "etimedout",
                       "enotfound",           "eai_again",        "fetch failed",       "socket hang up",
                       "stream disconnected", "connection error", "connection refused", "connectionrefused",
                       "unable to connect",   "connection reset", "network error",      "internal server error",
                       "service unavailable", "bad gateway",      "gateway timeout",    "error sending request",
                       "unavailable"})) {
    c.outcome = Outcome::transient;
    return c;
  }
  return c;
}

}  // namespace simmer::agents
