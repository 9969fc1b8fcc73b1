// Implementation notes: simdjson (DOM API, 3.x) reads the text into its tape; the strict rules of core::parse_json
// it does not enforce itself (duplicate keys) are checked on the tape afterwards. simdjson needs SIMDJSON_PADDING
// readable bytes after the text, so the text is copied into a reused padded buffer (cheaper than letting simdjson
// allocate a padded copy per document). The nesting limit is simdjson's max_depth, set to k_max_json_depth:
// both count the same way (512 nested arrays pass, 513 fail; see test_core_schema_fast.cpp).

#include "core/schema_fast.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "core/jsonc.hpp"

namespace simmer::schema {
namespace {

// Objects up to this many members are checked pairwise; larger ones through a sorted copy of their keys.
constexpr std::size_t k_pairwise_members = 16;
constexpr std::size_t k_initial_capacity = 64 * 1024;

}  // namespace

FastReader::FastReader() {
  // Capacity grows on demand (parse() keeps max_depth when it does); the depth must match the strict reader's.
  if (m_parser.allocate(k_initial_capacity, core::k_max_json_depth) != simdjson::SUCCESS) {
    throw std::bad_alloc();
  }
}

std::optional<simdjson::dom::element> FastReader::read(std::string_view text) {
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) {
    return std::nullopt;
  }
  const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  if (needed > m_buffer_size) {
    m_buffer_size = std::max(needed, 2 * m_buffer_size);
    m_buffer = std::make_unique<char[]>(m_buffer_size);
  }
  std::memcpy(m_buffer.get(), text.data(), text.size());
  std::memset(m_buffer.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  if (m_parser.parse(m_buffer.get(), text.size(), false).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  if (has_duplicate_keys(root)) {
    return std::nullopt;
  }
  return root;
}

bool FastReader::has_duplicate_keys(const simdjson::dom::element& value) {
  // Recursion is bounded by the parser's max_depth (512).
  if (value.type() == simdjson::dom::element_type::ARRAY) {
    simdjson::dom::array array;
    if (value.get(array) != simdjson::SUCCESS) {
      return false;
    }
    for (const simdjson::dom::element item : array) {
      if (has_duplicate_keys(item)) {
        return true;
      }
    }
    return false;
  }
  if (value.type() != simdjson::dom::element_type::OBJECT) {
    return false;
  }
  simdjson::dom::object object;
  if (value.get(object) != simdjson::SUCCESS) {
    return false;
  }
  const std::size_t count = object.size();
  if (count > 1 && count <= k_pairwise_members) {
    for (auto later = object.begin(); later != object.end(); ++later) {
      const std::string_view key = later.key();
      for (auto earlier = object.begin(); earlier != later; ++earlier) {
        if (earlier.key() == key) {
          return true;
        }
      }
    }
  } else if (count > k_pairwise_members) {
    m_keys.clear();
    for (const auto& member : object) {
      m_keys.push_back(member.key);
    }
    std::sort(m_keys.begin(), m_keys.end());
    if (std::adjacent_find(m_keys.begin(), m_keys.end()) != m_keys.end()) {
      return true;
    }
  }
  for (const auto& member : object) {
    if (has_duplicate_keys(member.value)) {
      return true;
    }
  }
  return false;
}

}  // namespace simmer::schema
