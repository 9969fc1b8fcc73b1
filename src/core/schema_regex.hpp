#pragma once
// The regular expressions of `pattern` and `patternProperties`: ECMA-262 through std::regex, with a fast path.
//
// Most schema patterns are anchored runs of character classes (`^[A-Za-z][A-Za-z0-9_-]*$`). std::regex runs
// those through a general backtracking executor that dominates validation time; SimplePattern matches that
// subset directly with the same byte semantics, and anything outside it goes to std::regex.

#include <bitset>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::schema::detail {

class Regex {
public:
  // Compiles `source` (ECMAScript grammar). Throws std::regex_error when std::regex rejects it.
  explicit Regex(const std::string& source);
  Regex() = default;

  // True when the pattern matches somewhere in `text` (JSON Schema patterns are not implicitly anchored).
  bool search(std::string_view text) const;

private:
  struct Atom {
    std::bitset<256> bytes;
    std::size_t min = 1;
    std::size_t max = 1;
  };
  static std::optional<std::vector<Atom>> parse_simple(const std::string& source);
  bool match_from(std::size_t atom, std::string_view text, std::size_t pos) const;

  std::regex m_regex;
  std::optional<std::vector<Atom>> m_simple;  // set when the pattern is `^atoms$` of the simple subset
};

}  // namespace simmer::schema::detail
