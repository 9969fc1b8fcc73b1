#pragma once
// What the cook loop's shell needs from the world outside the process, each behind a small interface with a real
// implementation here and fakes in the unit tests (tests/unit/run_fakes.hpp), the way ninja's Builder takes its
// CommandRunner and DiskInterface: the clock, the processes it runs (gates) and stops (a killed run's agents),
// the repository it commits to, and the agent sessions it launches. The file system is used directly: the tests
// run the loop in a temp folder, which is both real and cheap.
//
// The interfaces are shaped for more than one story in flight and for executors that run a story elsewhere: each
// call carries everything it needs (working directory, environment, cancel flag) and keeps no cursor of its own.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/agent.hpp"
#include "agents/session.hpp"
#include "core/gate_outputs.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/time.hpp"

namespace simmer::run {

// Whether a commit runs the repository's hooks (git.hooks in simmer.json).
enum class Hooks { run, skip };

// Where HEAD points: `branch` is the full ref name ("refs/heads/main") or "" when HEAD is detached; `sha` the
// commit (40 hex digits) or "" before the first commit.
struct HeadRef {
  std::string branch;
  std::string sha;
  bool operator==(const HeadRef&) const = default;
};

// A hook that refused a commit: which one, how it ended and the end of what it printed.
struct HookFailure {
  std::string hook;    // "pre-commit", "prepare-commit-msg" or "commit-msg"
  int exit_code = -1;  // -1 when it was killed (timed out) or could not start
  bool timed_out = false;
  std::string output_tail;
  std::int64_t duration_ms = 0;
};

// What a commit did: the new (or already present) commit's sha, nothing when there was nothing to commit, or the
// hook that refused it (then no commit was made and `sha` is empty).
struct CommitOutcome {
  std::optional<std::string> sha;
  std::optional<HookFailure> hook_failure;
};

// The repository the run commits to (run/git.hpp is the real one, with the full contracts).
class Repository {
public:
  virtual ~Repository() = default;
  // Start-up: whether the root is in a git work tree; the changed paths outside `.simmer/` (sorted); whether
  // commits run hooks; a stale .git/index.lock removed (true when one was); a fallback identity for commits.
  virtual bool is_work_tree() const = 0;
  virtual std::vector<std::string> dirty_paths() const = 0;
  // Around each gate: the changes with untracked folders whole and tracked files hashed, and one path's hash
  // (nullopt: gone), to find and keep out what gates wrote (core/gate_outputs.hpp).
  virtual std::vector<core::DirtyEntry> dirty_entries() const = 0;
  virtual std::optional<std::string> file_sha256(const std::string& path) const = 0;
  virtual void set_hooks(Hooks mode, int timeout_ms) = 0;
  virtual Result<bool> clear_stale_index_lock() = 0;
  virtual void ensure_identity() = 0;
  // After the run: the housekeeping its commits skipped (failures ignored).
  virtual void run_maintenance() const = 0;
  // Commits exactly `paths` with `subject` and the trailers Simmer-Run/Simmer-Seq; a commit HEAD already is (made
  // by a killed predecessor) is returned, not made again. Nothing to commit: no sha.
  virtual Result<CommitOutcome> commit(const std::vector<std::string>& paths, const std::string& subject,
                                       const std::string& run_id, long long seq) = 0;
  // Commits every change outside `.simmer/` and the `excluded` paths, as commit() does.
  virtual Result<CommitOutcome> commit_work_tree(const std::vector<std::string>& excluded, const std::string& subject,
                                                 const std::string& run_id, long long seq) = 0;
  // Someone else moved HEAD (the merge queue's fast-forward) from this object's last commit to `sha`, whose tree is
  // `tree`: the next commit builds on it without asking git where HEAD is. Only a hint: a HEAD that is not `sha` by
  // then is found out as always.
  virtual void moved_to(const std::string& /*sha*/, const std::string& /*tree*/) {}
  virtual HeadRef head() const = 0;
  // Puts HEAD back to `want` without touching the work tree.
  virtual Result<bool> restore_head(const HeadRef& want) const = 0;
  // Whether commit `ancestor` is an ancestor of (or equal to) `descendant`.
  virtual bool is_ancestor(const std::string& ancestor, const std::string& descendant) const = 0;
};

// The processes the loop runs or stops other than agent sessions.
class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;
  // Runs a gate's shell command in `cwd` (util::run_shell: its own process group, killed on timeout or cancel).
  virtual util::ProcessResult run_shell(const std::string& command, const std::filesystem::path& cwd, int timeout_ms,
                                        const std::atomic<bool>& cancel) = 0;
  // The processes a killed run left running: the live members of the group it journaled for its last session
  // (`journaled`, pid 0: none), and every process whose environment has SIMMER_RUN_ID=`run_id`. Sorted, unique.
  virtual std::vector<int> survivors(const std::optional<util::SpawnedProcess>& journaled,
                                     const std::string& run_id) = 0;
  // Stops them (SIGTERM, then SIGKILL); returns whether SIGKILL was needed.
  virtual bool stop(const std::vector<int>& pids) = 0;
};

// The agent sessions the loop launches (agents/session.hpp is the real supervisor).
class AgentLauncher {
public:
  virtual ~AgentLauncher() = default;
  // Runs one session of `agent` (a make_adapter() name) as `request` says, to its end or until `cancel`; calls
  // request.on_spawn once the process started. Errors of the agent are in the record, never thrown; a config that
  // names no usable agent throws simmer::Error(invalid_input).
  virtual agents::SessionRecord run(const std::string& agent, const agents::AgentOptions& options,
                                    const agents::LaunchRequest& request, const std::atomic<bool>& cancel) = 0;
  // Reads the transcript of a session a killed run never recorded into `record` (tokens, cost, session id, what
  // the stream said); returns whether the stream carried its final result (the session had finished).
  virtual bool recover(const std::string& agent, const agents::AgentOptions& options,
                       agents::SessionRecord& record) = 0;
};

// A clock whose sleep really sleeps (the loop's retry waits); util::FakeClock-based fakes advance instead.
class SleepingClock : public util::Clock {
public:
  // Sleeps `ms` milliseconds (or advances a fake clock by that much).
  virtual void sleep_ms(std::int64_t ms) = 0;
};

// Everything the loop touches outside its own files.
struct World {
  SleepingClock& clock;
  ProcessRunner& processes;
  Repository& repository;
  AgentLauncher& agents;
};

// The real ones: util::run_shell and the /proc process sweep; agents::make_adapter + agents::run_session.
class SystemProcesses final : public ProcessRunner {
public:
  util::ProcessResult run_shell(const std::string& command, const std::filesystem::path& cwd, int timeout_ms,
                                const std::atomic<bool>& cancel) override;
  std::vector<int> survivors(const std::optional<util::SpawnedProcess>& journaled, const std::string& run_id) override;
  bool stop(const std::vector<int>& pids) override;
};

class CliAgents final : public AgentLauncher {
public:
  agents::SessionRecord run(const std::string& agent, const agents::AgentOptions& options,
                            const agents::LaunchRequest& request, const std::atomic<bool>& cancel) override;
  bool recover(const std::string& agent, const agents::AgentOptions& options, agents::SessionRecord& record) override;
};

class SystemSleepingClock final : public SleepingClock {
public:
  std::int64_t now_ms() const override;
  void sleep_ms(std::int64_t ms) override;
};

}  // namespace simmer::run
