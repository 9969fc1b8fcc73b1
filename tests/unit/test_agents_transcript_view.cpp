// The log renderer (`simmer logs`, `cook -v`) on the streams recorded from the real CLIs
// (tests/fixtures/streams/), read with each agent's own parser, then on hostile input: escape sequences, a 10 MB
// line, invalid UTF-8, simmer's own stderr and truncation lines.
#include "agents/session.hpp"
#include "agents/transcript_view.hpp"
#include "util/strings.hpp"
#include "test_fixture_support.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace simmer::agents;

using simmer::test::stream_fixture_lines;

namespace {

std::vector<LogEntry> entries_of(const std::string& agent, const std::vector<std::string>& lines) {
  TranscriptView view(agent, "", {});
  std::vector<LogEntry> out;
  for (const auto& line : lines) {
    view.line(line, out);
  }
  return out;
}

// The text `simmer logs` prints for `lines`, one "\n"-ended line per printed line.
std::string render(const std::string& agent, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& entry : entries_of(agent, lines)) {
    for (const auto& line : entry_lines(entry)) {
      text += line + "\n";
    }
  }
  return text;
}

// No byte that a terminal acts on: every one printable (or a UTF-8 byte), and the whole valid UTF-8.
void check_terminal_safe(const std::string& text) {
  CHECK(simmer::util::utf8_valid(text));
  for (unsigned char c : text) {
    if (c == '\n') {
      continue;
    }
    INFO("byte " << static_cast<int>(c));
    REQUIRE((c >= 0x20 && c != 0x7f));
  }
}

}  // namespace

TEST_CASE("transcript view: claude stream-json, tool calls with their paths and commands, output, totals") {
  const std::string text = render("claude", stream_fixture_lines("claude-write-bash.jsonl"));
  CHECK(text ==
        "  Writing the file.\n"
        "  . tokens 1000 in, 1 out, 200 cache read, 300 cache write; $0.0070 so far\n"
        "  > write /tmp/ag/proj/hello.txt\n"
        "  > run cat hello.txt && echo ran-bash\n"
        "  . tokens 2100 in, 2 out, 200 cache read, 300 cache write; $0.0125 so far\n"
        "    | hello\n"
        "    | ran-bash\n"
        "  All done: hello.txt written.\n"
        "  . tokens 3300 in, 3 out, 200 cache read, 300 cache write; $0.0186 so far\n"
        "  = success: 3 turns, 3300 in / 120 out tokens, $0.0215\n");
}

TEST_CASE("transcript view: codex exec --json, a command with its output, tokens priced by model") {
  TranscriptView view("codex", "gpt-5", {});
  std::vector<LogEntry> entries;
  for (const auto& line : stream_fixture_lines("codex-exec-command.jsonl")) {
    view.line(line, entries);
  }
  std::string text;
  for (const auto& entry : entries) {
    for (const auto& line : entry_lines(entry)) {
      text += line + "\n";
    }
  }
  CHECK(
      text ==
      R"x(  stderr: WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp" (codex_home: AbsolutePathBuf("/tmp/ag/home/.codex"))
  Creating the file.
  > run /bin/bash -lc "printf 'hi from codex\\n' > codex.txt && cat codex.txt"
    | hi from codex
  Done: codex.txt created.
  . tokens 1900 in, 60 out, 600 cache read, 0 cache write; $0.0031 so far
  = success: 1 turn, 1900 in / 60 out tokens, $0.0031
)x");
}

TEST_CASE("transcript view: gemini stream-json, file written and shell command run") {
  CHECK(render("gemini", stream_fixture_lines("gemini-write-shell.jsonl")) ==
        "  Writing the file.\n"
        "  > write /tmp/ag/proj/gem.txt\n"
        "  > run cat gem.txt\n"
        "    | hi from gemini\n"
        "  Done: gem.txt written.\n"
        "  . tokens 2700 in, 60 out, 500 cache read, 0 cache write; $0.0041 so far\n"
        "  = success: 3 turns, 2700 in / 60 out tokens, $0.0041\n");
}

TEST_CASE("transcript view: command agent lines are text, simmer's stderr and truncation lines are marked") {
  const std::string text = render("command", {"building...", R"({"text":"warning: slow disk","type":"simmer.stderr"})",
                                              "done", R"({"omittedBytes":1234,"type":"simmer.transcript_truncated"})"});
  CHECK(text ==
        "  building...\n"
        "  stderr: warning: slow disk\n"
        "  done\n"
        "  (transcript cut at its size cap: 1234 bytes left out)\n");
  // An unknown agent name is read as the command agent reads its output.
  CHECK(render("no-such-agent", {"plain"}) == "  plain\n");
}

