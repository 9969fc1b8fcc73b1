// `simmer logs` (run/logs.hpp) on a project in a temp directory: which sessions it picks from the journal, the
// header and end of each, the exact messages and exit codes of bad input, torn and oversized transcript lines,
// --raw and --json, and following a cook driven step by step through the injected wait.
#include "run/logs.hpp"

#include "core/events.hpp"
#include "test_capture_support.hpp"
#include "test_util_support.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>

using namespace simmer;

namespace fs = std::filesystem;

namespace {

using simmer::test::Capture;

const std::string k_claude_text =
    R"({"type":"assistant","message":{"content":[{"type":"text","text":"Writing it."}]},"session_id":"s"})";
const std::string k_claude_write =
    R"({"type":"assistant","message":{"content":[{"type":"tool_use","id":"t","name":"Write","input":{"file_path":"a.txt"}}]}})";
const std::string k_claude_result =
    R"({"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"ok","total_cost_usd":0.01,"usage":{"input_tokens":10,"output_tokens":5}})";

class LogsProject {
public:
  LogsProject() : m_paths(store::ProjectPaths::at(m_dir.path())) {
    fs::create_directories(m_paths.dir);
    test::spit(
        m_paths.prd,
        R"({"schemaVersion":1,"project":"p","description":"d","stories":[)"
        R"({"id":"S-1","title":"One","description":"d","acceptanceCriteria":["a"],"priority":1,"dependencies":[],"epic":"","notes":"","status":"pending"},)"
        R"({"id":"S-2","title":"Two","description":"d","acceptanceCriteria":["a"],"priority":2,"dependencies":[],"epic":"","notes":"","status":"pending"}]})"
        "\n");
  }
  const store::ProjectPaths& paths() const { return m_paths; }

  // Appends one event to the journal.
  void event(core::EventData data) {
    ++m_seq;
    core::TypedEvent t{.seq = m_seq,
                       .ts = "2026-12-01T10:00:0" + std::to_string(m_seq % 10) + "Z",
                       .run_id = "r1",
                       .data = std::move(data)};
    append(m_paths.events, core::to_json(core::to_event(t)).dump() + "\n");
  }
  // A session launched: its transcript name, relative to the root.
  std::string launch(core::AgentRole role, std::optional<std::string> story, int attempt,
                     const std::string& agent = "script") {
    const std::string transcript = ".simmer/sessions/r1/" + std::to_string(m_seq + 1) + "-" +
                                   std::string(core::to_string(role)) + "-" + std::to_string(attempt) + ".jsonl";
    fs::create_directories(m_paths.root / ".simmer/sessions/r1");
    test::spit(m_paths.root / transcript, "");
    event(core::events::SessionLaunched{.role = role,
                                        .story_id = std::move(story),
                                        .attempt = attempt,
                                        .agent = agent,
                                        .pid = 1,
                                        .pgid = 1,
                                        .transcript = transcript});
    return transcript;
  }
  void end(core::AgentRole role, std::optional<std::string> story, int attempt, const std::string& transcript) {
    event(core::events::Session{.role = role,
                                .story_id = std::move(story),
                                .attempt = attempt,
                                .agent = "script",
                                .model = "script",
                                .tokens = {.input = 10, .output = 5},
                                .turns = 1,
                                .duration_ms = 1500,
                                .cost_usd = 0.01,
                                .cost_reported = true,
                                .transcript = transcript});
  }
  void write(const std::string& transcript, const std::string& text) { append(m_paths.root / transcript, text); }

private:
  static void append(const fs::path& p, const std::string& text) {
    std::FILE* f = std::fopen(p.c_str(), "ab");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }

  test::TempDir m_dir;
  store::ProjectPaths m_paths;
  std::int64_t m_seq = 0;
};

struct Shown {
  int code = -1;
  std::string out;
  std::string err;
};

Shown show(const LogsProject& p, run::LogsOptions options = {}, bool running = false) {
  Capture out;
  Capture err;
  run::LogsWorld world;
  world.out = out.get();
  world.err = err.get();
  world.cook_running = [running] { return running; };
  world.wait = [] { FAIL("wait() called without -f"); };
  Shown s;
  s.code = run::show_logs(p.paths(), options, world);
  s.out = out.text();
  s.err = err.text();
  return s;
}

