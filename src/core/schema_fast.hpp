#pragma once
// The validator's fast path: reading a document with simdjson instead of building an nlohmann tree, for callers
// that validate many documents (the lines of .simmer/events.jsonl) and need the details only of the rare invalid
// one. See docs/validator.md, "Fast path".

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace simmer::schema {

// Reads one JSON document with simdjson, accepting it only when core::parse_json (strict dialect) would accept the
// same text and read the same value: no byte order mark, valid UTF-8, no unescaped control character, no lone
// surrogate, no duplicate key, at most k_max_json_depth (512) levels, integers within int64/uint64, numbers within
// double's range, one value filling the text. simdjson enforces all of these but duplicate keys, which read()
// checks itself (and the BOM, which it checks too rather than rely on simdjson's version).
//
// A refused text may still be valid for core::parse_json: the caller then parses it there, which decides and
// explains. Not thread-safe; one reader per thread, reused across documents (it keeps its buffers).
class FastReader {
public:
  FastReader();

  // The document of `text`, valid until the next read(); nothing when the text is refused (see above) or empty.
  std::optional<simdjson::dom::element> read(std::string_view text);

private:
  bool has_duplicate_keys(const simdjson::dom::element& value);

  simdjson::dom::parser m_parser;
  std::unique_ptr<char[]> m_buffer;  // the text plus simdjson's padding
  std::size_t m_buffer_size = 0;
  std::vector<std::string_view> m_keys;  // scratch for the duplicate check of large objects
};

}  // namespace simmer::schema
