// The one mapping of simmer.json to what an agent gets (agents/config_map.hpp), which cook, doctor --probe and
// to-prd --agent all use: the exact argv and environment per agent kind with a model, args, env, mcpServers and
// pricing configured, and the one-off request of doctor/to-prd adding nothing twice.
#include "agents/config_map.hpp"
#include "project/agent_launch.hpp"
#include "store/documents.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

using namespace simmer;
using Args = std::vector<std::string>;
using Env = std::map<std::string, std::string>;

namespace {

core::Config config_with(const nlohmann::json& builder) {
  nlohmann::json doc = {{"schemaVersion", 1},
                        {"agents", {{"orchestrator", {{"agent", "harness"}}}, {"builder", builder}}},
                        {"mcpServers",
                         {{"docs", {{"command", "docs-mcp"}, {"args", {"--stdio"}}, {"env", {{"TOKEN", "t"}}}}},
                          {"web", {{"type", "http"}, {"url", "http://127.0.0.1:9/mcp"}}}}},
                        {"pricing", {{"my-model", {{"input", 2}, {"output", 10}, {"cacheRead", 0.5}}}}}};
  auto config = core::resolve_config(store::config_schema(), doc, "simmer.json");
  REQUIRE(config.ok());
  return *config;
}

const std::string k_mcp =
    R"({"mcpServers":{"docs":{"args":["--stdio"],"command":"docs-mcp","env":{"TOKEN":"t"},"type":"stdio"},)"
    R"("web":{"headers":{},"type":"http","url":"http://127.0.0.1:9/mcp"}}})";

// What cook launches: agent_options() + launch_request(), the way the executor calls them.
struct Launch {
  Args argv;
  Env env;
  std::map<std::string, agents::ModelPrice> prices;
};

Launch cook_launch(const core::Config& config) {
  auto adapter = agents::make_adapter(agents::agent_name(config.builder.agent),
                                      agents::agent_options(config, config.builder, "/proj", "/bin/simmer"));
  auto request = agents::launch_request(config, config.builder, agents::Role::builder, "/proj");
  request.prompt = "build S-1";
  request.env = {{"SIMMER_ROLE", "builder"}};
  // Where one_off_launch's transcript goes: a file beside it (gemini's policy) is then named the same.
  request.transcript = "/proj/.simmer/sessions/doctor/builder.jsonl";
  return {adapter->command_line(request), adapter->environment(request), request.prices};
}

// What doctor --probe and to-prd --agent launch: project::agent_options() + one_off_request().
Launch one_off_launch(const core::Config& config) {
  store::ProjectPaths paths = store::ProjectPaths::at("/proj");
  auto adapter = agents::make_adapter(agents::agent_name(config.builder.agent),
                                      project::agent_options(config, config.builder, paths));
  auto request = project::one_off_request(config, config.builder, agents::Role::builder, paths, "doctor", "build S-1",
                                          "/proj/.simmer/draft.json");
  Env env = adapter->environment(request);
  for (const char* own : {"SIMMER_ROLE", "SIMMER_PROJECT", "SIMMER_HANDOFF", "SIMMER_STORY_ID", "SIMMER_ATTEMPT",
                          "SIMMER_REPAIR", "SIMMER_RETRY"}) {
    env.erase(own);
  }
  env["SIMMER_ROLE"] = "builder";
  return {adapter->command_line(request), env, request.prices};
}

void check_prices(const Launch& launch) {
  REQUIRE(launch.prices.count("my-model") == 1);
  const auto& p = launch.prices.at("my-model");
  CHECK(p.input == 2.0);
  CHECK(p.output == 10.0);
  CHECK(p.cache_read == 0.5);
  CHECK(p.cache_write == 0.0);
  CHECK(launch.prices.size() == 1);
}

}  // namespace

