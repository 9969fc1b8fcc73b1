// libFuzzer target: core::parse_json in its JSONC dialect, the reader of simmer.json (src/core/jsonc.hpp).
// Any bytes must come back as a value or as a ParseError whose line and column lie inside the text; an accepted
// value must dump (so it holds valid UTF-8 only) and read back, as strict JSON, as the same value.
#include "core/jsonc.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using simmer::core::JsonDialect;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto out = simmer::core::parse_json(text, JsonDialect::jsonc);
  if (!out.ok) {
    std::size_t lines = 1;
    for (char c : text) {
      lines += c == '\n' ? 1 : 0;
    }
    if (out.error.line < 1 || static_cast<std::size_t>(out.error.line) > lines || out.error.column < 1 ||
        out.error.message.empty()) {
      std::abort();
    }
    return 0;
  }
  const auto again = simmer::core::parse_json(out.value.dump(), JsonDialect::strict);
  if (!again.ok || again.value != out.value) {
    std::abort();
  }
  return 0;
}
