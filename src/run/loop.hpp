#pragma once
// The cook loop itself: fold the journal at the start, stop what a killed run left running, then ask the machine
// for its next effect (core::next_effect), perform it through the phase that owns it, and go on until the machine
// says idle or a signal arrives. Everything it touches outside its files comes in through RunContext::world, so
// tests drive it in-process with fakes (tests/unit/test_run_loop.cpp).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/machine.hpp"
#include "run/context.hpp"
#include "run/control.hpp"
#include "run/lanes.hpp"

namespace simmer::run {

// The journal folded once at the start, with what the loop needs from it besides the state.
struct JournalFold {
  core::State state;
  SessionTokens session_tokens;                         // what each agent session id was charged so far
  std::string last_run_id;                              // the journal's last run
  std::vector<std::string> foreign;                     // the paths its run_started kept out of commits (--allow-dirty)
  std::optional<core::events::Head> last_head;          // where its last run committed (run_started's head)
  std::optional<core::events::Head> last_started_from;  // its last run was isolated (cook --branch): from where
  std::optional<core::events::SessionLaunched> open_launch;     // its last launch without a session: a killed one
  core::GateOutputs gate_outputs;                               // what its gates wrote (gate.outputs), over every run
  std::map<std::string, core::GateOutputs> merge_gate_outputs;  // by story: what the gates on its merge wrote
};

// Folds `events` (the whole journal, already checked: store/journal_events.hpp) and tells `cache` each state the
// fold passes through, so that it can tell a state.json that merely lags the journal from one that disagrees.
JournalFold fold_journal(const std::vector<core::Event>& events, StateCache& cache);

class Loop {
public:
  explicit Loop(RunContext& cx) : m_cx(cx) {}

  // Takes the start-up fold as the state and makes state.json agree with it; remembers what a killed run left
  // behind (its run id, the session it launched and never recorded).
  void load(JournalFold fold);
  // A killed run's agents live on (its subreaper died with it, so they were re-parented to init): stops them before
  // this run does anything, by the process group the killed run journaled for its last session and by the
  // SIMMER_RUN_ID every agent of that run inherited. Called with the project lock held, so the killed run is really
  // gone. What it stopped is journaled once the run has started.
  void stop_survivors();
  // A warning journaled right after run_started.
  void add_warning(std::string message) { m_pending_warnings.push_back(std::move(message)); }

  // Journals run_started and performs effects until idle (returns the final exit code) or a cancel (interrupted,
  // exit 130). Errors (simmer::Error) propagate after state.json is left agreeing with the journal.
  int run();

  // `simmer retry|skip` with no cook running (CookOptions::steer_only): claims that one request, journals and
  // applies it, and writes state.json. Returns 0 when applied, ExitCode::invalid_input when refused (the reason
  // is journaled and printed).
  int steer_only();

private:
  // Claims the requests the listener verified (`signals`), journals each as `steered` and applies it: prd.json
  // first for retry and skip. Returns the last request's refusal, if it was refused.
  std::optional<std::string> take_steering(const std::vector<SteerSignal>& signals);
  // The Paused effect: state.json written, then wait until a steering request or a signal arrives.
  void wait_paused();
  void perform(const core::Effect& effect);
  // A coordinator's step (run/lanes.hpp): reaps the lanes that ended, launches those that must be live, then
  // performs the one serial step or lane start there is, or waits for a lane. False once the machine is idle.
  bool coordinate();
  // An emitted event of a coordinator: the live lanes are stopped before its run_finished, and a lane is closed
  // once its story_passed or story_blocked is journaled.
  void emit(const core::EventData& event);
  void claim_feedback_notes();
  void schedule_retry(const core::effects::ScheduleRetry& effect);
  void journal_survivors();
  int interrupt();

  RunContext& m_cx;
  std::string m_last_run_id;                                   // the journal's last run at start
  std::optional<core::events::SessionLaunched> m_open_launch;  // its last launch without a session: the killed one
  std::optional<core::events::AgentsStopped> m_survivors;      // what stop_survivors() stopped, journaled later
  std::vector<std::string> m_pending_warnings;
  std::unique_ptr<Lanes> m_lanes;  // a coordinator's lanes (core::coordinating)
};

// The run id of a run started at `now_ms`: "r20261122T100000Z-1a2b" (time, then pid-derived bits).
std::string make_run_id(std::int64_t now_ms);

}  // namespace simmer::run
