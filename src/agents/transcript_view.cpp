// Implementation notes: a transcript (agents/session.cpp) is the CLI's stdout lines verbatim, its stderr lines
// wrapped as {"type":"simmer.stderr","text":…}, and possibly a closing {"type":"simmer.transcript_truncated",
// "omittedBytes":N}. The wrapped lines are recognized by their exact shape (an object whose `type` is one of those
// two); every other line goes to the agent's own parser, so a line the parser would ignore shows nothing here
// either. A command agent printing such an object on stdout is shown as if it came from stderr: harmless, since
// either way it is only shown, made safe.

#include "agents/transcript_view.hpp"

#include "agents/session.hpp"
#include "agents/stream_util.hpp"
#include "util/strings.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace simmer::agents {

namespace {

constexpr std::string_view k_stderr_type = "simmer.stderr";
constexpr std::string_view k_truncated_type = "simmer.transcript_truncated";

std::string safe(std::string_view text, const TextLimits& limits) {
  return util::terminal_line(text, limits.line_bytes);
}

std::string tokens_text(const Tokens& t) {
  return fmt::format("{} in, {} out, {} cache read, {} cache write", t.input, t.output, t.cache_read, t.cache_write);
}

std::string totals_text(const SessionProgress& p) {
  return fmt::format("{} turn{}, {} in / {} out tokens, {}", p.turns, p.turns == 1 ? "" : "s", p.tokens.input,
                     p.tokens.output, dollars(p.cost_usd));
}

// Appends `text` as prefixed lines: at most `max_lines` of them, the first ones (`from_end` false) or the last.
void add_lines(std::vector<std::string>& out, std::string_view text, std::string_view prefix, std::size_t max_lines,
               bool from_end, const TextLimits& limits) {
  std::vector<std::string_view> lines = util::split_lines(text);
  while (from_end && !lines.empty() && util::trim(lines.back()).empty()) {
    lines.pop_back();
  }
  const std::size_t left_out = lines.size() > max_lines ? lines.size() - max_lines : 0;
  const std::size_t first = from_end ? left_out : 0;
  if (from_end && left_out > 0) {
    out.push_back(fmt::format("{}\xE2\x80\xA6 ({} earlier line{})", prefix, left_out, left_out == 1 ? "" : "s"));
  }
  for (std::size_t i = first; i < first + std::min(lines.size(), max_lines); ++i) {
    out.push_back(fmt::format("{}{}", prefix, safe(lines[i], limits)));
  }
  if (!from_end && left_out > 0) {
    out.push_back(fmt::format("{}\xE2\x80\xA6 ({} more line{})", prefix, left_out, left_out == 1 ? "" : "s"));
  }
}

nlohmann::json tokens_json(const Tokens& t) {
  return {{"input", t.input}, {"output", t.output}, {"cacheRead", t.cache_read}, {"cacheWrite", t.cache_write}};
}

}  // namespace

std::string dollars(double usd) { return fmt::format("${:.4f}", usd); }

std::string_view to_string(EntryKind kind) {
  switch (kind) {
    case EntryKind::text:
      return "text";
    case EntryKind::tool_call:
      return "tool_call";
    case EntryKind::tool_result:
      return "tool_result";
    case EntryKind::usage:
      return "usage";
    case EntryKind::result:
      return "result";
    case EntryKind::stderr_text:
      return "stderr";
    case EntryKind::note:
      break;
  }
  return "note";
}

std::string_view to_string(ToolAction action) {
  switch (action) {
    case ToolAction::write:
      return "write";
    case ToolAction::edit:
      return "edit";
    case ToolAction::run:
      return "run";
    case ToolAction::read:
      return "read";
    case ToolAction::other:
      break;
  }
  return "other";
}

ToolAction tool_action(std::string_view tool_name) {
  // The names Claude Code, Codex and Gemini CLI give their built-in tools.
  static const std::map<std::string_view, ToolAction> k_actions = {
      {"Write", ToolAction::write},    {"write_file", ToolAction::write},      {"Edit", ToolAction::edit},
      {"MultiEdit", ToolAction::edit}, {"NotebookEdit", ToolAction::edit},     {"replace", ToolAction::edit},
      {"edit_file", ToolAction::edit}, {"apply_patch", ToolAction::edit},      {"Bash", ToolAction::run},
      {"shell", ToolAction::run},      {"run_shell_command", ToolAction::run}, {"Read", ToolAction::read},
      {"read_file", ToolAction::read}, {"read_many_files", ToolAction::read},
  };
  auto it = k_actions.find(tool_name);
  return it == k_actions.end() ? ToolAction::other : it->second;
}

void EntryBuilder::add(const StreamEvent& event, const SessionProgress& progress, std::vector<LogEntry>& out) {
  switch (event.kind) {
    case StreamEvent::Kind::text:
      out.push_back({.kind = EntryKind::text, .text = event.text});
      return;
    case StreamEvent::Kind::tool_call:
      m_last_action = tool_action(event.text);
      out.push_back({.kind = EntryKind::tool_call, .text = event.preview, .tool = event.text, .action = m_last_action});
      return;
    case StreamEvent::Kind::tool_result:
      out.push_back({.kind = EntryKind::tool_result,
                     .text = event.output.empty() ? event.preview : event.output,
                     .action = m_last_action,
                     .is_error = event.is_error});
      return;
    case StreamEvent::Kind::usage:
      out.push_back({.kind = EntryKind::usage, .progress = progress});
      return;
    case StreamEvent::Kind::result:
      out.push_back({.kind = EntryKind::result, .text = event.text, .is_error = event.is_error, .progress = progress});
      return;
    case StreamEvent::Kind::session_id:
      return;
  }
}

