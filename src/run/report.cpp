#include "run/report.hpp"

#include <fmt/format.h>

#include <set>

#include "core/select.hpp"
#include "util/strings.hpp"

namespace simmer::run {

using nlohmann::json;

namespace {

constexpr const char* k_green = "32";
constexpr const char* k_red = "31";
constexpr const char* k_yellow = "33";
constexpr const char* k_dim = "2";
constexpr const char* k_bold = "1";

std::string dollars(double v) { return fmt::format("${:.4f}", v); }

std::string seconds(std::int64_t ms) { return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0); }

std::string str(const json& d, const char* key) {
  return d.contains(key) && d.at(key).is_string() ? d.at(key).get<std::string>() : std::string();
}

std::string phase_label(const std::string& phase, std::int64_t attempt) {
  if (phase == "fix") {
    return fmt::format("fix {}", attempt);
  }
  return phase;
}

}  // namespace

Reporter::Reporter(OutputMode mode, bool color, std::FILE* out, std::FILE* err)
    : m_mode(mode), m_color(color && mode == OutputMode::live), m_out(out), m_err(err) {}

Reporter::~Reporter() { end_activity(); }

void Reporter::clear_ticker_locked() {
  if (m_ticker_drawn) {
    std::fputs("\r\033[2K", m_out);
    m_ticker_drawn = false;
  }
}

void Reporter::print_line(const std::string& text, const char* color_code) {
  std::lock_guard<std::mutex> lock(m_mutex);
  clear_ticker_locked();
  if (m_color && color_code) {
    std::fprintf(m_out, "\033[%sm%s\033[0m\n", color_code, text.c_str());
  } else {
    std::fprintf(m_out, "%s\n", text.c_str());
  }
  std::fflush(m_out);
}

void Reporter::warn(const std::string& message) {
  std::lock_guard<std::mutex> lock(m_mutex);
  clear_ticker_locked();
  std::fprintf(m_err, "simmer: warning: %s\n", message.c_str());
  std::fflush(m_err);
}

void Reporter::on_event(const json& line, const core::State& state) {
  if (m_mode == OutputMode::json) {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), m_out);
    std::fflush(m_out);
    return;
  }
  const std::string kind = line.value("kind", std::string());
  const json& d = line.contains("data") ? line.at("data") : json::object();
  std::string story = str(d, "storyId");
  std::int64_t attempt = d.value("attempt", std::int64_t{0});
  if (kind == "run_started") {
    std::string where = d.value("resumed", false)
                            ? fmt::format(" (resuming at {}{})", str(d, "phase"),
                                          story.empty() ? std::string() : " of " + story)
                            : std::string();
    print_line(fmt::format("simmer cook: run {}{}", line.value("runId", std::string()), where), k_bold);
  } else if (kind == "story_selected") {
    auto it = state.stories.find(story);
    std::string title = it == state.stories.end() ? std::string() : it->second.title;
    print_line(fmt::format("{} {} (picked by {})", story, title, str(d, "by")), k_bold);
    if (d.contains("warning")) {
      warn(str(d, "warning"));
    }
  } else if (kind == "phase_started") {
    std::string phase = str(d, "phase");
    if (phase != "done" && phase != "orchestrate") {
      print_line(fmt::format("  {} {}", story, phase_label(phase, attempt)), k_dim);
    }
  } else if (kind == "session") {
    std::string outcome = str(d, "outcome");
    print_line(fmt::format("  {} {} {} in {}, {}{}", story.empty() ? std::string("-") : story, str(d, "role"),
                           outcome, seconds(d.value("durationMs", std::int64_t{0})),
                           dollars(d.value("costUsd", 0.0)),
                           str(d, "error").empty() ? std::string() : ": " + util::preview(str(d, "error"), 100)),
               outcome == "success" ? nullptr : k_yellow);
    if (state.phase == core::Phase::halt && state.halt) {
      // The machine halted on this session (an agent that cannot start, transient failures in a row): say why
      // and what to do, since no `halted` event follows.
      print_line(fmt::format("halted ({}): {}", state.halt->reason, state.halt->detail), k_yellow);
    }
  } else if (kind == "gate") {
    bool passed = d.value("passed", false);
    std::string what = passed ? "passed"
                       : d.value("timedOut", false)
                           ? "timed out"
                           : fmt::format("failed (exit {})", d.value("exitCode", -1));
    print_line(fmt::format("  {} gate {} {}", story, str(d, "name"), what), passed ? nullptr : k_yellow);
  } else if (kind == "verdict") {
    std::string v = str(d, "verdict");
    print_line(fmt::format("  {} verdict {}: {}", story, v, util::preview(str(d, "summary"), 120)),
               v == "pass" ? nullptr : k_yellow);
  } else if (kind == "handoff_invalid") {
    std::string first = d.contains("errors") && !d["errors"].empty() ? d["errors"][0].get<std::string>() : "";
    int repair = d.value("repair", 0);
    int max_repairs = d.value("maxRepairs", 0);
    std::string which = repair <= max_repairs ? fmt::format("repair {} of {}", repair, max_repairs)
                                              : std::string("no repairs left");
    print_line(fmt::format("  {} {} invalid ({}): {}", state.story_id.value_or("-"), str(d, "file"), which, first),
               k_yellow);
  } else if (kind == "retry_scheduled") {
    print_line(fmt::format("  {} {} retry {} in {} ({})", state.story_id.value_or("-"), str(d, "phase"),
                           d.value("retry", 0), seconds(d.value("delayMs", std::int64_t{0})), str(d, "reason")),
               k_yellow);
  } else if (kind == "commit") {
    std::string sha = str(d, "sha");
    print_line(fmt::format("  {} commit {} {}", story, sha.empty() ? std::string("(nothing to commit)")
                                                                 : sha.substr(0, 10),
                           str(d, "subject")),
               k_dim);
  } else if (kind == "story_passed") {
    print_line(fmt::format("{} passed ({} attempt{}, {})", story, d.value("attempts", 0),
                           d.value("attempts", 0) == 1 ? "" : "s", dollars(d.value("costUsd", 0.0))),
               k_green);
  } else if (kind == "story_blocked") {
    print_line(fmt::format("{} blocked: {}", story, str(d, "reason")), k_red);
  } else if (kind == "halted") {
    print_line(fmt::format("halted ({}): {}", str(d, "reason"), str(d, "detail")), k_yellow);
  } else if (kind == "feedback_claimed") {
    for (const auto& f : d.value("files", json::array())) {
      print_line(fmt::format("feedback claimed: {} ({})", f.value("path", std::string()),
                             f.value("preview", std::string())));
    }
  } else if (kind == "warning") {
    warn(str(d, "message"));
  } else if (kind == "tamper_detected") {
    std::string when = str(d, "role") == "gate" ? std::string("while a gate ran")
                                                : fmt::format("during the {}'s session", str(d, "role"));
    std::string detail = str(d, "detail");
    warn(fmt::format("{} was changed {}; {}{}", str(d, "file"), when,
                     d.value("restored", false) ? "restored" : "could not be restored",
                     detail.empty() ? "" : " (" + detail + ")"));
  } else if (kind == "interrupted") {
    warn(fmt::format("interrupted by {}: the next `simmer cook` resumes", str(d, "signal")));
  }
}

