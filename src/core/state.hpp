#pragma once
// The cook loop's cursor, `.simmer/state.json`, as a typed value. Written by the harness only, always as the fold
// of the journal (core/machine.hpp): state.json is a cache of events.jsonl, never a second source of truth.
//
// Everything the machine decides from lives here: the stories (snapshot of prd.json taken at each run start, plus
// the harness's per-story counters), the limits in force (snapshot of simmer.json at each run start), the phase,
// story and attempt, the step inside the phase, session ids per role (FIX resumes the builder's), spend (total
// and per story, cumulative across runs), iterations, retry counters, the pending retry time, halt info, and the
// last failure handed to FIX. Timestamps and pids are volatile and live under `meta`.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/vocabulary.hpp"
#include "util/error.hpp"

namespace simmer::core {

// The only state.json schemaVersion this build reads and writes.
inline constexpr int k_state_schema_version = 1;

// One story as the machine sees it: what selection needs from prd.json plus the harness's counters.
struct StoryView {
  std::string title;
  std::int64_t priority = 0;
  std::vector<std::string> dependencies;
  std::string epic;  // "" = none
  StoryState status = StoryState::pending;
  std::string reason;                               // why it is blocked ("" otherwise)
  std::int64_t attempts = 0;                        // BUILD + FIX attempts started, across runs
  double cost_usd = 0.0;                            // spend on this story, across runs
  std::optional<std::vector<std::string>> touches;  // the globs it may write (docs/lanes.md); absent: undeclared
};

// simmer.json's "parallel": more than one story in flight, each in a lane of its own (docs/lanes.md).
struct Parallel {
  std::int64_t lanes = 1;            // stories in flight at most
  std::vector<std::string> serial;   // globs two lanes never write at once (lockfiles, CHANGELOG...)
  std::string untouched = "alone";   // a story without touches: "alone" (runs alone) | "beside"
  std::string integrate = "rebase";  // how the merge queue brings a lane up to the tip: "rebase" | "merge"
  std::string agent;                 // the builder's agent, whose live sessions `sessions` caps
  std::int64_t sessions = 0;         // parallel.sessions of that agent; 0 = no cap
  bool operator==(const Parallel&) const = default;
};

// The limits in force for the current run (simmer.json at run start; budgets 0 = no limit).
struct Limits {
  int fix = 3;
  int contract = 2;
  int transient = 5;
  double budget_per_story = 0.0;
  double budget_total = 0.0;
  std::int64_t max_iterations = 0;    // story selections per run; 0 = no limit
  bool harness_orchestrator = false;  // orchestrator: "harness" = no orchestrator agent
  std::vector<std::string> gates;     // gate names, in order
  std::string workflow = "one-shot";  // "one-shot" | "epic-checkpoint"
  // Absent: one story at a time, as simmer always ran (and the files do not mention it). Present with more than
  // one lane: this run is a coordinator, its stories run in lanes and reach the branch through the merge queue.
  std::optional<Parallel> parallel;
  // True: this run is one lane's (the coordinator launched it for one story): RECORD is the coordinator's, so the
  // run ends when the story passed or is blocked in its lane, and a merge_failed event sends it back to FIX.
  std::optional<bool> lane;
  bool operator==(const Limits&) const = default;
};

// What FIX is told about the failure of the previous attempt.
struct FailureNote {
  FailureKind kind = FailureKind::verdict;
  std::string summary;                                // one line
  std::string name;                                   // gate name (gate)
  std::string output;                                 // gate output tail (<= 64 KiB) or contract errors, one per line
  nlohmann::json criteria = nlohmann::json::array();  // verdict: [{criterion, passed, evidence}]
};

// A commit the loop owes for the current attempt; its key (run id + seq of the event that decided it) goes into
// the commit's `Simmer-Run:` / `Simmer-Seq:` trailers, so a resumed run can see it was already made.
struct CommitPlan {
  CommitKind kind = CommitKind::build;
  std::string subject;  // "<ID>: <title> (build)", "(fix N)", "(record passed|blocked)"
  std::string run_id;
  std::int64_t key_seq = 0;
  bool operator==(const CommitPlan&) const = default;
};

// RECORD's pending outcome for the current story.
struct RecordPlan {
  StoryState result = StoryState::passed;  // passed | blocked
  std::string reason;                      // blocked: why
  std::string summary;                     // verdict or failure summary for progress.json
  bool committed = false;                  // the record commit is made (or was not needed)
};

struct HaltInfo {
  HaltReason reason = HaltReason::budget_total;
  std::string detail;
  Phase resume_phase = Phase::orchestrate;
};

// The run is isolated (`simmer cook --branch NAME`, docs/lanes.md): it commits to `branch` and `simmer land` brings it
// onto `from_branch`, which was at `from_sha` when the run was first started.
struct IsolatedInfo {
  std::string branch;       // "refs/heads/NAME"
  std::string from_branch;  // "refs/heads/main"
  std::string from_sha;
};

// A feedback note claimed into .simmer/feedback/claimed/.
struct FeedbackNote {
  std::string path;  // relative to the project root
  std::int64_t bytes = 0;
  std::string preview;
  bool operator==(const FeedbackNote&) const = default;
};

// A story in a lane, as the coordinator sees it (from lane_started to merged or the story's record).
struct LaneState {
  std::string branch;
  std::string worktree;
  std::string base;  // the integration tip it started from, then the one merge_rebased brought it up to
  LaneStatus status = LaneStatus::running;
  StoryState result = StoryState::passed;  // queued: how its lane ended (a blocked one is only recorded)
  std::string head;                        // its tip: lane_finished, then merge_rebased
  std::string summary;                     // the verdict or failure summary, for progress.json
  std::string reason;                      // blocked: why
  std::vector<std::string> commits;        // merge_rebased: its commits on the integration tip
  int gate_index = 0;                      // rebased: the next gate to run on the merged tree
  std::vector<std::string> touched;        // paths its diff touched so far (lane_touched), sorted
  std::string started_at;                  // ts of its lane_started
  std::vector<FeedbackNote> guidance;      // notes claimed before it started, for its story (docs/lanes.md)
  // What its relaunched lane must fold first (a conflict or a gate that failed on the merged tree), and the seq
  // of that decision, its key.
  std::optional<FailureNote> failure;
  std::int64_t failure_key = 0;
};

struct State {
  int schema_version = k_state_schema_version;
  std::string run_id;               // the run that applied the last event
  std::int64_t seq = 0;             // seq of the last applied event
  bool running = false;             // between run_started and run_finished
  std::optional<RunResult> result;  // last run_finished result
  std::optional<int> exit_code;     // last run_finished exitCode

