// The price table: lookup by exact id and longest prefix, overrides first, cost arithmetic, simmer.json parsing.
#include "agents/pricing.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace simmer::agents;

TEST_CASE("pricing: exact id, then the longest prefix, overrides before the built-in table") {
  PriceTable overrides = {{"gpt-5-codex", {2.0, 20.0, 0.2, 0.0}}};
  auto price = find_price(overrides, "gpt-5-codex");
  REQUIRE(price);
  CHECK(price->input == 2.0);
  price = find_price({}, "gpt-5-codex");
  REQUIRE(price);
  CHECK(price->input == 1.25);  // "gpt-5"
  price = find_price({}, "gpt-5-mini-2025-08-07");
  REQUIRE(price);
  CHECK(price->input == 0.25);  // "gpt-5-mini" is longer than "gpt-5"
  price = find_price({}, "claude-opus-4-8");
  REQUIRE(price);
  CHECK(price->output == 25.0);
  price = find_price({}, "gemini-2.5-flash-lite");
  REQUIRE(price);
  CHECK(price->input == 0.10);
  CHECK_FALSE(find_price({}, "my-local-llama"));
  CHECK_FALSE(find_price({}, ""));
}

TEST_CASE("pricing: cost is tokens times price per million") {
  Tokens t;
  t.input = 1900;
  t.output = 60;
  t.cache_read = 600;
  ModelPrice p{1.25, 10.0, 0.125, 0.0};
  CHECK(cost_usd(p, t) == Approx((1900 * 1.25 + 60 * 10.0 + 600 * 0.125) / 1e6));
  CHECK(cost_usd(p, Tokens{}) == 0.0);
}

TEST_CASE("pricing: simmer.json pricing parses, and a bad entry names its pointer") {
  auto table = parse_pricing(nlohmann::json::parse(R"({"m1":{"input":1,"output":2,"cacheRead":0.5}})"));
  REQUIRE(table.ok());
  CHECK(table->at("m1").cache_read == 0.5);
  CHECK(table->at("m1").cache_write == 0.0);
  CHECK(parse_pricing(nullptr)->empty());
  auto bad = parse_pricing(nlohmann::json::parse(R"({"m1":{"input":"x"}})"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().message ==
        "pricing (simmer.json#/pricing/m1/input): expected a non-negative number, found \"x\"");
}
