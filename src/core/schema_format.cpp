// RFC 3339 section 5.6 `date-time`, checked by hand: a regex cannot check the day of the month, and this runs in
// the validator's hot path.

#include "core/schema_format.hpp"

namespace simmer::schema::detail {
namespace {

// Reads exactly `count` digits at `pos`; -1 when any is not a digit or the text is too short.
int digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) {
    return -1;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return -1;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : k_days[month - 1];
}

}  // namespace

bool is_rfc3339_date_time(std::string_view text) {
  // full-date
  int year = digits(text, 0, 4);
  int month = digits(text, 5, 2);
  int day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      day > days_in_month(year, month)) {
    return false;
  }
  if (text[10] != 'T' && text[10] != 't') {
    return false;
  }
  // partial-time
  int hour = digits(text, 11, 2);
  int minute = digits(text, 14, 2);
  int second = digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || text[13] != ':' ||
      text[16] != ':') {
    return false;
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == start) {
      return false;
    }
  }
  // time-offset
  if (pos >= text.size()) {
    return false;
  }
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int offset_hour = digits(text, pos + 1, 2);
    int offset_minute = digits(text, pos + 4, 2);
    if (offset_hour < 0 || offset_hour > 23 || offset_minute < 0 || offset_minute > 59 || text[pos + 3] != ':') {
      return false;
    }
    offset_minutes = (offset_hour * 60 + offset_minute) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != text.size()) {
    return false;
  }
  if (second == 60) {
    // A leap second exists only at the end of a UTC day.
    int utc_minutes = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    if (utc_minutes != 23 * 60 + 59) {
      return false;
    }
  }
  return true;
}

}  // namespace simmer::schema::detail
