#pragma once
// The agent phases (ORCHESTRATE, BUILD, VERIFY, FIX and contract repairs): render what the agent is told from the
// pinned prompt and the state, launch its session through World::agents with the tamper check around it, and
// journal phase_started, session_launched, session and phase_finished. Also the record of a session a killed run
// never journaled, recovered from its transcript at the next start.

#include <optional>
#include <string>

#include "agents/agent.hpp"
#include "run/context.hpp"

namespace simmer::run {

// Performs a run_agent effect: waits until its not_before_ms (a retry), then runs the session. A cancel during
// the wait or the session sets cx.interrupted.
void run_agent_phase(RunContext& cx, const core::effects::RunAgent& effect);

// The `session` event of one session's record (story: none for the orchestrator's sessions).
core::events::Session session_event(const RunContext& cx, core::AgentRole role, std::optional<std::string> story,
                                    std::int64_t attempt, const agents::SessionRecord& rec);

// The session a killed run launched (`launched`: its session_launched event) and never recorded: read from its
// transcript. One whose stream carries its final result had finished (simmer was killed between its end and the
// journal) and is recorded as it ended, so the loop goes on instead of paying for it twice; otherwise it is
// recorded as interrupted, with the spend its transcript shows. Journals the session event (recovered: true).
void journal_recovered_session(RunContext& cx, const core::events::SessionLaunched& launched);

}  // namespace simmer::run
