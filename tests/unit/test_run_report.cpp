// What `simmer cook` prints of the running agent and of a failed gate (run/report.hpp): the tail of a failed gate's
// output, every agent event with `-v` and none without, and the live line's tool call and cost so far. Agent and
// gate output is untrusted: none of its escape sequences reach the terminal.
#include "run/report.hpp"

#include "test_capture_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using namespace simmer;

namespace {

using simmer::test::Capture;

void gate_event(run::Reporter& report, const std::string& output) {
  core::TypedEvent typed{.seq = 7,
                         .ts = "2026-12-01T10:00:00Z",
                         .run_id = "r1",
                         .data = core::events::Gate{.name = "test",
                                                    .story_id = "S-1",
                                                    .attempt = 1,
                                                    .exit_code = 1,
                                                    .passed = false,
                                                    .output_tail = output}};
  report.on_event(core::to_json(core::to_event(typed)), typed, core::State{});
}

agents::StreamEvent tool_call(const std::string& tool, const std::string& preview) {
  agents::StreamEvent e{agents::StreamEvent::Kind::tool_call, tool};
  e.preview = preview;
  return e;
}

}  // namespace

TEST_CASE("report: a failed gate prints the last 20 lines of its output, made safe") {
  Capture out;
  run::Reporter report(run::OutputMode::plain, false, out.get(), out.get());
  std::string output;
  for (int i = 1; i <= 25; ++i) {
    output += "line " + std::to_string(i) + "\n";
  }
  output += "\x1b]0;owned\x07\x1b[2JFAILED: 1 test\n";
  gate_event(report, output);
  std::string expected = "  S-1 gate test failed (exit 1)\n    | \xE2\x80\xA6 (6 earlier lines)\n";
  for (int i = 7; i <= 25; ++i) {
    expected += "    | line " + std::to_string(i) + "\n";
  }
  expected += "    | FAILED: 1 test\n";
  CHECK(out.text() == expected);
}

TEST_CASE("report: cook -v prints every agent event as logs renders it, plain cook none") {
  agents::SessionProgress progress;
  progress.tokens.input = 10;
  progress.tokens.output = 2;
  progress.cost_usd = 0.5;
  agents::StreamEvent usage{agents::StreamEvent::Kind::usage};
  agents::StreamEvent result{agents::StreamEvent::Kind::tool_result};
  result.output = "ok\n\x1b[31mred\x1b[0m\n";
  {
    Capture out;
    run::Reporter report(run::OutputMode::plain, false, out.get(), out.get(), run::AgentEvents::every_event);
    report.begin_activity("S-1 build (builder)");
    report.agent_event({agents::StreamEvent::Kind::text, "Let me \x1b[2Jlook."}, progress);
    report.agent_event(tool_call("Bash", "make test"), progress);
    report.agent_event(result, progress);
    report.agent_event(usage, progress);
    report.end_activity();
    CHECK(out.text() ==
          "  Let me look.\n"
          "  > run make test\n"
          "    | ok\n"
          "    | red\n"
          "  . tokens 10 in, 2 out, 0 cache read, 0 cache write; $0.5000 so far\n");
  }
  {
    Capture out;
    run::Reporter report(run::OutputMode::plain, false, out.get(), out.get());
    report.begin_activity("S-1 build (builder)");
    report.agent_event(tool_call("Bash", "make test"), progress);
    report.end_activity();
    CHECK(out.text().empty());
  }
  {
    Capture out;
    run::Reporter report(run::OutputMode::json_lines, false, out.get(), out.get(), run::AgentEvents::every_event);
    report.agent_event(tool_call("Bash", "make test"), progress);
    CHECK(out.text().empty());
  }
}

