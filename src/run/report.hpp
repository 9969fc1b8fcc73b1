#pragma once
// What `simmer cook` shows while it runs: one line per phase change (plain when piped, colored with a live ticker
// on a terminal), every journal event as one JSON line with --json, and the summary table at the end. Data goes
// to stdout; warnings to stderr.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "agents/transcript_view.hpp"
#include "core/events.hpp"
#include "core/state.hpp"
#include "run/cook.hpp"

namespace simmer::run {

class Reporter {
public:
  Reporter(OutputMode mode, bool color, std::FILE* out = stdout, std::FILE* err = stderr,
           AgentEvents agent_events = AgentEvents::live_line);
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // One journal event, as appended (the full line object, and its typed form), with the state after it.
  void on_event(const nlohmann::json& line, const core::TypedEvent& event, const core::State& state);
  // A warning that is not (yet) a journal event.
  void warn(const std::string& message);
  // Live mode: a ticker line "<label> <elapsed>" redrawn while an agent or gate runs; no-op otherwise. While an
  // agent runs, the line also shows its current tool call and the session's cost so far (agent_event).
  void begin_activity(const std::string& label);
  // One normalized event of the running agent session, with the session's totals so far. Updates the live line;
  // with AgentEvents::every_event (`cook -v`), also prints the event as `simmer logs` renders it (plain and live
  // modes; nothing in JSON mode). Agent text is made safe for the terminal before it is printed.
  void agent_event(const agents::StreamEvent& event, const agents::SessionProgress& progress);
  void end_activity();
  // The summary table of the stories and the totals, then how long this cook ran and what to do next (after every
  // end of a cook: finished, halted, stopped or interrupted by Ctrl-C).
  void summary(const core::State& state);

  // That last line's advice for `state`: resume, look at the blocked ones, or review the work.
  static std::string next_steps(const core::State& state);

  // The summary table as text (also used by `simmer status`).
  static std::string table(const core::State& state);

private:
  void print_line(const std::string& text, const char* color_code = nullptr);
  void clear_ticker_locked();

  std::string ticker_text_locked(std::int64_t elapsed_ms) const;

  OutputMode m_mode;
  bool m_color;
  AgentEvents m_agent_events;
  agents::EntryBuilder m_entries;
  std::string m_tool;            // the running session's latest tool call, for the live line
  std::optional<double> m_cost;  // the running session's cost so far
  std::FILE* m_out;
  std::FILE* m_err;
  std::mutex m_mutex;
  std::thread m_ticker;
  std::atomic<bool> m_ticking{false};
  std::string m_label;
  std::chrono::steady_clock::time_point m_started;
  bool m_ticker_drawn = false;
  std::chrono::steady_clock::time_point m_created;  // the cook's start, for the summary's duration
  std::set<std::string> m_outputs_told;             // gate outputs already named (once a path)
};

}  // namespace simmer::run