// Two stories' sessions: builder and verifier of S-1, then the builder of S-2 (running).
struct TwoStories {
  LogsProject p;
  std::string b1, v1, b2;
  TwoStories() {
    b1 = p.launch(core::AgentRole::builder, "S-1", 1);
    p.write(b1, k_claude_text + "\n" + k_claude_write + "\n" + k_claude_result + "\n");
    p.end(core::AgentRole::builder, "S-1", 1, b1);
    v1 = p.launch(core::AgentRole::verifier, "S-1", 1);
    p.write(v1, k_claude_result + "\n");
    p.end(core::AgentRole::verifier, "S-1", 1, v1);
    b2 = p.launch(core::AgentRole::builder, "S-2", 1);
    p.write(b2, k_claude_text + "\n");
  }
};

}  // namespace

TEST_CASE("logs: the latest session of the journal, with its header, still running") {
  TwoStories t;
  const Shown s = show(t.p, {}, true);
  CHECK(s.code == 0);
  CHECK(s.err.empty());
  CHECK(s.out ==
        "== S-2 builder attempt 1 (script), started 2026-12-01T10:00:05Z: .simmer/sessions/r1/5-builder-1.jsonl\n"
        "  Writing it.\n"
        "  (still running: `simmer logs -f` follows it)\n");
}

TEST_CASE("logs: --story shows every session of the story in order, each with its header and end") {
  TwoStories t;
  run::LogsOptions options;
  options.story = "S-1";
  const Shown s = show(t.p, options);
  CHECK(s.code == 0);
  CHECK(s.out ==
        "== S-1 builder attempt 1 (script), started 2026-12-01T10:00:01Z: .simmer/sessions/r1/1-builder-1.jsonl\n"
        "  Writing it.\n"
        "  > write a.txt\n"
        "  = success: 1 turn, 10 in / 5 out tokens, $0.0100\n"
        "== builder success in 1.5s, $0.0100; 10 in / 5 out tokens\n"
        "== S-1 verifier attempt 1 (script), started 2026-12-01T10:00:03Z: .simmer/sessions/r1/3-verifier-1.jsonl\n"
        "  = success: 1 turn, 10 in / 5 out tokens, $0.0100\n"
        "== verifier success in 1.5s, $0.0100; 10 in / 5 out tokens\n");
}

TEST_CASE("logs: bad input gets its message and exit code") {
  TwoStories t;
  run::LogsOptions options;
  options.story = "S-9";
  Shown s = show(t.p, options);
  CHECK(s.code == 2);
  CHECK(s.out.empty());
  CHECK(s.err ==
        "simmer: error: unknown story S-9 (.simmer/prd.json): no such story, and no session in the journal names "
        "it\n");

  LogsProject fresh;
  s = show(fresh);
  CHECK(s.code == 1);
  CHECK(s.err == "simmer: error: no session yet (.simmer/events.jsonl): run `simmer cook` first\n");
  options.story = "S-2";
  s = show(fresh, options);
  CHECK(s.code == 1);
  CHECK(s.err == "simmer: error: no session yet for story S-2 (.simmer/events.jsonl): it has not been worked on\n");

  test::TempDir empty;
  Capture out;
  Capture err;
  run::LogsWorld world{.out = out.get(), .err = err.get(), .cook_running = [] { return false; }};
  CHECK(run::show_logs(store::ProjectPaths::at(empty.path()), {}, world) == 2);
  CHECK(err.text() == "simmer: error: no simmer project here (.simmer): run `simmer init` first\n");
}

TEST_CASE("logs: a missing transcript is an error, and the other sessions are still shown") {
  TwoStories t;
  fs::remove(t.p.paths().root / t.b1);
  run::LogsOptions options;
  options.story = "S-1";
  const Shown s = show(t.p, options);
  CHECK(s.code == 1);
  CHECK(s.err ==
        "simmer: error: cannot read transcript (.simmer/sessions/r1/1-builder-1.jsonl): No such file or directory\n");
  CHECK(s.out.find("== S-1 verifier attempt 1") != std::string::npos);
  // A symlink planted in its place is not followed.
  fs::create_symlink("/etc/passwd", t.p.paths().root / t.b1);
  CHECK(show(t.p, options).err ==
        "simmer: error: cannot read transcript (.simmer/sessions/r1/1-builder-1.jsonl): a symbolic link, not a file\n");
}

