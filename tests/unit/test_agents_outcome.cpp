// Error texts of the real CLIs classified into outcomes, with reset times.
#include "agents/outcome.hpp"

#include <catch2/catch.hpp>

using namespace simmer::agents;

namespace {
constexpr std::int64_t k_now = 1'700'000'000'000;
}

TEST_CASE("outcome: overloaded, 5xx and connection errors are transient") {
  for (const char* text :
       {"API Error: 529 Overloaded. This is a server-side issue, usually temporary",
        "API Error: 500 {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}",
        "API Error: Unable to connect to API (ConnectionRefused)",
        "Reconnecting... 5/5 (stream disconnected before completion: error sending request)",
        "[API Error: 503 The model is overloaded. Please try again later.]", "TypeError: fetch failed",
        "Error: socket hang up", "connect ECONNREFUSED 127.0.0.1:9"}) {
    INFO(text);
    auto c = classify_error(text, k_now);
    CHECK(c.outcome == Outcome::transient);
    CHECK_FALSE(c.reset_at_ms.has_value());
  }
}

TEST_CASE("outcome: rate and usage limits, with the reset time when the text gives one") {
  auto c = classify_error("Claude AI usage limit reached|1767225600", k_now);
  CHECK(c.outcome == Outcome::usage_limit);
  CHECK(c.reset_at_ms == std::optional<std::int64_t>(1767225600000));
  c = classify_error("Rate limit reached for gpt-5 on tokens per min. Please try again in 1.5s.", k_now);
  CHECK(c.outcome == Outcome::usage_limit);
  CHECK(c.reset_at_ms == std::optional<std::int64_t>(k_now + 1500));
  c = classify_error("You've hit your usage limit. resets at 2026-01-01T10:00:00Z", k_now);
  CHECK(c.outcome == Outcome::usage_limit);
  CHECK(c.reset_at_ms == std::optional<std::int64_t>(1767261600000));
  c = classify_error("[API Error: 429 RESOURCE_EXHAUSTED quota exceeded]", k_now);
  CHECK(c.outcome == Outcome::usage_limit);
  CHECK_FALSE(c.reset_at_ms.has_value());
  c = classify_error("API Error: Request rejected (429) \xC2\xB7 too many requests; try again in 2 minutes", k_now);
  CHECK(c.reset_at_ms == std::optional<std::int64_t>(k_now + 120000));
}

TEST_CASE("outcome: auth and bad flags mean the agent cannot start, prompt too long and empty text are fatal") {
  for (const char* text : {"Invalid API key \xC2\xB7 Please run /login", "error: unknown option '--frobnicate'",
                           "unexpected status 401 Unauthorized", "Not logged in \xC2\xB7 Please run /login",
                           "error: unexpected argument '--bogus' found",
                           R"(API Error: 401 {"type":"error","error":{"type":"authentication_error"}})"}) {
    INFO(text);
    CHECK(classify_error(text, k_now).outcome == Outcome::cannot_start);
  }
  for (const char* text : {"Prompt is too long", "segmentation fault", ""}) {
    INFO(text);
    CHECK(classify_error(text, k_now).outcome == Outcome::fatal);
  }
}
