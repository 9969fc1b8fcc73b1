#pragma once
// String helpers for messages: "did you mean" suggestions, trimming, line splitting, UTF-8 checks and safe
// truncation, one-line previews. All work on bytes (std::string_view) and never throw.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::util {

// Optimal-string-alignment distance between `a` and `b`: insertions, deletions, substitutions and transpositions
// of adjacent bytes each cost 1 ("timeuot" -> "timeout" is 1). Case-sensitive. An empty side gives the other's
// length.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` by edit_distance, for "did you mean". Only a close one counts: distance at most
// max(1, |word| / 3), compared case-insensitively; ties go to the earlier candidate. nullopt when `word` is
// empty, no candidate is close, or `word` itself is a candidate.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// `s` without leading and trailing ASCII whitespace (space, \t, \n, \r, \f, \v).
std::string_view trim(std::string_view s);

// The lines of `s`, split at "\n" with a "\r" before it dropped. A final newline does not start an empty last
// line ("a\nb\n" -> {"a", "b"}); an empty string gives no lines. Views point into `s`.
std::vector<std::string_view> split_lines(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool utf8_valid(std::string_view s);

// The byte offset of the first byte of `s` that does not start a well-formed UTF-8 sequence (as utf8_valid
// judges), or std::string_view::npos when `s` is valid. For messages that name where the bad byte is.
std::size_t utf8_error_offset(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that does not cut a UTF-8 sequence in two.
std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

// A one-line preview of `s` for tables and events: runs of whitespace (newlines included) become one space, the
// ends are trimmed, invalid UTF-8 bytes become U+FFFD, and if more than `max_chars` code points remain, the
// first `max_chars - 1` are kept and "…" appended (so the result has at most `max_chars` code points).
// max_chars 0 gives "".
std::string preview(std::string_view s, std::size_t max_chars);

}  // namespace simmer::util
