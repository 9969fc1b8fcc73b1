// `simmer replay [--check] [--json]`: fold the journal through the state machine. Without --check, print the
// folded state (what state.json must be); with --check, compare it with state.json (exit 0 equal, 1 not).
#include "cli/commands.hpp"
#include "core/state.hpp"
#include "run/replay.hpp"
#include "store/project.hpp"

#include <cstdio>
#include <memory>

namespace simmer::cli {

Runner setup_replay(CLI::App& sub) {
  struct Flags {
    bool check = false;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  sub.add_flag("--check", flags->check, "Compare the fold with .simmer/state.json; exit 1 when they differ");
  sub.add_flag("--json", flags->json, "Print the result as JSON");
  return [flags] {
    auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
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
                            {"divergingSeq", check.diverging_seq ? nlohmann::json(*check.diverging_seq)
                                                                 : nlohmann::json()},
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
