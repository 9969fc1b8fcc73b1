// Every stream parser on streams recorded from the real CLIs (tests/fixtures/streams/, recorded against the fake
// model server with claude 2.1.197, codex-cli 0.169.0 and gemini-cli 0.61.0), then on truncated, garbage and
// unknown input.
#include "agents/claude.hpp"
#include "agents/codex.hpp"
#include "agents/command.hpp"
#include "agents/gemini.hpp"
#include "test_fixture_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace simmer::agents;
using Kind = StreamEvent::Kind;

using simmer::test::stream_fixture_lines;

namespace {

struct Parsed {
  std::vector<StreamEvent> events;
  SessionRecord record;
  bool saw_result = false;
};

Parsed parse(StreamParser& parser, const std::vector<std::string>& lines, int exit_code = 0) {
  Parsed p;
  for (const auto& line : lines) {
    parser.feed_line(line, p.events);
  }
  p.record.exit_code = exit_code;
  parser.finish(p.record);
  p.saw_result = parser.saw_result();
  return p;
}

std::vector<const StreamEvent*> of_kind(const Parsed& p, Kind kind) {
  std::vector<const StreamEvent*> out;
  for (const auto& e : p.events) {
    if (e.kind == kind) {
      out.push_back(&e);
    }
  }
  return out;
}

// Garbage every parser must shrug off: not JSON, not objects, wrong field types, unknown event types.
const std::vector<std::string> k_garbage = {
    "",
    "not json at all",
    "{",
    "[]",
    "null",
    "42",
    "\"str\"",
    "{\"type\":5}",
    "{\"type\":\"assistant\",\"message\":\"x\"}",
    "{\"type\":\"assistant\",\"message\":{\"content\":\"x\",\"usage\":[]}}",
    "{\"type\":\"user\",\"message\":{\"content\":[1,2]}}",
    "{\"type\":\"result\",\"usage\":\"x\",\"total_cost_usd\":\"y\",\"num_turns\":\"z\"}",
    "{\"type\":\"brand_new_event\",\"x\":{}}",
    "{\"type\":\"item.completed\",\"item\":7}",
    "{\"type\":\"turn.completed\",\"usage\":null}",
    "{\"type\":\"tool_use\",\"parameters\":[]}",
    "{\"type\":\"result\",\"stats\":\"x\",\"status\":1}",
    std::string("\xff\xfe\x00\x01", 4),
    "{\"type\":\"message\",\"role\":\"assistant\",\"content\":null}"};

}  // namespace

TEST_CASE("parsers: claude real stream with Write and Bash tool calls") {
  ClaudeStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("claude-write-bash.jsonl"));
  CHECK(p.saw_result);
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.session_id == "f046734d-236f-4dec-b60f-dd973f2b5151");
  CHECK(p.record.model == "claude-opus-4-8");
  CHECK(p.record.tokens.input == 3300);
  CHECK(p.record.tokens.output == 120);
  CHECK(p.record.tokens.cache_read == 200);
  CHECK(p.record.tokens.cache_write == 300);
  CHECK(p.record.turns == 3);
  CHECK(p.record.cost_reported);
  CHECK(p.record.cost_usd == Approx(0.021475));
  CHECK(p.record.final_text == "All done: hello.txt written.");
  auto calls = of_kind(p, Kind::tool_call);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0]->text == "Write");
  CHECK(calls[0]->preview == "/tmp/ag/proj/hello.txt");
  CHECK(calls[1]->text == "Bash");
  CHECK(calls[1]->preview == "cat hello.txt && echo ran-bash");
  auto results = of_kind(p, Kind::tool_result);
  REQUIRE(results.size() == 2);
  CHECK(results[1]->preview == "hello ran-bash");
  CHECK_FALSE(results[1]->is_error);
  // Claude prints one line per content block, repeating the message's usage: one usage event per message.
  CHECK(of_kind(p, Kind::usage).size() == 3);
  CHECK(of_kind(p, Kind::session_id).size() == 1);
  REQUIRE(of_kind(p, Kind::result).size() == 1);
  CHECK(of_kind(p, Kind::result)[0]->text == "All done: hello.txt written.");
}

TEST_CASE("parsers: claude resumed session (FIX) reports only its own tokens and cost") {
  ClaudeStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("claude-resume-edit.jsonl"));
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.session_id == "17efd298-11a1-4a2b-9b42-b682c92dc9f1");
  CHECK(p.record.tokens.input == 1500);
  CHECK(p.record.tokens.output == 20);
  CHECK(p.record.cost_usd == Approx(0.008));
  CHECK(p.record.final_text == "Fixed.");
  auto calls = of_kind(p, Kind::tool_call);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0]->text == "Edit");
}

