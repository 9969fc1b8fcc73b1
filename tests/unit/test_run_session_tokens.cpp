// The resume baseline of a thread: the sum of what the journal's session records of that id charged, so a resumed
// Codex thread's running totals are not counted twice.
#include <catch2/catch.hpp>

#include "run/session_tokens.hpp"

using nlohmann::json;
using simmer::run::SessionTokens;

namespace {

json record(const std::string& id, std::int64_t input, std::int64_t output, std::int64_t cache_read,
            std::int64_t cache_write) {
  return {{"sessionId", id},
          {"tokens", {{"input", input}, {"output", output}, {"cacheRead", cache_read}, {"cacheWrite", cache_write}}}};
}

}  // namespace

TEST_CASE("session tokens: the records of one session id add up, other ids apart") {
  SessionTokens totals;
  totals.add(record("thread-a", 4400, 120, 1900, 0));
  totals.add(record("thread-b", 1000, 10, 0, 5));
  totals.add(record("thread-a", 8600, 120, 5200, 3));
  auto a = totals.of("thread-a");
  CHECK(a.input == 13000);
  CHECK(a.output == 240);
  CHECK(a.cache_read == 7100);
  CHECK(a.cache_write == 3);
  auto b = totals.of("thread-b");
  CHECK(b.input == 1000);
  CHECK(b.cache_write == 5);
}

TEST_CASE("session tokens: an unknown or empty id, or a record without an id or tokens, counts nothing") {
  SessionTokens totals;
  totals.add(record("", 100, 1, 1, 1));
  totals.add(json{{"tokens", {{"input", 100}}}});
  totals.add(json{{"sessionId", "thread-a"}});
  totals.add(json{{"sessionId", "thread-a"}, {"tokens", {{"input", "many"}, {"output", 7}}}});
  totals.add(json::array());
  CHECK(totals.of("").input == 0);
  CHECK(totals.of("thread-z").output == 0);
  auto a = totals.of("thread-a");
  CHECK(a.input == 0);
  CHECK(a.output == 7);
}
