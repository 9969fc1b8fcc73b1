#include <catch2/catch.hpp>

#include "util/strings.hpp"

namespace util = simmer::util;

TEST_CASE("strings: edit_distance counts edits and adjacent swaps") {
  CHECK(util::edit_distance("", "") == 0);
  CHECK(util::edit_distance("", "abc") == 3);
  CHECK(util::edit_distance("abc", "") == 3);
  CHECK(util::edit_distance("kitten", "sitting") == 3);
  CHECK(util::edit_distance("timeout", "timeuot") == 1);
  CHECK(util::edit_distance("ca", "abc") == 3);  // OSA, not full Damerau: no edit inside a transposed pair
  CHECK(util::edit_distance("model", "Model") == 1);
}

TEST_CASE("strings: nearest suggests only close candidates") {
  const std::vector<std::string> keys = {"agents", "timeouts", "budgets", "retries", "gates", "maxIterations"};
  CHECK(util::nearest("timeuots", keys) == std::optional<std::string>("timeouts"));
  CHECK(util::nearest("retrys", keys) == std::optional<std::string>("retries"));
  CHECK(util::nearest("maxiterations", keys) == std::optional<std::string>("maxIterations"));
  CHECK(util::nearest("gate", keys) == std::optional<std::string>("gates"));
  CHECK(!util::nearest("colour", keys));
  CHECK(!util::nearest("", keys));
  CHECK(!util::nearest("gates", keys));
  CHECK(!util::nearest("x", {}));
  // Ties go to the earlier candidate.
  CHECK(util::nearest("cat", {"bat", "hat"}) == std::optional<std::string>("bat"));
}

TEST_CASE("strings: trim and split_lines") {
  CHECK(util::trim("  a b \t\r\n") == "a b");
  CHECK(util::trim("") == "");
  CHECK(util::trim(" \n ") == "");
  using V = std::vector<std::string_view>;
  CHECK(util::split_lines("") == V{});
  CHECK(util::split_lines("a") == V{"a"});
  CHECK(util::split_lines("a\nb\n") == V{"a", "b"});
  CHECK(util::split_lines("a\r\n\nb") == V{"a", "", "b"});
  CHECK(util::split_lines("\n") == V{""});
}

TEST_CASE("strings: utf8_valid follows RFC 3629") {
  CHECK(util::utf8_valid(""));
  CHECK(util::utf8_valid("plain"));
  CHECK(util::utf8_valid("caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x8d\xb2"));
  CHECK(!util::utf8_valid("\xc3"));              // truncated
  CHECK(!util::utf8_valid("\xc0\xaf"));          // overlong "/"
  CHECK(!util::utf8_valid("\xe0\x80\xaf"));      // overlong
  CHECK(!util::utf8_valid("\xed\xa0\x80"));      // surrogate U+D800
  CHECK(!util::utf8_valid("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK(!util::utf8_valid("\xff"));
  CHECK(!util::utf8_valid("a\x80"));
}

TEST_CASE("strings: truncate_utf8 never splits a character") {
  const std::string s = "ab\xc3\xa9\xf0\x9f\x8d\xb2z";  // a b é 🍲 z: bytes 1 1 2 4 1
  CHECK(util::truncate_utf8(s, 100) == s);
  CHECK(util::truncate_utf8(s, 0) == "");
  CHECK(util::truncate_utf8(s, 2) == "ab");
  CHECK(util::truncate_utf8(s, 3) == "ab");
  CHECK(util::truncate_utf8(s, 4) == "ab\xc3\xa9");
  CHECK(util::truncate_utf8(s, 5) == "ab\xc3\xa9");
  CHECK(util::truncate_utf8(s, 7) == "ab\xc3\xa9");
  CHECK(util::truncate_utf8(s, 8) == "ab\xc3\xa9\xf0\x9f\x8d\xb2");
  for (std::size_t n = 0; n <= s.size(); ++n) {
    CHECK(util::utf8_valid(util::truncate_utf8(s, n)));
  }
}

TEST_CASE("strings: preview makes one short line") {
  CHECK(util::preview("  fix the\n\n login   page \n", 80) == "fix the login page");
  CHECK(util::preview("abcdef", 6) == "abcdef");
  CHECK(util::preview("abcdefg", 6) == "abcde\xe2\x80\xa6");
  CHECK(util::preview("ab cdefg", 4) == "ab\xe2\x80\xa6");  // no space before the ellipsis
  CHECK(util::preview("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\xc3\xa9\xe2\x80\xa6");
  CHECK(util::preview("a\xff"
                      "b",
                      10) ==
        "a\xef\xbf\xbd"
        "b");
  CHECK(util::preview("anything", 0) == "");
  CHECK(util::preview("", 5) == "");
  CHECK(util::preview("abc", 1) == "\xe2\x80\xa6");
}
