// Each adapter's launch and resume command lines, stdin and environment.
#include "agents/gemini.hpp"
#include "agents/session.hpp"
#include "test_util_support.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace simmer::agents;
using Args = std::vector<std::string>;

namespace {

LaunchRequest request(std::optional<std::string> resume = std::nullopt) {
  LaunchRequest r;
  r.prompt = "build US-001";
  r.resume_session = std::move(resume);
  return r;
}

}  // namespace

TEST_CASE("adapters: claude launch line is unattended stream-json with the prompt on stdin") {
  AgentOptions options;
  auto adapter = make_adapter("claude", options);
  CHECK(adapter->name() == "claude");
  CHECK(adapter->can_resume());
  CHECK(adapter->command_line(request()) ==
        Args{"claude", "-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions",
             "--tools=Bash,Read,Edit,Write,Glob,Grep", "--exclude-dynamic-system-prompt-sections"});
  CHECK(adapter->stdin_payload(request()) == std::optional<std::string>("build US-001"));
}

TEST_CASE("adapters: claude passes model, max turns, tools, MCP servers, resume and extra args in order") {
  AgentOptions options;
  options.model = "claude-sonnet-4-5";
  options.max_turns = 30;
  options.permission_mode = "acceptEdits";
  options.allowed_tools = {"Write", "Bash(git *)"};
  options.mcp_servers_json = R"({"mcpServers":{"docs":{"command":"docs-mcp"}}})";
  options.args = {"--fallback-model", "haiku"};
  options.executable = "/opt/claude/bin/claude";
  auto adapter = make_adapter("claude", options);
  LaunchRequest r = request("3f1c2a9e-0000-4000-8000-000000000001");
  r.extra_args = {"--effort", "high"};
  CHECK(adapter->command_line(r) == Args{"/opt/claude/bin/claude",
                                         "-p",
                                         "--output-format",
                                         "stream-json",
                                         "--verbose",
                                         "--model",
                                         "claude-sonnet-4-5",
                                         "--max-turns",
                                         "30",
                                         "--permission-mode",
                                         "acceptEdits",
                                         "--tools=Bash,Read,Edit,Write,Glob,Grep",
                                         "--exclude-dynamic-system-prompt-sections",
                                         "--allowedTools=Write,Bash(git *)",
                                         R"(--mcp-config={"mcpServers":{"docs":{"command":"docs-mcp"}}})",
                                         "--strict-mcp-config",
                                         "--resume",
                                         "3f1c2a9e-0000-4000-8000-000000000001",
                                         "--fallback-model",
                                         "haiku",
                                         "--effort",
                                         "high"});
  r.model = "opus";
  r.max_turns = 5;
  auto line = adapter->command_line(r);
  CHECK(line[6] == "opus");
  CHECK(line[8] == "5");
  CHECK(adapter->model_for(r) == "opus");
}

TEST_CASE("adapters: claude offers each role its lean tool set unless the role names its own") {
  AgentOptions options;
  auto adapter = make_adapter("claude", options);
  auto tools_for = [&](simmer::agents::Role role) {
    LaunchRequest r = request();
    r.role = role;
    return adapter->command_line(r).at(7);
  };
  CHECK(tools_for(Role::orchestrator) == "--tools=Read,Write,Glob,Grep");
  CHECK(tools_for(Role::builder) == "--tools=Bash,Read,Edit,Write,Glob,Grep");
  CHECK(tools_for(Role::verifier) == "--tools=Bash,Read,Write,Glob,Grep");
  options.tools = std::vector<std::string>{"default"};
  CHECK(make_adapter("claude", options)->command_line(request()).at(7) == "--tools=default");
  options.tools = std::vector<std::string>{};
  CHECK(make_adapter("claude", options)->command_line(request()).at(7) == "--tools=");
}

