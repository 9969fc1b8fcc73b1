#include "run/session_tokens.hpp"

namespace simmer::run {

void SessionTokens::add(const core::events::Session& session) {
  if (session.session_id.empty()) {
    return;
  }
  m_costs[session.session_id] += session.cost_usd;
  agents::Tokens& total = m_totals[session.session_id];
  total.input += session.tokens.input;
  total.output += session.tokens.output;
  total.cache_read += session.tokens.cache_read;
  total.cache_write += session.tokens.cache_write;
}

double SessionTokens::cost_of(const std::string& session_id) const {
  auto it = m_costs.find(session_id);
  return it != m_costs.end() ? it->second : 0.0;
}

agents::Tokens SessionTokens::of(const std::string& session_id) const {
  auto it = m_totals.find(session_id);
  return it != m_totals.end() ? it->second : agents::Tokens{};
}

}  // namespace simmer::run