TEST_CASE("parsers: claude 529 overloaded is transient, though the CLI says subtype success") {
  ClaudeStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("claude-529-overloaded.jsonl"), 1);
  CHECK(p.saw_result);
  CHECK(p.record.outcome == Outcome::transient);
  CHECK(p.record.error.rfind("API Error: 529 Overloaded.", 0) == 0);
  CHECK(p.record.cost_usd == 0.0);
}

TEST_CASE("parsers: claude 429 is a usage limit") {
  ClaudeStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("claude-429-rate-limit.jsonl"), 1);
  CHECK(p.record.outcome == Outcome::usage_limit);
  CHECK(p.record.error ==
        "API Error: Request rejected (429) \xC2\xB7 Number of request tokens has exceeded your per-minute rate limit");
}

TEST_CASE("parsers: claude killed before its result leaves the outcome to the supervisor") {
  ClaudeStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("claude-hang-killed.jsonl"), -1);
  CHECK_FALSE(p.saw_result);
  CHECK(p.record.outcome == Outcome::fatal);
  CHECK(p.record.session_id == "17efd298-11a1-4a2b-9b42-b682c92dc9f1");
}

TEST_CASE("parsers: claude minimal stub stream (init + result without usage) is read") {
  ClaudeStreamParser parser;
  auto p = parse(parser, {R"({"type":"system","subtype":"init","session_id":"s1"})",
                          R"({"type":"result","subtype":"success","num_turns":2,"total_cost_usd":0.5})"});
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.session_id == "s1");
  CHECK(p.record.turns == 2);
  CHECK(p.record.cost_usd == Approx(0.5));
}

TEST_CASE("parsers: claude max turns and a rejected rate_limit_event with its reset time") {
  ClaudeStreamParser max_turns;
  auto p = parse(max_turns, {R"({"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":30})"});
  CHECK(p.record.outcome == Outcome::fatal);
  CHECK(p.record.error == "reached the maximum number of turns (30)");
  ClaudeStreamParser limited;
  p = parse(limited,
            {R"({"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1767225600}})",
             R"({"type":"result","subtype":"success","is_error":true,"result":"Claude AI usage limit reached"})"});
  CHECK(p.record.outcome == Outcome::usage_limit);
  REQUIRE(p.record.reset_at_ms.has_value());
  CHECK(*p.record.reset_at_ms == 1767225600000);
}

TEST_CASE("parsers: codex real stream with a shell command") {
  CodexStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("codex-exec-command.jsonl"));
  CHECK(p.saw_result);
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.session_id == "01a201e9-6743-7aa3-aa92-639d645b941f");
  CHECK(p.record.tokens.input == 1900);
  CHECK(p.record.tokens.cache_read == 600);
  CHECK(p.record.tokens.output == 60);
  CHECK(p.record.turns == 1);
  CHECK_FALSE(p.record.cost_reported);
  CHECK(p.record.final_text == "Done: codex.txt created.");
  auto calls = of_kind(p, Kind::tool_call);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0]->text == "shell");
  CHECK(calls[0]->preview == R"(/bin/bash -lc "printf 'hi from codex\\n' > codex.txt && cat codex.txt")");
  auto results = of_kind(p, Kind::tool_result);
  REQUIRE(results.size() == 1);
  CHECK(results[0]->preview == "hi from codex ");
  CHECK(of_kind(p, Kind::text).size() == 2);
}

TEST_CASE("parsers: codex resumed thread reports running totals") {
  CodexStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("codex-resume.jsonl"));
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.session_id == "01a201e9-6743-7aa3-aa92-639d645b941f");
  CHECK(p.record.tokens.input == 3400);
  CHECK(p.record.tokens.cache_read == 1600);
  CHECK(p.record.tokens.output == 70);
}

TEST_CASE("parsers: codex failed turn and connection errors without a turn") {
  CodexStreamParser failed;
  auto p = parse(
      failed, {R"({"type":"thread.started","thread_id":"t1"})", R"({"type":"turn.started"})",
               R"({"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: invalid api key"}})"});
  CHECK(p.saw_result);
  CHECK(p.record.outcome == Outcome::cannot_start);
  CHECK(p.record.error == "unexpected status 401 Unauthorized: invalid api key");
  CodexStreamParser reconnecting;
  p = parse(
      reconnecting,
      {R"({"type":"thread.started","thread_id":"t2"})",
       R"j({"type":"error","message":"Reconnecting... 5/5 (stream disconnected before completion: error sending request)"})j"});
  CHECK_FALSE(p.saw_result);
  CHECK(p.record.outcome == Outcome::transient);
}