TEST_CASE("logs: a transcript cut at every byte offset shows its torn last line, never crashes") {
  const std::string full = k_claude_text + "\n" + k_claude_write + "\n" + k_claude_result + "\n";
  std::size_t torn = 0;
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    LogsProject p;
    const std::string tr = p.launch(core::AgentRole::builder, "S-1", 1);
    p.write(tr, full.substr(0, cut));
    const Shown s = show(p);
    INFO("cut at " << cut);
    REQUIRE(s.code == 0);
    CHECK(util::utf8_valid(s.out));
    const std::size_t line_start = full.rfind('\n', cut == 0 ? 0 : cut - 1);
    const std::size_t pending = cut == 0 || full[cut - 1] == '\n' ? 0
                                : line_start == std::string::npos ? cut
                                                                  : cut - line_start - 1;
    const std::string note = "  (incomplete line: " + std::to_string(pending) + " bytes)\n";
    if (pending > 0) {
      ++torn;
      CHECK(s.out.find(note) != std::string::npos);
    } else {
      CHECK(s.out.find("incomplete line") == std::string::npos);
    }
  }
  CHECK(torn == full.size() - 3);
}

TEST_CASE("logs: a transcript line over the size limit is skipped by its size, not held") {
  LogsProject p;
  const std::string tr = p.launch(core::AgentRole::builder, "S-1", 1, "command");
  p.write(tr, "before\n" + std::string(10 * 1024 * 1024, 'z') + "\nafter\n");
  run::LogsOptions options;
  options.max_line_bytes = 1024 * 1024;
  const Shown s = show(p, options);
  CHECK(s.code == 0);
  CHECK(s.out.substr(s.out.find('\n') + 1) ==
        "  before\n"
        "  (line of 10485760 bytes skipped: over the 1048576-byte limit)\n"
        "  after\n"
        "  (its end was never recorded: the cook stopped during it)\n");

  run::LineSplitter splitter(4);
  std::vector<std::string> lines;
  std::vector<std::uint64_t> big;
  for (const char* piece : {"ab", "c\nabcdefg", "hij", "\nxy", "z"}) {
    splitter.feed(
        piece, [&](std::string_view l) { lines.emplace_back(l); }, [&](std::uint64_t n) { big.push_back(n); });
  }
  CHECK(lines == std::vector<std::string>{"abc"});
  CHECK(big == std::vector<std::uint64_t>{10});
  CHECK(splitter.pending() == 3);
  CHECK(splitter.pending_text() == "xyz");
}

TEST_CASE("logs: --raw prints the bytes as stored, or with control bytes escaped for a terminal") {
  LogsProject p;
  const std::string tr = p.launch(core::AgentRole::builder, "S-1", 1, "command");
  const std::string bytes = "plain\n\x1b]0;title\x07\x1b[2Jtorn";
  p.write(tr, bytes);
  run::LogsOptions options;
  options.format = run::LogsFormat::raw;
  Shown s = show(p, options);
  CHECK(s.code == 0);
  CHECK(s.out == bytes);
  CHECK(s.err ==
        "== S-1 builder attempt 1 (command), started 2026-12-01T10:00:01Z: "
        ".simmer/sessions/r1/1-builder-1.jsonl\n");
  options.raw_bytes = run::RawBytes::escape_controls;
  s = show(p, options);
  CHECK(s.out == "plain\n\\x1b]0;title\\x07\\x1b[2Jtorn");
}

