// Implementation notes: a single-pass recursive-descent parser over bytes. Recursion depth is bounded by
// k_max_json_depth (checked before descending), so hostile nesting costs at most 512 frames. The text is first
// checked to be UTF-8 as a whole, so the string scanner can copy bytes through. Messages follow one shape,
// "expected <what>, found <what>", with source text quoted in single quotes (JSON strings use double quotes).

#include "core/jsonc.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <utility>
#include <vector>

namespace simmer::core {
namespace {

// Offset of the first byte that breaks UTF-8 well-formedness (no overlongs, no surrogates, <= U+10FFFF), or
// npos when the text is valid.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) {
        lo = 0xA0;
      } else if (c == 0xED) {
        hi = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) {
        lo = 0x90;
      } else if (c == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return i;
    }
    if (i + len > n) {
      return i;
    }
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned char min = (k == 1) ? lo : 0x80;
      const unsigned char max = (k == 1) ? hi : 0xBF;
      if (b < min || b > max) {
        return i;
      }
    }
    i += len;
  }
  return std::string_view::npos;
}

struct Failed {
  std::size_t offset;
  std::string message;
};

class Parser {
public:
  Parser(std::string_view text, JsonDialect dialect) : m_text(text), m_dialect(dialect) {}

  nlohmann::json parse_document() {
    skip_space();
    if (at_end()) {
      fail(m_pos, "expected a JSON value, found end of file");
    }
    nlohmann::json value = parse_value(0);
    skip_space();
    if (!at_end()) {
      fail(m_pos, fmt::format("expected end of file after the JSON value, found {}", describe(m_pos)));
    }
    return value;
  }

private:
  std::string_view m_text;
  JsonDialect m_dialect;
  std::size_t m_pos = 0;

