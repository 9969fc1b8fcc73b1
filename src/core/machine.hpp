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
#include <vector>

#include "core/events.hpp"
#include "core/state.hpp"
#include "util/error.hpp"

namespace simmer::core {

struct Effect {
  enum class Kind {
    emit,              // journal `event_kind` / `event_data` as they are (a decision of the machine; to_data of a
                       // typed event, so they parse back with parse_event)
    schedule_retry,    // journal retry_scheduled: the executor stamps notBeforeMs = now + delay (or the reset)
    run_agent,         // launch `role` for the current phase (after waiting until not_before_ms, if set)
    validate_handoff,  // validate `handoff` (task/build/verdict.json) for the current story and attempt
    run_gate,          // run gate number `gate_index` (`gate_name`) in the project
    commit,            // commit the attempt's work tree changes (kind build/fix) per `commit`
    record,            // write prd.json + progress.json for state.record, commit them, journal the commit
    idle,              // nothing to do: the run has finished (exit with state.exit_code)
  };
  Kind kind = Kind::idle;

  // emit
  std::string event_kind;
  nlohmann::json event_data = nlohmann::json::object();

  // run_agent / validate_handoff
  std::string role;                           // orchestrator | builder | verifier
  std::string handoff;                        // task | build | verdict
  std::optional<std::string> resume_session;  // resume this agent session (FIX, repairs)
  std::vector<std::string> repair_errors;     // repair: the exact validation errors to hand back
  std::optional<std::int64_t> not_before_ms;  // wait until then before launching

  // schedule_retry
  std::string retry_reason;                 // transient | usage_limit
  int retry = 0;                            // 1-based count
  std::int64_t delay_ms = 0;                // transient: 1 s doubling, capped at 30 s
  std::optional<std::int64_t> reset_at_ms;  // usage_limit: when the agent said the limit resets

  // run_gate
  int gate_index = 0;
  std::string gate_name;

  // commit / record
  std::optional<CommitPlan> commit;
};

// Transient retry delay for the n-th retry (1-based): 1 s, 2 s, 4 s, ... capped at 30 s.
std::int64_t transient_delay_ms(int retry);

// Folds one event into `state`. `event.seq` must be state.seq + 1 (else simmer::Error(journal_corrupt) naming
// both seqs); kinds the machine does not act on (phase_finished, warning, interrupted, session of another
// story...) only advance `seq`, `run_id` and `meta`. The Event form is parsed first (parse_event): data that is
// not its kind's throws simmer::Error(journal_corrupt) naming the seq, the kind and the pointer.
State apply(State state, const TypedEvent& event);
State apply(State state, const Event& event);

// The one thing to do next in `state`. Pure and total: every state has exactly one next effect.
Effect next_effect(const State& state);

// Whether the shell must claim the feedback inbox (run/feedback.hpp) before performing next_effect(state): at
// every ORCHESTRATE launch or harness fallback of a running run, so that a note written while a story ran reaches
// the next pick. When notes are claimed the shell journals feedback_claimed and asks again; when none are, it
// goes on with the effect it had.
bool feedback_due(const State& state);

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