TEST_CASE("logs: --json prints a session object, then one object per entry, then the session's end") {
  TwoStories t;
  run::LogsOptions options;
  options.story = "S-1";
  options.format = run::LogsFormat::json_lines;
  const Shown s = show(t.p, options);
  CHECK(s.code == 0);
  std::vector<nlohmann::json> lines;
  for (auto line : util::split_lines(s.out)) {
    lines.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(lines.size() == 8);
  CHECK(lines[0] ==
        nlohmann::json::parse(R"({"type":"session","seq":1,"runId":"r1","storyId":"S-1","role":"builder","attempt":1,)"
                              R"("agent":"script","started":"2026-12-01T10:00:01Z",)"
                              R"("transcript":".simmer/sessions/r1/1-builder-1.jsonl"})"));
  CHECK(lines[1] == nlohmann::json::parse(R"({"type":"text","text":"Writing it."})"));
  CHECK(lines[2] == nlohmann::json::parse(R"({"type":"tool_call","tool":"Write","action":"write","text":"a.txt"})"));
  CHECK(lines[3].at("type") == "result");
  CHECK(lines[3].at("costUsd") == 0.01);
  CHECK(lines[4].at("type") == "session_end");
  CHECK(lines[4].at("outcome") == "success");
  CHECK(lines[5].at("role") == "verifier");
}

TEST_CASE("logs: -f follows the session as it grows, moves on to the next one, and stops with the cook") {
  LogsProject p;
  const std::string b = p.launch(core::AgentRole::builder, "S-1", 1);
  p.write(b, k_claude_text + "\n" + k_claude_write.substr(0, 20));
  // Each wait() is one step of a cook: the rest of the torn line, the session's end and the verifier's launch,
  // the verifier's output, and the cook's end.
  int step = 0;
  std::string v;
  Capture out;
  Capture err;
  run::LogsWorld world;
  world.out = out.get();
  world.err = err.get();
  world.cook_running = [&] { return step < 3; };
  world.wait = [&] {
    ++step;
    if (step == 1) {
      p.write(b, k_claude_write.substr(20) + "\n" + k_claude_result + "\n");
    } else if (step == 2) {
      p.end(core::AgentRole::builder, "S-1", 1, b);
      v = p.launch(core::AgentRole::verifier, "S-1", 1);
    } else if (step == 3) {
      p.write(v, k_claude_text + "\n" + k_claude_result + "\n");
      p.end(core::AgentRole::verifier, "S-1", 1, v);
    }
  };
  run::LogsOptions options;
  options.follow = run::LogsFollow::yes;
  CHECK(run::show_logs(p.paths(), options, world) == 0);
  CHECK(step == 3);
  CHECK(err.text().empty());
  CHECK(out.text() ==
        "== S-1 builder attempt 1 (script), started 2026-12-01T10:00:01Z: .simmer/sessions/r1/1-builder-1.jsonl\n"
        "  Writing it.\n"
        "  > write a.txt\n"
        "  = success: 1 turn, 10 in / 5 out tokens, $0.0100\n"
        "== builder success in 1.5s, $0.0100; 10 in / 5 out tokens\n"
        "== S-1 verifier attempt 1 (script), started 2026-12-01T10:00:03Z: .simmer/sessions/r1/3-verifier-1.jsonl\n"
        "  Writing it.\n"
        "  = success: 1 turn, 10 in / 5 out tokens, $0.0100\n"
        "== verifier success in 1.5s, $0.0100; 10 in / 5 out tokens\n");
}

TEST_CASE("logs: -f waits for a cook's first session, and Ctrl-C stops it with exit 0") {
  LogsProject p;
  std::atomic<bool> cancel{false};
  int waits = 0;
  std::string b;
  Capture out;
  Capture err;
  run::LogsWorld world;
  world.out = out.get();
  world.err = err.get();
  world.cook_running = [] { return true; };
  world.cancel = &cancel;
  world.wait = [&] {
    ++waits;
    if (waits == 2) {
      b = p.launch(core::AgentRole::builder, "S-1", 1);
      p.write(b, k_claude_text + "\n");
    } else if (waits == 4) {
      cancel = true;
    }
  };
  run::LogsOptions options;
  options.follow = run::LogsFollow::yes;
  CHECK(run::show_logs(p.paths(), options, world) == 0);
  CHECK(waits == 4);
  CHECK(out.text() ==
        "== S-1 builder attempt 1 (script), started 2026-12-01T10:00:01Z: .simmer/sessions/r1/1-builder-1.jsonl\n"
        "  Writing it.\n");
}
