// Implementation notes: the transcript (.simmer/sessions/<run>/<seq>-<role>-<attempt>.jsonl) holds the CLI's
// stdout lines verbatim, then stderr lines wrapped as {"type":"simmer.stderr","text":...} so the file stays one
// JSON value per line for the CLIs that print JSON; a line cut by the supervisor's line cap is written cut. Past
// LaunchRequest::transcript_max_bytes, nothing more is written except a closing
// {"type":"simmer.transcript_truncated","omittedBytes":N} line.

#include "agents/session.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "agents/claude.hpp"
#include "agents/codex.hpp"
#include "agents/command.hpp"
#include "agents/gemini.hpp"
#include "agents/outcome.hpp"
#include "agents/pricing.hpp"
#include "agents/stream_util.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace simmer::agents {

const std::vector<std::string>& known_agents() {
  static const std::vector<std::string> k_agents = {"claude", "codex", "gemini", "command", "script"};
  return k_agents;
}

std::unique_ptr<Adapter> make_adapter(const std::string& agent, const AgentOptions& options) {
  if (agent == "claude") {
    return std::make_unique<ClaudeAdapter>(options);
  }
  if (agent == "codex") {
    return std::make_unique<CodexAdapter>(options);
  }
  if (agent == "gemini") {
    return std::make_unique<GeminiAdapter>(options);
  }
  if (agent == "command") {
    if (options.command.empty()) {
      throw Error(ExitCode::invalid_input,
                  "agent 'command' (simmer.json): needs a \"command\" (the program and its "
                  "arguments)");
    }
    return std::make_unique<CommandAdapter>(options);
  }
  if (agent == "script") {
    if (options.scenario.empty()) {
      throw Error(ExitCode::invalid_input, "agent 'script' (simmer.json): needs a \"scenario\" file");
    }
    return std::make_unique<ScriptAdapter>(options);
  }
  throw Error(ExitCode::invalid_input,
              fmt::format("unknown agent '{}' (simmer.json): expected one of claude, codex, gemini, command, script",
                          agent));
}

std::unique_ptr<StreamParser> make_parser(const std::string& agent) {
  if (std::find(known_agents().begin(), known_agents().end(), agent) == known_agents().end()) {
    return nullptr;
  }
  // What make_adapter() insists on for these two agents plays no part in reading their streams.
  AgentOptions options;
  options.command = {"-"};
  options.scenario = "-";
  return make_adapter(agent, options)->make_parser();
}

SessionProgress progress_of(StreamParser& parser, const std::string& configured_model,
                            const std::map<std::string, ModelPrice>& prices) {
  SessionRecord scratch;
  scratch.model = configured_model;
  parser.finish(scratch);
  SessionProgress p{.tokens = scratch.tokens,
                    .turns = scratch.turns,
                    .cost_usd = scratch.cost_usd,
                    .cost_reported = scratch.cost_reported,
                    .model = scratch.model};
  if (!p.cost_reported) {
    auto price = find_price(prices, p.model);
    p.cost_usd = price ? cost_usd(*price, p.tokens) : 0.0;
  }
  return p;
}

namespace {

// Appends lines to the transcript up to a byte cap. Failing to write it is unsafe storage: the run's record of
// what the agent did would silently be incomplete.
class Transcript {
public:
  Transcript(const std::filesystem::path& path, std::uint64_t cap) : m_path(path), m_cap(cap) {
    if (path.empty()) {
      return;
    }
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    // O_NOFOLLOW: the agent could have planted a symlink at this (predictable) name to have the harness
    // overwrite a file of its choosing.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    m_file = fd >= 0 ? ::fdopen(fd, "wb") : nullptr;
    if (fd >= 0 && m_file == nullptr) {
      ::close(fd);
    }
    if (m_file == nullptr) {
      throw Error(ExitCode::unsafe_storage,
                  fmt::format("cannot write transcript ({}): {}", path.string(), std::strerror(errno)));
    }
  }
  Transcript(const Transcript&) = delete;
  Transcript& operator=(const Transcript&) = delete;
  ~Transcript() {
    if (m_file != nullptr) {
      std::fclose(m_file);
    }
  }

  void line(std::string_view text) {
    if (m_file == nullptr) {
      return;
    }
    if (m_written + text.size() + 1 > m_cap) {
      m_omitted += text.size() + 1;
      return;
    }
    write(text);
    write("\n");
    // Through to the file at once: if simmer is killed, the next start reads the killed session's spend from it.
    if (std::fflush(m_file) != 0) {
      throw Error(ExitCode::unsafe_storage,
                  fmt::format("cannot write transcript ({}): {}", m_path.string(), std::strerror(errno)));
    }
  }

  void close() {
    if (m_file == nullptr) {
      return;
    }
    if (m_omitted > 0) {
      write(fmt::format("{{\"omittedBytes\":{},\"type\":\"simmer.transcript_truncated\"}}\n", m_omitted));
    }
    if (std::fclose(m_file) != 0) {
      m_file = nullptr;
      throw Error(ExitCode::unsafe_storage,
                  fmt::format("cannot write transcript ({}): {}", m_path.string(), std::strerror(errno)));
    }
    m_file = nullptr;
  }

private:
  void write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size()) {
      throw Error(ExitCode::unsafe_storage,
                  fmt::format("cannot write transcript ({}): {}", m_path.string(), std::strerror(errno)));
    }
    m_written += text.size();
  }

  std::filesystem::path m_path;
  std::uint64_t m_cap;
  std::FILE* m_file = nullptr;
  std::uint64_t m_written = 0;
  std::uint64_t m_omitted = 0;
};

