#include "run/report.hpp"

#include <fmt/format.h>

#include <set>
#include <type_traits>
#include <variant>

#include "core/events.hpp"
#include "core/select.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace simmer::run {

using nlohmann::json;

namespace {

namespace ev = core::events;

constexpr const char* k_green = "32";
constexpr const char* k_red = "31";
constexpr const char* k_yellow = "33";
constexpr const char* k_dim = "2";
constexpr const char* k_bold = "1";

std::string dollars(double v) { return agents::dollars(v); }

// The last lines of a failed gate's output the cook prints under it.
constexpr std::size_t k_gate_tail_lines = 20;

// The width of the terminal `out` writes to, for the live line; 80 when it cannot be told.
std::size_t terminal_columns(std::FILE* out) {
  struct winsize ws {};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) {
    return ws.ws_col;
  }
  return 80;
}

std::string phase_label(core::Phase phase, std::int64_t attempt) {
  if (phase == core::Phase::fix) {
    return fmt::format("fix {}", attempt);
  }
  return std::string(core::to_string(phase));
}

}  // namespace

Reporter::Reporter(OutputMode mode, bool color, std::FILE* out, std::FILE* err, AgentEvents agent_events)
    : m_mode(mode),
      m_color(color && mode == OutputMode::live),
      m_agent_events(agent_events),
      m_out(out),
      m_err(err),
      m_created(std::chrono::steady_clock::now()) {}

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