TEST_CASE("adapters: claude environment merges role env and request env, IS_SANDBOX only for bypass as root") {
  AgentOptions options;
  options.env = {{"ANTHROPIC_BASE_URL", "http://127.0.0.1:1"}, {"A", "role"}};
  LaunchRequest r = request();
  r.env = {{"A", "request"}};
  auto env = make_adapter("claude", options)->environment(r);
  CHECK(env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:1");
  CHECK(env["A"] == "request");
  CHECK(env.count("IS_SANDBOX") == (::geteuid() == 0 ? 1u : 0u));
  options.permission_mode = "default";
  CHECK(make_adapter("claude", options)->environment(r).count("IS_SANDBOX") == 0);
}

TEST_CASE("adapters: script runs simmer agent-script with the scenario, and --resume for a FIX") {
  AgentOptions options;
  options.simmer_exe = "/usr/local/bin/simmer";
  options.scenario = "/p/.simmer/scenario.json";
  auto adapter = make_adapter("script", options);
  CHECK(adapter->can_resume());
  CHECK(adapter->command_line(request()) ==
        Args{"/usr/local/bin/simmer", "agent-script", "--scenario", "/p/.simmer/scenario.json"});
  CHECK(adapter->command_line(request("s-1")) ==
        Args{"/usr/local/bin/simmer", "agent-script", "--scenario", "/p/.simmer/scenario.json", "--resume", "s-1"});
  CHECK(adapter->stdin_payload(request()) == std::optional<std::string>("build US-001"));
}

TEST_CASE("adapters: codex exec launch and exec resume lines") {
  AgentOptions options;
  auto adapter = make_adapter("codex", options);
  CHECK(adapter->can_resume());
  CHECK(adapter->command_line(request()) ==
        Args{"codex", "exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "-"});
  options.model = "gpt-5-codex";
  options.sandbox = "danger-full-access";
  options.args = {"-c", "model_reasoning_effort=\"low\""};
  adapter = make_adapter("codex", options);
  CHECK(adapter->command_line(request("0199a213-81c0-7800-8aa1-bbab2a035a53")) ==
        Args{"codex", "exec", "resume", "--json", "--skip-git-repo-check", "--model", "gpt-5-codex", "-c",
             "sandbox_mode=\"danger-full-access\"", "-c", "model_reasoning_effort=\"low\"",
             "0199a213-81c0-7800-8aa1-bbab2a035a53", "-"});
  CHECK(adapter->stdin_payload(request()) == std::optional<std::string>("build US-001"));
}

TEST_CASE("adapters: gemini launch and resume lines, prompt on stdin with an empty -p") {
  AgentOptions options;
  auto adapter = make_adapter("gemini", options);
  CHECK(adapter->command_line(request()) ==
        Args{"gemini", "--output-format", "stream-json", "--approval-mode", "yolo", "--skip-trust", "-p", ""});
  options.model = "gemini-2.5-pro";
  options.approval_mode = "auto_edit";
  adapter = make_adapter("gemini", options);
  CHECK(adapter->command_line(request("5b1e0c3a-1111-4000-8000-000000000002")) ==
        Args{"gemini", "--output-format", "stream-json", "--approval-mode", "auto_edit", "--skip-trust", "--model",
             "gemini-2.5-pro", "--resume", "5b1e0c3a-1111-4000-8000-000000000002", "-p", ""});
  CHECK(adapter->stdin_payload(request()) == std::optional<std::string>("build US-001"));
}

// Gemini CLI has no flag naming the tools to offer: a policy file beside the transcript denies the others.
TEST_CASE("adapters: gemini offers each role its lean tool set through a policy file beside the transcript") {
  AgentOptions options;
  auto adapter = make_adapter("gemini", options);
  LaunchRequest r = request();
  r.transcript = "/p/.simmer/sessions/r1/7-builder-0.jsonl";
  CHECK(adapter->command_line(r) == Args{"gemini", "--output-format", "stream-json", "--approval-mode", "yolo",
                                         "--skip-trust", "--policy", "/p/.simmer/sessions/r1/7-builder-0.policy.toml",
                                         "-p", ""});
  auto file = adapter->launch_file(r);
  REQUIRE(file);
  CHECK(file->path == "/p/.simmer/sessions/r1/7-builder-0.policy.toml");
  CHECK(file->content ==
        "# Written by simmer for one session: the built-in tools this role is not offered (simmer.json's\n"
        "# agents.<role>.tools; [\"default\"] offers them all).\n"
        "[[rule]]\n"
        "toolName = [\"read_many_files\", \"web_fetch\", \"google_web_search\", \"write_todos\", \"save_memory\", "
        "\"enter_plan_mode\", \"exit_plan_mode\", \"invoke_agent\", \"activate_skill\", "
        "\"list_background_processes\", \"read_background_output\", \"update_topic\"]\n"
        "decision = \"deny\"\n"
        "priority = 900\n");
  CHECK(adapter->offered_tools(r) ==
        Args{"run_shell_command", "read_file", "replace", "write_file", "glob", "grep_search", "list_directory"});
  r.role = Role::verifier;
  CHECK(adapter->offered_tools(r) ==
        Args{"run_shell_command", "read_file", "write_file", "glob", "grep_search", "list_directory"});
  CHECK(adapter->launch_file(r)->content.find("\"replace\"") != std::string::npos);
  r.role = Role::orchestrator;
  CHECK(adapter->offered_tools(r) == Args{"read_file", "write_file", "glob", "grep_search", "list_directory"});
  CHECK(adapter->launch_file(r)->content.find("\"run_shell_command\"") != std::string::npos);
  // A role's own list; ["default"] offers every tool and writes no policy.
  options.tools = Args{"read_file", "web_fetch"};
  CHECK(make_adapter("gemini", options)->offered_tools(r) == Args{"read_file", "web_fetch"});
  CHECK(make_adapter("gemini", options)->launch_file(r)->content.find("\"web_fetch\"") == std::string::npos);
  options.tools = Args{"default"};
  CHECK_FALSE(make_adapter("gemini", options)->offered_tools(r));
  CHECK_FALSE(make_adapter("gemini", options)->launch_file(r));
  CHECK(make_adapter("gemini", options)->command_line(r) ==
        Args{"gemini", "--output-format", "stream-json", "--approval-mode", "yolo", "--skip-trust", "-p", ""});
  // No transcript (a bare driver launch): nowhere to put the file, so no policy either.
  CHECK_FALSE(make_adapter("gemini", AgentOptions{})->launch_file(request()));
  // Codex takes no tool list: its own set.
  CHECK_FALSE(make_adapter("codex", AgentOptions{})->offered_tools(r));
}

// The policy is harness-written: a link an agent planted at its path is replaced, never written through.
TEST_CASE("adapters: run_session writes the launch file afresh, never through a planted link") {
  simmer::test::TempDir dir;
  dir.write("victim.txt", "keep me\n");
  std::filesystem::create_symlink(dir / "victim.txt", dir / "s-builder-0.policy.toml");
  AgentOptions options;
  options.executable = "/bin/true";
  LaunchRequest r = request();
  r.cwd = dir.path();
  r.transcript = dir / "s-builder-0.jsonl";
  run_session(*make_adapter("gemini", options), r, {}, std::atomic<bool>{false});
  CHECK(simmer::test::slurp(dir / "victim.txt") == "keep me\n");
  CHECK_FALSE(std::filesystem::is_symlink(dir / "s-builder-0.policy.toml"));
  CHECK(simmer::test::slurp(dir / "s-builder-0.policy.toml").find("decision = \"deny\"") != std::string::npos);
  // A path that cannot be written: the session cannot start, and says why.
  r.transcript = dir / "no-such-folder" / "x.jsonl";
  auto record = run_session(*make_adapter("gemini", options), r, {}, std::atomic<bool>{false});
  CHECK(record.outcome == Outcome::cannot_start);
  CHECK(record.error.find("cannot write " + (dir / "no-such-folder" / "x.policy.toml").string()) == 0);
}

TEST_CASE("adapters: command takes the prompt on stdin or as its last argument and cannot resume") {
  AgentOptions options;
  options.command = {"my-agent", "--quiet"};
  auto adapter = make_adapter("command", options);
  CHECK_FALSE(adapter->can_resume());
  CHECK(adapter->command_line(request("ignored")) == Args{"my-agent", "--quiet"});
  CHECK(adapter->stdin_payload(request()) == std::optional<std::string>("build US-001"));
  options.prompt_via = PromptVia::argument;
  adapter = make_adapter("command", options);
  CHECK(adapter->command_line(request()) == Args{"my-agent", "--quiet", "build US-001"});
  CHECK_FALSE(adapter->stdin_payload(request()).has_value());
}

TEST_CASE("adapters: unknown agents and incomplete command/script options are refused with a clear message") {
  AgentOptions options;
  CHECK(known_agents() == Args{"claude", "codex", "gemini", "command", "script"});
  CHECK_THROWS_WITH(make_adapter("cursor", options),
                    "unknown agent 'cursor' (simmer.json): expected one of claude, codex, gemini, command, script");
  CHECK_THROWS_WITH(make_adapter("command", options),
                    "agent 'command' (simmer.json): needs a \"command\" (the program and its arguments)");
  CHECK_THROWS_WITH(make_adapter("script", options), "agent 'script' (simmer.json): needs a \"scenario\" file");
  try {
    make_adapter("cursor", options);
  } catch (const simmer::Error& e) {
    CHECK(e.code() == simmer::ExitCode::invalid_input);
  }
}
