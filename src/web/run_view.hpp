#pragma once
// What the dashboard shows, folded from journal events (docs/events.md) with no I/O: the run's status, where it
// stands now (story, phase, attempt, since when), each story's journal figures and history, and the series the
// charts draw. The server keeps one RunView, feeds it every event the watcher reads, and renders JSON from it.
//
// Memory grows with the number of stories (each keeps its last verdict, last output of each gate, its commits
// and sessions), not with the number of events: series are thinned past k_max_points.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace simmer::web {

inline constexpr std::size_t k_max_points = 2000;  // per chart series, after thinning

class RunView {
public:
  // Folds one event (an envelope with seq, ts, runId, kind, data), read through core::parse_event. Events with a
  // seq not above the last one applied are ignored, so feeding a replayed prefix twice is harmless; an envelope
  // without seq, ts, runId, kind or data is ignored; a line whose kind is unknown or whose data is not its
  // kind's (the fold refuses such a journal) only advances seq.
  void apply(const nlohmann::json& event);

  // seq of the last event applied (0: none).
  std::int64_t last_seq() const { return m_last_seq; }

  // The `run` object of /api/state: runId, status ("idle" before any run, "running", or the last run_finished
  // result), startedAt, updatedAt, phase, storyId, attempt, phaseStartedAt, halt (or null), paused (a pause was
  // applied and no resume, run_started or run_finished came since), waiting (or null: the last retry_scheduled
  // not yet followed by a phase, session or gate: {reason, phase, retry, storyId, until}), totals, the chart
  // series spend [{seq, ts, totalUsd}] and phases [{phase, storyId, attempt, durationMs}], and the timeline: the
  // last k_max_points phases and waits in journal order, [{storyId, phase, attempt, startedAt, endedAt, outcome}]
  // (endedAt and outcome null while a phase runs; a run that ended closes its open phase with its result) and
  // [{storyId, phase: "wait", reason, for, retry, startedAt, endedAt}] (endedAt: when the wait is over).
  nlohmann::json run_json() const;

  // The agent session running now (launched, not yet recorded, in a run that has not finished): {seq, role,
  // storyId, attempt, agent, startedAt, transcript}, or null.
  nlohmann::json current_session() const { return m_session; }

  // Journal figures of one story for /api/stories: status ("pending" until the journal says otherwise,
  // "running", "passed", "blocked"; a retry applied makes it "pending" again, a skip "blocked"), attempts,
  // costUsd, blockedReason. Null when the journal never named it.
  nlohmann::json story_summary(const std::string& id) const;

  // Everything the journal says about one story for /api/stories/<id>: the summary plus verdict (last, with
  // criteria), verdicts (every summary), commits [{sha, subject, kind, attempt}], gateRuns (every run, outcome only),
  // gates (last run of each gate, with outputTail), sessions [{role, attempt, model, costUsd, durationMs, outcome,
  // transcript}]. Null when the journal never named it.
  nlohmann::json story_detail(const std::string& id) const;

  // Ids of every story the journal named, in the order it first named them.
  const std::vector<std::string>& story_ids() const { return m_order; }

private:
  struct StoryFacts {
    std::string status = "pending";
    std::int64_t attempts = 0;
    double cost_usd = 0;
    std::optional<std::string> blocked_reason;
    nlohmann::json verdict;    // last verdict event's data (null: none)
    std::string verdict_kind;  // its verdict ("" until there is one)
    nlohmann::json verdicts = nlohmann::json::array();
    nlohmann::json commits = nlohmann::json::array();
    std::map<std::string, nlohmann::json> gates;  // by gate name: the last run
    // Every gate run, oldest first (the last 200, as every history list): {seq, name, attempt, exitCode, passed,
    // timedOut, durationMs}, without the output the last run of each gate carries.
    nlohmann::json gate_runs = nlohmann::json::array();
    nlohmann::json sessions = nlohmann::json::array();
  };

  StoryFacts& story(const std::string& id);
  static void thin(nlohmann::json& series);

  std::int64_t m_last_seq = 0;
  std::string m_run_id;
  std::string m_status = "idle";
  std::string m_started_at, m_updated_at;
  std::string m_phase;
  std::string m_story_id;
  std::int64_t m_attempt = 0;
  std::string m_phase_started_at;
  nlohmann::json m_halt;  // null: not halted
  bool m_paused = false;
  double m_total_usd = 0;
  double m_run_usd = 0;
  std::int64_t m_sessions = 0;
  std::int64_t m_passed = 0, m_blocked = 0, m_iterations = 0;
  nlohmann::json m_spend = nlohmann::json::array();
  nlohmann::json m_phases = nlohmann::json::array();
  nlohmann::json m_timeline = nlohmann::json::array();
  nlohmann::json m_waiting;                             // null: not waiting
  nlohmann::json m_session;                             // null: no session running
  nlohmann::json m_warnings = nlohmann::json::array();  // last 20 warning / tamper / handoff_invalid events
  std::map<std::string, StoryFacts> m_stories;
  std::vector<std::string> m_order;
};

}  // namespace simmer::web