  [[noreturn]] static void fail(std::size_t offset, std::string message) { throw Failed{offset, std::move(message)}; }

  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return m_text[m_pos]; }

  // What sits at `offset`, as a person reads it: 'x', a word 'True', a byte 0x01, or end of file.
  std::string describe(std::size_t offset) const {
    if (offset >= m_text.size()) {
      return "end of file";
    }
    const auto c = static_cast<unsigned char>(m_text[offset]);
    if (std::isalpha(c) != 0) {
      std::size_t end = offset;
      while (end < m_text.size() && end - offset < 32 &&
             (std::isalnum(static_cast<unsigned char>(m_text[end])) != 0 || m_text[end] == '_')) {
        ++end;
      }
      return fmt::format("'{}'", m_text.substr(offset, end - offset));
    }
    if (c == '\'') {
      return "a single quote (JSON strings take double quotes)";
    }
    if (c >= 0x21 && c < 0x7F) {
      return fmt::format("'{}'", static_cast<char>(c));
    }
    if (c == '\n') {
      return "end of line";
    }
    if (c >= 0x80) {
      // Valid UTF-8 (checked up front): show the whole character.
      std::size_t end = offset + 1;
      while (end < m_text.size() && (static_cast<unsigned char>(m_text[end]) & 0xC0) == 0x80) {
        ++end;
      }
      return fmt::format("'{}'", m_text.substr(offset, end - offset));
    }
    return fmt::format("byte 0x{:02x}", c);
  }

  void skip_space() {
    while (!at_end()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++m_pos;
      } else if (c == '/' && m_dialect == JsonDialect::jsonc && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '/') {
        while (!at_end() && peek() != '\n') {
          ++m_pos;
        }
      } else if (c == '/' && m_dialect == JsonDialect::jsonc && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '*') {
        const std::size_t close = m_text.find("*/", m_pos + 2);
        if (close == std::string_view::npos) {
          fail(m_pos, "unterminated /* comment");
        }
        m_pos = close + 2;
      } else {
        return;
      }
    }
  }

  nlohmann::json parse_value(std::size_t depth) {
    const char c = peek();
    if (c == '{' || c == '[') {
      if (depth + 1 > k_max_json_depth) {
        fail(m_pos, fmt::format("nesting deeper than {} levels", k_max_json_depth));
      }
      return c == '{' ? parse_object(depth + 1) : parse_array(depth + 1);
    }
    if (c == '"') {
      return parse_string();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return parse_number();
    }
    for (const char* literal : {"true", "false", "null"}) {
      const std::string_view word(literal);
      if (m_text.substr(m_pos, word.size()) == word) {
        const std::size_t end = m_pos + word.size();
        const bool glued = end < m_text.size() && std::isalnum(static_cast<unsigned char>(m_text[end])) != 0;
        if (!glued) {
          m_pos = end;
          if (word == "true") {
            return true;
          }
          if (word == "false") {
            return false;
          }
          return nullptr;
        }
      }
    }
    fail(m_pos, fmt::format("expected a JSON value, found {}", describe(m_pos)));
  }

  nlohmann::json parse_object(std::size_t depth) {
    nlohmann::json object = nlohmann::json::object();
    std::set<std::string, std::less<>> keys;
    ++m_pos;  // '{'
    skip_space();
    if (!at_end() && peek() == '}') {
      ++m_pos;
      return object;
    }
    while (true) {
      if (at_end() || peek() != '"') {
        fail(m_pos, fmt::format("expected a string key, found {}", describe(m_pos)));
      }
      const std::size_t key_offset = m_pos;
      std::string key = parse_string_raw();
      if (!keys.insert(key).second) {
        fail(key_offset, fmt::format("duplicate key \"{}\"", key));
      }
      skip_space();
      if (at_end() || peek() != ':') {
        fail(m_pos, fmt::format("expected ':' after the key \"{}\", found {}", key, describe(m_pos)));
      }
      ++m_pos;
      skip_space();
      if (at_end()) {
        fail(m_pos, "expected a JSON value, found end of file");
      }
      object[key] = parse_value(depth);
      skip_space();
      if (!at_end() && peek() == ',') {
        ++m_pos;
        skip_space();
        if (m_dialect == JsonDialect::jsonc && !at_end() && peek() == '}') {
          ++m_pos;
          return object;
        }
        continue;
      }
      if (!at_end() && peek() == '}') {
        ++m_pos;
        return object;
      }
      fail(m_pos, fmt::format("expected ',' or '}}' after an object member, found {}", describe(m_pos)));
    }
  }

  nlohmann::json parse_array(std::size_t depth) {
    nlohmann::json array = nlohmann::json::array();
    ++m_pos;  // '['
    skip_space();
    if (!at_end() && peek() == ']') {
      ++m_pos;
      return array;
    }
    while (true) {
      if (at_end()) {
        fail(m_pos, "expected a JSON value, found end of file");
      }
      array.push_back(parse_value(depth));
      skip_space();
      if (!at_end() && peek() == ',') {
        ++m_pos;
        skip_space();
        if (m_dialect == JsonDialect::jsonc && !at_end() && peek() == ']') {
          ++m_pos;
          return array;
        }
        continue;
      }
      if (!at_end() && peek() == ']') {
        ++m_pos;
        return array;
      }
      fail(m_pos, fmt::format("expected ',' or ']' after an array element, found {}", describe(m_pos)));
    }
  }

  unsigned read_hex4(std::size_t escape_offset) {
    if (m_pos + 4 > m_text.size()) {
      fail(escape_offset, "invalid \\u escape: expected 4 hex digits");
    }
    unsigned value = 0;
    const auto digits = m_text.substr(m_pos, 4);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + 4, value, 16);
    if (ec != std::errc() || end != digits.data() + 4) {
      fail(escape_offset, "invalid \\u escape: expected 4 hex digits");
    }
    m_pos += 4;
    return value;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  nlohmann::json parse_string() { return parse_string_raw(); }

  std::string parse_string_raw() {
    const std::size_t start = m_pos;
    ++m_pos;  // '"'
    std::string out;
    while (true) {
      if (at_end()) {
        fail(start, "unterminated string");
      }
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++m_pos;
        return out;
      }
      if (c < 0x20) {
        if (c == '\n') {
          fail(start, "unterminated string");
        }
        fail(m_pos, fmt::format("unescaped control character 0x{:02x} in a string", c));
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++m_pos;
        continue;
      }
      const std::size_t escape = m_pos;
      ++m_pos;
      if (at_end()) {
        fail(start, "unterminated string");
      }
      const char e = peek();
      ++m_pos;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = read_hex4(escape);
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (m_text.substr(m_pos, 2) != "\\u") {
              fail(escape, fmt::format("invalid \\u escape: lone surrogate \\u{:04X}", cp));
            }
            m_pos += 2;
            const unsigned low = read_hex4(escape);
            if (low < 0xDC00 || low > 0xDFFF) {
              fail(escape, fmt::format("invalid \\u escape: lone surrogate \\u{:04X}", cp));
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail(escape, fmt::format("invalid \\u escape: lone surrogate \\u{:04X}", cp));
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail(escape, fmt::format("invalid escape {} in a string", describe_escape(escape)));
      }
    }
  }

  std::string describe_escape(std::size_t escape) const {
    const auto c = static_cast<unsigned char>(m_text[escape + 1]);
    if (c >= 0x21 && c < 0x7F) {
      return fmt::format("'\\{}'", static_cast<char>(c));
    }
    return fmt::format("'\\' followed by byte 0x{:02x}", c);
  }

  nlohmann::json parse_number() {
    const std::size_t start = m_pos;
    // The token as a person sees it, for messages: every byte that could belong to a number.
    std::size_t token_end = start;
    while (token_end < m_text.size() &&
           std::string_view("0123456789+-.eE").find(m_text[token_end]) != std::string_view::npos) {
      ++token_end;
    }
    const std::string_view token = m_text.substr(start, token_end - start);
    auto invalid = [&]() { fail(start, fmt::format("invalid number '{}'", token)); };

    std::size_t i = start;
    auto digit_at = [&](std::size_t k) { return k < m_text.size() && m_text[k] >= '0' && m_text[k] <= '9'; };
    if (m_text[i] == '-') {
      ++i;
    }
    if (!digit_at(i)) {
      invalid();
    }
    if (m_text[i] == '0') {
      ++i;
      if (digit_at(i)) {
        invalid();
      }
    } else {
      while (digit_at(i)) {
        ++i;
      }
    }
    bool integral = true;
    if (i < m_text.size() && m_text[i] == '.') {
      integral = false;
      ++i;
      if (!digit_at(i)) {
        invalid();
      }
      while (digit_at(i)) {
        ++i;
      }
    }
    if (i < m_text.size() && (m_text[i] == 'e' || m_text[i] == 'E')) {
      integral = false;
      ++i;
      if (i < m_text.size() && (m_text[i] == '+' || m_text[i] == '-')) {
        ++i;
      }
      if (!digit_at(i)) {
        invalid();
      }
      while (digit_at(i)) {
        ++i;
      }
    }
    if (i != token_end) {
      invalid();
    }
    const std::string_view number = m_text.substr(start, i - start);
    m_pos = i;
    if (integral) {
      if (number[0] == '-') {
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
        if (ec == std::errc() && end == number.data() + number.size()) {
          return value;
        }
      } else {
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
        if (ec == std::errc() && end == number.data() + number.size()) {
          return value;
        }
      }
      fail(start, fmt::format("integer {} does not fit in 64 bits", number));
    }
    // strtod, not from_chars: it tells overflow (inf) from underflow (rounds to 0), and the C locale is in force.
    const std::string copy(number);
    errno = 0;
    const double value = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(value)) {
      fail(start, fmt::format("number {} is out of range", number));
    }
    return value;
  }
};

}  // namespace

