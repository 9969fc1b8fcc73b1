#pragma once
// Time helpers: UTC ISO 8601 timestamps with `Z` (canonical JSON), durations as users write them in simmer.json
// and on the command line, and a Clock interface so code that reads the time can be tested with a fake one.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace simmer::util {

// Milliseconds since the Unix epoch, from the system (wall) clock.
std::int64_t now_unix_ms();

// "2026-11-22T10:00:00.123Z" for `unix_ms` (UTC, always three fraction digits). Negative values (before 1970)
// are formatted correctly too.
std::string iso8601_utc_ms(std::int64_t unix_ms);

// "2026-11-22T10:00:00Z": as iso8601_utc_ms, the milliseconds dropped (truncated, not rounded).
std::string iso8601_utc_s(std::int64_t unix_ms);

// Parses an RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" ('t'/'z' and a space for 'T'
// accepted), into Unix milliseconds (fraction digits beyond milliseconds truncated). Anything else, including
// an impossible date (Feb 30) or a missing offset, is a Failure(invalid_input,
// "invalid timestamp \"<text>\": expected RFC 3339 like 2026-11-22T10:00:00Z").
Result<std::int64_t> parse_iso8601(std::string_view text);

// Parses a duration into whole seconds: a plain non-negative integer ("45" = 45 s), or one or more
// <integer><unit> groups with units s, m, h, d ("90s", "10m", "1h30m", "2d"). Spaces around are ignored; an empty
// string, a negative, a fraction, an unknown unit or an overflow is a Failure(invalid_input,
// "invalid duration \"<text>\": expected seconds or a number with a unit s, m, h or d (e.g. 90s, 10m, 1h)").
Result<std::int64_t> parse_duration_s(std::string_view text);

// 5400 -> "1h30m", 90 -> "1m30s", 0 (or negative) -> "0s": the inverse of parse_duration_s, for messages.
std::string format_duration_s(std::int64_t seconds);

// 1540 -> "1.5s": milliseconds as seconds with one decimal, for a session's or a phase's duration.
std::string format_seconds_tenths(std::int64_t ms);

// Where code reads the time, so tests can control it.
class Clock {
public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t now_ms() const = 0;
};

// The system clock (now_unix_ms()).
class SystemClock final : public Clock {
public:
  std::int64_t now_ms() const override;
};

// A clock that only moves when told to. Starts at `start_ms`.
class FakeClock final : public Clock {
public:
  explicit FakeClock(std::int64_t start_ms = 0) : m_now(start_ms) {}
  std::int64_t now_ms() const override { return m_now; }
  void set_ms(std::int64_t unix_ms) { m_now = unix_ms; }
  void advance_ms(std::int64_t delta_ms) { m_now += delta_ms; }

private:
  std::int64_t m_now;
};

}  // namespace simmer::util
