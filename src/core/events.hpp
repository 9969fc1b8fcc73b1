#pragma once
// The journal's vocabulary (docs/events.md): one struct per event kind with typed fields, one std::variant of them
// (EventData), and the one mapping of each to and from the `data` object of a journal line. Every module that
// writes or reads an event goes through here, so a kind or a field name is spelt once.
//
// Building an event for the journal (the shell):
//
//   core::EventData d = core::events::StorySelected{.story_id = id, .by = core::PickedBy::harness};
//   append(std::string(core::kind_name(d)), core::to_data(d));
//
// Reading one (the fold, the dashboard, the terminal report): core::parse_event(event) gives the typed form, or
// throws simmer::Error(journal_corrupt) naming the seq, the kind and the JSON pointer of the first bad field.
//
// Fields: a plain member is written always and required when read. std::optional members say in their comment
// which of two things they are, because the journal keeps the two apart: "null" (always written, null when empty:
// storyId before a story is chosen, a commit's sha when there was nothing to commit) or "omitted" (written only
// when it holds a value: resetAtMs, recovered, hook, warning...). A member marked "default" is one the schema
// leaves optional but simmer always writes: a line without it reads as the member's default, as the fold always
// did. The schemas (schemas/events/<kind>.json) check ranges and lengths; this mapping checks types and the closed
// value sets (every enum below), and that integers fit int64.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/contracts.hpp"
#include "core/state.hpp"
#include "util/error.hpp"

