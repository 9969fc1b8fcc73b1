#pragma once
// One agent session, start to end: build the adapter for a role's agent, spawn the CLI under supervision
// (util/process.hpp: own process group, wall-clock and idle timeouts, bounded memory), tee its raw output to the
// transcript, parse it into normalized events and sum it up as a SessionRecord for the journal.

#include "agents/agent.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace simmer::agents {

// How the `command` agent hands over the prompt.
enum class PromptVia {
  stdin_pipe,  // written to the program's stdin (the default)
  argument,    // appended as the last argument
};

// What an adapter needs from a role's configuration in simmer.json (core/config.hpp maps into this with
// agents/options.hpp). Fields an adapter does not use are ignored by it; empty means "the CLI's default" unless
// said otherwise.
struct AgentOptions {
  std::string model;                       // --model / -m for every CLI; per-launch LaunchRequest::model wins
  std::vector<std::string> args;           // extra arguments, appended verbatim after simmer's own
  std::map<std::string, std::string> env;  // added to the environment of the CLI
  int max_turns = 0;                       // claude --max-turns; 0: the CLI's default
  std::string permission_mode;             // claude --permission-mode; empty: bypassPermissions (unattended)
  std::vector<std::string> allowed_tools;  // claude --allowedTools; empty: not passed
  // claude --tools: the built-in tools the model is offered. Unset: the role's lean set (claude_lean_tools);
  // {"default"}: the CLI's whole set, as simmer did before issue 14.
  std::optional<std::vector<std::string>> tools;
  std::string sandbox;                           // codex --sandbox; empty: workspace-write
  std::string approval_mode;                     // gemini --approval-mode; empty: yolo (unattended)
  std::vector<std::string> command;              // command agent: argv of the program (required for `command`)
  PromptVia prompt_via = PromptVia::stdin_pipe;  // command agent
  std::filesystem::path scenario;                // script agent: the scenario file (required for `script`)
  std::string mcp_servers_json;                  // claude: {"mcpServers":{...}} passed with --mcp-config; empty: none
  std::filesystem::path simmer_exe;              // script agent: the simmer binary to run `agent-script` with
  std::string executable;                        // the CLI program to run; empty: its usual name looked up in PATH
};

// Names make_adapter() accepts, in the order docs list them: claude, codex, gemini, command, script.
const std::vector<std::string>& known_agents();

// The adapter for agent `agent` (one of known_agents()) configured with `options`. Throws simmer::Error
// (invalid_input) for an unknown name, or for `command` without a command / `script` without a scenario: config
// validation should have refused those earlier, so reaching here is a programming error worth stopping on.
std::unique_ptr<Adapter> make_adapter(const std::string& agent, const AgentOptions& options);

// The stream parser of agent `agent` (one of known_agents()), the very one make_adapter(agent, …) uses: for
// reading a transcript afterwards without the agent's configuration (`simmer logs`). nullptr for an unknown name.
std::unique_ptr<StreamParser> make_parser(const std::string& agent);

// The totals of the session `parser` has read so far (see SessionProgress): `configured_model` is the model when
// the stream names none; the cost is the CLI's own figure when it reported one, else tokens times the price of the
// model (`prices`, then the built-in table, agents/pricing.hpp), 0 for a model in neither.
SessionProgress progress_of(StreamParser& parser, const std::string& configured_model,
                            const std::map<std::string, ModelPrice>& prices);

// Runs one session of `adapter` for `request` and returns its record (see SessionRecord in agents/agent.hpp).
// - The raw stdout lines go to request.transcript (created with its parent folders; bounded by
//   request.transcript_max_bytes); stderr lines are kept there too, wrapped as {"type":"simmer.stderr",...}.
// - Every normalized event is passed to `on_event` (may be empty) on the caller's thread as it arrives, and to
//   request.on_progress (may be empty) with the session's totals so far (progress_of).
// - The outcome comes from the stream; the exit code only refines it when the stream said nothing (a CLI that
//   died before its result line). Timeout/idle timeout give Outcome::timeout, `cancel` gives
//   Outcome::interrupted; in both cases the CLI's whole process group has been killed on return.
// - cost_usd is the CLI's own figure when it reports one, else tokens times the price of the model
//   (request.prices, then the built-in table, agents/pricing.hpp); a model in neither table costs 0.
// Never throws for a CLI that fails to start (outcome fatal, error says why); throws simmer::Error
// (unsafe_storage) when the transcript cannot be written.
SessionRecord run_session(const Adapter& adapter, const LaunchRequest& request,
                          const std::function<void(const StreamEvent&)>& on_event, const std::atomic<bool>& cancel);

}  // namespace simmer::agents