ParseOutcome parse_json(std::string_view text, JsonDialect dialect) {
  ParseOutcome outcome;
  auto locate = [&](std::size_t offset, std::string message) {
    ParseError error;
    error.message = std::move(message);
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++error.line;
        error.column = 1;
      } else {
        ++error.column;
      }
    }
    outcome.error = std::move(error);
    return outcome;
  };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    return locate(0, "byte order mark (U+FEFF) at the start of the file; save it as UTF-8 without a BOM");
  }
  const std::size_t bad = first_invalid_utf8(text);
  if (bad != std::string_view::npos) {
    return locate(bad, fmt::format("invalid UTF-8 (byte 0x{:02x})", static_cast<unsigned char>(text[bad])));
  }
  try {
    Parser parser(text, dialect);
    outcome.value = parser.parse_document();
    outcome.ok = true;
    return outcome;
  } catch (const Failed& failed) {
    return locate(failed.offset, failed.message);
  }
}

bool nested_deeper_than(const nlohmann::json& value, std::size_t max_depth) {
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending{{&value, 0}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) {
      continue;
    }
    if (depth + 1 > max_depth) {
      return true;
    }
    for (const auto& child : *node) {
      pending.emplace_back(&child, depth + 1);
    }
  }
  return false;
}

}  // namespace simmer::core
