// run_session end to end with stand-in CLIs (small shell scripts replaying recorded streams): transcript, outcome
// from the stream rather than the exit code, computed cost, timeouts, crashes and missing programs.
#include "agents/session.hpp"
#include "test_util_support.hpp"
#include "test_fixture_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace simmer::agents;
namespace fs = std::filesystem;

using simmer::test::stream_fixture;
using simmer::test::TempDir;

using simmer::test::slurp;

namespace {

// A stand-in CLI: a script that prints `body` (shell) and reads its stdin into ./stdin.txt.
fs::path fake_cli(const fs::path& dir, const std::string& body) {
  fs::path script = dir / "fake-cli";
  std::ofstream out(script);
  out << "#!/bin/sh\ncat > \"" << (dir / "stdin.txt").string() << "\"\n" << body << "\n";
  out.close();
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

}  // namespace

TEST_CASE("session: a claude stream that exits 1 with a 529 is transient, transcript and prompt are kept") {
  TempDir dir;
  AgentOptions options;
  options.executable = fake_cli(dir.path(),
                                "cat '" + stream_fixture("claude-529-overloaded.jsonl") + "'; echo boom >&2; exit 1");
  auto adapter = make_adapter("claude", options);
  LaunchRequest request;
  request.prompt = "the prompt";
  request.cwd = dir.path();
  request.transcript = dir.path() / "sessions" / "r1" / "3-builder-0.jsonl";
  std::vector<StreamEvent::Kind> kinds;
  std::atomic<bool> cancel{false};
  auto record = run_session(
      *adapter, request, [&](const StreamEvent& e) { kinds.push_back(e.kind); }, cancel);
  CHECK(record.agent == "claude");
  CHECK(record.outcome == Outcome::transient);
  CHECK(record.exit_code == 1);
  CHECK(record.session_id == "17efd298-11a1-4a2b-9b42-b682c92dc9f1");
  CHECK(slurp(dir.path() / "stdin.txt") == "the prompt");
  const std::string transcript = slurp(request.transcript);
  CHECK(transcript.find("\"api_error_status\":529") != std::string::npos);
  CHECK(transcript.find(R"({"text":"boom","type":"simmer.stderr"})") != std::string::npos);
  CHECK_FALSE(kinds.empty());
  CHECK(kinds.back() == StreamEvent::Kind::result);
}

TEST_CASE("session: codex tokens are priced from the table, overrides first, baseline subtracted on resume") {
  TempDir dir;
  AgentOptions options;
  options.model = "gpt-5-codex";
  options.executable = fake_cli(dir.path(), "cat '" + stream_fixture("codex-resume.jsonl") + "'");
  auto adapter = make_adapter("codex", options);
  LaunchRequest request;
  request.cwd = dir.path();
  std::atomic<bool> cancel{false};
  auto record = run_session(*adapter, request, {}, cancel);
  CHECK(record.outcome == Outcome::success);
  CHECK(record.model == "gpt-5-codex");
  CHECK_FALSE(record.cost_reported);
  CHECK(record.cost_usd == Approx((3400 * 1.25 + 70 * 10.0 + 1600 * 0.125) / 1e6));
  request.prices["gpt-5-codex"] = ModelPrice{10.0, 0.0, 0.0, 0.0};
  request.resume_session = "01a201e9-6743-7aa3-aa92-639d645b941f";
  request.resume_baseline.input = 1900;
  request.resume_baseline.output = 60;
  request.resume_baseline.cache_read = 600;
  record = run_session(*adapter, request, {}, cancel);
  CHECK(record.tokens.input == 1500);
  CHECK(record.tokens.output == 10);
  CHECK(record.tokens.cache_read == 1000);
  CHECK(record.cost_usd == Approx(1500 * 10.0 / 1e6));
}

TEST_CASE("session: a CLI that dies without a result is classified from stderr") {
  TempDir dir;
  AgentOptions options;
  options.executable = fake_cli(dir.path(), "echo 'Error: connect ECONNREFUSED 127.0.0.1:9' >&2; exit 1");
  std::atomic<bool> cancel{false};
  LaunchRequest request;
  request.cwd = dir.path();
  auto record = run_session(*make_adapter("gemini", options), request, {}, cancel);
  CHECK(record.outcome == Outcome::transient);
  CHECK(record.error == "gemini exited with status 1 without a result: Error: connect ECONNREFUSED 127.0.0.1:9");
  options.executable = fake_cli(dir.path(), "echo 'error: unknown option --bogus' >&2; exit 2");
  record = run_session(*make_adapter("gemini", options), request, {}, cancel);
  CHECK(record.outcome == Outcome::cannot_start);
  CHECK(record.error == "gemini exited with status 2 without a result: error: unknown option --bogus");
  options.executable = fake_cli(dir.path(), "echo 'sh: 1: gemini-helper: not found' >&2; exit 127");
  record = run_session(*make_adapter("gemini", options), request, {}, cancel);
  CHECK(record.outcome == Outcome::cannot_start);
  options.executable = fake_cli(dir.path(), "echo 'Segmentation fault' >&2; exit 139");
  record = run_session(*make_adapter("gemini", options), request, {}, cancel);
  CHECK(record.outcome == Outcome::fatal);
}

TEST_CASE("session: idle timeout kills the CLI and says so") {
  TempDir dir;
  AgentOptions options;
  options.executable = fake_cli(dir.path(),
                                "echo '{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s\"}'; sleep 300");
  LaunchRequest request;
  request.cwd = dir.path();
  request.idle_timeout_s = 1;
  std::atomic<bool> cancel{false};
  auto record = run_session(*make_adapter("claude", options), request, {}, cancel);
  CHECK(record.outcome == Outcome::timeout);
  CHECK(record.error == "no output for 1 s (idleTimeout); the agent's process group was killed");
  CHECK(record.session_id == "s");
}

TEST_CASE("session: a missing CLI cannot start, with the reason") {
  AgentOptions options;
  options.executable = "/nonexistent/simmer-no-claude";
  LaunchRequest request;
  std::atomic<bool> cancel{false};
  auto record = run_session(*make_adapter("claude", options), request, {}, cancel);
  CHECK(record.outcome == Outcome::cannot_start);
  CHECK(record.error == "cannot start '/nonexistent/simmer-no-claude': No such file or directory");
}

TEST_CASE("session: the command agent passes the prompt as an argument and succeeds on exit 0") {
  TempDir dir;
  AgentOptions options;
  options.command = {"/bin/sh", "-c", "echo \"got: $1\"", "agent"};
  options.prompt_via = PromptVia::argument;
  LaunchRequest request;
  request.prompt = "do it";
  request.cwd = dir.path();
  std::atomic<bool> cancel{false};
  auto record = run_session(*make_adapter("command", options), request, {}, cancel);
  CHECK(record.outcome == Outcome::success);
  CHECK(record.final_text == "got: do it\n");
  CHECK(record.cost_usd == 0.0);
}

TEST_CASE("session: the transcript stops at its cap with one closing marker line") {
  TempDir dir;
  AgentOptions options;
  options.command = {"/bin/sh", "-c", "i=0; while [ $i -lt 100 ]; do echo 0123456789; i=$((i+1)); done"};
  LaunchRequest request;
  request.cwd = dir.path();
  request.transcript = dir.path() / "t.jsonl";
  request.transcript_max_bytes = 110;
  std::atomic<bool> cancel{false};
  run_session(*make_adapter("command", options), request, {}, cancel);
  CHECK(slurp(request.transcript) == std::string(10 * 11, ' ').replace(0, 110, [] {
    std::string s;
    for (int i = 0; i < 10; ++i) s += "0123456789\n";
    return s;
  }()) + "{\"omittedBytes\":990,\"type\":\"simmer.transcript_truncated\"}\n");
}
