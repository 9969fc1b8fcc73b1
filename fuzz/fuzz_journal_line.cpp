// libFuzzer target: journal lines (.simmer/events.jsonl) through every reader of them. The input is the journal
// itself, usually one line, sometimes a few (the corpus holds real runs):
//   - `simmer stats` (core::StatsAccumulator): every line is counted or skipped, the report dumps as JSON and as
//     the text of cli/stats_text;
//   - the dashboard's run view (web::RunView): every parsed line is applied, its JSON dumps;
//   - the fold of `cook` and `replay` (store::read_checked_events, then core::apply and next_effect): each line is
//     folded or refused with simmer::Error(journal_corrupt); any other exception aborts. A folded state must
//     dump, and state.json's reader must take back what to_json wrote.
#include "cli/stats_text.hpp"
#include "core/machine.hpp"
#include "core/state.hpp"
#include "core/stats.hpp"
#include "store/journal_events.hpp"
#include "util/error.hpp"
#include "web/run_view.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <unistd.h>

namespace {

// A project directory of its own, made once: the fold reads the journal from a file, as `cook` does.
const simmer::store::ProjectPaths& project() {
  static const simmer::store::ProjectPaths paths = [] {
    char dir[] = "/tmp/simmer-fuzz-journal-XXXXXX";
    if (::mkdtemp(dir) == nullptr) {
      std::abort();
    }
    std::filesystem::create_directories(std::filesystem::path(dir) / ".simmer");
    return simmer::store::ProjectPaths::at(dir);
  }();
  return paths;
}

void stats(std::string_view text) {
  simmer::core::StatsAccumulator acc(simmer::core::RunScope::all, "");
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    acc.add_line(text.substr(start, end - start));
    start = end + 1;
  }
  const auto report = acc.report();
  (void)simmer::core::stats_to_json(report).dump();
  (void)simmer::cli::stats_to_text(report, simmer::cli::TextColor::plain);
  (void)simmer::core::latest_run_id(text);
}

void run_view(std::string_view text) {
  simmer::web::RunView view;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    auto event = nlohmann::json::parse(text.substr(start, end - start), nullptr, false);
    if (!event.is_discarded()) {
      view.apply(event);
      (void)view.run_json().dump();
      if (event.is_object() && event.contains("data") && event["data"].is_object() &&
          event["data"].contains("storyId") && event["data"]["storyId"].is_string()) {
        (void)view.story_detail(event["data"]["storyId"].get<std::string>()).dump();
      }
    }
    start = end + 1;
  }
}

void fold(std::string_view text) {
  const auto& paths = project();
  std::FILE* f = std::fopen(paths.events.c_str(), "wb");
  if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
    std::abort();
  }
  try {
    simmer::core::State state;
    for (const auto& event : simmer::store::read_checked_events(paths)) {
      state = simmer::core::apply(std::move(state), event);
      (void)simmer::core::next_effect(state);
    }
    const std::string text_form = simmer::core::canonical_text(state);
    auto back = simmer::core::state_from_json(nlohmann::json::parse(text_form));
    if (!back.ok() || simmer::core::canonical_text(*back) != text_form) {
      std::abort();
    }
  } catch (const simmer::Error& e) {
    if (e.code() != simmer::ExitCode::journal_corrupt) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  stats(text);
  run_view(text);
  fold(text);
  return 0;
}
