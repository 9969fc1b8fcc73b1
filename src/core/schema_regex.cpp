// See schema_regex.hpp. The simple subset, matched without std::regex: `^` ATOM* `$` where ATOM is a printable
// ASCII literal, an escaped punctuation character, `\d`, `\w`, or a bracket class of those (ranges and `^`
// negation allowed), each optionally followed by `*`, `+`, `?`, `{n}`, `{n,}` or `{n,m}`. Matching is
// backtracking over the counts, which gives the same answer as std::regex for a whole-string match.

#include "core/schema_regex.hpp"

#include <limits>

namespace simmer::schema::detail {
namespace {

constexpr std::size_t k_unbounded = std::numeric_limits<std::size_t>::max();

bool is_punctuation(char c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

bool is_literal(char c) {
  static constexpr std::string_view k_special = "^$\\.*+?()[]{}|/";
  return c >= 0x20 && c <= 0x7E && k_special.find(c) == std::string_view::npos;
}

void add_range(std::bitset<256>& bytes, unsigned char from, unsigned char to) {
  for (unsigned c = from; c <= to; ++c) {
    bytes.set(c);
  }
}

// `\d` and `\w` into `bytes`; false for any other escape that is not plain punctuation.
bool add_escape(std::bitset<256>& bytes, char c) {
  if (c == 'd') {
    add_range(bytes, '0', '9');
  } else if (c == 'w') {
    add_range(bytes, '0', '9');
    add_range(bytes, 'a', 'z');
    add_range(bytes, 'A', 'Z');
    bytes.set('_');
  } else if (is_punctuation(c)) {
    bytes.set(static_cast<unsigned char>(c));
  } else {
    return false;
  }
  return true;
}

bool read_number(const std::string& s, std::size_t& i, std::size_t& out) {
  std::size_t start = i;
  out = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 6) {
    out = out * 10 + static_cast<std::size_t>(s[i] - '0');
    ++i;
  }
  return i > start && (i >= s.size() || s[i] < '0' || s[i] > '9');
}

}  // namespace

Regex::Regex(const std::string& source) : m_regex(source, std::regex::ECMAScript), m_simple(parse_simple(source)) {}

std::optional<std::vector<Regex::Atom>> Regex::parse_simple(const std::string& s) {
  if (s.size() < 2 || s.front() != '^' || s.back() != '$' || (s.size() >= 3 && s[s.size() - 2] == '\\')) {
    return std::nullopt;
  }
  std::vector<Atom> atoms;
  std::size_t i = 1;
  const std::size_t end = s.size() - 1;
  while (i < end) {
    Atom atom;
    char c = s[i];
    if (c == '\\') {
      if (i + 1 >= end || !add_escape(atom.bytes, s[i + 1])) {
        return std::nullopt;
      }
      i += 2;
    } else if (c == '[') {
      ++i;
      bool negate = i < end && s[i] == '^';
      if (negate) {
        ++i;
      }
      if (i < end && s[i] == ']') {
        return std::nullopt;  // "[]" and "[]a]" differ between dialects: leave them to std::regex
      }
      while (i < end && s[i] != ']') {
        unsigned char from = 0;
        if (s[i] == '\\') {
          if (i + 1 >= end) {
            return std::nullopt;
          }
          if (s[i + 1] == 'd' || s[i + 1] == 'w') {
            add_escape(atom.bytes, s[i + 1]);
            i += 2;
            continue;
          }
          if (!is_punctuation(s[i + 1])) {
            return std::nullopt;
          }
          from = static_cast<unsigned char>(s[i + 1]);
          i += 2;
        } else if (s[i] >= 0x20 && s[i] <= 0x7E && s[i] != '[') {
          from = static_cast<unsigned char>(s[i]);
          ++i;
        } else {
          return std::nullopt;
        }
        if (i + 1 < end && s[i] == '-' && s[i + 1] != ']') {
          char to = s[i + 1];
          if (to == '\\' || to == '[' || to < 0x20 || to > 0x7E || static_cast<unsigned char>(to) < from) {
            return std::nullopt;
          }
          add_range(atom.bytes, from, static_cast<unsigned char>(to));
          i += 2;
        } else {
          atom.bytes.set(from);
        }
      }
      if (i >= end) {
        return std::nullopt;
      }
      ++i;  // ']'
      if (negate) {
        atom.bytes.flip();
      }
    } else if (is_literal(c)) {
      atom.bytes.set(static_cast<unsigned char>(c));
      ++i;
    } else {
      return std::nullopt;
    }
    if (i < end) {
      char q = s[i];
      if (q == '*' || q == '+' || q == '?') {
        atom.min = q == '+' ? 1 : 0;
        atom.max = q == '?' ? 1 : k_unbounded;
        ++i;
      } else if (q == '{') {
        ++i;
        if (!read_number(s, i, atom.min)) {
          return std::nullopt;
        }
        atom.max = atom.min;
        if (i < end && s[i] == ',') {
          ++i;
          atom.max = k_unbounded;
          if (i < end && s[i] != '}' && (!read_number(s, i, atom.max) || atom.max < atom.min)) {
            return std::nullopt;
          }
        }
        if (i >= end || s[i] != '}') {
          return std::nullopt;
        }
        ++i;
      }
      if (i < end && (s[i] == '?' || s[i] == '*' || s[i] == '+' || s[i] == '{')) {
        return std::nullopt;  // lazy or stacked quantifiers
      }
    }
    atoms.push_back(atom);
  }
  return atoms;
}

bool Regex::match_from(std::size_t index, std::string_view text, std::size_t pos) const {
  const auto& atoms = *m_simple;
  if (index == atoms.size()) {
    return pos == text.size();
  }
  const Atom& atom = atoms[index];
  std::size_t count = 0;
  while (count < atom.max && pos + count < text.size() &&
         atom.bytes.test(static_cast<unsigned char>(text[pos + count]))) {
    ++count;
  }
  if (count < atom.min) {
    return false;
  }
  for (std::size_t taken = count + 1; taken-- > atom.min;) {
    if (match_from(index + 1, text, pos + taken)) {
      return true;
    }
  }
  return false;
}

bool Regex::search(std::string_view text) const {
  if (m_simple) {
    return match_from(0, text, 0);
  }
  return std::regex_search(text.begin(), text.end(), m_regex);
}

}  // namespace simmer::schema::detail
