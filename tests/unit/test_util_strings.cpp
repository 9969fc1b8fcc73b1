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

TEST_CASE("strings: terminal_line removes escape sequences and control characters") {
  using simmer::util::terminal_line;
  // CSI (clear screen, cursor moves, colors), OSC (window title, ended by BEL or by ESC \), DCS, two-byte ESC.
  CHECK(terminal_line("a\x1b[2J\x1b[1;1Hb\x1b[31mc\x1b[0m", 100) == "abc");
  CHECK(terminal_line("x\x1b]0;pwned\x07y\x1b]2;t\x1b\\z", 100) == "xyz");
  CHECK(terminal_line("p\x1bPq#0;2;0;0;0\x1b\\q\x1b"
                      "7r\x1b"
                      "8",
                      100) == "pqr");
  // An unfinished sequence at the end swallows the rest rather than reaching the terminal half-parsed.
  CHECK(terminal_line("ok\x1b[", 100) == "ok");
  CHECK(terminal_line("ok\x1b]0;never ended", 100) == "ok");
  CHECK(terminal_line("ok\x1b", 100) == "ok");
  // C0 controls, DEL, C1 controls (U+009B is an 8-bit CSI) and bidi overrides go; a tab is a space.
  CHECK(terminal_line(std::string("a\rb\bc\x07"
                                  "d\x7f"
                                  "e\0f",
                                  11),
                      100) == "abcdef");
  CHECK(terminal_line("a\xc2\x9b"
                      "2Jb",
                      100) == "a2Jb");
  CHECK(terminal_line("a\xe2\x80\xae"
                      "evil\xe2\x81\xa9"
                      "z",
                      100) == "aevilz");
  CHECK(terminal_line("a\tb", 100) == "a b");
  CHECK(terminal_line("a\nb", 100) == "ab");
  // Text that is fine stays as it is, UTF-8 included.
  CHECK(terminal_line("caf\xc3\xa9 \xe2\x9c\x93 [ok]", 100) == "caf\xc3\xa9 \xe2\x9c\x93 [ok]");
  CHECK(terminal_line("", 100).empty());
}

TEST_CASE("strings: terminal_line replaces invalid UTF-8 and bounds the length") {
  using simmer::util::terminal_line;
  CHECK(terminal_line("a\xff"
                      "b\xc3",
                      100) ==
        "a\xef\xbf\xbd"
        "b\xef\xbf\xbd");
  CHECK(terminal_line("abcdef", 4) == "abcd\xe2\x80\xa6");
  CHECK(terminal_line("abcd", 4) == "abcd");
  // Never cuts a character in two: "é" is two bytes and does not fit after "abc" in 4.
  CHECK(terminal_line("abc\xc3\xa9", 4) == "abc\xe2\x80\xa6");
  const std::string huge(10 * 1024 * 1024, 'x');
  const std::string line = terminal_line(huge, 400);
  CHECK(line.size() == 403);
  // Every byte value in every position: the result never holds a control byte and is always valid UTF-8.
  for (int b = 0; b < 256; ++b) {
    for (const std::string& s : {std::string(1, static_cast<char>(b)) + "x", "x" + std::string(1, static_cast<char>(b)),
                                 "\x1b" + std::string(1, static_cast<char>(b)) + "x"}) {
      const std::string out = terminal_line(s, 100);
      CHECK(simmer::util::utf8_valid(out));
      for (unsigned char c : out) {
        CHECK((c >= 0x20 && c != 0x7f));
      }
    }
  }
}