TEST_CASE("parsers: gemini real stream with write_file and run_shell_command") {
  GeminiStreamParser parser;
  auto p = parse(parser, stream_fixture_lines("gemini-write-shell.jsonl"));
  CHECK(p.saw_result);
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.session_id == "5e830c7d-3555-42b3-a04a-3e4e8e1a2233");
  CHECK(p.record.model == "gemini-2.5-pro");
  CHECK(p.record.tokens.input == 2700);
  CHECK(p.record.tokens.cache_read == 500);
  CHECK(p.record.tokens.output == 60);
  CHECK(p.record.turns == 3);
  CHECK(p.record.final_text == "Done: gem.txt written.");
  auto calls = of_kind(p, Kind::tool_call);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0]->text == "write_file");
  CHECK(calls[0]->preview == "/tmp/ag/proj/gem.txt");
  CHECK(calls[1]->text == "run_shell_command");
  CHECK(calls[1]->preview == "cat gem.txt");
  auto results = of_kind(p, Kind::tool_result);
  REQUIRE(results.size() == 2);
  CHECK(results[1]->preview == "hi from gemini");
}

TEST_CASE("parsers: gemini resumed session and an error result") {
  GeminiStreamParser resumed;
  auto p = parse(resumed, stream_fixture_lines("gemini-resume.jsonl"));
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.session_id == "5e830c7d-3555-42b3-a04a-3e4e8e1a2233");
  CHECK(p.record.tokens.input == 1100);
  CHECK(p.record.turns == 1);
  GeminiStreamParser failed;
  p = parse(
      failed,
      {R"({"type":"init","session_id":"g1","model":"auto"})",
       R"({"type":"result","status":"error","error":{"type":"FatalError","message":"[API Error: 503 The model is overloaded.]"},"stats":{}})"});
  CHECK(p.record.outcome == Outcome::transient);
  CHECK(p.record.error == "[API Error: 503 The model is overloaded.]");
  CHECK(p.record.model.empty());
}

TEST_CASE("parsers: command agent text lines and exit status") {
  CommandStreamParser ok;
  auto p = parse(ok, {"did it", "all good"}, 0);
  CHECK(p.saw_result);
  CHECK(p.record.outcome == Outcome::success);
  CHECK(p.record.final_text == "did it\nall good\n");
  CHECK(of_kind(p, Kind::text).size() == 2);
  CommandStreamParser failed;
  p = parse(failed, {"oops"}, 2);
  CHECK_FALSE(p.saw_result);
  CHECK(p.record.outcome == Outcome::fatal);
}

TEST_CASE("parsers: garbage and unknown events are ignored by every parser") {
  std::vector<std::unique_ptr<StreamParser>> parsers;
  parsers.push_back(std::make_unique<ClaudeStreamParser>());
  parsers.push_back(std::make_unique<CodexStreamParser>());
  parsers.push_back(std::make_unique<GeminiStreamParser>());
  for (auto& parser : parsers) {
    std::vector<StreamEvent> events;
    for (const auto& line : k_garbage) {
      parser->feed_line(line, events);
    }
    SessionRecord record;
    parser->finish(record);
    CHECK(record.tokens.input == 0);
    CHECK(record.cost_usd == 0.0);
  }
}

TEST_CASE("parsers: every real stream cut at every line, with the cut line truncated, never throws") {
  const std::vector<std::pair<std::string, int>> fixtures = {{"claude-write-bash.jsonl", 0},
                                                             {"claude-529-overloaded.jsonl", 0},
                                                             {"codex-exec-command.jsonl", 1},
                                                             {"gemini-write-shell.jsonl", 2}};
  for (const auto& [name, which] : fixtures) {
    auto lines = stream_fixture_lines(name);
    for (std::size_t keep = 0; keep < lines.size(); ++keep) {
      for (std::size_t cut : {std::size_t{1}, lines[keep].size() / 2, lines[keep].size() - 1}) {
        std::unique_ptr<StreamParser> parser;
        if (which == 0) parser = std::make_unique<ClaudeStreamParser>();
        if (which == 1) parser = std::make_unique<CodexStreamParser>();
        if (which == 2) parser = std::make_unique<GeminiStreamParser>();
        std::vector<StreamEvent> events;
        for (std::size_t i = 0; i < keep; ++i) {
          parser->feed_line(lines[i], events);
        }
        parser->feed_line(std::string_view(lines[keep]).substr(0, cut), events);
        SessionRecord record;
        CHECK_NOTHROW(parser->finish(record));
        // The final line is the result: cut, it must not count as one.
        if (keep == lines.size() - 1) {
          CHECK_FALSE(parser->saw_result());
        }
      }
    }
  }
}
