#include "util/time.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <limits>

#include "util/strings.hpp"

namespace simmer::util {

namespace {

constexpr std::int64_t k_ms_per_day = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil): no time zone, no
// libc, correct for negative years too.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : k_days[m - 1];
}

std::string format(std::int64_t unix_ms, bool with_ms) {
  std::int64_t days = unix_ms / k_ms_per_day;
  std::int64_t rest = unix_ms % k_ms_per_day;
  if (rest < 0) {
    rest += k_ms_per_day;
    days -= 1;
  }
  Civil c = civil_from_days(days);
  auto secs = rest / 1000;
  char buf[64];
  if (with_ms) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(c.year),
                  c.month, c.day, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60), static_cast<long long>(rest % 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(c.year), c.month,
                  c.day, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60));
  }
  return buf;
}

// Reads exactly `n` digits at `pos`, advancing it. False when they are not all there.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601_utc_ms(std::int64_t unix_ms) { return format(unix_ms, true); }

std::string iso8601_utc_s(std::int64_t unix_ms) { return format(unix_ms, false); }

Result<std::int64_t> parse_iso8601(std::string_view text) {
  Failure bad{"invalid timestamp \"" + std::string(text) + "\": expected RFC 3339 like 2026-11-22T10:00:00Z",
              ExitCode::invalid_input};
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, pos, 4, year) || !expect(text, pos, '-') || !digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !digits(text, pos, 2, day)) {
    return bad;
  }
  if (!(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' '))) {
    return bad;
  }
  if (!digits(text, pos, 2, hour) || !expect(text, pos, ':') || !digits(text, pos, 2, minute) ||
      !expect(text, pos, ':') || !digits(text, pos, 2, second)) {
    return bad;
  }
  // RFC 3339 allows second 60 (a leap second); Unix time has no room for it, so it reads as the next second.
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60) {
    return bad;
  }
  std::int64_t ms = 0;
  if (expect(text, pos, '.')) {
    std::size_t start = pos;
    std::int64_t scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ms += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return bad;
    }
  }
  std::int64_t offset_min = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    offset_min = 0;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    unsigned oh = 0, om = 0;
    if (!digits(text, pos, 2, oh) || !expect(text, pos, ':') || !digits(text, pos, 2, om) || oh > 23 || om > 59) {
      return bad;
    }
    offset_min = sign * static_cast<std::int64_t>(oh * 60 + om);
  } else {
    return bad;
  }
  if (pos != text.size()) {
    return bad;
  }
  std::int64_t days = days_from_civil(year, month, day);
  std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return secs * 1000 + ms;
}

Result<std::int64_t> parse_duration_s(std::string_view text) {
  Failure bad{"invalid duration \"" + std::string(text) +
                  "\": expected seconds or a number with a unit s, m, h or d (e.g. 90s, 10m, 1h)",
              ExitCode::invalid_input};
  std::string_view s = trim(text);
  if (s.empty()) {
    return bad;
  }
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  std::size_t pos = 0;
  bool any_unit = false;
  bool plain = false;
  while (pos < s.size()) {
    if (s[pos] < '0' || s[pos] > '9') {
      return bad;
    }
    std::int64_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      int digit = s[pos] - '0';
      if (n > (k_max - digit) / 10) {
        return bad;
      }
      n = n * 10 + digit;
      ++pos;
    }
    std::int64_t unit = 0;
    if (pos == s.size()) {
      // A bare number: seconds, allowed only alone ("90"), not after a unit group ("1m30").
      if (any_unit) {
        return bad;
      }
      unit = 1;
      plain = true;
    } else {
      switch (s[pos]) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        default:
          return bad;
      }
      ++pos;
      any_unit = true;
    }
    if (n > (k_max - total) / unit) {
      return bad;
    }
    total += n * unit;
    if (plain) {
      break;
    }
  }
  return total;
}

std::string format_seconds_tenths(std::int64_t ms) { return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0); }

std::string format_duration_s(std::int64_t seconds) {
  if (seconds <= 0) {
    return "0s";
  }
  std::string out;
  const std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (auto [size, letter] : units) {
    if (seconds >= size) {
      out += std::to_string(seconds / size) + letter;
      seconds %= size;
    }
  }
  return out;
}

std::int64_t SystemClock::now_ms() const { return now_unix_ms(); }

}  // namespace simmer::util