TEST_CASE("report: the live line shows the current tool call and the cost so far") {
  Capture out;
  run::Reporter report(run::OutputMode::live, false, out.get(), out.get());
  report.begin_activity("S-1 build (builder)");
  agents::SessionProgress progress;
  progress.cost_usd = 0.0125;
  report.agent_event(tool_call("Bash", "pytest -q\x1b]0;owned\x07"), progress);
  // The ticker redraws a few times a second: wait (up to 30 s) for a redraw that shows the call.
  const std::string wanted = "S-1 build (builder) ";
  std::string text;
  for (int i = 0; i < 600 && text.find("> run pytest -q, $0.0125 so far") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    text = out.text();
  }
  report.end_activity();
  CHECK(text.find(wanted) != std::string::npos);
  CHECK(text.find("> run pytest -q, $0.0125 so far") != std::string::npos);
  CHECK(text.find("owned") == std::string::npos);
  // A new session starts with no tool call and no cost on its line.
  Capture next;
  run::Reporter again(run::OutputMode::live, false, next.get(), next.get());
  again.begin_activity("S-1 gate test");
  for (int i = 0; i < 600 && next.text().find("S-1 gate test") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  again.end_activity();
  CHECK(next.text().find("so far") == std::string::npos);
}

TEST_CASE("report: the end summary says how long the cook ran and what to do next, for every way it ends") {
  core::State state;
  state.order = {"S-1", "S-2"};
  state.stories["S-1"].status = core::StoryState::passed;
  state.stories["S-2"].status = core::StoryState::passed;
  CHECK(run::Reporter::next_steps(state) ==
        "every story passed: review the commits (`git log`) and the spend (`simmer stats`)");
  state.stories["S-2"].status = core::StoryState::pending;
  CHECK(run::Reporter::next_steps(state) == "stories are left: `simmer cook` goes on");
  state.stories["S-1"].status = core::StoryState::blocked;
  CHECK(run::Reporter::next_steps(state) ==
        "1 blocked: `simmer status` says why; `simmer retry ID` puts one back, then `simmer cook`");
  state.halt = core::HaltInfo{.reason = core::HaltReason::budget_total, .detail = "spent $5.00"};
  CHECK(run::Reporter::next_steps(state) == "halted (budget_total): once that is dealt with, `simmer cook` resumes");
  state.result = core::RunResult::interrupted;  // Ctrl-C wins: nothing else happened after it
  CHECK(run::Reporter::next_steps(state) == "stopped before the end: `simmer cook` resumes where it stopped");

  Capture out;
  run::Reporter report(run::OutputMode::plain, false, out.get(), out.get());
  report.summary(state);
  const std::string text = out.text();
  CHECK(text.find("story  status   attempts       cost  note\n") != std::string::npos);
  CHECK(text.find("\nran ") != std::string::npos);
  CHECK(text.substr(text.rfind("\nran ")).find("s; stopped before the end: `simmer cook` resumes where it stopped\n") !=
        std::string::npos);
  Capture json_out;
  run::Reporter json_report(run::OutputMode::json_lines, false, json_out.get(), json_out.get());
  json_report.summary(state);
  CHECK(json_out.text().empty());  // --json prints events only
}

TEST_CASE("report: what a gate wrote is named once a path, however many gate runs write it") {
  Capture out;
  run::Reporter report(run::OutputMode::plain, false, out.get(), out.get());
  auto gate = [&](std::vector<core::events::GateOutput> outputs) {
    core::TypedEvent typed{
        .seq = 7,
        .ts = "2026-12-01T10:00:00Z",
        .run_id = "r1",
        .data = core::events::Gate{.name = "build", .story_id = "S-1", .passed = true, .outputs = std::move(outputs)}};
    report.on_event(core::to_json(core::to_event(typed)), typed, core::State{});
  };
  gate({{.path = "build/", .change = "created"}, {.path = "fmt.txt", .change = "changed", .sha256 = "ab"}});
  gate({{.path = "build/", .change = "created"}});
  gate({{.path = "build/", .change = "created"}, {.path = "cov.xml", .change = "created"}});
  CHECK(out.text() ==
        "  S-1 gate build passed\n"
        "  S-1 gate build wrote build/, fmt.txt: kept out of simmer's commits (add what is build output to "
        ".gitignore)\n"
        "  S-1 gate build passed\n"
        "  S-1 gate build passed\n"
        "  S-1 gate build wrote cov.xml: kept out of simmer's commits (add what is build output to .gitignore)\n");
}
