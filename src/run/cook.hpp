#pragma once
// `simmer cook`: checks the project, takes the lock, folds the journal and runs the loop (run/loop.hpp) with the
// real world (run/world.hpp) until no story is runnable, a halt or a signal. cli/cmd_cook.cpp is a thin wrapper.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "run/world.hpp"
#include "store/project.hpp"
#include "util/error.hpp"

namespace simmer::run {

class Reporter;
class SteerInbox;

enum class OutputMode {
  live,        // a terminal: one live line per phase, colors unless NO_COLOR, a summary table at the end
  plain,       // piped: one plain line per phase change, the summary table at the end
  json_lines,  // every journal event printed as one JSON line on stdout as it is appended
  quiet,       // nothing on stdout (`simmer retry|skip` prints its own answer), warnings on stderr
};

// What `cook` prints of a running agent session.
enum class AgentEvents {
  live_line,    // its current tool call and cost on the live line (a terminal), nothing else
  every_event,  // `cook -v`: also every normalized event, as `simmer logs` renders it
};

struct CookOptions {
  bool allow_dirty = false;     // do not refuse a dirty work tree (outside .simmer/)
  bool allow_detached = false;  // do not refuse a detached HEAD
  OutputMode output = OutputMode::plain;
  bool color = false;  // ANSI colors (live mode only)
  AgentEvents agent_events = AgentEvents::live_line;
  bool profile = false;                // time journal/validation/git/spawn per story; summary on stderr
  nlohmann::json overrides = nullptr;  // simmer.json-shaped overrides from the command line (budget, ...)
  std::filesystem::path simmer_exe;    // this binary, for the script agent and the lanes of a coordinator
  // A lane's run (`cook --lane ID --worktree DIR`, started by a coordinator: docs/lanes.md): "" = a run of its own.
  std::string lane;
  // Steering requests the listener verified (run/control.hpp), claimed between two steps; none: nobody steers.
  SteerInbox* steer = nullptr;
  // `simmer retry|skip` while no cook runs: apply this request file (the command's own) and nothing else, with the
  // lock held, without starting a run.
  std::filesystem::path steer_only;
  // An isolated run (`cook --branch NAME`, run/isolated.hpp): the branch it started from, journaled in run_started
  // for `simmer land`; nullopt: the run works on the checked-out branch.
  std::optional<core::events::Head> started_from;
};

// Runs the loop in project `paths` until no story is runnable, a halt, or a signal, and returns the exit code
// (util/error.hpp: ok, halted, blocked, interrupted). Bad input (config, PRD, dirty tree) is a Failure with its
// code and changes nothing; a held lock is Failure(lock_held). `cancel` is raised by the SIGINT/SIGTERM handler;
// `signal_number` says which signal (for the journal). Throws simmer::Error for unsafe conditions (journal
// damage, failed fsync).
Result<int> cook(const store::ProjectPaths& paths, const CookOptions& options, const std::atomic<bool>& cancel,
                 const std::atomic<int>& signal_number);

// cook() in the world it is given (run/world.hpp) and printing through `report`: the unit tests drive the whole
// loop in-process with a fake clock, git, processes and agents (tests/unit/test_run_loop.cpp). The real cook()
// also makes this process a subreaper and stops every orphan it adopted on the way out.
Result<int> cook(const store::ProjectPaths& paths, const CookOptions& options, World world, Reporter& report,
                 const std::atomic<bool>& cancel, const std::atomic<int>& signal_number);

}  // namespace simmer::run
