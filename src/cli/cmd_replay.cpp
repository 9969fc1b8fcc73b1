// `simmer replay [--check] [--json]`: fold the journal through the state machine. Without --check, print the
// folded state (what state.json must be); with --check, compare it with state.json (exit 0 equal, 1 not).
#include "cli/commands.hpp"
#include "core/state.hpp"
#include "run/replay.hpp"
#include "store/project.hpp"

#include <cstdio>
#include <memory>

namespace simmer::cli {

namespace {

int print_prompts(const store::ProjectPaths& paths, std::int64_t seq, bool as_json) {
  auto prompts = run::launched_prompts(paths);
  if (seq > 0) {
    for (const auto& p : prompts) {
      if (p.seq != seq) {
        continue;
      }
      if (p.status != "ok") {
        std::fprintf(stderr, "simmer: error: prompt of seq %lld (%s): %s\n", static_cast<long long>(seq),
                     p.file.c_str(),
                     p.status == "missing" ? "the file is gone" : "the file no longer holds what the journal hashed");
        return to_int(ExitCode::failure);
      }
      std::fputs(p.text.c_str(), stdout);
      return 0;
    }
    std::fprintf(stderr,
                 "simmer: error: prompt of seq %lld (.simmer/events.jsonl): no session_launched event with "
                 "a prompt at that seq; `simmer replay --prompts` lists them\n",
                 static_cast<long long>(seq));
    return to_int(ExitCode::invalid_input);
  }
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : prompts) {
      out.push_back({{"seq", p.seq},
                     {"role", p.role},
                     {"storyId", p.story_id.empty() ? nlohmann::json() : nlohmann::json(p.story_id)},
                     {"attempt", p.attempt},
                     {"file", p.file},
                     {"sha256", p.sha256},
                     {"bytes", p.bytes},
                     {"status", p.status}});
    }
    std::fputs((out.dump(2) + "\n").c_str(), stdout);
    return 0;
  }
  for (const auto& p : prompts) {
    std::printf("%6lld  %-12s %-10s attempt %lld  %8lld bytes  %-7s  %s\n", static_cast<long long>(p.seq),
                p.role.c_str(), p.story_id.empty() ? "-" : p.story_id.c_str(), static_cast<long long>(p.attempt),
                static_cast<long long>(p.bytes), p.status.c_str(), p.file.c_str());
  }
  return 0;
}

}  // namespace

Runner setup_replay(CLI::App& sub) {
  struct Flags {
    bool check = false;
    bool json = false;
    bool prompts = false;
    std::int64_t prompt_seq = 0;
  };
  auto flags = std::make_shared<Flags>();
  sub.add_flag("--check", flags->check, "Compare the fold with .simmer/state.json; exit 1 when they differ");
  sub.add_flag("--json", flags->json, "Print the result as JSON");
  sub.add_flag("--prompts", flags->prompts,
               "List every agent launch with the prompt it was given (file, size, whether the file still holds it)");
  sub.add_option("--prompt", flags->prompt_seq,
                 "Print the prompt of the launch journaled at SEQ (a session_launched event); exit 1 when its file "
                 "is missing or no longer holds what the journal hashed")
      ->type_name("SEQ");
  return [flags] {
    auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
    if (flags->prompts || flags->prompt_seq > 0) {
      return print_prompts(paths, flags->prompt_seq, flags->json);
    }
    if (!flags->check) {
      auto result = run::replay_journal(paths);
      std::fputs(core::canonical_text(result.state).c_str(), stdout);
      return 0;
    }
    auto check = run::check_replay(paths);
    if (flags->json) {
      nlohmann::json out = {{"matches", check.matches},
                            {"journalSeq", check.journal_seq},
                            {"stateSeq", check.state_seq ? nlohmann::json(*check.state_seq) : nlohmann::json()},
                            {"pointer", check.pointer},
                            {"divergingSeq",
                             check.diverging_seq ? nlohmann::json(*check.diverging_seq) : nlohmann::json()},
                            {"message", check.message}};
      std::fputs((out.dump(2) + "\n").c_str(), stdout);
    } else if (check.matches) {
      std::printf("replay: %s\n", check.message.c_str());
    }
    if (!check.matches) {
      if (!flags->json) {
        std::fprintf(stderr, "simmer: error: %s\n", check.message.c_str());
      }
      return to_int(ExitCode::failure);
    }
    return 0;
  };
}

}  // namespace simmer::cli
