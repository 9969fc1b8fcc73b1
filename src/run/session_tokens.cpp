#include "run/session_tokens.hpp"

namespace simmer::run {

namespace {

std::int64_t count(const nlohmann::json& tokens, const char* key) {
  auto it = tokens.find(key);
  return it != tokens.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

void SessionTokens::add(const nlohmann::json& session_data) {
  if (!session_data.is_object()) {
    return;
  }
  auto id = session_data.find("sessionId");
  if (id == session_data.end() || !id->is_string() || id->get<std::string>().empty()) {
    return;
  }
  if (auto cost = session_data.find("costUsd"); cost != session_data.end() && cost->is_number()) {
    m_costs[id->get<std::string>()] += cost->get<double>();
  }
  auto tokens = session_data.find("tokens");
  if (tokens == session_data.end() || !tokens->is_object()) {
    return;
  }
  agents::Tokens& total = m_totals[id->get<std::string>()];
  total.input += count(*tokens, "input");
  total.output += count(*tokens, "output");
  total.cache_read += count(*tokens, "cacheRead");
  total.cache_write += count(*tokens, "cacheWrite");
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
