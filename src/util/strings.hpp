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

// `s` made safe to print as one line on a terminal, for text nobody vouches for (an agent's output): every
// escape sequence is removed whole (CSI `ESC [ … final`, OSC/DCS/SOS/PM/APC strings up to their BEL or `ESC \`,
// and two-byte `ESC x`), as are the other C0 controls, DEL, the C1 controls U+0080–U+009F and the bidirectional
// overrides U+202A–U+202E and U+2066–U+2069; a tab becomes one space. Invalid UTF-8 bytes become U+FFFD. If more
// than `max_bytes` bytes remain, the result is cut on a character boundary to at most `max_bytes` bytes and "…"
// appended. So nothing in the result can move the cursor, clear the screen, retitle the window or reorder the text
// around it. An empty `s` gives "".
std::string terminal_line(std::string_view s, std::size_t max_bytes);

}  // namespace simmer::util
