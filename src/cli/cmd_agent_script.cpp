// `simmer agent-script --scenario FILE [--resume ID]` (hidden): the offline agent of the demo and the tests.
// Launched by the harness like any agent CLI; see run/script_agent.hpp for the environment it reads.
#include "cli/commands.hpp"
#include "run/script_agent.hpp"

#include <cstdio>
#include <memory>

namespace simmer::cli {

Runner setup_agent_script(CLI::App& sub) {
  struct Flags {
    std::string scenario;
    std::string resume;
  };
  auto flags = std::make_shared<Flags>();
  sub.add_option("--scenario", flags->scenario, "Scenario file (schemas/scenario.json)")->required();
  sub.add_option("--resume", flags->resume, "Resume this session id (FIX, contract repairs)");
  return [flags] {
    // Read the context first: outside a cook, say so instead of playing anything.
    auto context = run::script_context_from_env(flags->resume.empty() ? std::nullopt
                                                                      : std::optional<std::string>(flags->resume));
    if (!context.ok()) {
      std::fprintf(stderr, "simmer: error: %s\n", context.failure().message.c_str());
      return to_int(context.failure().code);
    }
    auto scenario = run::load_scenario(flags->scenario);
    if (!scenario.ok()) {
      std::fprintf(stderr, "simmer: error: %s\n", scenario.failure().message.c_str());
      return to_int(scenario.failure().code);
    }
    return run::play_scenario(*scenario, *context, stdout);
  };
}

}  // namespace simmer::cli