TEST_CASE("transcript view: the script agent's stream is read by the claude parser it imitates") {
  const std::string text = render(
      "script",
      {R"({"type":"system","subtype":"init","session_id":"s1","model":"script"})",
       R"({"type":"assistant","message":{"role":"assistant","model":"script","content":[{"type":"tool_use","id":"t1","name":"Edit","input":{"file_path":"a.txt","old_string":"x","new_string":"y"}}]}})",
       R"({"type":"user","message":{"role":"user","content":[{"tool_use_id":"t1","type":"tool_result","content":"String to replace not found in a.txt","is_error":true}]}})",
       R"({"type":"assistant","message":{"role":"assistant","model":"script","content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"make test"}}]}})",
       R"({"type":"user","message":{"role":"user","content":[{"tool_use_id":"t2","type":"tool_result","content":"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nFAILED\n","is_error":true}]}})",
       R"({"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":2,"result":"tests fail","total_cost_usd":0.01,"usage":{"input_tokens":10,"output_tokens":5}})"});
  CHECK(text ==
        "  > edit a.txt\n"
        "    | String to replace not found in a.txt\n"
        "    ! failed\n"
        "  > run make test\n"
        "    | \xE2\x80\xA6 (3 earlier lines)\n"
        "    | 4\n"
        "    | 5\n"
        "    | 6\n"
        "    | 7\n"
        "    | 8\n"
        "    | 9\n"
        "    | 10\n"
        "    | 11\n"
        "    | 12\n"
        "    | FAILED\n"
        "    ! failed\n"
        "  = error: tests fail\n"
        "    2 turns, 10 in / 5 out tokens, $0.0100\n");
}

TEST_CASE("transcript view: every recorded stream renders terminal-safe, and as JSON") {
  for (const auto& [agent, file] :
       std::vector<std::pair<std::string, std::string>>{{"claude", "claude-write-bash.jsonl"},
                                                        {"claude", "claude-write.jsonl"},
                                                        {"claude", "claude-resume-edit.jsonl"},
                                                        {"claude", "claude-429-rate-limit.jsonl"},
                                                        {"claude", "claude-529-overloaded.jsonl"},
                                                        {"claude", "claude-hang-killed.jsonl"},
                                                        {"codex", "codex-exec-command.jsonl"},
                                                        {"codex", "codex-resume.jsonl"},
                                                        {"codex", "codex-unknown-tool.jsonl"},
                                                        {"gemini", "gemini-resume.jsonl"},
                                                        {"gemini", "gemini-write-shell.jsonl"}}) {
    INFO(file);
    const auto lines = stream_fixture_lines(file);
    const std::string text = render(agent, lines);
    // A session killed before its first message (claude-hang-killed) has nothing to show.
    CHECK(text.empty() == (file == "claude-hang-killed.jsonl"));
    check_terminal_safe(text);
    for (const auto& entry : entries_of(agent, lines)) {
      const auto j = entry_json(entry);
      CHECK(j.at("type").is_string());
      CHECK(nlohmann::json::parse(j.dump()) == j);
    }
  }
}

TEST_CASE("transcript view: escape sequences in text, tool input and output never reach the terminal") {
  const std::string esc = "\x1b]0;owned\x07\x1b[2J\x1b[H\r\x1b[31m";
  const nlohmann::json text_line = {{"type", "assistant"},
                                    {"message",
                                     {{"content", {{{"type", "text"}, {"text", "hi" + esc + "there\n\x1b[1Anext"}}}}}}};
  const nlohmann::json tool_line = {
      {"type", "assistant"},
      {"message",
       {{"content",
         {{{"type", "tool_use"}, {"id", "u"}, {"name", "Evil\x1b]0;t\x07Tool"}, {"input", {{"query", "q\x1b[2J"}}}},
          {{"type", "tool_use"}, {"id", "t"}, {"name", "Bash"}, {"input", {{"command", "ls" + esc}}}}}}}}};
  const nlohmann::json result_line = {{"type", "user"},
                                      {"message",
                                       {{"content",
                                         {{{"type", "tool_result"},
                                           {"tool_use_id", "t"},
                                           {"content", "out" + esc +
                                                           "\xc2\x9b"
                                                           "1m"}}}}}}};
  const std::string text = render("claude", {text_line.dump(), tool_line.dump(), result_line.dump()});
  check_terminal_safe(text);
  CHECK(text ==
        "  hithere\n"
        "  next\n"
        "  > EvilTool q\n"
        "  > run ls \n"
        "    | out1m\n");
  // A command agent's raw bytes, the same.
  const std::string raw = render("command", {"a" + esc + "b\x07\x08"});
  check_terminal_safe(raw);
  CHECK(raw == "  ab\n");
}

