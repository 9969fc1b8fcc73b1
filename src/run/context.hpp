#pragma once
// The run in progress, as every part of the shell sees it: the project, its configuration and pinned inputs,
// the world it acts on (run/world.hpp), and the journal with the state folded from it. append() is the shell's
// one way to change the state: the event goes to the journal first (one write + fdatasync), is folded into the
// state, then shown by the reporter. The phases (run/agent_phase.hpp, handoff_phase, gate_phase, commit_phase)
// are functions of a RunContext and the machine's effect; run/loop.hpp asks the machine and dispatches.

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/contracts.hpp"
#include "core/machine.hpp"
#include "run/cook.hpp"
#include "run/inputs.hpp"
#include "run/profile.hpp"
#include "run/report.hpp"
#include "run/session_tokens.hpp"
#include "run/state_cache.hpp"
#include "run/world.hpp"
#include "store/project.hpp"
#include "util/journal.hpp"
#include "util/lock.hpp"

namespace simmer::run {

class RunContext {
public:
  RunContext(const store::ProjectPaths& paths, const CookOptions& options, core::Config config, core::Prd prd,
             util::Journal journal, util::ProjectLock& lock, StateCache cache, RunInputs inputs, World world,
             Reporter& report, const std::atomic<bool>& cancel, const std::atomic<int>& signal_number);
  RunContext(const RunContext&) = delete;
  RunContext& operator=(const RunContext&) = delete;

  const core::State& state() const { return m_cache.state(); }
  // Journals one event of this run, folds it and reports it. Before writing, a journal or lock an agent removed,
  // moved or replaced is put back (and a tamper_detected that stops the story follows the event).
  void append(const core::EventData& event);
  // Writes state.json if it is stale (run/state_cache.hpp says when the shell calls this).
  void flush_state() {
    auto t = profile.time("state");
    m_cache.flush();
  }
  StateCache& cache() { return m_cache; }
  util::Journal& journal() { return m_journal; }
  util::ProjectLock& lock() { return m_lock; }

  const store::ProjectPaths& paths;
  const CookOptions& options;
  const core::Config config;
  core::Prd prd;           // prd.json as the run last wrote or read it (RECORD updates it)
  const RunInputs inputs;  // simmer.json, prompt overrides and scenarios as the run started (run/inputs.hpp)
  World world;
  Reporter& report;
  Profile profile;
  const std::atomic<bool>& cancel;
  const std::atomic<int>& signal_number;

  std::string run_id;
  HeadRef head;                      // where the run commits: the branch at the start, its tip as of the last commit
  std::vector<std::string> foreign;  // dirty at start (--allow-dirty): kept out of every commit
  core::GateOutputs gate_outputs;    // what gates wrote, from the journal on: kept out of commits while theirs
  std::map<std::string, core::GateOutputs> merge_gate_outputs;  // by story: what the gates on its merge wrote
  std::string actor = "harness";        // who ran last (a role, or "gate"), for tamper found between checks
  bool interrupted = false;             // a session or gate was cancelled: the loop journals the interrupt
  SessionTokens session_tokens;         // per session id, what the journal's session records charged to it so far
  std::set<std::string> prompt_warned;  // prompt warnings already journaled in this run

private:
  util::Journal m_journal;
  util::ProjectLock& m_lock;
  StateCache m_cache;
};

// Puts the journal (from this process's open handle) and the lock back at their paths, and the folder they live
// in, after `role` removed, moved or replaced them; state.json is rewritten at the next flush. Returns the
// tamper_detected event, which stops the story: an agent that erases the record of what it did is not judged
// further.
core::events::TamperDetected restore_journal(RunContext& cx, const std::string& role);

}  // namespace simmer::run