  Phase phase = Phase::orchestrate;
  std::optional<std::string> story_id;
  std::int64_t attempt = 0;  // 0 = BUILD, n = n-th FIX
  Step step = Step::launch;
  std::int64_t phase_seq = 0;                   // seq of the phase_started of the running session (0: none)
  int repairs = 0;                              // contract repairs used in this phase
  int transient_retries = 0;                    // transient retries used in this phase
  int usage_waits = 0;                          // usage-limit waits in this phase
  std::vector<std::string> handoff_errors;      // for `repair`
  std::optional<std::int64_t> not_before_ms;    // retry_wait: launch not before (Unix ms)
  std::optional<RetryReason> retry_reason;      // retry_wait: transient | usage_limit
  std::optional<std::int64_t> reset_at_ms;      // usage limit reset the agent reported
  int gate_index = 0;                           // next gate to run in GATES
  std::map<std::string, std::string> sessions;  // role -> agent session id, for the current story
  std::optional<FailureNote> last_failure;      // what FIX is told
  std::optional<CommitPlan> commit;             // owed commit (step commit, or RECORD)
  std::optional<RecordPlan> record;             // RECORD outcome
  std::optional<HaltInfo> halt;

  double spend_total_usd = 0.0;       // cumulative across runs
  std::int64_t iterations_total = 0;  // story selections, across runs
  std::int64_t iterations_run = 0;    // story selections in this run (maxIterations)
  Limits limits;
  std::map<std::string, StoryView> stories;    // by id
  std::vector<std::string> order;              // story ids in prd.json order (for messages and tables)
  std::vector<FeedbackNote> feedback_pending;  // claimed, not yet given to a story
  std::vector<FeedbackNote> guidance;          // claimed notes carried by the current story's brief
  std::int64_t feedback_claimed = 0;           // notes ever claimed: claimed files are numbered 1, 2, ...
  std::vector<std::string> story_commits;      // shas committed for the current story (progress.json)
  std::vector<std::string> checkpoints;        // epics whose checkpoint halt was already taken

  // Lanes (limits.parallel with more than one lane). The single cursor above is then the merge queue's: it
  // records the story the queue merged (or the blocked one it took), one at a time.
  std::map<std::string, LaneState> lanes;  // stories in flight, by id
  std::vector<std::string> merge_queue;    // ids, in the order their lanes finished
  std::int64_t merge_key = 0;              // a lane's run: the key of the last merge_failed folded

  // The last run was isolated and is not landed yet (`landed` clears it; a run that is not isolated too).
  std::optional<IsolatedInfo> isolated;

  // A pause was asked (docs/loop.md "Steering a run"): no story starts until a resume (a new `simmer cook` starts
  // unpaused).
  bool paused = false;

  // Volatile (meta): from event fields only, so replay reproduces them.
  std::string updated_at;      // ts of the last applied event
  std::string run_started_at;  // ts of the current run's run_started
  std::int64_t pid = 0;        // pid of the current run
};

// Money as simmer's documents and answers hold it: rounded to the micro-dollar, finer than any price, so the float
// sums of many sessions (0.1 + 0.2 is 0.30000000000000004) stay out of them. Sums keep full precision; only what
// is written or served is rounded (state.json, `stats --json`, the dashboard's API).
double round_usd(double usd);

// state.json form of `state` (camelCase keys; see schemas/state.json).
nlohmann::json to_json(const State& state);
// Canonical text: to_json(state).dump(2) + "\n". Replay compares these bytes.
std::string canonical_text(const State& state);
// Reads what to_json wrote. A document that is not such a state (missing key, wrong type, unknown enum value,
// other schemaVersion) is a Failure(invalid_input) naming the JSON pointer: "invalid state (.simmer/state.json#/step):
// expected one of "launch", "running", ..., found \"x\"". `display` names the file.
Result<State> state_from_json(const nlohmann::json& doc, const std::string& display = ".simmer/state.json");

}  // namespace simmer::core
