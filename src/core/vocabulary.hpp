#pragma once
// The closed value sets of simmer's state and journal: phases, steps, roles, outcomes, reasons. Each is an enum
// here, spelt for files (state.json, events.jsonl, the hand-off names) by to_string and read back by from_string,
// both from one table per enum (vocabulary.cpp), so a value is spelt once. VerdictKind is contracts.hpp's (it is
// verdict.json's), and from_string reads it too.

#include <optional>
#include <string_view>
#include <vector>

namespace simmer::core {

// Where the loop is (DESIGN.md "The loop").
enum class Phase { orchestrate, build, gates, verify, fix, record, halt, done };

// Where an agent phase (orchestrate, build, verify, fix) stands.
enum class Step {
  launch,      // start the phase's agent session (fresh, or resuming the builder's session for FIX)
  running,     // phase_started was journaled: a session is (or was, before a crash) running; re-launch on resume
  retry_wait,  // a retry is scheduled: wait until `not_before_ms`, then launch again
  validate,    // the session ended well: validate the hand-off file it wrote
  repair,      // the hand-off was invalid: resume the same session with `handoff_errors`
  commit,      // BUILD/FIX hand-off accepted: commit the attempt's work tree changes
  fallback,    // ORCHESTRATE only: the orchestrator failed; the harness picks, with a warning (last_failure)
};

enum class StoryState { pending, passed, blocked };

enum class AgentRole { orchestrator, builder, verifier };

// The hand-off file an agent phase writes: .simmer/task.json (orchestrator), build.json (builder: BUILD and
// FIX), verdict.json (verifier).
enum class Handoff { task, build, verdict };

enum class RunResult { passed, halted, blocked, interrupted, failed };
enum class PickedBy { orchestrator, harness };

// How an agent session ended (agents/agent.hpp says how each is read from a CLI's stream).
enum class SessionOutcome { success, timeout, transient, usage_limit, fatal, interrupted, cannot_start };

enum class RetryReason { transient, usage_limit, contract };
enum class CommitKind { build, fix, record };

// Why a run halted. agent_cannot_start is the state's only: the machine halts on it without a halted event (the
// session event says why), so the halted event's schema does not list it.
enum class HaltReason { budget_story, budget_total, max_iterations, checkpoint, transient, agent_cannot_start };

enum class TamperChange { changed, removed, created, moved };

// What FIX is told failed in the previous attempt: the verifier's judgement, a gate (or a commit hook), the
// hand-off contract, a session that timed out or failed, or (a lane) the merge queue's rebase onto the
// integration tip, which conflicted.
enum class FailureKind { verdict, gate, contract, timeout, fatal, merge };

// Where a story in a lane stands between its lane's start and its merge (a run with more than one lane):
// its lane runs; it passed in its lane and waits in the merge queue; the queue rebased it onto the integration
// tip and runs the gates on that merged tree.
enum class LaneStatus { running, queued, rebased };

// What a person asked of a run (`simmer stop|pause|resume|retry|skip`, or the dashboard's buttons; docs/loop.md
// "Steering a run"): stop it now, hold it before the next story, go on, bring a blocked story back to pending,
// set a pending story aside as blocked.
enum class SteerAction { stop, pause, resume, retry, skip };

// How `simmer land` brings an isolated run onto the branch it started from: a fast-forward, a merge commit, or one
// squashed commit.
enum class LandMode { ff, merge, squash };

// The files' spelling of each value ("usage_limit", "retry_wait"...); "?" for a value outside the enum.
std::string_view to_string(Phase value);
std::string_view to_string(Step value);
std::string_view to_string(StoryState value);
std::string_view to_string(AgentRole value);
std::string_view to_string(Handoff value);
std::string_view to_string(RunResult value);
std::string_view to_string(PickedBy value);
std::string_view to_string(SessionOutcome value);
std::string_view to_string(RetryReason value);
std::string_view to_string(CommitKind value);
std::string_view to_string(HaltReason value);
std::string_view to_string(TamperChange value);
std::string_view to_string(FailureKind value);
std::string_view to_string(LaneStatus value);
std::string_view to_string(SteerAction value);
std::string_view to_string(LandMode value);

// The value spelt `name` (as to_string writes it), or nothing for any other text. Defined for every enum above
// and for VerdictKind.
template <class E>
std::optional<E> from_string(std::string_view name);

// Every name of E, in declaration order ("expected one of ..." messages).
template <class E>
std::vector<std::string_view> names_of();

// The role an agent phase runs and the hand-off it writes; nothing for the other phases.
std::optional<AgentRole> role_of(Phase phase);
std::optional<Handoff> handoff_of(Phase phase);

}  // namespace simmer::core
