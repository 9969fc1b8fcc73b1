#include <catch2/catch.hpp>

#include "util/time.hpp"

namespace util = simmer::util;

TEST_CASE("time: formats UTC with and without milliseconds") {
  CHECK(util::iso8601_utc_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(util::iso8601_utc_ms(1795341600123) == "2026-11-22T10:00:00.123Z");
  CHECK(util::iso8601_utc_s(1795341600999) == "2026-11-22T10:00:00Z");
  CHECK(util::iso8601_utc_ms(1709251199000) == "2024-02-29T23:59:59.000Z");
  CHECK(util::iso8601_utc_ms(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(util::iso8601_utc_ms(-2203891200000) == "1900-03-01T00:00:00.000Z");
}

TEST_CASE("time: parses RFC 3339 and round-trips") {
  CHECK(util::parse_iso8601("2026-11-22T10:00:00.123Z").value() == 1795341600123);
  CHECK(util::parse_iso8601("2026-11-22T10:00:00Z").value() == 1795341600000);
  CHECK(util::parse_iso8601("2026-11-22t10:00:00z").value() == 1795341600000);
  CHECK(util::parse_iso8601("2026-11-22 10:00:00Z").value() == 1795341600000);
  CHECK(util::parse_iso8601("2026-11-22T11:30:00+01:30").value() == 1795341600000);
  CHECK(util::parse_iso8601("2026-11-22T08:00:00.5-02:00").value() == 1795341600500);
  CHECK(util::parse_iso8601("2026-11-22T10:00:00.123987Z").value() == 1795341600123);
  CHECK(util::parse_iso8601("2024-02-29T23:59:59Z").value() == 1709251199000);
  CHECK(util::parse_iso8601("1900-03-01T00:00:00Z").value() == -2203891200000);
  for (std::int64_t ms : {0LL, 1LL, 999LL, 1795341600123LL, -1LL, 253402300799999LL}) {
    CHECK(util::parse_iso8601(util::iso8601_utc_ms(ms)).value() == ms);
  }
}

TEST_CASE("time: refuses malformed timestamps with one message") {
  for (const char* bad : {"", "2026-11-22", "2026-11-22T10:00:00", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-11-31T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:00:00.Z",
                          "2026-11-22T10:00:00+0100", "2026-11-22T10:00:00Zjunk", "26-11-22T10:00:00Z"}) {
    INFO(bad);
    auto r = util::parse_iso8601(bad);
    REQUIRE(!r);
    CHECK(r.failure().code == simmer::ExitCode::invalid_input);
    CHECK(r.failure().message ==
          "invalid timestamp \"" + std::string(bad) + "\": expected RFC 3339 like 2026-11-22T10:00:00Z");
  }
}

TEST_CASE("time: parses durations with units") {
  CHECK(util::parse_duration_s("45").value() == 45);
  CHECK(util::parse_duration_s("0").value() == 0);
  CHECK(util::parse_duration_s("90s").value() == 90);
  CHECK(util::parse_duration_s("10m").value() == 600);
  CHECK(util::parse_duration_s("1h").value() == 3600);
  CHECK(util::parse_duration_s("2d").value() == 172800);
  CHECK(util::parse_duration_s("1h30m").value() == 5400);
  CHECK(util::parse_duration_s(" 1m30s\n").value() == 90);
  for (const char* bad :
       {"", "  ", "-5", "1.5", "10x", "m", "1m30", "1 m", "99999999999999999999", "9223372036854775807d"}) {
    INFO(bad);
    auto r = util::parse_duration_s(bad);
    REQUIRE(!r);
    CHECK(r.failure().message == "invalid duration \"" + std::string(bad) +
                                     "\": expected seconds or a number with a unit s, m, h or d (e.g. 90s, 10m, 1h)");
  }
}

TEST_CASE("time: formats durations for messages") {
  CHECK(util::format_duration_s(0) == "0s");
  CHECK(util::format_duration_s(90) == "1m30s");
  CHECK(util::format_duration_s(3600) == "1h");
  CHECK(util::format_duration_s(90061) == "1d1h1m1s");
  CHECK(util::parse_duration_s(util::format_duration_s(5400)).value() == 5400);
}

TEST_CASE("time: fake clock moves only when told") {
  util::FakeClock clock(1000);
  const util::Clock& c = clock;
  CHECK(c.now_ms() == 1000);
  clock.advance_ms(250);
  CHECK(c.now_ms() == 1250);
  clock.set_ms(5);
  CHECK(c.now_ms() == 5);
  util::SystemClock system;
  // 2020-01-01 as a floor: the real clock is at least that, and the two sources agree on the epoch.
  CHECK(system.now_ms() > 1577836800000);
  CHECK(util::now_unix_ms() >= 1577836800000);
}
