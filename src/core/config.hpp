#pragma once
// simmer.json: the project's configuration, as a typed view with every default filled in.
//
// Precedence: built-in defaults < simmer.json < command-line overrides. The file is JSONC (// and /* */ comments,
// trailing commas). Every key is checked: an unknown key anywhere is an error that names it, gives its pointer and
// suggests the nearest known key: `unknown key "retires" (simmer.json#/retires): did you mean "retries"?`.
// Defaults are listed in docs/contracts.md; keep that table in step with default_config().

#include "core/contracts.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::core {

// Which agent CLI plays a role. `harness` is valid for the orchestrator only: no agent, the harness picks.
enum class AgentKind { harness, claude, codex, gemini, command, script };
std::string_view to_string(AgentKind kind);

// How a `command` agent receives its prompt.
enum class PromptVia { standard_input, argument };  // JSON: "stdin", "arg"

enum class Workflow { one_shot, epic_checkpoint };  // JSON: "one-shot", "epic-checkpoint"
std::string_view to_string(Workflow workflow);

// One role (orchestrator, builder or verifier). Agent-specific fields are optional: absent means "not given",
// and the adapter uses its CLI's own default.
struct RoleConfig {
  AgentKind agent = AgentKind::claude;
  std::optional<std::string> model;                       // absent: the CLI's default model
  std::vector<std::string> args;                          // appended verbatim to the CLI's command line
  std::map<std::string, std::string> env;                 // added to the agent's environment
  int timeout_s = 0;                                      // wall clock; role default (see default_config)
  int idle_timeout_s = 300;                               // no output for this long = timeout
  std::optional<int> max_turns;                           // absent: the CLI's default
  std::vector<std::string> command;                       // `command` agent: argv (required non-empty for it)
  PromptVia prompt_via = PromptVia::standard_input;       // `command` agent only
  std::optional<std::string> scenario;                    // `script` agent: scenario file, relative to the project root
  std::optional<std::string> permission_mode;             // claude
  std::optional<std::vector<std::string>> allowed_tools;  // claude
  std::optional<std::vector<std::string>> tools;          // claude --tools; unset: the role's lean set
  std::optional<std::string> sandbox;                     // codex
  std::optional<std::string> approval_mode;               // gemini
};

// A deterministic project check run between BUILD and VERIFY (`sh -c run` in the project root).
struct Gate {
  std::string name;
  std::string run;
  int timeout_s = 600;
};

// USD; 0 = no limit.
struct Budget {
  double per_story = 0.0;
  double total = 0.0;
};

struct Retries {
  int fix = 3;        // FIX attempts per story after the BUILD
  int contract = 2;   // repairs of an invalid hand-off file per phase
  int transient = 5;  // retries of a session that failed for a transient reason
};

// USD per million tokens, for agents that do not report cost.
struct Pricing {
  double input = 0.0;
  double output = 0.0;
  double cache_read = 0.0;
  double cache_write = 0.0;
};

// An MCP server handed to the agents: either a local command (stdio) or a remote one (http/sse).
struct McpServer {
  enum class Type { stdio, http, sse };
  Type type = Type::stdio;
  std::string command;                         // stdio
  std::vector<std::string> args;               // stdio
  std::map<std::string, std::string> env;      // stdio
  std::string url;                             // http, sse
  std::map<std::string, std::string> headers;  // http, sse
};

// How simmer commits. `hooks` runs the repository's pre-commit, prepare-commit-msg, commit-msg and post-commit
// hooks around every harness commit (a failing one fails the attempt like a gate); false skips them, as
// `git commit --no-verify` would. A hook running longer than `hook_timeout_s` is killed and counts as failed.
struct GitConfig {
  bool commit = true;  // commit after each passed story
  bool hooks = true;
  int hook_timeout_s = 600;
};

// Parallel lanes (docs/lanes.md): more than one lane makes `simmer cook` a coordinator that runs each story in a
// worktree of its own and merges the passed ones through a serial queue.
struct ParallelConfig {
  std::int64_t lanes = 1;            // stories in flight at most; 1 = one story at a time, in the checkout
  std::vector<std::string> serial;   // globs two lanes never write at once (lockfiles, migrations, CHANGELOG)
  std::string untouched = "alone";   // a story without `touches`: "alone" (runs alone) or "beside"
  std::string integrate = "rebase";  // how the queue brings a lane up to the integration tip: "rebase" | "merge"
  std::map<std::string, std::int64_t> sessions;  // agent kind name -> most live sessions at once; absent = no cap
  std::vector<std::string> copy;                 // files copied from the project into each new lane (.env and the like)
  std::string setup;  // a shell command run in each new lane before its story starts; "" = none
  int setup_timeout_s = 600;
};

struct Config {
  std::optional<std::string> schema_ref;  // "$schema": allowed for editors, otherwise ignored
  int schema_version = k_schema_version;
  std::string project;    // "" = the project directory's name
  std::string app = ".";  // where the application lives, relative to the project root
  Workflow workflow = Workflow::one_shot;
  RoleConfig orchestrator;  // timeout 600 s
  RoleConfig builder;       // timeout 1800 s
  RoleConfig verifier;      // timeout 900 s
  std::vector<Gate> gates;
  Budget budget;
  Retries retries;
  std::int64_t max_iterations = 1000;
  std::map<std::string, Pricing> pricing;  // by model name
  std::map<std::string, McpServer> mcp_servers;
  GitConfig git;
  ParallelConfig parallel;
};

// The configuration with nothing but built-in defaults.
Config default_config();

// The full effective configuration as JSON, every default written out (what `doctor`/`status --json` may show).
// Canonical input that already spells every default round-trips byte for byte.
void to_json(nlohmann::json& out, const Config& value);
// Reads a schema-valid simmer.json object over the defaults (missing fields keep their default). Throws
// simmer::Error(invalid_input) on a document that is not schema-valid; use resolve_config() for user input.
void from_json(const nlohmann::json& in, Config& value);

// Seconds from a timeout value: a non-negative integer, or a string "<n>s", "<n>m", "<n>h" ("90s", "10m", "1h").
// Anything else is a Failure whose message says what was expected.
Result<int> parse_timeout(const nlohmann::json& value);

// Checks a parsed simmer.json document and returns every problem: unknown keys (with the nearest known key),
// violations of `schema` (schemas/config.json compiled: store::config_schema() gives the embedded one) and
// cross-field rules (`harness` outside the orchestrator, `command` without a command, ...). `file` is used in the
// problems. An empty vector means `resolve_config` will succeed.
std::vector<Problem> check_config(const CompiledSchema& schema, const nlohmann::json& doc, const std::string& file);

// Every problem of the two layers: `doc` checked as by check_config (null = no file: nothing to check), then, only
// when the file is clean, the merge of `overrides` over it, with problems inside the overrides attributed to the
// file "command line". Empty = resolve_config(schema, doc, file, overrides) succeeds.
std::vector<Problem> check_config_layers(const CompiledSchema& schema, const nlohmann::json& doc,
                                         const std::string& file, const nlohmann::json& overrides);

// defaults < `doc` (a parsed simmer.json; null = no file) < `overrides` (an object shaped like simmer.json, e.g.
// {"budget": {"total": 5}} from `cook --budget-total 5`; null or {} = none). Both layers are checked as by
// check_config against `schema` (override problems name the file "command line"). On any problem: a Failure
// (invalid_input) whose message is the first problem's to_error(), followed by one line per further problem.
Result<Config> resolve_config(const CompiledSchema& schema, const nlohmann::json& doc, const std::string& file,
                              const nlohmann::json& overrides = nullptr);

}  // namespace simmer::core
