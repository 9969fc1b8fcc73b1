#pragma once
// A strict JSON parser with an opt-in JSONC mode, written for contract files that people and agents edit.
// Why not nlohmann::json::parse: we need exact, stable messages with line and column, a nesting limit checked while
// parsing (10,000-deep input must fail cleanly, not exhaust the stack later), duplicate keys refused, and numbers
// that do not fit refused instead of silently rounded.

#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace simmer::core {

enum class JsonDialect {
  strict,  // RFC 8259 JSON
  jsonc,   // plus // and /* */ comments and trailing commas (comment markers inside strings are text)
};

// Where and why a parse failed. line/column are 1-based; column counts bytes.
struct ParseError {
  int line = 1;
  int column = 1;
  std::string message;  // e.g. "expected ',' or '}' after an object member, found '\"'"
};

// The deepest nesting of arrays/objects accepted.
inline constexpr std::size_t k_max_json_depth = 512;

// Parses one JSON value filling the whole text (surrounding whitespace allowed). Refused: a byte order mark,
// invalid UTF-8 (also inside strings), control characters in strings, lone surrogates in \u escapes, duplicate
// object keys, nesting deeper than k_max_json_depth, integers outside int64/uint64, numbers outside double's range,
// and an empty text. Integers stay integers; other numbers become doubles.
struct ParseOutcome {
  bool ok = false;
  nlohmann::json value;
  ParseError error;
};
ParseOutcome parse_json(std::string_view text, JsonDialect dialect = JsonDialect::strict);

// Whether `value` nests arrays/objects deeper than `max_depth` levels (a scalar is 0 levels, `[]` is 1). For a
// value that another parser built (nlohmann's own accepts any depth): dump() and comparisons recurse once per
// level, so a value 100,000 levels deep overflows the stack there. Iterative, so it cannot overflow itself.
bool nested_deeper_than(const nlohmann::json& value, std::size_t max_depth);

}  // namespace simmer::core
