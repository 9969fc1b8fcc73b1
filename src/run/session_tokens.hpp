#pragma once
// What the journal's `session` records have charged to each agent session id so far. Codex reports a thread's
// running totals, so a session that resumes a thread must record only the difference from what the thread's
// earlier sessions recorded: the loop passes this sum as agents::LaunchRequest::resume_baseline.

#include <map>
#include <string>

#include "agents/agent.hpp"
#include "core/events.hpp"

namespace simmer::run {

class SessionTokens {
public:
  // Adds the tokens and cost of one `session` record to its session id. A record without a session id (the CLI
  // never started one) adds nothing.
  void add(const core::events::Session& session);
  // The sum of the records added for `session_id`; all zero for an id never seen or an empty one.
  agents::Tokens of(const std::string& session_id) const;
  // The sum of the `costUsd` of the records added for `session_id` (agents::LaunchRequest::resume_cost_baseline);
  // 0 for an id never seen or an empty one.
  double cost_of(const std::string& session_id) const;

private:
  std::map<std::string, agents::Tokens> m_totals;
  std::map<std::string, double> m_costs;
};

}  // namespace simmer::run