// The last non-empty line of `text`, for one-line error reasons.
std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  auto nl = text.rfind('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

}  // namespace

SessionRecord run_session(const Adapter& adapter, const LaunchRequest& request,
                          const std::function<void(const StreamEvent&)>& on_event, const std::atomic<bool>& cancel) {
  SessionRecord record;
  record.agent = std::string(adapter.name());
  record.model = adapter.model_for(request);
  record.transcript = request.transcript;

  if (auto file = adapter.launch_file(request)) {
    if (int err = util::write_new_file(file->path, file->content); err != 0) {
      record.outcome = Outcome::cannot_start;
      record.error = fmt::format("cannot write {}: {}", file->path.string(), util::errno_text(err));
      return record;
    }
  }
  util::ProcessSpec spec;
  spec.argv = adapter.command_line(request);
  spec.env = adapter.environment(request);
  spec.cwd = request.cwd;
  spec.stdin_payload = adapter.stdin_payload(request);
  spec.timeout_ms = request.timeout_s > 0 ? request.timeout_s * 1000 : 0;
  spec.idle_timeout_ms = request.idle_timeout_s > 0 ? request.idle_timeout_s * 1000 : 0;
  spec.on_spawn = request.on_spawn;

  Transcript transcript(request.transcript, request.transcript_max_bytes);
  auto parser = adapter.make_parser();
  std::vector<StreamEvent> events;
  auto on_line = [&](util::StreamId stream, std::string_view line, bool /*truncated*/) {
    if (stream == util::StreamId::err) {
      nlohmann::json wrapped = {{"type", "simmer.stderr"}, {"text", line}};
      transcript.line(wrapped.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    transcript.line(line);
    parser->feed_line(line, events);
    if (on_event) {
      for (const auto& event : events) {
        on_event(event);
      }
    }
    if (request.on_progress && !events.empty()) {
      const SessionProgress progress = progress_of(*parser, record.model, request.prices);
      for (const auto& event : events) {
        request.on_progress(event, progress);
      }
    }
    events.clear();
  };
  util::ProcessResult process = util::run_process(spec, on_line, &cancel);
  transcript.close();

  record.exit_code = process.exit_code;
  record.duration_ms = process.duration_ms;
  parser->finish(record);
  if (adapter.cumulative_tokens() && request.resume_session) {
    auto minus = [](std::int64_t a, std::int64_t b) { return a > b ? a - b : 0; };
    record.tokens.input = minus(record.tokens.input, request.resume_baseline.input);
    record.tokens.output = minus(record.tokens.output, request.resume_baseline.output);
    record.tokens.cache_read = minus(record.tokens.cache_read, request.resume_baseline.cache_read);
    record.tokens.cache_write = minus(record.tokens.cache_write, request.resume_baseline.cache_write);
  }

  if (record.cost_reported && request.resume_session && parser->cost_covers_conversation()) {
    // The CLI's figure covers the conversation so far: this session's own share is what the earlier ones did
    // not already record. Rounding of the CLI's figures must not turn that into a negative cost.
    record.cost_usd = std::max(0.0, record.cost_usd - request.resume_cost_baseline);
  }

  // What the supervisor knows overrides what the stream said: a killed CLI's last words are not its outcome.
  if (!process.spawned) {
    record.outcome = Outcome::cannot_start;
    record.error = process.spawn_error;
  } else if (process.cancelled) {
    record.outcome = Outcome::interrupted;
    record.error = "interrupted: simmer was asked to stop";
  } else if (process.timed_out) {
    record.outcome = Outcome::timeout;
    record.error = fmt::format("timed out after {} s (timeout); the agent's process group was killed",
                               request.timeout_s);
  } else if (process.idle_timed_out) {
    record.outcome = Outcome::timeout;
    record.error = fmt::format("no output for {} s (idleTimeout); the agent's process group was killed",
                               request.idle_timeout_s);
  } else if (!parser->saw_result()) {
    // The CLI ended without its result: read why from what it said on stderr (and any API error it printed).
    const std::string said = record.error.empty() ? process.stderr_tail : record.error + "\n" + process.stderr_tail;
    Classification c = classify_error(said, unix_now_ms());
    // 126/127: the shell of a `command` agent could not run the program (not executable, not found).
    if (process.exit_code == 126 || process.exit_code == 127) {
      c.outcome = Outcome::cannot_start;
    }
    record.outcome = c.outcome;
    record.reset_at_ms = c.reset_at_ms;
    const std::string how = process.term_signal != 0 ? fmt::format("was killed by signal {}", process.term_signal)
                                                     : fmt::format("exited with status {}", process.exit_code);
    const std::string why = last_line(record.error.empty() ? process.stderr_tail : record.error);
    record.error = detail::preview(fmt::format("{} {} without a result{}{}", record.agent, how, why.empty() ? "" : ": ",
                                               why),
                                   500);
  }

  if (!record.cost_reported) {
    if (auto price = find_price(request.prices, record.model)) {
      record.cost_usd = cost_usd(*price, record.tokens);
    }
  }
  return record;
}

}  // namespace simmer::agents