namespace simmer::core {

// One journal line as stored: the envelope, with `data` (the kind's payload object) still JSON.
struct Event {
  std::int64_t seq = 0;
  std::string ts;  // "2026-11-22T10:00:00.123Z"
  std::string run_id;
  std::string kind;
  nlohmann::json data = nlohmann::json::object();
};

// The journal line form {seq, ts, runId, kind, data}, and back. A line that is not an object with those fields
// is a Failure(invalid_input) naming the pointer. event_from_json does not look inside `data`: parse_event does.
nlohmann::json to_json(const Event& event);
Result<Event> event_from_json(const nlohmann::json& line);

// The closed value sets of event fields (AgentRole, SessionOutcome, HaltReason...) are core/vocabulary.hpp's.

namespace events {

// The member names of `data` objects, for the readers that scan raw lines without building the typed form
// (core/stats.cpp, for speed); the mapping in events.cpp spells every member with these.
namespace key {
// The envelope (kind and runId are below, shared with data members).
inline constexpr std::string_view seq = "seq";
inline constexpr std::string_view ts = "ts";
inline constexpr std::string_view data = "data";
// data members
inline constexpr std::string_view version = "version";
inline constexpr std::string_view pid = "pid";
inline constexpr std::string_view resumed = "resumed";
inline constexpr std::string_view phase = "phase";
inline constexpr std::string_view story_id = "storyId";
inline constexpr std::string_view stories = "stories";
inline constexpr std::string_view limits = "limits";
inline constexpr std::string_view inputs = "inputs";
inline constexpr std::string_view head = "head";
inline constexpr std::string_view foreign = "foreign";
inline constexpr std::string_view id = "id";
inline constexpr std::string_view title = "title";
inline constexpr std::string_view priority = "priority";
inline constexpr std::string_view dependencies = "dependencies";
inline constexpr std::string_view epic = "epic";
inline constexpr std::string_view status = "status";
inline constexpr std::string_view reason = "reason";
inline constexpr std::string_view file = "file";
inline constexpr std::string_view sha256 = "sha256";
inline constexpr std::string_view branch = "branch";
inline constexpr std::string_view sha = "sha";
inline constexpr std::string_view fix = "fix";
inline constexpr std::string_view contract = "contract";
inline constexpr std::string_view transient = "transient";
inline constexpr std::string_view budget_per_story = "budgetPerStory";
inline constexpr std::string_view budget_total = "budgetTotal";
inline constexpr std::string_view max_iterations = "maxIterations";
inline constexpr std::string_view harness_orchestrator = "harnessOrchestrator";
inline constexpr std::string_view gates = "gates";
inline constexpr std::string_view workflow = "workflow";
inline constexpr std::string_view result = "result";
inline constexpr std::string_view exit_code = "exitCode";
inline constexpr std::string_view attempt = "attempt";
inline constexpr std::string_view duration_ms = "durationMs";
inline constexpr std::string_view outcome = "outcome";
inline constexpr std::string_view by = "by";
inline constexpr std::string_view warning = "warning";
inline constexpr std::string_view files = "files";
inline constexpr std::string_view paths = "paths";
inline constexpr std::string_view sessions = "sessions";
inline constexpr std::string_view copied = "copied";
inline constexpr std::string_view skipped = "skipped";
inline constexpr std::string_view setup = "setup";
inline constexpr std::string_view path = "path";
inline constexpr std::string_view bytes = "bytes";
inline constexpr std::string_view preview = "preview";
inline constexpr std::string_view role = "role";
inline constexpr std::string_view agent = "agent";
inline constexpr std::string_view pgid = "pgid";
inline constexpr std::string_view start_time = "startTime";
inline constexpr std::string_view boot_id = "bootId";
inline constexpr std::string_view transcript = "transcript";
inline constexpr std::string_view tools = "tools";
inline constexpr std::string_view prompt = "prompt";
inline constexpr std::string_view model = "model";
inline constexpr std::string_view session_id = "sessionId";
inline constexpr std::string_view tokens = "tokens";
inline constexpr std::string_view input = "input";
inline constexpr std::string_view output = "output";
inline constexpr std::string_view cache_read = "cacheRead";
inline constexpr std::string_view cache_write = "cacheWrite";
inline constexpr std::string_view turns = "turns";
inline constexpr std::string_view cost_usd = "costUsd";
inline constexpr std::string_view cost_reported = "costReported";
inline constexpr std::string_view error = "error";
inline constexpr std::string_view reset_at_ms = "resetAtMs";
inline constexpr std::string_view recovered = "recovered";
inline constexpr std::string_view run_id = "runId";
inline constexpr std::string_view pids = "pids";
inline constexpr std::string_view forced = "forced";
inline constexpr std::string_view delay_ms = "delayMs";
inline constexpr std::string_view retry = "retry";
inline constexpr std::string_view not_before_ms = "notBeforeMs";
inline constexpr std::string_view errors = "errors";
inline constexpr std::string_view repair = "repair";
inline constexpr std::string_view max_repairs = "maxRepairs";
inline constexpr std::string_view name = "name";
inline constexpr std::string_view passed = "passed";
inline constexpr std::string_view timed_out = "timedOut";
inline constexpr std::string_view output_tail = "outputTail";
inline constexpr std::string_view hook = "hook";
inline constexpr std::string_view outputs = "outputs";
inline constexpr std::string_view kept_out = "keptOut";
inline constexpr std::string_view verdict = "verdict";
inline constexpr std::string_view summary = "summary";
inline constexpr std::string_view criteria = "criteria";
inline constexpr std::string_view criterion = "criterion";
inline constexpr std::string_view evidence = "evidence";
inline constexpr std::string_view kind = "kind";
inline constexpr std::string_view subject = "subject";
inline constexpr std::string_view attempts = "attempts";
inline constexpr std::string_view restored = "restored";
inline constexpr std::string_view change = "change";
inline constexpr std::string_view detail = "detail";
inline constexpr std::string_view saved_as = "savedAs";
inline constexpr std::string_view stops_story = "stopsStory";
inline constexpr std::string_view signal = "signal";
inline constexpr std::string_view message = "message";
inline constexpr std::string_view touches = "touches";
inline constexpr std::string_view parallel = "parallel";
inline constexpr std::string_view lanes = "lanes";
inline constexpr std::string_view lane = "lane";
inline constexpr std::string_view serial = "serial";
inline constexpr std::string_view untouched = "untouched";
inline constexpr std::string_view integrate = "integrate";
inline constexpr std::string_view worktree = "worktree";
inline constexpr std::string_view base = "base";
inline constexpr std::string_view onto = "onto";
inline constexpr std::string_view commits = "commits";
inline constexpr std::string_view hunks = "hunks";
inline constexpr std::string_view pre_merge = "preMerge";
inline constexpr std::string_view halt = "halt";
inline constexpr std::string_view key = "key";
inline constexpr std::string_view action = "action";
inline constexpr std::string_view request = "request";
inline constexpr std::string_view refused = "refused";
inline constexpr std::string_view started_from = "startedFrom";
inline constexpr std::string_view mode = "mode";
inline constexpr std::string_view before = "before";
inline constexpr std::string_view after = "after";
inline constexpr std::string_view branch_kept = "branchKept";
}  // namespace key

// run_started: one story of the PRD snapshot. Every member but `id` is "default".
struct StorySnapshot {
  std::string id;
  std::string title;
  std::int64_t priority = 0;
  std::vector<std::string> dependencies;
  std::string epic;  // "" = none
  StoryState status = StoryState::pending;
  std::string reason;                               // why it is blocked, "" otherwise
  std::optional<std::vector<std::string>> touches;  // omitted: the story declares no write-intents
  bool operator==(const StorySnapshot&) const = default;
};

// run_started: one pinned run input and its hash.
struct InputHash {
  std::string file;                   // as displayed, e.g. "simmer.json"
  std::optional<std::string> sha256;  // null: the file was absent
  bool operator==(const InputHash&) const = default;
};

// run_started: where the run commits.
struct Head {
  std::string branch;  // "refs/heads/main"; "" when detached
  std::string sha;     // "" before the first commit
  bool operator==(const Head&) const = default;
};

struct RunStarted {
  static constexpr std::string_view k_kind = "run_started";
  std::string version;
  std::int64_t pid = 0;
  bool resumed = false;
  Phase phase = Phase::orchestrate;                   // where the run resumes
  std::optional<std::string> story_id;                // null: no story in progress
  std::optional<std::vector<StorySnapshot>> stories;  // omitted: the state keeps the stories it has
  std::optional<Limits> limits;                       // omitted: the state keeps its limits; members "default"
  std::optional<std::vector<InputHash>> inputs;       // omitted in journals older than pinned inputs
  std::optional<Head> head;                           // omitted in journals older than the run's branch
  // Omitted when empty: the paths dirty at the start (--allow-dirty) that no simmer commit takes, the human's. A
  // run resuming mid-story inherits the killed run's list (the tree it finds is the agent's work on top of it).
  std::optional<std::vector<std::string>> foreign;
  // An isolated run (`cook --branch NAME`; `head` is then NAME's): the branch the user was on when the run was
  // first started, and its tip then, which `simmer land` brings the run's work onto. Omitted otherwise.
  std::optional<Head> started_from;
  bool operator==(const RunStarted&) const = default;
};

struct RunFinished {
  static constexpr std::string_view k_kind = "run_finished";
  RunResult result = RunResult::passed;
  std::int64_t exit_code = 0;
  bool operator==(const RunFinished&) const = default;
};

struct PhaseStarted {
  static constexpr std::string_view k_kind = "phase_started";
  Phase phase = Phase::orchestrate;
  std::optional<std::string> story_id;  // null: orchestrate, done
  std::int64_t attempt = 0;
  bool operator==(const PhaseStarted&) const = default;
};

struct PhaseFinished {
  static constexpr std::string_view k_kind = "phase_finished";
  Phase phase = Phase::orchestrate;
  std::optional<std::string> story_id;  // null: orchestrate
  std::int64_t attempt = 0;
  std::int64_t duration_ms = 0;
  // An agent phase: the session's outcome (to_string(SessionOutcome)); gates: "passed" or "failed". The schema
  // leaves it an open string.
  std::string outcome;
  bool operator==(const PhaseFinished&) const = default;
};

struct StorySelected {
  static constexpr std::string_view k_kind = "story_selected";
  std::string story_id;
  PickedBy by = PickedBy::harness;
  std::optional<std::string> warning;  // omitted: why the orchestrator's pick was refused, when it was
  bool operator==(const StorySelected&) const = default;
};

struct FeedbackClaimed {
  static constexpr std::string_view k_kind = "feedback_claimed";
  std::vector<FeedbackNote> files;  // {path, bytes, preview}, all required
  bool operator==(const FeedbackClaimed&) const = default;
};

// session_launched: what the agent was told, kept beside its transcript (`simmer replay --prompt SEQ`).
struct PromptRecord {
  std::string file;    // relative to the project root
  std::string sha256;  // of the rendered prompt
  std::int64_t bytes = 0;
  bool operator==(const PromptRecord&) const = default;
};

struct SessionLaunched {
  static constexpr std::string_view k_kind = "session_launched";
  AgentRole role = AgentRole::builder;
  std::optional<std::string> story_id;  // null: the orchestrator's session
  std::int64_t attempt = 0;
  std::string agent;
  std::int64_t pid = 0;
  std::int64_t pgid = 0;
  std::uint64_t start_time = 0;  // /proc/<pid>/stat starttime, clock ticks since boot
  std::string boot_id;
  std::string transcript;
  std::optional<PromptRecord> prompt;  // omitted in journals older than journaled prompts
  // The built-in tools the agent's CLI was told to offer the model (claude --tools); omitted for an agent that
  // takes no such list (its CLI offers its own set) and in journals older than this field.
  std::optional<std::vector<std::string>> tools;
  bool operator==(const SessionLaunched&) const = default;
};

// session: what one session used.
struct Tokens {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
  bool operator==(const Tokens&) const = default;
};

struct Session {
  static constexpr std::string_view k_kind = "session";
  AgentRole role = AgentRole::builder;
  std::optional<std::string> story_id;  // null: the orchestrator's session
  std::int64_t attempt = 0;
  std::string agent;
  std::string model;
  std::string session_id;  // "" when the CLI never started one
  Tokens tokens;
  std::int64_t turns = 0;
  std::int64_t duration_ms = 0;
  double cost_usd = 0.0;
  bool cost_reported = false;
  SessionOutcome outcome = SessionOutcome::success;
  std::string error;
  std::string transcript;
  std::optional<std::int64_t> reset_at_ms;  // omitted: usage_limit, when the agent said when the limit resets
  std::optional<bool> recovered;            // omitted: true for a killed run's session, recorded by the next start
  bool operator==(const Session&) const = default;
};

struct AgentsStopped {
  static constexpr std::string_view k_kind = "agents_stopped";
  std::string run_id;     // the killed run
  std::vector<int> pids;  // as util::stop_processes() took them
  bool forced = false;    // some needed SIGKILL
  bool operator==(const AgentsStopped&) const = default;
};

struct RetryScheduled {
  static constexpr std::string_view k_kind = "retry_scheduled";
  Phase phase = Phase::build;
  RetryReason reason = RetryReason::transient;
  std::int64_t delay_ms = 0;
  std::int64_t retry = 1;  // 1-based
  std::int64_t not_before_ms = 0;
  bool operator==(const RetryScheduled&) const = default;
};

struct HandoffInvalid {
  static constexpr std::string_view k_kind = "handoff_invalid";
  AgentRole role = AgentRole::builder;
  std::string file;
  std::vector<std::string> errors;  // as `validate` prints them
  std::int64_t repair = 1;          // > max_repairs: the repairs are spent
  std::int64_t max_repairs = 0;
  bool operator==(const HandoffInvalid&) const = default;
};

struct HandoffAccepted {
  static constexpr std::string_view k_kind = "handoff_accepted";
  AgentRole role = AgentRole::builder;  // builder: build.json
  std::string file;
  std::string story_id;
  std::int64_t attempt = 0;
  bool operator==(const HandoffAccepted&) const = default;
};

// A path a gate created or changed (gate.outputs, merge_gate.outputs), kept out of simmer's commits
// (core/gate_outputs.hpp).
struct GateOutput {
  std::string path;                   // relative to the work tree; a folder git lists whole ends in '/'
  std::string change;                 // "created" (untracked before the gate), "changed" or "deleted" (tracked)
  std::optional<std::string> sha256;  // "changed": the content the gate left
  bool operator==(const GateOutput&) const = default;
};

struct Gate {
  static constexpr std::string_view k_kind = "gate";
  std::string name;                     // "<hook> hook" for a refused commit
  std::optional<std::string> story_id;  // null: no story in progress
  std::int64_t attempt = 0;
  std::int64_t exit_code = 0;  // -1: killed
  bool passed = false;
  bool timed_out = false;
  std::int64_t duration_ms = 0;
  std::string output_tail;                         // the last 64 KiB
  std::optional<bool> hook;                        // omitted: true when a commit hook refused a BUILD/FIX commit
  std::optional<std::vector<GateOutput>> outputs;  // omitted: the gate created or changed nothing git sees
  bool operator==(const Gate&) const = default;
};

// verdict: the verifier's judgement of one criterion.
struct Criterion {
  std::string criterion;
  bool passed = false;
  std::optional<std::string> evidence;  // omitted when the verifier gave none
  bool operator==(const Criterion&) const = default;
};

struct Verdict {
  static constexpr std::string_view k_kind = "verdict";
  std::string story_id;
  std::int64_t attempt = 0;
  VerdictKind verdict = VerdictKind::pass;
  std::string summary;
  std::vector<Criterion> criteria;
  bool operator==(const Verdict&) const = default;
};

struct Commit {
  static constexpr std::string_view k_kind = "commit";
  std::optional<std::string> story_id;  // null: no story in progress
  std::int64_t attempt = 0;
  CommitKind kind = CommitKind::build;
  std::optional<std::string> sha;  // null: nothing to commit
  std::string subject;
  std::optional<std::vector<std::string>> kept_out;  // omitted: no gate output was left out of the commit
  bool operator==(const Commit&) const = default;
};

struct StoryPassed {
  static constexpr std::string_view k_kind = "story_passed";
  std::string story_id;
  std::int64_t attempts = 1;
  double cost_usd = 0.0;
  bool operator==(const StoryPassed&) const = default;
};

struct StoryBlocked {
  static constexpr std::string_view k_kind = "story_blocked";
  std::string story_id;
  std::string reason;
  bool operator==(const StoryBlocked&) const = default;
};

struct TamperDetected {
  static constexpr std::string_view k_kind = "tamper_detected";
  std::string file;
  bool restored = false;
  // Omitted when not known; whose session it was (a role), "gate", or "harness". The schema leaves it open.
  std::optional<std::string> role;
  std::optional<TamperChange> change;   // omitted when not known
  std::optional<std::string> detail;    // omitted when not known
  std::optional<std::string> saved_as;  // omitted: where the agent's version of a run input was kept
  std::optional<bool> stops_story;      // omitted: true when the journal itself was erased
  bool operator==(const TamperDetected&) const = default;
};

struct Halted {
  static constexpr std::string_view k_kind = "halted";
  HaltReason reason = HaltReason::budget_total;
  std::string detail;
  std::optional<std::string> epic;  // omitted: the epic of a checkpoint
  bool operator==(const Halted&) const = default;
};

struct Interrupted {
  static constexpr std::string_view k_kind = "interrupted";
  std::string signal;  // "SIGINT", "SIGTERM"
  bool operator==(const Interrupted&) const = default;
};

struct Warning {
  static constexpr std::string_view k_kind = "warning";
  std::string message;
  bool operator==(const Warning&) const = default;
};

// --- lanes (a run of more than one lane, docs/lanes.md) ---------------------------------------------------------

// The coordinator opened a story's lane: its worktree on its branch, started from the integration tip `base`.
struct LaneStarted {
  static constexpr std::string_view k_kind = "lane_started";
  std::string story_id;
  std::string branch;    // "simmer/<run>/<story>"
  std::string worktree;  // absolute
  std::string base;      // the integration tip it started from
  bool operator==(const LaneStarted&) const = default;
};

// The lane's own run ended: passed (the story joins the merge queue), blocked, or halted (a limit of the lane's
// run: its story budget, transient failures, an agent that cannot start). Figures are the lane's, cumulative.
struct LaneFinished {
  static constexpr std::string_view k_kind = "lane_finished";
  std::string story_id;
  RunResult result = RunResult::passed;  // passed | blocked | halted
  std::string head;                      // the lane branch's tip
  std::int64_t attempts = 0;
  double cost_usd = 0.0;
  std::string summary;             // the verdict or failure summary, for progress.json
  std::string reason;              // blocked: why; halted: the halt's detail
  std::optional<HaltReason> halt;  // omitted: halted, the lane's halt reason
  bool operator==(const LaneFinished&) const = default;
};

// A new lane was set up before its story started (docs/lanes.md, "Lane bootstrap"): the files of parallel.copy
// copied from the project into its worktree, those skipped with why, and parallel.setup run there.
struct LaneBootstrapped {
  static constexpr std::string_view k_kind = "lane_bootstrapped";
  std::string story_id;
  std::vector<std::string> copied;   // paths copied, relative to the repository root
  std::vector<std::string> skipped;  // "<path>: <why>" (missing, not a regular file, not ignored by git)
  std::string setup;                 // the command run; "" = none
  std::int64_t exit_code = 0;
  bool passed = true;
  bool timed_out = false;
  std::int64_t duration_ms = 0;
  std::string output_tail;
  bool operator==(const LaneBootstrapped&) const = default;
};

// What a lane's branch changed so far, as the coordinator saw it (its diff from the lane's base to `head`): the paths
// not journaled for the lane before, sorted. They widen the lane's write set for the scheduler and tell the merge
// queue which lanes a story strayed into (docs/lanes.md, "After BUILD: a diff that strayed").
struct LaneTouched {
  static constexpr std::string_view k_kind = "lane_touched";
  std::string story_id;
  std::string head;
  std::vector<std::string> paths;
  bool operator==(const LaneTouched&) const = default;
};

// The merge queue rebased (or merged, `integrate: merge`) the lane onto the integration tip `onto`; `commits` are
// the lane's commits on top of it, oldest first; `head` is the last.
struct MergeRebased {
  static constexpr std::string_view k_kind = "merge_rebased";
  std::string story_id;
  std::string onto;
  std::string head;
  std::vector<std::string> commits;
  bool operator==(const MergeRebased&) const = default;
};

// The rebase conflicted: it was aborted (the lane is back at its tip, clean) and the story goes back to FIX in
// its lane with the conflicting files and hunks.
struct MergeConflicted {
  static constexpr std::string_view k_kind = "merge_conflicted";
  std::string story_id;
  std::string onto;
  std::vector<std::string> files;
  std::string hunks;  // the conflicting hunks with their markers, the first 64 KiB
  bool operator==(const MergeConflicted&) const = default;
};

// One gate run on the merged tree (the lane rebased onto the tip, which the fast-forward makes the integration
// tree).
struct MergeGate {
  static constexpr std::string_view k_kind = "merge_gate";
  std::string story_id;
  std::string name;
  std::int64_t exit_code = 0;
  bool passed = false;
  bool timed_out = false;
  std::int64_t duration_ms = 0;
  std::string output_tail;
  std::optional<std::vector<GateOutput>> outputs;  // omitted: the gate created or changed nothing git sees
  bool operator==(const MergeGate&) const = default;
};

// The integration branch `branch` was fast-forwarded from `pre_merge` (undo: point it back there) to `sha`.
struct Merged {
  static constexpr std::string_view k_kind = "merged";
  std::string story_id;
  std::string branch;
  std::string pre_merge;
  std::string sha;
  bool operator==(const Merged&) const = default;
};

// `simmer land`: the isolated run on `branch` ("refs/heads/NAME", at `head`) was brought onto `onto` by `mode`
// ("ff", "merge" or "squash"), which moved from `before` (undo: point it back there) to `after`. `branch_kept`: the
// run's branch was kept (a squash leaves its commits off `onto`).
struct Landed {
  static constexpr std::string_view k_kind = "landed";
  std::string branch;
  std::string head;
  std::string onto;
  LandMode mode = LandMode::ff;
  std::string before;
  std::string after;
  bool branch_kept = false;
  bool operator==(const Landed&) const = default;
};

// A lane's journal: the merge queue sent the story back (a conflict, or a gate that failed on the merged tree);
// `key` is the seq of that decision in the coordinator's journal, so a relaunched lane folds it once.
struct MergeFailed {
  static constexpr std::string_view k_kind = "merge_failed";
  std::string story_id;
  std::int64_t key = 0;
  FailureKind kind = FailureKind::merge;  // merge | gate
  std::string summary;
  std::string name;    // gate: its name
  std::string output;  // the hunks, or the gate's output tail
  bool operator==(const MergeFailed&) const = default;
};

// --- steering (docs/loop.md "Steering a run") ---------------------------------------------------------------------

// A person's request (`simmer stop|pause|resume|retry|skip`, a dashboard button), claimed from .simmer/control/ by
// the harness that holds the lock: applied, or refused with why (the story is not blocked, it runs in a lane...).
struct Steered {
  static constexpr std::string_view k_kind = "steered";
  SteerAction action = SteerAction::stop;
  std::optional<std::string> story_id;  // null: stop, pause, resume
  std::string by;                       // "cli" | "dashboard"
  std::string request;                  // the claimed request file, relative to the project root
  std::optional<std::string> refused;   // omitted: applied; else why it was not
  bool operator==(const Steered&) const = default;
};

}  // namespace events

// Every event kind, in the order of schemas/event.json's `kind` enum.
using EventData = std::variant<
    events::RunStarted, events::RunFinished, events::PhaseStarted, events::PhaseFinished, events::StorySelected,
    events::FeedbackClaimed, events::SessionLaunched, events::Session, events::AgentsStopped, events::RetryScheduled,
    events::HandoffInvalid, events::HandoffAccepted, events::Gate, events::Verdict, events::Commit, events::StoryPassed,
    events::StoryBlocked, events::TamperDetected, events::Halted, events::Interrupted, events::Warning,
    events::LaneStarted, events::LaneFinished, events::LaneTouched, events::LaneBootstrapped, events::MergeRebased,
    events::MergeConflicted, events::MergeGate, events::Merged, events::MergeFailed, events::Steered, events::Landed>;

// A journal line in its typed form.
struct TypedEvent {
  std::int64_t seq = 0;
  std::string ts;
  std::string run_id;
  EventData data;
  bool operator==(const TypedEvent&) const = default;
};

// The kind `data` is ("run_started", "gate"...): its struct's k_kind.
std::string_view kind_name(const EventData& data);

// Every kind name, in EventData's order.
const std::vector<std::string_view>& kind_names();

// The `data` object of `data`'s journal line. Keys are written by nlohmann's sorted object, so the line's bytes
// (util::Journal writes `dump()`) do not depend on the order members are declared in.
nlohmann::json to_data(const EventData& data);

// The typed form of the `data` of one journal line of kind `kind` and seq `seq`. Members the kind does not
// declare are accepted and ignored (see the implementation notes in events.cpp). An unknown kind, a missing
// required member, a wrong type, a value outside an enum's set or an integer beyond int64 throws
// simmer::Error(journal_corrupt): `invalid journal event (.simmer/events.jsonl#/data/attempt): expected an integer,
// found "x" (seq 12, kind gate)`; a missing member names its object: `...#/data): expected property "name", found
// nothing (seq 12, kind gate)`.
EventData data_from_json(std::string_view kind, const nlohmann::json& data, std::int64_t seq);

// parse_event: data_from_json(event.kind, event.data, event.seq) with the envelope. to_event: the other way.
TypedEvent parse_event(const Event& event);
Event to_event(const TypedEvent& event);

// run_started's `limits` object, also state.json's (core/state.cpp): the one serialisation of Limits.
nlohmann::json limits_to_json(const Limits& limits);

// A verdict's criteria as its event writes them (state.json keeps them so in lastFailure.criteria).
nlohmann::json criteria_to_json(const std::vector<events::Criterion>& criteria);

}  // namespace simmer::core
