// `simmer cook`: run the loop until no story is runnable, a halt, or a signal. Exit codes: 0 every story passed,
// 10 halted (budget, maxIterations, checkpoint), 11 finished with blocked stories, 130 interrupted, 2 bad input,
// 5 lock held. `--branch NAME` works in an isolated run (run/isolated.hpp), landed by `simmer land`.
#include "cli/commands.hpp"
#include "run/control.hpp"
#include "run/cook.hpp"
#include "run/isolated.hpp"
#include "store/project.hpp"
#include "util/process.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include <sys/prctl.h>
#include <unistd.h>

namespace simmer::cli {

namespace {

std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_signal = sig;
  g_cancel = true;
}

}  // namespace

Runner setup_cook(CLI::App& sub) {
  struct Flags {
    bool allow_dirty = false;
    bool allow_detached = false;
    bool json = false;
    bool verbose = false;
    bool profile = false;
    double budget_total = -1;
    double budget_story = -1;
    long long max_iterations = -1;
    long long lanes = -1;
    std::string lane;
    std::string branch;
    std::string worktree;
    std::string lane_overrides;
  };
  auto flags = std::make_shared<Flags>();
  sub.add_flag("--allow-dirty", flags->allow_dirty, "Start even if the work tree has uncommitted changes");
  sub.add_flag("--allow-detached", flags->allow_detached,
               "Start even if HEAD is detached (commits then move the detached HEAD, on no branch)");
  auto* json_flag = sub.add_flag("--json", flags->json, "Print every journal event as one JSON line as it happens");
  sub.add_flag("-v,--verbose", flags->verbose,
               "Also print every event of the agent sessions (tool calls, text, output, tokens) as `simmer logs` "
               "shows them")
      ->excludes(json_flag);
  sub.add_flag("--profile", flags->profile, "Time journal, state, validation, git, agents and gates (stderr)");
  sub.add_option("--budget-total", flags->budget_total, "Total budget in USD (overrides simmer.json; 0 = none)");
  sub.add_option("--budget-story", flags->budget_story, "Per-story budget in USD (overrides simmer.json; 0 = none)");
  sub.add_option("--max-iterations", flags->max_iterations, "Stories to start in this run at most");
  sub.add_option("--lanes", flags->lanes,
                 "Stories in flight at most, each in a git worktree of its own, merged back one at a time "
                 "(overrides simmer.json parallel.lanes; 1 = one at a time in the checkout)");
  sub.add_option("--branch", flags->branch,
                 "Work on branch NAME in a worktree of its own, leaving this branch and work tree untouched; "
                 "`simmer land` brings the result back");
  // A coordinator starts each lane's run with these; they are not for people (docs/lanes.md).
  sub.add_option("--lane", flags->lane)->group("");
  sub.add_option("--worktree", flags->worktree)->group("");
  sub.add_option("--lane-overrides", flags->lane_overrides)->group("");
  return [flags] {
    // Flags that override simmer.json go in as a simmer.json-shaped layer, checked like the file.
    nlohmann::json overrides = nlohmann::json::object();
    if (flags->budget_total >= 0) {
      overrides["budget"]["total"] = flags->budget_total;
    }
    if (flags->budget_story >= 0) {
      overrides["budget"]["perStory"] = flags->budget_story;
    }
    if (flags->max_iterations >= 0) {
      overrides["maxIterations"] = flags->max_iterations;
    }
    if (flags->lanes >= 0) {
      overrides["parallel"]["lanes"] = flags->lanes;  // 0 is refused by the schema, with the flag's pointer
    }
    if (!flags->lane.empty()) {
      // A lane's run dies with its coordinator (SIGTERM: it journals its interruption), and does not start once
      // the coordinator that launched it is gone.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      const char* parent = std::getenv("SIMMER_COORDINATOR_PID");
      if (!parent || std::to_string(::getppid()) != parent) {
        std::fprintf(stderr, "simmer: error: --lane is for the lanes a coordinator starts (simmer cook --lanes N)\n");
        return to_int(ExitCode::usage);
      }
      overrides = nlohmann::json::parse(flags->lane_overrides.empty() ? "{}" : flags->lane_overrides, nullptr, false);
      if (!overrides.is_object()) {
        overrides = nlohmann::json::object();
      }
      overrides.erase("parallel");
    }
    run::CookOptions options;
    options.allow_dirty = flags->allow_dirty;
    options.allow_detached = flags->allow_detached;
    options.profile = flags->profile;
    options.overrides = overrides.empty() ? nlohmann::json(nullptr) : overrides;
    options.simmer_exe = util::self_exe();
    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    const char* no_color = std::getenv("NO_COLOR");
    options.output = flags->json ? run::OutputMode::json_lines : tty ? run::OutputMode::live : run::OutputMode::plain;
    options.color = tty && !(no_color && *no_color);
    options.agent_events = flags->verbose ? run::AgentEvents::every_event : run::AgentEvents::live_line;
    // SIGINT/SIGTERM raise the cancel flag: the running agent's process group is killed, the interruption is
    // journaled, and cook exits 130.
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    options.lane = flags->lane;
    auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
    if (!flags->lane.empty()) {
      paths = store::ProjectPaths::lane(paths.root, flags->worktree, flags->lane);
    } else if (!flags->branch.empty()) {
      auto isolated = run::open_isolated_run(paths, flags->branch);
      if (!isolated.ok()) {
        std::fprintf(stderr, "simmer: error: %s\n", isolated.failure().message.c_str());
        return to_int(isolated.failure().code);
      }
      paths = isolated->paths;
      options.started_from = isolated->started_from;
    }
    // `simmer stop|pause|resume|retry|skip` signal this process with SIGUSR1 (run/control.hpp): blocked here, before
    // any thread starts, and taken by the listener thread alone.
    run::block_steer_signal();
    run::SteerInbox inbox;
    run::SteerListener listener(paths, inbox, g_cancel, g_signal);
    options.steer = &inbox;
    auto result = run::cook(paths, options, g_cancel, g_signal);
    if (!result.ok()) {
      std::fprintf(stderr, "simmer: error: %s\n", result.failure().message.c_str());
      return to_int(result.failure().code);
    }
    if (options.started_from && options.output != run::OutputMode::json_lines) {
      const std::string onto = run::short_branch_name(options.started_from->branch);
      std::printf(
          "the run's commits are on %s (worktree %s), not on %s: review them (`git log %s..%s`), then "
          "`simmer land` brings them onto %s\n",
          flags->branch.c_str(), paths.root.c_str(), onto.c_str(), onto.c_str(), flags->branch.c_str(), onto.c_str());
    }
    return *result;
  };
}

}  // namespace simmer::cli
