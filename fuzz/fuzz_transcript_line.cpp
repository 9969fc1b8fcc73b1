// libFuzzer target: a session transcript as `simmer logs` and `cook -v` read it (agents/transcript_view.hpp), with
// every agent's own parser. The transcript is the agent's output: whatever its bytes, every rendered line must be
// valid UTF-8 without a byte a terminal acts on (no escape, no control character) and bounded in length, and
// every entry must dump as JSON.
#include "agents/transcript_view.hpp"
#include "util/strings.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* agent : {"claude", "codex", "gemini", "command"}) {
    simmer::agents::TranscriptView view(agent, "gpt-5", {});
    std::vector<simmer::agents::LogEntry> entries;
    std::string_view rest = text;
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      view.line(rest.substr(0, nl), entries);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
    for (const auto& entry : entries) {
      for (const auto& line : simmer::agents::entry_lines(entry)) {
        // A prefix of at most 10 bytes, 400 bytes of text, and "…".
        if (line.size() > 413 || !simmer::util::utf8_valid(line)) {
          std::abort();
        }
        for (unsigned char c : line) {
          if (c < 0x20 || c == 0x7f) {
            std::abort();
          }
        }
      }
      (void)simmer::agents::entry_json(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  return 0;
}
