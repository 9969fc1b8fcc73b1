// libFuzzer target: the strict JSON reader of hand-offs and documents (core::parse_json, src/core/jsonc.hpp) against
// the validator's fast reader (schema::FastReader, src/core/schema_fast.hpp), which promises to accept a text only
// when parse_json accepts it and reads the same value: `simmer validate` relies on that to skip the strict reader
// for most journal lines. Any disagreement, or a value that does not dump, aborts.
#include "core/jsonc.hpp"
#include "core/schema_fast.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

nlohmann::json to_nlohmann(const simdjson::dom::element& e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      nlohmann::json out = nlohmann::json::object();
      for (auto field : simdjson::dom::object(e)) {
        out[std::string(field.key)] = to_nlohmann(field.value);
      }
      return out;
    }
    case simdjson::dom::element_type::ARRAY: {
      nlohmann::json out = nlohmann::json::array();
      for (auto item : simdjson::dom::array(e)) {
        out.push_back(to_nlohmann(item));
      }
      return out;
    }
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(e));
    case simdjson::dom::element_type::INT64:
      return std::int64_t(e);
    case simdjson::dom::element_type::UINT64:
      return std::uint64_t(e);
    case simdjson::dom::element_type::DOUBLE:
      return double(e);
    case simdjson::dom::element_type::BOOL:
      return bool(e);
    case simdjson::dom::element_type::NULL_VALUE:
      return nullptr;
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static simmer::schema::FastReader fast;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto strict = simmer::core::parse_json(text);
  if (strict.ok) {
    (void)strict.value.dump();  // throws, and so crashes, on a string that is not valid UTF-8
  }
  if (const auto element = fast.read(text)) {
    if (!strict.ok || to_nlohmann(*element) != strict.value) {
      std::abort();
    }
  }
  return 0;
}
