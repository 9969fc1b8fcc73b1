#include "util/strings.hpp"

#include <algorithm>
#include <cctype>

namespace simmer::util {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is not one (RFC 3629 table).
std::size_t utf8_sequence(std::string_view s) {
  if (s.empty()) {
    return 0;
  }
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c < 0x80) {
    return 1;
  }
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xbf) {
    return i < s.size() && b(i) >= lo && b(i) <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) {
    return cont(1) ? 2 : 0;
  }
  if (c == 0xe0) {
    return cont(1, 0xa0) && cont(2) ? 3 : 0;
  }
  if (c == 0xed) {  // excludes the surrogates U+D800..U+DFFF
    return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  }
  if (c >= 0xe1 && c <= 0xef) {
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c == 0xf0) {
    return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  }
  if (c >= 0xf1 && c <= 0xf3) {
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  if (c == 0xf4) {  // nothing above U+10FFFF
    return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows: the transposition step looks two rows back.
  std::vector<std::size_t> two_back(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    prev[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], two_back[j - 2] + 1);
      }
    }
    std::swap(two_back, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty()) {
    return std::nullopt;
  }
  std::string w = lower(word);
  std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    if (candidate == word) {
      return std::nullopt;
    }
    std::size_t d = edit_distance(w, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  while (!s.empty()) {
    auto nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    if (nl == std::string_view::npos) {
      break;
    }
    s.remove_prefix(nl + 1);
  }
  return lines;
}

bool utf8_valid(std::string_view s) { return utf8_error_offset(s) == std::string_view::npos; }

std::size_t utf8_error_offset(std::string_view s) {
  std::size_t at = 0;
  while (at < s.size()) {
    std::size_t n = utf8_sequence(s.substr(at));
    if (n == 0) {
      return at;
    }
    at += n;
  }
  return std::string_view::npos;
}

std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) {
    return std::string(s);
  }
  std::size_t end = max_bytes;
  // Back up over continuation bytes to the start of the sequence the cut falls in, then keep that sequence only
  // if it fits whole.
  std::size_t start = end;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80 && end - start < 4) {
    --start;
  }
  if (start < end) {
    std::size_t n = utf8_sequence(s.substr(start));
    if (n == 0 || start + n > end) {
      end = start;
    }
  }
  return std::string(s.substr(0, end));
}

std::string preview(std::string_view s, std::size_t max_chars) {
  if (max_chars == 0) {
    return "";
  }
  // Normalise first: one space per whitespace run, U+FFFD for bad bytes, counting code points as we go.
  std::string flat;
  std::vector<std::size_t> starts;  // byte offset in `flat` of each code point
  bool pending_space = false;
  s = trim(s);
  while (!s.empty()) {
    if (is_space(s.front())) {
      pending_space = true;
      s.remove_prefix(1);
      continue;
    }
    if (pending_space) {
      starts.push_back(flat.size());
      flat += ' ';
      pending_space = false;
    }
    starts.push_back(flat.size());
    std::size_t n = utf8_sequence(s);
    if (n == 0) {
      flat += "\xef\xbf\xbd";
      s.remove_prefix(1);
    } else {
      flat.append(s.substr(0, n));
      s.remove_prefix(n);
    }
  }
  if (starts.size() <= max_chars) {
    return flat;
  }
  std::string out = flat.substr(0, starts[max_chars - 1]);
  // No space right before the ellipsis: "a b…" reads better than "a b …".
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out + "\xe2\x80\xa6";
}

}  // namespace simmer::util

namespace simmer::util {

namespace {

// The byte length of the escape sequence that starts at s[0] == ESC (all of `s` when it is not finished).
std::size_t escape_length(std::string_view s) {
  if (s.size() < 2) {
    return s.size();
  }
  const char kind = s[1];
  if (kind == '[') {
    // CSI: parameter and intermediate bytes (0x20-0x3F), then one final byte (0x40-0x7E).
    std::size_t i = 2;
    while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 && static_cast<unsigned char>(s[i]) <= 0x3f) {
      ++i;
    }
    return i < s.size() ? i + 1 : i;
  }
  if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
    // A control string: up to BEL or the string terminator ESC \ (an unfinished one swallows the rest).
    for (std::size_t i = 2; i < s.size(); ++i) {
      if (s[i] == '\a') {
        return i + 1;
      }
      if (s[i] == '\x1b') {
        return i + 1 < s.size() && s[i + 1] == '\\' ? i + 2 : i;
      }
    }
    return s.size();
  }
  return 2;
}

bool is_hidden_code_point(std::string_view seq) {
  if (seq.size() == 2 && static_cast<unsigned char>(seq[0]) == 0xc2) {
    return static_cast<unsigned char>(seq[1]) <= 0x9f;  // C1 controls U+0080-U+009F
  }
  if (seq.size() == 3 && static_cast<unsigned char>(seq[0]) == 0xe2) {
    const auto b1 = static_cast<unsigned char>(seq[1]);
    const auto b2 = static_cast<unsigned char>(seq[2]);
    return (b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9);
  }
  return false;
}

}  // namespace

std::string terminal_line(std::string_view s, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes + 3));
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s.front());
    std::string_view piece;
    std::size_t consumed = 1;
    if (c == 0x1b) {
      consumed = escape_length(s);
    } else if (c == '\t') {
      piece = " ";
    } else if (c < 0x20 || c == 0x7f) {
      // Other C0 controls (a carriage return would let the text overwrite what came before it on the line).
    } else if (std::size_t n = utf8_sequence(s); n == 0) {
      piece = "\xef\xbf\xbd";
    } else {
      consumed = n;
      if (!is_hidden_code_point(s.substr(0, n))) {
        piece = s.substr(0, n);
      }
    }
    if (out.size() + piece.size() > max_bytes) {
      return out + "\xe2\x80\xa6";
    }
    out.append(piece);
    s.remove_prefix(consumed);
  }
  return out;
}

}  // namespace simmer::util
