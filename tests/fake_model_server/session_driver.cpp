// agent_session_driver: runs ONE agent session through simmer's own supervisor (agents/session.hpp) and prints
// its SessionRecord as JSON on stdout, every normalized event as one line on stderr. A tests-only tool: the
// end-to-end tests use it to drive the real CLIs against the fake model server without the whole cook loop.
//
//   agent_session_driver --agent NAME --cwd DIR --prompt-file FILE [--transcript FILE] [--resume ID]
//       [--model M] [--timeout S] [--idle-timeout S] [--max-turns N] [--scenario FILE] [--simmer EXE]
//       [--executable PATH] [--command ARG]... [--prompt-via stdin|argument] [--arg ARG]... [--env K=V]...
//       [--price MODEL=IN,OUT,CACHE_READ,CACHE_WRITE]

#include "agents/outcome.hpp"
#include "agents/session.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace simmer::agents;

namespace {

std::atomic<bool> g_cancel{false};

void on_signal(int) { g_cancel = true; }

const char* kind_name(StreamEvent::Kind kind) {
  switch (kind) {
    case StreamEvent::Kind::text:
      return "text";
    case StreamEvent::Kind::tool_call:
      return "tool_call";
    case StreamEvent::Kind::tool_result:
      return "tool_result";
    case StreamEvent::Kind::usage:
      return "usage";
    case StreamEvent::Kind::session_id:
      return "session_id";
    case StreamEvent::Kind::result:
      return "result";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  std::string agent;
  std::string prompt_file;
  AgentOptions options;
  LaunchRequest request;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "agent_session_driver: %s needs a value\n", flag.c_str());
      return 64;
    }
    std::string value = argv[++i];
    if (flag == "--agent")
      agent = value;
    else if (flag == "--cwd")
      request.cwd = value;
    else if (flag == "--prompt-file")
      prompt_file = value;
    else if (flag == "--transcript")
      request.transcript = value;
    else if (flag == "--resume")
      request.resume_session = value;
    else if (flag == "--model")
      options.model = value;
    else if (flag == "--timeout")
      request.timeout_s = std::stoi(value);
    else if (flag == "--idle-timeout")
      request.idle_timeout_s = std::stoi(value);
    else if (flag == "--max-turns")
      options.max_turns = std::stoi(value);
    else if (flag == "--scenario")
      options.scenario = value;
    else if (flag == "--simmer")
      options.simmer_exe = value;
    else if (flag == "--executable")
      options.executable = value;
    else if (flag == "--command")
      options.command.push_back(value);
    else if (flag == "--prompt-via")
      options.prompt_via = value == "argument" ? PromptVia::argument : PromptVia::stdin_pipe;
    else if (flag == "--arg")
      options.args.push_back(value);
    else if (flag == "--sandbox")
      options.sandbox = value;
    else if (flag == "--env") {
      auto eq = value.find('=');
      options.env[value.substr(0, eq)] = eq == std::string::npos ? "" : value.substr(eq + 1);
    } else if (flag == "--price") {
      auto eq = value.find('=');
      ModelPrice p;
      std::sscanf(value.c_str() + eq + 1, "%lf,%lf,%lf,%lf", &p.input, &p.output, &p.cache_read, &p.cache_write);
      request.prices[value.substr(0, eq)] = p;
    } else {
      std::fprintf(stderr, "agent_session_driver: unknown flag %s\n", flag.c_str());
      return 64;
    }
  }
  std::ifstream in(prompt_file);
  std::stringstream prompt;
  prompt << in.rdbuf();
  request.prompt = prompt.str();

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    auto adapter = make_adapter(agent, options);
    SessionRecord r = run_session(
        *adapter, request,
        [](const StreamEvent& e) {
          nlohmann::json line = {{"kind", kind_name(e.kind)},
                                 {"text", e.text},
                                 {"preview", e.preview},
                                 {"isError", e.is_error}};
          if (e.kind == StreamEvent::Kind::usage) {
            line["tokens"] = {e.tokens.input, e.tokens.output, e.tokens.cache_read, e.tokens.cache_write};
          }
          std::fprintf(stderr, "event %s\n",
                       line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        },
        g_cancel);
    nlohmann::json out = {{"agent", r.agent},
                          {"model", r.model},
                          {"sessionId", r.session_id},
                          {"tokens",
                           {{"input", r.tokens.input},
                            {"output", r.tokens.output},
                            {"cacheRead", r.tokens.cache_read},
                            {"cacheWrite", r.tokens.cache_write}}},
                          {"turns", r.turns},
                          {"durationMs", r.duration_ms},
                          {"costUsd", r.cost_usd},
                          {"costReported", r.cost_reported},
                          {"outcome", std::string(to_string(r.outcome))},
                          {"error", r.error},
                          {"resetAtMs", r.reset_at_ms ? nlohmann::json(*r.reset_at_ms) : nlohmann::json(nullptr)},
                          {"finalText", r.final_text},
                          {"exitCode", r.exit_code},
                          {"transcript", r.transcript.string()}};
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agent_session_driver: %s\n", e.what());
    return 1;
  }
}
