#pragma once
// The cook loop's state machine (DESIGN.md "The loop"), pure: no I/O, no clock, no randomness. Anything
// non-deterministic (time, pids, agent results, file contents) enters only as fields of journal events.
//
//   apply(state, event) -> state'      one journal event folded into the state
//   next_effect(state)  -> effect      what the shell (run/loop.hpp) must do next
//
// The executor loop is: effect = next_effect(state); perform it, which yields one event (emit effects carry
// their event ready-made); append the event to the journal (fsync); state = apply(state, event); write
// state.json (atomic). Replay (`simmer replay`) is fold(journal). Resume after a crash is next_effect(fold):
// an effect whose event never reached the journal is simply performed again (agents, gates) or found already
// done (commits carry trailers keyed by CommitPlan).
//
// Event kinds and their data are listed in docs/events.md, typed in core/events.hpp; schemas in
// schemas/events/<kind>.json.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/events.hpp"
#include "core/lanes.hpp"
#include "core/state.hpp"
#include "util/error.hpp"

namespace simmer::core {

// What the shell must do next: one struct per kind of work, and Effect, the variant of them. Each names only what
// its work needs; the shell (run/loop.cpp) visits it and journals the event the work yields.
namespace effects {

// Nothing to do: the run has finished (exit with state.exit_code).
struct Idle {
  bool operator==(const Idle&) const = default;
};

// A decision of the machine (select a story as the harness, halt, finish the run...): journal `event` as it is.
struct Emit {
  EventData event;
  bool operator==(const Emit&) const = default;
};

// Journal retry_scheduled: the shell stamps notBeforeMs = now + delay_ms (usage_limit: the reset time, or 30 s
// when the agent did not say).
struct ScheduleRetry {
  RetryReason reason = RetryReason::transient;
  int retry = 0;                            // 1-based count
  std::int64_t delay_ms = 0;                // transient: 1 s doubling, capped at 30 s
  std::optional<std::int64_t> reset_at_ms;  // usage_limit: when the agent said the limit resets
  bool operator==(const ScheduleRetry&) const = default;
};

// Launch `role` for the current phase, after waiting until not_before_ms when it is set.
struct RunAgent {
  AgentRole role = AgentRole::builder;
  Handoff handoff = Handoff::build;           // the file the session must write
  std::optional<std::string> resume_session;  // resume this agent session (FIX, repairs, a retried session)
  std::vector<std::string> repair_errors;     // a repair: the exact validation errors to hand back
  std::optional<std::int64_t> not_before_ms;  // a retry: wait until then
  bool operator==(const RunAgent&) const = default;
};

// Validate the hand-off file `role` wrote for the current story and attempt.
struct ValidateHandoff {
  AgentRole role = AgentRole::builder;
  Handoff handoff = Handoff::build;
  bool operator==(const ValidateHandoff&) const = default;
};

// Run gate number `index` of simmer.json, named `name`, in the project.
struct RunGate {
  int index = 0;
  std::string name;
  bool operator==(const RunGate&) const = default;
};

// Commit the attempt's work tree changes (a build or fix commit) as `plan` says.
struct Commit {
  CommitPlan plan;
  bool operator==(const Commit&) const = default;
};

// Write prd.json and progress.json for state.record, commit them as `plan` says, journal the commit.
struct Record {
  CommitPlan plan;
  bool operator==(const Record&) const = default;
};

// --- a coordinator's effects (limits.parallel with more than one lane, docs/lanes.md) ---

// Open a lane for `story_id` (its worktree on branch `simmer/<run>/<story>` from the integration tip), journal
// lane_started, and launch its run.
struct StartLane {
  std::string story_id;
  bool operator==(const StartLane&) const = default;
};

// The story's lane is in flight: its run must be live (launch it again if it is not: after a crash, or after
// the merge queue sent it back). `failure`: what the lane folds first (merge_failed with `failure_key`).
struct RunLane {
  std::string story_id;
  std::optional<FailureNote> failure;
  std::int64_t failure_key = 0;
  bool operator==(const RunLane&) const = default;
};

// The merge queue's head: bring the lane up to the integration tip (`integrate`: "rebase" or "merge"); journal
// merge_rebased or, on a conflict (aborted, the lane clean at its tip), merge_conflicted.
struct IntegrateLane {
  std::string story_id;
  std::string integrate = "rebase";
  bool operator==(const IntegrateLane&) const = default;
};

// Run gate `index` (`name`) on the merged tree, in the rebased lane; journal merge_gate.
struct RunMergeGate {
  std::string story_id;
  int index = 0;
  std::string name;
  bool operator==(const RunMergeGate&) const = default;
};

// Fast-forward the integration branch from `onto` (the tip the lane was rebased onto) to `sha`, the rebased lane's
// tip; journal merged with the pre-merge sha.
struct FastForward {
  std::string story_id;
  std::string onto;
  std::string sha;
  bool operator==(const FastForward&) const = default;
};

// Lanes are running and nothing else can happen until one of them ends: wait for it (or a signal).
struct AwaitLanes {
  bool operator==(const AwaitLanes&) const = default;
};

// A pause was asked (state.paused) and the run is between stories: wait for a steering request (resume, stop...)
// or a signal, starting nothing.
struct Paused {
  bool operator==(const Paused&) const = default;
};

}  // namespace effects

using Effect = std::variant<effects::Idle, effects::Emit, effects::ScheduleRetry, effects::RunAgent,
                            effects::ValidateHandoff, effects::RunGate, effects::Commit, effects::Record,
                            effects::StartLane, effects::RunLane, effects::IntegrateLane, effects::RunMergeGate,
                            effects::FastForward, effects::AwaitLanes, effects::Paused>;

// Transient retry delay for the n-th retry (1-based): 1 s, 2 s, 4 s, ... capped at 30 s.
std::int64_t transient_delay_ms(int retry);

// Folds one event into `state`. `event.seq` must be state.seq + 1 (else simmer::Error(journal_corrupt) naming
// both seqs); kinds the machine does not act on (phase_finished, warning, interrupted, session of another
// story...) only advance `seq`, `run_id` and `meta`. The Event form is parsed first (parse_event): data that is
// not its kind's throws simmer::Error(journal_corrupt) naming the seq, the kind and the pointer.
State apply(State state, const TypedEvent& event);
State apply(State state, const Event& event);

// The typed form of `event`, the line that follows `state`: its seq is checked before its data, so a line out of
// order is refused as such (journal_corrupt naming both seqs) whatever its data. apply(Event) is
// apply(parse_next(state, event)); readers that need the typed event beside the fold call this once.
TypedEvent parse_next(const State& state, const Event& event);

// The one thing to do next in `state`. Pure and total: every state has exactly one next effect. For a
// coordinator (coordinating(state)) it is next_effects(state).front().
Effect next_effect(const State& state);

// Whether `state` is a coordinator's: limits.parallel asks for more than one lane.
bool coordinating(const State& state);

// Everything that may happen now, for a coordinator: first the one serial step, when there is one (an Emit, the
// merge queue's next step, RECORD of the story it took), then a RunLane for every lane in flight (in id order),
// then a StartLane for every story the scheduler (core/lanes.hpp) starts now, in its order; AwaitLanes when lanes
// are in flight and there is nothing else to do. The shell launches what is not live and performs the serial
// step, then asks again after each event it journals. Never empty: Idle once the run has finished. For a run of
// one lane: {next_effect(state)}.
std::vector<Effect> next_effects(const State& state);

// The merge queue's next entry for a coordinator: the lane being merged (rebased) if there is one; else the first
// in queue order that waits for no other lane. A passed story waits while its diff strayed (strayed_into,
// core/lanes.hpp) into a lane still running, or into a passed lane queued anywhere that did not stray into it in
// turn (that one goes first; two lanes that strayed into each other keep queue order). When every entry waits
// and no lane is running, the queue's head goes (the waits form a cycle). Nothing: the queue is empty, or every
// entry waits for a running lane.
std::optional<std::string> merge_pick(const State& state);

// What story `id` (a lane in flight) strayed into: the paths of its diff outside its own touches that another lane
// in flight may write (core::strayed_into against every other lane with a passed or running story).
std::vector<Stray> lane_strays(const State& state, const std::string& id);

// What keeps queued story `id` from merging now (merge_pick's rule): the first of its strays into a running lane,
// or into a queued one that did not stray into it in turn. Nothing: it waits for no lane (or is not queued, or
// is blocked).
std::optional<Stray> merge_wait(const State& state, const std::string& id);

// Whether the shell must claim the feedback inbox (run/feedback.hpp) before performing next_effect(state): at
// every ORCHESTRATE launch or harness fallback of a running run, so that a note written while a story ran reaches
// the next pick. When notes are claimed the shell journals feedback_claimed and asks again; when none are, it
// goes on with the effect it had.
bool feedback_due(const State& state);

// Why a steering request cannot be applied to `state` now, or nothing when it can (docs/loop.md "Steering a
// run"). `live`: a cook holds the run (it applies the request between two steps); otherwise the request is
// applied by `simmer retry|skip` itself, with the lock, while no cook runs. retry and skip name a story; stop,
// pause and resume do not.
std::optional<std::string> steer_refusal(const State& state, SteerAction action,
                                         const std::optional<std::string>& story, bool live);

// A state that knows only the stories of `prd` (their order, statuses and reasons), for a project no cook has
// folded yet: `simmer status` shows it, and `simmer retry|skip` judges a request against it.
State state_from_prd(const Prd& prd);

// The blocked reason a skipped story gets (prd.json's blockedReason, the state's reason): "skipped by a person
// (simmer skip)", or "(the dashboard)" when `by` is "dashboard".
std::string skip_reason(std::string_view by);

// apply() then next_effect(): the machine as a transition (state, event) -> (state', effects).
struct Transition {
  State state;
  Effect effect;
};
Transition step(const State& state, const Event& event);

// Folds `events` into a fresh State (replay).
State fold(const std::vector<Event>& events);

// The exit code a finished state maps to: done with every story passed = ok; done with blocked or stuck stories =
// blocked; halt = halted.
ExitCode final_exit_code(const State& state);

}  // namespace simmer::core