TranscriptView::TranscriptView(const std::string& agent, std::string configured_model,
                               std::map<std::string, ModelPrice> prices)
    : m_parser(make_parser(agent)), m_model(std::move(configured_model)), m_prices(std::move(prices)) {
  if (!m_parser) {
    m_parser = make_parser("command");
  }
}

TranscriptView::~TranscriptView() = default;
TranscriptView::TranscriptView(TranscriptView&&) noexcept = default;
TranscriptView& TranscriptView::operator=(TranscriptView&&) noexcept = default;

void TranscriptView::line(std::string_view text, std::vector<LogEntry>& out) {
  if (text.size() > 2 && text.front() == '{' && text.find("\"simmer.") != std::string_view::npos) {
    const auto j = detail::parse_object(text);
    const std::string type = detail::get_string(j, "type");
    if (type == k_stderr_type) {
      out.push_back({.kind = EntryKind::stderr_text, .text = detail::get_string(j, "text")});
      return;
    }
    if (type == k_truncated_type) {
      out.push_back({.kind = EntryKind::note,
                     .text = fmt::format("transcript cut at its size cap: {} bytes left out",
                                         detail::get_int(j, "omittedBytes"))});
      return;
    }
  }
  m_parser->feed_line(text, m_events);
  if (!m_events.empty()) {
    const SessionProgress now = progress();
    for (const auto& event : m_events) {
      m_builder.add(event, now, out);
    }
    m_events.clear();
  }
}

SessionProgress TranscriptView::progress() { return progress_of(*m_parser, m_model, m_prices); }

std::vector<std::string> entry_lines(const LogEntry& entry, const TextLimits& limits) {
  std::vector<std::string> out;
  switch (entry.kind) {
    case EntryKind::text:
      add_lines(out, entry.text, "  ", limits.text_lines, false, limits);
      break;
    case EntryKind::tool_call: {
      const std::string what = entry.action == ToolAction::other ? entry.tool : std::string(to_string(entry.action));
      out.push_back(safe(fmt::format("  > {}{}{}", what, entry.text.empty() ? "" : " ", entry.text), limits));
      break;
    }
    case EntryKind::tool_result:
      // A command's output is what a person wants to see; a file tool's answer only when it failed.
      if (entry.action == ToolAction::run || entry.is_error) {
        add_lines(out, entry.text, "    | ", limits.output_lines, true, limits);
      }
      if (entry.is_error) {
        out.emplace_back("    ! failed");
      }
      break;
    case EntryKind::usage:
      // Figures come from the stream too: a cost of 1e300 must not make a line of 300 digits.
      out.push_back(safe(fmt::format("  . tokens {}; {} so far", tokens_text(entry.progress.tokens),
                                     dollars(entry.progress.cost_usd)),
                         limits));
      break;
    case EntryKind::result:
      if (entry.is_error) {
        out.push_back(safe(fmt::format("  = error: {}", util::preview(entry.text, limits.line_bytes)), limits));
        out.push_back(safe(fmt::format("    {}", totals_text(entry.progress)), limits));
      } else {
        out.push_back(safe(fmt::format("  = success: {}", totals_text(entry.progress)), limits));
      }
      break;
    case EntryKind::stderr_text:
      out.push_back(safe(fmt::format("  stderr: {}", entry.text), limits));
      break;
    case EntryKind::note:
      out.push_back(safe(fmt::format("  ({})", entry.text), limits));
      break;
  }
  return out;
}

nlohmann::json entry_json(const LogEntry& entry) {
  nlohmann::json j = {{"type", to_string(entry.kind)}};
  switch (entry.kind) {
    case EntryKind::tool_call:
      j["tool"] = entry.tool;
      j["action"] = to_string(entry.action);
      j["text"] = entry.text;
      break;
    case EntryKind::tool_result:
      j["action"] = to_string(entry.action);
      j["isError"] = entry.is_error;
      j["text"] = entry.text;
      break;
    case EntryKind::result:
      j["isError"] = entry.is_error;
      j["text"] = entry.text;
      [[fallthrough]];
    case EntryKind::usage:
      j["tokens"] = tokens_json(entry.progress.tokens);
      j["turns"] = entry.progress.turns;
      j["costUsd"] = entry.progress.cost_usd;
      j["costReported"] = entry.progress.cost_reported;
      j["model"] = entry.progress.model;
      break;
    case EntryKind::text:
    case EntryKind::stderr_text:
    case EntryKind::note:
      j["text"] = entry.text;
      break;
  }
  return j;
}

std::string activity_label(const LogEntry& tool_call, std::size_t max_bytes) {
  const std::string what = tool_call.action == ToolAction::other ? tool_call.tool
                                                                 : std::string(to_string(tool_call.action));
  return util::terminal_line(fmt::format("{} {}", what, tool_call.text), max_bytes);
}

}  // namespace simmer::agents
