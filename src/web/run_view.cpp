#include "web/run_view.hpp"

#include "core/events.hpp"
#include "core/jsonc.hpp"
#include "core/machine.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>
#include <cstdint>

namespace simmer::web {

namespace {

using nlohmann::json;

namespace ev = core::events;

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// A story's history lists keep their latest entries only: a story retried without end must not grow the view.
constexpr std::size_t k_max_history = 200;
void push_bounded(json& list, json item, std::size_t bound = k_max_history) {
  list.push_back(std::move(item));
  if (list.size() > bound) {
    list.erase(list.begin());
  }
}

// The timeline's open phase (started, never finished), if any, ends at `at` with `outcome`. Phases run one at a
// time and each start closes the one before, so only the latest phase can be open; waits after it are closed.
void close_open(json& timeline, const std::string& at, const std::string& outcome) {
  for (auto it = timeline.rbegin(); it != timeline.rend(); ++it) {
    if ((*it)["phase"] != "wait") {
      if ((*it)["endedAt"].is_null()) {
        (*it)["endedAt"] = at;
        (*it)["outcome"] = outcome;
      }
      return;
    }
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
  auto envelope = core::event_from_json(event);
  if (!envelope.ok() || envelope->seq <= m_last_seq) {
    return;
  }
  const std::int64_t seq = envelope->seq;
  const std::string& ts = envelope->ts;
  const std::string previous_ts = m_updated_at;
  m_last_seq = seq;
  m_updated_at = ts;
  // A line that is not its kind's (which the next cook refuses as a damaged journal) only advances seq: the view
  // shows what the journal says, never a guess at what a broken line meant.
  core::TypedEvent typed;
  try {
    typed = core::parse_event(*envelope);
  } catch (const Error&) {
    return;
  }
  const core::EventData& data = typed.data;
  auto fold = [&](const auto& e) {
    using T = std::decay_t<decltype(e)>;
    if constexpr (std::is_same_v<T, ev::RunStarted>) {
      // A phase the last run left open (killed) ended when that run's journal did.
      close_open(m_timeline, previous_ts.empty() ? ts : previous_ts, "interrupted");
      m_session = nullptr;
      m_run_id = envelope->run_id;
      m_status = "running";
      m_started_at = ts;
      m_halt = nullptr;
      m_paused = false;  // a cook started by hand means go (as the machine folds it)
      m_run_usd = 0;
      m_phase = std::string(core::to_string(e.phase));
      m_story_id = e.story_id.value_or("");
      m_phase_started_at = ts;
    } else if constexpr (std::is_same_v<T, ev::RunFinished>) {
      close_open(m_timeline, ts, std::string(core::to_string(e.result)));
      m_session = nullptr;
      m_status = std::string(core::to_string(e.result));
      m_paused = false;
      m_phase.clear();
      m_phase_started_at.clear();
    } else if constexpr (std::is_same_v<T, ev::PhaseStarted>) {
      m_waiting = nullptr;
      close_open(m_timeline, ts, "interrupted");  // one phase at a time: an open one was cut short
      // halt and done are where a run stops, not work on a time axis.
      if (e.phase != core::Phase::halt && e.phase != core::Phase::done) {
        push_bounded(m_timeline,
                     {{"storyId", or_null(e.story_id.value_or(""))},
                      {"phase", core::to_string(e.phase)},
                      {"attempt", e.attempt},
                      {"startedAt", ts},
                      {"endedAt", nullptr},
                      {"outcome", nullptr}},
                     k_max_points);
      }
      m_phase = std::string(core::to_string(e.phase));
      m_story_id = e.story_id.value_or("");
      m_attempt = e.attempt;
      m_phase_started_at = ts;
      if (e.story_id && !e.story_id->empty()) {
        auto& s = story(*e.story_id);
        if (s.status == "pending") {
          s.status = "running";
        }
        // Saturating: an attempt of INT64_MAX from a hand-edited line must not overflow.
        s.attempts = std::max(s.attempts, m_attempt < INT64_MAX ? m_attempt + 1 : m_attempt);
      }
    } else if constexpr (std::is_same_v<T, ev::PhaseFinished>) {
      close_open(m_timeline, ts, e.outcome);
      m_phases.push_back({{"seq", seq},
                          {"phase", core::to_string(e.phase)},
                          {"storyId", or_null(e.story_id.value_or(""))},
                          {"attempt", e.attempt},
                          {"durationMs", static_cast<double>(e.duration_ms)}});
      thin(m_phases);
    } else if constexpr (std::is_same_v<T, ev::StorySelected>) {
      ++m_iterations;
      m_story_id = e.story_id;
      if (!e.story_id.empty()) {
        auto& s = story(e.story_id);
        if (s.status != "passed") {
          s.status = "running";
        }
      }
    } else if constexpr (std::is_same_v<T, ev::SessionLaunched>) {
      m_waiting = nullptr;
      m_session = {{"seq", seq},
                   {"role", core::to_string(e.role)},
                   {"storyId", or_null(e.story_id.value_or(""))},
                   {"attempt", e.attempt},
                   {"agent", e.agent},
                   {"startedAt", ts},
                   {"transcript", e.transcript}};
    } else if constexpr (std::is_same_v<T, ev::RetryScheduled>) {
      const std::string until = util::iso8601_utc_ms(e.not_before_ms);
      m_waiting = {{"reason", core::to_string(e.reason)},
                   {"phase", core::to_string(e.phase)},
                   {"retry", e.retry},
                   {"storyId", or_null(m_story_id)},
                   {"until", until}};
      push_bounded(m_timeline,
                   {{"storyId", or_null(m_story_id)},
                    {"phase", "wait"},
                    {"reason", core::to_string(e.reason)},
                    {"for", core::to_string(e.phase)},
                    {"retry", e.retry},
                    {"startedAt", ts},
                    {"endedAt", until}},
                   k_max_points);
    } else if constexpr (std::is_same_v<T, ev::Session>) {
      m_session = nullptr;
      m_total_usd += e.cost_usd;
      m_run_usd += e.cost_usd;
      ++m_sessions;
      m_spend.push_back({{"seq", seq}, {"ts", ts}, {"totalUsd", core::round_usd(m_total_usd)}});
      thin(m_spend);
      if (e.story_id && !e.story_id->empty()) {
        auto& s = story(*e.story_id);
        s.cost_usd += e.cost_usd;
        push_bounded(s.sessions, {{"seq", seq},
                                  {"role", core::to_string(e.role)},
                                  {"attempt", e.attempt},
                                  {"model", e.model},
                                  {"agent", e.agent},
                                  {"costUsd", e.cost_usd},
                                  {"durationMs", static_cast<double>(e.duration_ms)},
                                  {"outcome", core::to_string(e.outcome)},
                                  {"transcript", or_null(e.transcript)}});
      }
    } else if constexpr (std::is_same_v<T, ev::Gate>) {
      m_waiting = nullptr;
      if (e.story_id && !e.story_id->empty()) {
        json gate = core::to_data(data);
        gate["seq"] = seq;
        auto& s = story(*e.story_id);
        s.gates[e.name] = std::move(gate);
        push_bounded(s.gate_runs, {{"seq", seq},
                                   {"name", e.name},
                                   {"attempt", e.attempt},
                                   {"exitCode", e.exit_code},
                                   {"passed", e.passed},
                                   {"timedOut", e.timed_out},
                                   {"durationMs", static_cast<double>(e.duration_ms)}});
      }
    } else if constexpr (std::is_same_v<T, ev::Verdict>) {
      if (!e.story_id.empty()) {
        auto& s = story(e.story_id);
        s.verdict = core::to_data(data);
        s.verdict_kind = std::string(core::to_string(e.verdict));
        push_bounded(s.verdicts, {{"seq", seq},
                                  {"attempt", e.attempt},
                                  {"verdict", core::to_string(e.verdict)},
                                  {"summary", e.summary}});
      }
    } else if constexpr (std::is_same_v<T, ev::Commit>) {
      if (e.story_id && !e.story_id->empty()) {
        push_bounded(story(*e.story_id).commits, {{"sha", e.sha.value_or("")},
                                                  {"subject", e.subject},
                                                  {"kind", core::to_string(e.kind)},
                                                  {"attempt", e.attempt}});
      }
    } else if constexpr (std::is_same_v<T, ev::StoryPassed>) {
      ++m_passed;
      if (!e.story_id.empty()) {
        auto& s = story(e.story_id);
        s.status = "passed";
        s.blocked_reason.reset();
      }
    } else if constexpr (std::is_same_v<T, ev::StoryBlocked>) {
      ++m_blocked;
      if (!e.story_id.empty()) {
        auto& s = story(e.story_id);
        s.status = "blocked";
        s.blocked_reason = e.reason;
      }
    } else if constexpr (std::is_same_v<T, ev::Steered>) {
      // As the machine applies it (prd.json already says the same for retry and skip): the board and the header
      // change on this line, not on the next run_started.
      if (e.refused) {
        return;
      }
      if (e.action == core::SteerAction::pause || e.action == core::SteerAction::resume) {
        m_paused = e.action == core::SteerAction::pause;
      } else if (e.story_id && !e.story_id->empty() &&
                 (e.action == core::SteerAction::retry || e.action == core::SteerAction::skip)) {
        auto& s = story(*e.story_id);
        if (e.action == core::SteerAction::retry) {
          s.status = "pending";
          s.blocked_reason.reset();
        } else {
          s.status = "blocked";
          s.blocked_reason = core::skip_reason(e.by);
        }
      }
    } else if constexpr (std::is_same_v<T, ev::Halted>) {
      m_halt = {{"reason", core::to_string(e.reason)}, {"detail", e.detail}, {"at", ts}, {"seq", seq}};
    } else if constexpr (std::is_same_v<T, ev::Warning> || std::is_same_v<T, ev::TamperDetected> ||
                         std::is_same_v<T, ev::HandoffInvalid>) {
      m_warnings.push_back({{"seq", seq}, {"ts", ts}, {"kind", core::kind_name(data)}, {"data", core::to_data(data)}});
      if (m_warnings.size() > 20) {
        m_warnings.erase(m_warnings.begin());
      }
    }
  };
  std::visit(fold, data);
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
          {"paused", m_paused},
          {"waiting", m_waiting},
          {"lastSeq", m_last_seq},
          {"totals",
           {{"costUsd", core::round_usd(m_total_usd)},
            {"runCostUsd", core::round_usd(m_run_usd)},
            {"sessions", m_sessions},
            {"passed", m_passed},
            {"blocked", m_blocked},
            {"iterations", m_iterations}}},
          {"warnings", m_warnings},
          {"spend", m_spend},
          {"phases", m_phases},
          {"timeline", m_timeline}};
}

json RunView::story_summary(const std::string& id) const {
  auto it = m_stories.find(id);
  if (it == m_stories.end()) {
    return nullptr;
  }
  const auto& s = it->second;
  return {{"status", s.status},
          {"attempts", s.attempts},
          {"costUsd", core::round_usd(s.cost_usd)},
          {"blockedReason", s.blocked_reason ? json(*s.blocked_reason) : json(nullptr)},
          {"verdict", s.verdict_kind}};
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
  out["gateRuns"] = s.gate_runs;
  json gates = json::array();
  for (const auto& [name, gate] : s.gates) {
    gates.push_back(gate);
  }
  out["gates"] = gates;
  out["sessions"] = s.sessions;
  return out;
}

}  // namespace simmer::web