void Reporter::begin_activity(const std::string& label) {
  if (m_mode != OutputMode::live) {
    return;
  }
  end_activity();
  m_label = label;
  m_started = std::chrono::steady_clock::now();
  m_ticking = true;
  m_ticker = std::thread([this] {
    static const char* k_frames[] = {"|", "/", "-", "\\"};
    int frame = 0;
    while (m_ticking) {
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                             m_started).count();
        std::fprintf(m_out, "\r\033[2K%s %s %s", k_frames[frame++ % 4], m_label.c_str(), seconds(elapsed).c_str());
        std::fflush(m_out);
        m_ticker_drawn = true;
      }
      for (int i = 0; i < 5 && m_ticking; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  });
}

void Reporter::end_activity() {
  if (m_ticker.joinable()) {
    m_ticking = false;
    m_ticker.join();
    std::lock_guard<std::mutex> lock(m_mutex);
    clear_ticker_locked();
    std::fflush(m_out);
  }
}

std::string Reporter::table(const core::State& state) {
  std::set<std::string> stuck_ids;
  std::map<std::string, std::string> stuck_by;
  for (const auto& [id, blocker] : core::stuck_stories(state)) {
    stuck_by[id] = blocker;
  }
  std::size_t width = 5;
  for (const auto& id : state.order) {
    width = std::max(width, id.size());
  }
  std::string out = fmt::format("{:<{}}  {:<8} {:>8} {:>10}  {}\n", "story", width, "status", "attempts", "cost",
                                "note");
  int passed = 0;
  int blocked = 0;
  int pending = 0;
  for (const auto& id : state.order) {
    const auto& s = state.stories.at(id);
    std::string note;
    if (s.status == core::StoryState::blocked) {
      note = util::preview(s.reason, 70);
      ++blocked;
    } else if (s.status == core::StoryState::passed) {
      ++passed;
    } else {
      ++pending;
      if (auto it = stuck_by.find(id); it != stuck_by.end()) {
        note = fmt::format("waits for blocked {}", it->second);
      } else if (state.story_id == id) {
        note = fmt::format("in progress: {}", core::to_string(state.phase));
      }
    }
    out += fmt::format("{:<{}}  {:<8} {:>8} {:>10}  {}\n", id, width, core::to_string(s.status), s.attempts,
                       dollars(s.cost_usd), note);
  }
  out += fmt::format("{} passed, {} blocked, {} pending; spent {}\n", passed, blocked, pending,
                     dollars(state.spend_total_usd));
  return out;
}

void Reporter::summary(const core::State& state) {
  if (m_mode == OutputMode::json) {
    return;
  }
  end_activity();
  std::lock_guard<std::mutex> lock(m_mutex);
  std::fputs("\n", m_out);
  std::fputs(table(state).c_str(), m_out);
  std::fflush(m_out);
}

}  // namespace simmer::run
