// libFuzzer target: the markdown PRD parser (src/project/prd_markdown.hpp), whose input is whatever file a person
// points `simmer to-prd` at. Every input gives a PRD or diagnostics, each on a line of the text; a PRD without
// diagnostics must dump (valid UTF-8 only: prd.json is written with dump()).
#include "project/prd_markdown.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = simmer::project::parse_prd_markdown(text, "PRD.md");
  std::size_t lines = 1;
  for (char c : text) {
    lines += c == '\n' ? 1 : 0;
  }
  for (const auto& e : parsed.errors) {
    if (e.line < 0 || static_cast<std::size_t>(e.line) > lines || e.message.empty()) {
      std::abort();
    }
    (void)e.to_string();
  }
  if (parsed.errors.empty()) {
    (void)parsed.prd.dump();
  }
  return 0;
}