void Reporter::on_event(const json& line, const core::TypedEvent& event, const core::State& state) {
  if (m_mode == OutputMode::quiet) {
    return;
  }
  if (m_mode == OutputMode::json_lines) {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), m_out);
    std::fflush(m_out);
    return;
  }
  // One line per event a person wants to see; the others print nothing.
  auto show = [&](const auto& e) {
    using T = std::decay_t<decltype(e)>;
    if constexpr (std::is_same_v<T, ev::RunStarted>) {
      std::string story = e.story_id.value_or("");
      std::string where = e.resumed ? fmt::format(" (resuming at {}{})", core::to_string(e.phase),
                                                  story.empty() ? std::string() : " of " + story)
                                    : std::string();
      print_line(fmt::format("simmer cook: run {}{}", event.run_id, where), k_bold);
    } else if constexpr (std::is_same_v<T, ev::StorySelected>) {
      auto it = state.stories.find(e.story_id);
      std::string title = it == state.stories.end() ? std::string() : it->second.title;
      print_line(fmt::format("{} {} (picked by {})", e.story_id, title, core::to_string(e.by)), k_bold);
      if (e.warning) {
        warn(*e.warning);
      }
    } else if constexpr (std::is_same_v<T, ev::PhaseStarted>) {
      if (e.phase != core::Phase::done && e.phase != core::Phase::orchestrate) {
        print_line(fmt::format("  {} {}", e.story_id.value_or(""), phase_label(e.phase, e.attempt)), k_dim);
      }
    } else if constexpr (std::is_same_v<T, ev::Session>) {
      std::string story = e.story_id.value_or("");
      print_line(fmt::format("  {} {} {} in {}, {}{}", story.empty() ? std::string("-") : story,
                             core::to_string(e.role), core::to_string(e.outcome),
                             util::format_seconds_tenths(e.duration_ms), dollars(e.cost_usd),
                             e.error.empty() ? std::string() : ": " + util::preview(e.error, 100)),
                 e.outcome == core::SessionOutcome::success ? nullptr : k_yellow);
      if (state.phase == core::Phase::halt && state.halt) {
        // The machine halted on this session (an agent that cannot start, transient failures in a row): say why
        // and what to do, since no `halted` event follows.
        print_line(fmt::format("halted ({}): {}", core::to_string(state.halt->reason), state.halt->detail), k_yellow);
      }
    } else if constexpr (std::is_same_v<T, ev::Gate>) {
      std::string what = e.passed ? "passed" : e.timed_out ? "timed out" : fmt::format("failed (exit {})", e.exit_code);
      print_line(fmt::format("  {} gate {} {}", e.story_id.value_or(""), e.name, what), e.passed ? nullptr : k_yellow);
      std::string fresh;
      for (const auto& o : e.outputs.value_or(std::vector<ev::GateOutput>{})) {
        if (m_outputs_told.insert(o.path).second) {
          fresh += (fresh.empty() ? "" : ", ") + o.path;
        }
      }
      if (!fresh.empty()) {
        // Said once a path: a build folder is written by every gate run.
        print_line(fmt::format("  {} gate {} wrote {}: kept out of simmer's commits (add what is build output to "
                               ".gitignore)",
                               e.story_id.value_or(""), e.name, util::preview(fresh, 200)),
                   k_dim);
      }
      if (!e.passed) {
        // What the builder's FIX will be told about, so a person sees it too; the gate's output is not ours to
        // trust, so it is rendered as a command's output in `simmer logs` is (terminal-safe, bounded lines).
        const agents::LogEntry output{.kind = agents::EntryKind::tool_result,
                                      .text = e.output_tail,
                                      .action = agents::ToolAction::run};
        for (const auto& text : agents::entry_lines(output, {.output_lines = k_gate_tail_lines})) {
          print_line(text);
        }
      }
    } else if constexpr (std::is_same_v<T, ev::Verdict>) {
      print_line(fmt::format("  {} verdict {}: {}", e.story_id, core::to_string(e.verdict),
                             util::preview(e.summary, 120)),
                 e.verdict == core::VerdictKind::pass ? nullptr : k_yellow);
    } else if constexpr (std::is_same_v<T, ev::HandoffInvalid>) {
      std::string first = e.errors.empty() ? std::string() : e.errors.front();
      std::string which = e.repair <= e.max_repairs ? fmt::format("repair {} of {}", e.repair, e.max_repairs)
                                                    : std::string("no repairs left");
      print_line(fmt::format("  {} {} invalid ({}): {}", state.story_id.value_or("-"), e.file, which, first), k_yellow);
    } else if constexpr (std::is_same_v<T, ev::RetryScheduled>) {
      print_line(fmt::format("  {} {} retry {} in {} ({})", state.story_id.value_or("-"), core::to_string(e.phase),
                             e.retry, util::format_seconds_tenths(e.delay_ms), core::to_string(e.reason)),
                 k_yellow);
    } else if constexpr (std::is_same_v<T, ev::Commit>) {
      std::string sha = e.sha.value_or("");
      print_line(fmt::format("  {} commit {} {}", e.story_id.value_or(""),
                             sha.empty() ? std::string("(nothing to commit)") : sha.substr(0, 10), e.subject),
                 k_dim);
    } else if constexpr (std::is_same_v<T, ev::StoryPassed>) {
      print_line(fmt::format("{} passed ({} attempt{}, {})", e.story_id, e.attempts, e.attempts == 1 ? "" : "s",
                             dollars(e.cost_usd)),
                 k_green);
    } else if constexpr (std::is_same_v<T, ev::StoryBlocked>) {
      print_line(fmt::format("{} blocked: {}", e.story_id, e.reason), k_red);
    } else if constexpr (std::is_same_v<T, ev::Halted>) {
      print_line(fmt::format("halted ({}): {}", core::to_string(e.reason), e.detail), k_yellow);
    } else if constexpr (std::is_same_v<T, ev::FeedbackClaimed>) {
      for (const auto& f : e.files) {
        print_line(fmt::format("feedback claimed: {} ({})", f.path, f.preview));
      }
    } else if constexpr (std::is_same_v<T, ev::Warning>) {
      warn(e.message);
    } else if constexpr (std::is_same_v<T, ev::TamperDetected>) {
      std::string role = e.role.value_or("");
      std::string when = role == "gate" ? std::string("while a gate ran")
                                        : fmt::format("during the {}'s session", role);
      std::string detail = e.detail.value_or("");
      warn(fmt::format("{} was changed {}; {}{}", e.file, when, e.restored ? "restored" : "could not be restored",
                       detail.empty() ? "" : " (" + detail + ")"));
    } else if constexpr (std::is_same_v<T, ev::Steered>) {
      std::string asked = e.story_id ? fmt::format("{} {}", core::to_string(e.action), *e.story_id)
                                     : std::string(core::to_string(e.action));
      if (e.refused) {
        warn(fmt::format("steering refused ({}, from the {}): {}", asked, e.by, *e.refused));
      } else {
        print_line(fmt::format("steered: {} (from the {})", asked, e.by), k_bold);
      }
    } else if constexpr (std::is_same_v<T, ev::Interrupted>) {
      warn(fmt::format("interrupted by {}: the next `simmer cook` resumes", e.signal));
    }
  };
  std::visit(show, event.data);
}

