#pragma once
// What `simmer cook` shows while it runs: one line per phase change (plain when piped, colored with a live ticker
// on a terminal), every journal event as one JSON line with --json, and the summary table at the end. Data goes
// to stdout; warnings to stderr.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/events.hpp"
#include "core/state.hpp"
#include "run/cook.hpp"

namespace simmer::run {

class Reporter {
public:
  Reporter(OutputMode mode, bool color, std::FILE* out = stdout, std::FILE* err = stderr);
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // One journal event, as appended (the full line object, and its typed form), with the state after it.
  void on_event(const nlohmann::json& line, const core::TypedEvent& event, const core::State& state);
  // A warning that is not (yet) a journal event.
  void warn(const std::string& message);
  // Live mode: a ticker line "<label> <elapsed>" redrawn while an agent or gate runs; no-op otherwise.
  void begin_activity(const std::string& label);
  void end_activity();
  // The summary table of the stories and the totals.
  void summary(const core::State& state);

  // The summary table as text (also used by `simmer status`).
  static std::string table(const core::State& state);

private:
  void print_line(const std::string& text, const char* color_code = nullptr);
  void clear_ticker_locked();

  OutputMode m_mode;
  bool m_color;
  std::FILE* m_out;
  std::FILE* m_err;
  std::mutex m_mutex;
  std::thread m_ticker;
  std::atomic<bool> m_ticking{false};
  std::string m_label;
  std::chrono::steady_clock::time_point m_started;
  bool m_ticker_drawn = false;
};

}  // namespace simmer::run
