#include "core/jsonc.hpp"

#include <catch2/catch.hpp>

#include <string>

using simmer::core::JsonDialect;
using simmer::core::parse_json;

namespace {

// "<line>:<col>: <message>" of a text that must fail, for exact comparisons.
std::string failure(const std::string& text, JsonDialect dialect = JsonDialect::strict) {
  const auto outcome = parse_json(text, dialect);
  REQUIRE_FALSE(outcome.ok);
  return std::to_string(outcome.error.line) + ":" + std::to_string(outcome.error.column) + ": " + outcome.error.message;
}

}  // namespace

TEST_CASE("jsonc: strict JSON values parse with their types", "[jsonc]") {
  const auto outcome = parse_json(R"({"a": [1, -2, 3.5, true, false, null, "x\u00e9\ud83d\ude00"], "b": {}})");
  REQUIRE(outcome.ok);
  const auto& v = outcome.value;
  CHECK(v["a"][0].is_number_unsigned());
  CHECK(v["a"][1].get<long>() == -2);
  CHECK(v["a"][2].is_number_float());
  CHECK(v["a"][6].get<std::string>() == "x\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(v["b"].is_object());
}

TEST_CASE("jsonc: comments and trailing commas only in the jsonc dialect", "[jsonc]") {
  const std::string text = "// head\n{\"a\": \"// kept /* too */\", /* c */ \"b\": [1, 2,],}\n";
  const auto outcome = parse_json(text, JsonDialect::jsonc);
  REQUIRE(outcome.ok);
  CHECK(outcome.value["a"] == "// kept /* too */");
  CHECK(outcome.value["b"].size() == 2);
  CHECK(failure(text) == "1:1: expected a JSON value, found '/'");
  CHECK(failure("{\"a\": 1,}") == "1:9: expected a string key, found '}'");
  CHECK(failure("{\"a\": 1 /* open", JsonDialect::jsonc) == "1:9: unterminated /* comment");
  CHECK(failure("[,]", JsonDialect::jsonc) == "1:2: expected a JSON value, found ','");
}

TEST_CASE("jsonc: syntax errors give line, column and what was found", "[jsonc]") {
  CHECK(failure("") == "1:1: expected a JSON value, found end of file");
  CHECK(failure("  \n ") == "2:2: expected a JSON value, found end of file");
  CHECK(failure("{\"a\" 1}") == "1:6: expected ':' after the key \"a\", found '1'");
  CHECK(failure("{\"a\": 1\n \"b\": 2}") == "2:2: expected ',' or '}' after an object member, found '\"'");
  CHECK(failure("[1 2]") == "1:4: expected ',' or ']' after an array element, found '2'");
  CHECK(failure("{\"a\": True}") == "1:7: expected a JSON value, found 'True'");
  CHECK(failure("{\"a\": tru}") == "1:7: expected a JSON value, found 'tru'");
  CHECK(failure("[1] x") == "1:5: expected end of file after the JSON value, found 'x'");
  CHECK(failure("{\"a\": 1, \"a\": 2}") == "1:10: duplicate key \"a\"");
  CHECK(failure("\"abc") == "1:1: unterminated string");
  CHECK(failure("\"a\tb\"") == "1:3: unescaped control character 0x09 in a string");
  CHECK(failure("\"\\x\"") == "1:2: invalid escape '\\x' in a string");
  CHECK(failure("\"\\ud800\"") == "1:2: invalid \\u escape: lone surrogate \\uD800");
  CHECK(failure("\"\\u12g4\"") == "1:2: invalid \\u escape: expected 4 hex digits");
  CHECK(failure("\x01") == "1:1: expected a JSON value, found byte 0x01");
}

TEST_CASE("jsonc: numbers that do not fit are refused, not rounded", "[jsonc]") {
  CHECK(parse_json("18446744073709551615").value.get<unsigned long long>() == 18446744073709551615ULL);
  CHECK(parse_json("-9223372036854775808").value.get<long long>() == INT64_MIN);
  CHECK(failure("18446744073709551617") == "1:1: integer 18446744073709551617 does not fit in 64 bits");
  CHECK(failure("-9223372036854775809") == "1:1: integer -9223372036854775809 does not fit in 64 bits");
  CHECK(failure("[1e400]") == "1:2: number 1e400 is out of range");
  CHECK(parse_json("1e-400").value.get<double>() == 0.0);
  CHECK(failure("01") == "1:1: invalid number '01'");
  CHECK(failure("1.") == "1:1: invalid number '1.'");
  CHECK(failure("-") == "1:1: invalid number '-'");
  CHECK(failure("1e+") == "1:1: invalid number '1e+'");
}

TEST_CASE("jsonc: encoding problems are refused with the offending byte", "[jsonc]") {
  CHECK(failure("\xEF\xBB\xBF{}") ==
        "1:1: byte order mark (U+FEFF) at the start of the file; save it as UTF-8 without a BOM");
  CHECK(failure("{\"a\": \"\xC3\x28\"}") == "1:8: invalid UTF-8 (byte 0xc3)");
  CHECK(failure("\"\xED\xA0\x80\"") == "1:2: invalid UTF-8 (byte 0xed)");  // an encoded surrogate
  CHECK(failure("\"\xC0\xAF\"") == "1:2: invalid UTF-8 (byte 0xc0)");      // overlong
}

TEST_CASE("jsonc: nesting is limited while parsing, so deep input cannot exhaust the stack", "[jsonc]") {
  const std::size_t limit = simmer::core::k_max_json_depth;
  const std::string ok = std::string(limit, '[') + std::string(limit, ']');
  CHECK(parse_json(ok).ok);
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  CHECK(failure(deep) == "1:513: nesting deeper than 512 levels");
  const std::string objects = [] {
    std::string s;
    for (int i = 0; i < 10000; ++i) {
      s += "{\"a\":";
    }
    return s;
  }();
  CHECK(failure(objects) == "1:2561: nesting deeper than 512 levels");
}

TEST_CASE("jsonc: nested_deeper_than counts levels without recursing", "[jsonc]") {
  using simmer::core::nested_deeper_than;
  CHECK_FALSE(nested_deeper_than(nlohmann::json(1), 0));
  CHECK(nested_deeper_than(nlohmann::json::array(), 0));
  CHECK_FALSE(nested_deeper_than(nlohmann::json::parse("[[1],{\"a\":[2]}]"), 3));
  CHECK(nested_deeper_than(nlohmann::json::parse("[[1],{\"a\":[2]}]"), 2));
  // Deeper than any stack would take recursively: nlohmann's parser builds it, the check must not overflow.
  const std::size_t deep = 200000;
  const auto value = nlohmann::json::parse(std::string(deep, '[') + std::string(deep, ']'));
  CHECK(nested_deeper_than(value, simmer::core::k_max_json_depth));
  CHECK_FALSE(nested_deeper_than(value, deep));
}