void Reporter::agent_event(const agents::StreamEvent& event, const agents::SessionProgress& progress) {
  if (m_mode == OutputMode::json_lines) {
    return;
  }
  std::vector<agents::LogEntry> entries;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.add(event, progress, entries);
    for (const auto& entry : entries) {
      if (entry.kind == agents::EntryKind::tool_call) {
        m_tool = agents::activity_label(entry, 60);
      }
    }
    if (event.kind == agents::StreamEvent::Kind::usage || event.kind == agents::StreamEvent::Kind::result ||
        progress.cost_usd > 0) {
      m_cost = progress.cost_usd;
    }
  }
  if (m_agent_events == AgentEvents::every_event) {
    for (const auto& entry : entries) {
      for (const auto& text : agents::entry_lines(entry)) {
        print_line(text, k_dim);
      }
    }
  }
}

std::string Reporter::ticker_text_locked(std::int64_t elapsed_ms) const {
  std::string text = fmt::format("{} {}", m_label, util::format_seconds_tenths(elapsed_ms));
  if (!m_tool.empty()) {
    text += " > " + m_tool;
  }
  if (m_cost) {
    text += fmt::format(", {} so far", dollars(*m_cost));
  }
  return text;
}

void Reporter::begin_activity(const std::string& label) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries = agents::EntryBuilder();
    m_tool.clear();
    m_cost.reset();
  }
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
        auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_started).count();
        // One row at most: a line that wraps could not be erased by the next redraw.
        std::string text = util::terminal_line(ticker_text_locked(elapsed), terminal_columns(m_out) - 4);
        std::fprintf(m_out, "\r\033[2K%s %s", k_frames[frame++ % 4], text.c_str());
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

std::string Reporter::next_steps(const core::State& state) {
  int blocked = 0;
  int pending = 0;
  for (const auto& [id, s] : state.stories) {
    blocked += s.status == core::StoryState::blocked;
    pending += s.status == core::StoryState::pending;
  }
  if (state.result == core::RunResult::interrupted) {
    return "stopped before the end: `simmer cook` resumes where it stopped";
  }
  if (state.halt) {
    return fmt::format("halted ({}): once that is dealt with, `simmer cook` resumes",
                       core::to_string(state.halt->reason));
  }
  if (blocked == 0 && pending == 0) {
    return "every story passed: review the commits (`git log`) and the spend (`simmer stats`)";
  }
  if (blocked > 0) {
    return fmt::format("{} blocked: `simmer status` says why; `simmer retry ID` puts one back, then `simmer cook`",
                       blocked);
  }
  return "stories are left: `simmer cook` goes on";
}

void Reporter::summary(const core::State& state) {
  if (m_mode == OutputMode::json_lines || m_mode == OutputMode::quiet) {
    return;
  }
  end_activity();
  const auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_created);
  std::lock_guard<std::mutex> lock(m_mutex);
  std::fputs("\n", m_out);
  std::fputs(table(state).c_str(), m_out);
  const std::string took = ran.count() < 60'000 ? util::format_seconds_tenths(ran.count())
                                                : util::format_duration_s(ran.count() / 1000);
  std::fputs(fmt::format("ran {}; {}\n", took, next_steps(state)).c_str(), m_out);
  std::fflush(m_out);
}

}  // namespace simmer::run