TEST_CASE("config map: claude gets model, max turns, MCP servers and args once, with its env and prices") {
  auto config = config_with({{"agent", "claude"},
                             {"model", "my-model"},
                             {"args", {"--fallback-model", "haiku"}},
                             {"env", {{"CLAUDE_CODE_MAX_RETRIES", "0"}}},
                             {"maxTurns", 7}});
  const Args argv = {"claude",
                     "-p",
                     "--output-format",
                     "stream-json",
                     "--verbose",
                     "--model",
                     "my-model",
                     "--max-turns",
                     "7",
                     "--permission-mode",
                     "bypassPermissions",
                     "--tools=Bash,Read,Edit,Write,Glob,Grep",
                     "--exclude-dynamic-system-prompt-sections",
                     "--mcp-config=" + k_mcp,
                     "--strict-mcp-config",
                     "--fallback-model",
                     "haiku"};
  Env env = {{"CLAUDE_CODE_MAX_RETRIES", "0"}, {"SIMMER_ROLE", "builder"}};
  if (::geteuid() == 0) {
    env["IS_SANDBOX"] = "1";
  }
  for (const auto& launch : {cook_launch(config), one_off_launch(config)}) {
    CHECK(launch.argv == argv);
    CHECK(launch.env == env);
    check_prices(launch);
  }
}

TEST_CASE("config map: codex and gemini get model and args once, and MCP servers are for Claude Code only") {
  auto codex = config_with(
      {{"agent", "codex"}, {"model", "my-model"}, {"args", {"-c", "x=1"}}, {"env", {{"OPENAI_API_KEY", "k"}}}});
  const Args codex_argv = {"codex",   "exec",     "--json",    "--skip-git-repo-check",
                           "--model", "my-model", "--sandbox", "workspace-write",
                           "-c",      "x=1",      "-"};
  for (const auto& launch : {cook_launch(codex), one_off_launch(codex)}) {
    CHECK(launch.argv == codex_argv);
    CHECK(launch.env == Env{{"OPENAI_API_KEY", "k"}, {"SIMMER_ROLE", "builder"}});
    check_prices(launch);
  }
  auto gemini = config_with(
      {{"agent", "gemini"}, {"model", "my-model"}, {"args", {"--debug"}}, {"env", {{"GEMINI_API_KEY", "k"}}}});
  const Args gemini_argv = {"gemini",
                            "--output-format",
                            "stream-json",
                            "--approval-mode",
                            "yolo",
                            "--skip-trust",
                            "--model",
                            "my-model",
                            "--policy",
                            "/proj/.simmer/sessions/doctor/builder.policy.toml",
                            "--debug",
                            "-p",
                            ""};
  for (const auto& launch : {cook_launch(gemini), one_off_launch(gemini)}) {
    CHECK(launch.argv == gemini_argv);
    CHECK(launch.env == Env{{"GEMINI_API_KEY", "k"}, {"SIMMER_ROLE", "builder"}});
    check_prices(launch);
  }
}

TEST_CASE("config map: command and script agents get their argv, args once, and the scenario from the root") {
  auto command = config_with({{"agent", "command"},
                              {"command", {"my-agent", "--fast"}},
                              {"args", {"--x"}},
                              {"env", {{"A", "1"}}},
                              {"model", "my-model"}});
  for (const auto& launch : {cook_launch(command), one_off_launch(command)}) {
    CHECK(launch.argv == Args{"my-agent", "--fast", "--x"});
    CHECK(launch.env == Env{{"A", "1"}, {"SIMMER_ROLE", "builder"}});
    check_prices(launch);
  }
  auto script = config_with({{"agent", "script"}, {"scenario", "scenario.json"}, {"args", {"--y"}}});
  CHECK(cook_launch(script).argv == Args{"/bin/simmer", "agent-script", "--scenario", "/proj/scenario.json", "--y"});
  // The one-off launch runs this very binary, whatever its path; the rest is the same.
  Args one_off = one_off_launch(script).argv;
  REQUIRE(one_off.size() == 5);
  CHECK(Args(one_off.begin() + 1, one_off.end()) == Args{"agent-script", "--scenario", "/proj/scenario.json", "--y"});
}

TEST_CASE("config map: the launch request carries the role's timeouts and max turns, and no servers mean no flag") {
  nlohmann::json doc = {{"schemaVersion", 1},
                        {"agents", {{"builder", {{"agent", "claude"}, {"timeout", "90s"}, {"idleTimeout", 30}}}}}};
  auto config = core::resolve_config(store::config_schema(), doc, "simmer.json");
  REQUIRE(config.ok());
  auto request = agents::launch_request(*config, config->builder, agents::Role::builder, "/proj");
  CHECK(request.timeout_s == 90);
  CHECK(request.idle_timeout_s == 30);
  CHECK(request.max_turns == 0);
  CHECK(request.cwd == "/proj");
  CHECK(request.prices.empty());
  CHECK(agents::mcp_config_json(*config).empty());
  CHECK(agents::agent_options(*config, config->builder, "/proj", "simmer").mcp_servers_json.empty());
}