TEST_CASE("transcript view: a 10 MB line, many lines and invalid UTF-8 are bounded and replaced") {
  const std::string big(10 * 1024 * 1024, 'y');
  const nlohmann::json text_line = {{"type", "assistant"},
                                    {"message", {{"content", {{{"type", "text"}, {"text", big}}}}}}};
  std::string text = render("claude", {text_line.dump()});
  CHECK(text == "  " + std::string(400, 'y') + "\xE2\x80\xA6\n");
  // The same 10 MB as a command agent's one line.
  CHECK(render("command", {big}) == "  " + std::string(400, 'y') + "\xE2\x80\xA6\n");
  // 1000 lines of text: the first 200 are shown, then how many more there were.
  std::string many;
  for (int i = 0; i < 1000; ++i) {
    many += "line\n";
  }
  text = render("command", {many});
  const std::string more = "  \xE2\x80\xA6 (800 more lines)\n";
  CHECK(text.size() == 200 * 7 + more.size());
  CHECK(text.substr(text.size() - more.size()) == more);
  // Bytes that are not UTF-8, in a command agent's line (a JSON line cannot carry them: it is not parsed).
  text = render("command", {"caf\xe9 \xff\xfe ok"});
  CHECK(text == "  caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd ok\n");
  CHECK(simmer::util::utf8_valid(entry_json(entries_of("command", {"\xff"}).at(0))
                                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

TEST_CASE("transcript view: figures the stream reports are bounded too") {
  const std::string text = render(
      "claude",
      {R"({"type":"result","subtype":"success","num_turns":1,"total_cost_usd":1e300,"usage":{"input_tokens":1}})"});
  CHECK(text.size() < 2 * 410);
  CHECK(text.substr(0, 40) == "  = success: 1 turn, 1 in / 0 out tokens");
  check_terminal_safe(text);
}

TEST_CASE("transcript view: malformed and truncated JSON lines show nothing and break nothing") {
  const auto lines = stream_fixture_lines("claude-write-bash.jsonl");
  // Every cut of every line: the parser skips what it cannot read, the rest renders as before.
  std::size_t cuts = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::size_t cut = 0; cut < lines[i].size(); cut += 7) {
      std::vector<std::string> damaged = lines;
      damaged[i] = lines[i].substr(0, cut);
      check_terminal_safe(render("claude", damaged));
      ++cuts;
    }
  }
  CHECK(cuts > 500);
  CHECK(render("claude", {"", "{", "[]", "null", "{\"type\":42}", "{\"type\":\"assistant\",\"message\":7}"}).empty());
}

TEST_CASE("transcript view: tool names map to what they do across the CLIs") {
  CHECK(tool_action("Write") == ToolAction::write);
  CHECK(tool_action("write_file") == ToolAction::write);
  CHECK(tool_action("Edit") == ToolAction::edit);
  CHECK(tool_action("replace") == ToolAction::edit);
  CHECK(tool_action("apply_patch") == ToolAction::edit);
  CHECK(tool_action("Bash") == ToolAction::run);
  CHECK(tool_action("shell") == ToolAction::run);
  CHECK(tool_action("run_shell_command") == ToolAction::run);
  CHECK(tool_action("Read") == ToolAction::read);
  CHECK(tool_action("WebSearch") == ToolAction::other);
  const LogEntry call{.kind = EntryKind::tool_call,
                      .text = "pytest -q\x1b[2J",
                      .tool = "Bash",
                      .action = ToolAction::run};
  CHECK(activity_label(call, 60) == "run pytest -q");
  CHECK(activity_label(call, 5) == "run p\xE2\x80\xA6");
}

TEST_CASE("transcript view: progress_of may be read mid-stream and leaves the record the same") {
  for (const auto& [agent, file] :
       std::vector<std::pair<std::string, std::string>>{{"claude", "claude-write-bash.jsonl"},
                                                        {"codex", "codex-exec-command.jsonl"},
                                                        {"gemini", "gemini-write-shell.jsonl"},
                                                        {"command", "claude-write.jsonl"}}) {
    INFO(file);
    auto once = make_parser(agent);
    auto often = make_parser(agent);
    std::vector<StreamEvent> events;
    for (const auto& line : stream_fixture_lines(file)) {
      once->feed_line(line, events);
      often->feed_line(line, events);
      (void)progress_of(*often, "m", {});
      (void)progress_of(*often, "m", {});
    }
    SessionRecord a;
    SessionRecord b;
    a.exit_code = b.exit_code = 0;
    once->finish(a);
    often->finish(b);
    CHECK(a.tokens.input == b.tokens.input);
    CHECK(a.tokens.output == b.tokens.output);
    CHECK(a.turns == b.turns);
    CHECK(a.cost_usd == b.cost_usd);
    CHECK(a.outcome == b.outcome);
    CHECK(a.final_text == b.final_text);
    CHECK(once->saw_result() == often->saw_result());
  }
  CHECK(make_parser("nope") == nullptr);
}
