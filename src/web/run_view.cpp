#include "web/run_view.hpp"

#include "core/jsonc.hpp"

#include <algorithm>
#include <cstdint>

namespace simmer::web {

namespace {

using nlohmann::json;

std::string str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double num(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Only a number stored as an integer: a float such as 1e300 has no int64 value (converting it is undefined).
std::int64_t integer(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// A story's history lists keep their latest entries only: a story retried without end must not grow the view.
constexpr std::size_t k_max_history = 200;
void push_bounded(json& list, json item) {
  list.push_back(std::move(item));
  if (list.size() > k_max_history) {
    list.erase(list.begin());
  }
}

}  // namespace

RunView::StoryFacts& RunView::story(const std::string& id) {
  auto it = m_stories.find(id);
  if (it == m_stories.end()) {
    m_order.push_back(id);
    it = m_stories.emplace(id, StoryFacts{}).first;
  }
  return it->second;
}

// Keeps every other point once a series doubles past its cap: the chart keeps its shape, memory stays bounded.
void RunView::thin(json& series) {
  if (series.size() <= 2 * k_max_points) {
    return;
  }
  json kept = json::array();
  for (std::size_t i = 0; i < series.size(); i += 2) {
    kept.push_back(std::move(series[i]));
  }
  if (series.size() % 2 == 0) {
    kept.push_back(std::move(series.back()));  // the latest point always stays
  }
  series = std::move(kept);
}

void RunView::apply(const json& event) {
  // The view keeps parts of events (gate, verdict, warning data) and dumps them on every request: a line nested
  // deeper than any simmer writes would overflow the stack of that recursive dump, so it is ignored here.
  if (!event.is_object() || core::nested_deeper_than(event, core::k_max_json_depth)) {
    return;
  }
  std::int64_t seq = integer(event, "seq");
  if (seq <= m_last_seq) {
    return;
  }
  m_last_seq = seq;
  std::string kind = str(event, "kind");
  std::string ts = str(event, "ts");
  m_updated_at = ts;
  static const json k_empty = json::object();
  auto data_it = event.find("data");
  const json& data = data_it != event.end() && data_it->is_object() ? *data_it : k_empty;
  std::string story_id = str(data, "storyId");

  if (kind == "run_started") {
    m_run_id = str(event, "runId");
    m_status = "running";
    m_started_at = ts;
    m_halt = nullptr;
    m_run_usd = 0;
    m_phase = str(data, "phase");
    m_story_id = story_id;
    m_phase_started_at = ts;
  } else if (kind == "run_finished") {
    m_status = str(data, "result");
    if (m_status.empty()) {
      m_status = "finished";
    }
    m_phase.clear();
    m_phase_started_at.clear();
  } else if (kind == "phase_started") {
    m_phase = str(data, "phase");
    m_story_id = story_id;
    m_attempt = integer(data, "attempt");
    m_phase_started_at = ts;
    if (!story_id.empty()) {
      auto& s = story(story_id);
      if (s.status == "pending") {
        s.status = "running";
      }
      // Saturating: an attempt of INT64_MAX from a hand-edited line must not overflow.
      s.attempts = std::max(s.attempts, m_attempt < INT64_MAX ? m_attempt + 1 : m_attempt);
    }
  } else if (kind == "phase_finished") {
    m_phases.push_back({{"seq", seq},
                        {"phase", str(data, "phase")},
                        {"storyId", or_null(story_id)},
                        {"attempt", integer(data, "attempt")},
                        {"durationMs", num(data, "durationMs")}});
    thin(m_phases);
  } else if (kind == "story_selected") {
    ++m_iterations;
    m_story_id = story_id;
    if (!story_id.empty()) {
      auto& s = story(story_id);
      if (s.status != "passed") {
        s.status = "running";
      }
    }
  } else if (kind == "session") {
    double cost = num(data, "costUsd");
    m_total_usd += cost;
    m_run_usd += cost;
    ++m_sessions;
    m_spend.push_back({{"seq", seq}, {"ts", ts}, {"totalUsd", m_total_usd}});
    thin(m_spend);
    if (!story_id.empty()) {
      auto& s = story(story_id);
      s.cost_usd += cost;
      push_bounded(s.sessions, {{"seq", seq},
                            {"role", str(data, "role")},
                            {"attempt", integer(data, "attempt")},
                            {"model", str(data, "model")},
                            {"agent", str(data, "agent")},
                            {"costUsd", cost},
                            {"durationMs", num(data, "durationMs")},
                            {"outcome", str(data, "outcome")},
                            {"transcript", or_null(str(data, "transcript"))}});
    }
  } else if (kind == "gate") {
    if (!story_id.empty()) {
      json gate = data;
      gate["seq"] = seq;
      story(story_id).gates[str(data, "name")] = std::move(gate);
    }
  } else if (kind == "verdict") {
    if (!story_id.empty()) {
      auto& s = story(story_id);
      s.verdict = data;
      push_bounded(s.verdicts, {{"seq", seq},
                            {"attempt", integer(data, "attempt")},
                            {"verdict", str(data, "verdict")},
                            {"summary", str(data, "summary")}});
    }
  } else if (kind == "commit") {
    if (!story_id.empty()) {
      push_bounded(story(story_id).commits, {{"sha", str(data, "sha")},
                                         {"subject", str(data, "subject")},
                                         {"kind", str(data, "kind")},
                                         {"attempt", integer(data, "attempt")}});
    }
  } else if (kind == "story_passed") {
    ++m_passed;
    if (!story_id.empty()) {
      auto& s = story(story_id);
      s.status = "passed";
      s.blocked_reason.reset();
    }
  } else if (kind == "story_blocked") {
    ++m_blocked;
    if (!story_id.empty()) {
      auto& s = story(story_id);
      s.status = "blocked";
      s.blocked_reason = str(data, "reason");
    }
  } else if (kind == "halted") {
    m_halt = {{"reason", str(data, "reason")}, {"detail", str(data, "detail")}, {"at", ts}, {"seq", seq}};
  } else if (kind == "warning" || kind == "tamper_detected" || kind == "handoff_invalid") {
    m_warnings.push_back({{"seq", seq}, {"ts", ts}, {"kind", kind}, {"data", data}});
    if (m_warnings.size() > 20) {
      m_warnings.erase(m_warnings.begin());
    }
  }
}

json RunView::run_json() const {
  return {{"runId", or_null(m_run_id)},
          {"status", m_status},
          {"startedAt", or_null(m_started_at)},
          {"updatedAt", or_null(m_updated_at)},
          {"phase", or_null(m_phase)},
          {"storyId", or_null(m_story_id)},
          {"attempt", m_attempt},
          {"phaseStartedAt", or_null(m_phase_started_at)},
          {"halt", m_halt},
          {"lastSeq", m_last_seq},
          {"totals",
           {{"costUsd", m_total_usd},
            {"runCostUsd", m_run_usd},
            {"sessions", m_sessions},
            {"passed", m_passed},
            {"blocked", m_blocked},
            {"iterations", m_iterations}}},
          {"warnings", m_warnings},
          {"spend", m_spend},
          {"phases", m_phases}};
}

json RunView::story_summary(const std::string& id) const {
  auto it = m_stories.find(id);
  if (it == m_stories.end()) {
    return nullptr;
  }
  const auto& s = it->second;
  return {{"status", s.status},
          {"attempts", s.attempts},
          {"costUsd", s.cost_usd},
          {"blockedReason", s.blocked_reason ? json(*s.blocked_reason) : json(nullptr)},
          {"verdict", str(s.verdict, "verdict")}};
}

json RunView::story_detail(const std::string& id) const {
  json out = story_summary(id);
  if (out.is_null()) {
    return out;
  }
  const auto& s = m_stories.at(id);
  out["lastVerdict"] = s.verdict;
  out["verdicts"] = s.verdicts;
  out["commits"] = s.commits;
  json gates = json::array();
  for (const auto& [name, gate] : s.gates) {
    gates.push_back(gate);
  }
  out["gates"] = gates;
  out["sessions"] = s.sessions;
  return out;
}

}  // namespace simmer::web
