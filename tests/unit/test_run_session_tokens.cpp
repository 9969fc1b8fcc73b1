// The resume baseline of a thread: the sum of what the journal's session records of that id charged, so a resumed
// Codex thread's running totals are not counted twice.
#include <catch2/catch.hpp>

#include "run/session_tokens.hpp"

using simmer::run::SessionTokens;

namespace {

simmer::core::events::Session record(const std::string& id, std::int64_t input, std::int64_t output,
                                     std::int64_t cache_read, std::int64_t cache_write, double cost = 0.0) {
  simmer::core::events::Session s;
  s.session_id = id;
  s.tokens = {input, output, cache_read, cache_write};
  s.cost_usd = cost;
  return s;
}

}  // namespace

TEST_CASE("session tokens: the records of one session id add up, other ids apart") {
  SessionTokens totals;
  totals.add(record("thread-a", 4400, 120, 1900, 0, 0.25));
  totals.add(record("thread-b", 1000, 10, 0, 5, 1.0));
  totals.add(record("thread-a", 8600, 120, 5200, 3, 0.5));
  auto a = totals.of("thread-a");
  CHECK(a.input == 13000);
  CHECK(a.output == 240);
  CHECK(a.cache_read == 7100);
  CHECK(a.cache_write == 3);
  CHECK(totals.cost_of("thread-a") == Approx(0.75));
  auto b = totals.of("thread-b");
  CHECK(b.input == 1000);
  CHECK(b.cache_write == 5);
  CHECK(totals.cost_of("thread-b") == Approx(1.0));
}

TEST_CASE("session tokens: an unknown or empty id counts nothing") {
  SessionTokens totals;
  totals.add(record("", 100, 1, 1, 1, 2.0));
  CHECK(totals.of("").input == 0);
  CHECK(totals.cost_of("") == 0.0);
  CHECK(totals.of("thread-z").output == 0);
  CHECK(totals.cost_of("thread-z") == 0.0);
}
