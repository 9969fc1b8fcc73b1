#pragma once
// In-memory fakes of the world the cook loop acts on (src/run/world.hpp), and a project in a temp folder to run
// the real loop in: `CookHarness h; h.prd({...}); auto code = h.cook();` runs run::cook() in-process with a fake
// clock, repository, process runner and agent launcher, and `h.kinds()` / `h.events()` read the journal it wrote.
// Each fake records what it was asked and answers from a script the test sets, with a sensible default.

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

#include "run/cook.hpp"
#include "run/report.hpp"
#include "run/world.hpp"
#include "store/project.hpp"
#include "test_util_support.hpp"

namespace simmer::test {

// The journal kinds of a story that passes at its first attempt, in order.
inline const std::string k_story =
    "story_selected phase_started session_launched session phase_finished handoff_accepted commit phase_started "
    "session_launched session phase_finished verdict commit story_passed";

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A clock that moves only when slept on (a retry wait) or told to.
class FakeSleepingClock final : public run::SleepingClock {
public:
  explicit FakeSleepingClock(std::int64_t start_ms) : m_now(start_ms) {}
  std::int64_t now_ms() const override { return m_now; }
  void sleep_ms(std::int64_t ms) override {
    slept_ms += ms;
    m_now += ms;
    if (on_sleep) {
      on_sleep();
    }
  }
  void advance_ms(std::int64_t ms) { m_now += ms; }

  std::int64_t slept_ms = 0;
  std::function<void()> on_sleep;  // e.g. raise the cancel flag during a wait

private:
  std::int64_t m_now;
};

// A repository with one branch and commits as a list; a commit of nothing changed makes none. Like git (run/git.hpp),
// a commit whose trailers HEAD already carries (made by a killed predecessor) is returned, not made again.
class FakeRepository final : public run::Repository {
public:
  struct Commit {
    std::string subject;
    std::string run_id;
    long long seq = 0;
    std::vector<std::string> paths;     // empty: the whole work tree
    std::vector<std::string> excluded;  // commit_work_tree: the paths kept out
    std::string sha;
  };

  bool is_work_tree() const override { return work_tree; }
  std::vector<std::string> dirty_paths() const override { return dirty; }
  std::vector<core::DirtyEntry> dirty_entries() const override { return entries; }
  std::optional<std::string> file_sha256(const std::string& path) const override {
    auto it = hashes.find(path);
    return it == hashes.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void set_hooks(run::Hooks mode, int) override { hooks = mode; }
  Result<bool> clear_stale_index_lock() override { return false; }
  void ensure_identity() override {}
  void run_maintenance() const override {}

  Result<run::CommitOutcome> commit(const std::vector<std::string>& paths, const std::string& subject,
                                    const std::string& run_id, long long seq) override {
    return make(Commit{subject, run_id, seq, paths, {}, ""});
  }
  Result<run::CommitOutcome> commit_work_tree(const std::vector<std::string>& excluded, const std::string& subject,
                                              const std::string& run_id, long long seq) override {
    return make(Commit{subject, run_id, seq, {}, excluded, ""});
  }
  run::HeadRef head() const override { return m_head; }
  Result<bool> restore_head(const run::HeadRef& want) const override {
    m_head = want;
    ++restores;
    return true;
  }
  // The root commit is an ancestor of every commit; otherwise `ancestor` must come before `descendant`.
  bool is_ancestor(const std::string& ancestor, const std::string& descendant) const override {
    bool seen = ancestor == k_root_sha;
    for (const auto& c : commits) {
      seen = seen || c.sha == ancestor;
      if (c.sha == descendant) {
        return seen;
      }
    }
    return ancestor == descendant || ancestor == k_root_sha;
  }

  // What an agent does when it checks out another branch or commit ({"", sha}: a detached HEAD).
  void move_head(run::HeadRef to) { m_head = std::move(to); }

  static constexpr const char* k_root_sha = "0000000000000000000000000000000000000001";
  bool work_tree = true;
  std::vector<std::string> dirty;
  std::vector<core::DirtyEntry> entries;      // what dirty_entries() says (a gate's outputs: change it in its run)
  std::map<std::string, std::string> hashes;  // file_sha256 of each path; absent: gone
  run::Hooks hooks = run::Hooks::run;
  std::vector<Commit> commits;
  // Called for each commit before it is made: nothing makes it; an answer is returned instead of making it (a
  // CommitOutcome with a hook_failure: a hook refused it; an empty CommitOutcome: nothing to commit; a Failure:
  // git itself failed).
  std::function<std::optional<Result<run::CommitOutcome>>(const Commit&)> on_commit;
  mutable int restores = 0;

private:
  Result<run::CommitOutcome> make(Commit c) {
    if (on_commit) {
      if (auto answer = on_commit(c)) {
        return *answer;
      }
    }
    if (!commits.empty() && commits.back().sha == m_head.sha && commits.back().run_id == c.run_id &&
        commits.back().seq == c.seq) {
      return run::CommitOutcome{m_head.sha, std::nullopt};
    }
    char sha[41];
    std::snprintf(sha, sizeof sha, "%040zx", commits.size() + 2);
    c.sha = sha;
    commits.push_back(c);
    m_head.sha = c.sha;
    return run::CommitOutcome{c.sha, std::nullopt};
  }

  mutable run::HeadRef m_head{"refs/heads/main", k_root_sha};
};

// Gates answer from `results` by command (default: exit 0); survivors from `left_running`.
class FakeProcesses final : public run::ProcessRunner {
public:
  util::ProcessResult run_shell(const std::string& command, const std::filesystem::path&, int,
                                const std::atomic<bool>&) override {
    gates_run.push_back(command);
    util::ProcessResult r;
    r.spawned = true;
    r.exit_code = 0;
    r.duration_ms = 5;
    if (on_gate) {
      on_gate(command, r);
    }
    return r;
  }
  std::vector<int> survivors(const std::optional<util::SpawnedProcess>& journaled, const std::string& run_id) override {
    asked_survivors.push_back({journaled ? journaled->pgid : 0, run_id});
    return left_running;
  }
  bool stop(const std::vector<int>& pids) override {
    stopped.insert(stopped.end(), pids.begin(), pids.end());
    return false;
  }

  std::vector<std::string> gates_run;
  std::function<void(const std::string& command, util::ProcessResult& result)> on_gate;
  std::vector<int> left_running;
  std::vector<std::pair<int, std::string>> asked_survivors;
  std::vector<int> stopped;
};

// One agent session as the fake launcher saw it.
struct FakeSession {
  std::string agent;
  std::string role;      // SIMMER_ROLE
  std::string story_id;  // SIMMER_STORY_ID
  int attempt = 0;
  std::optional<std::string> resume;
  std::string prompt;
  std::filesystem::path handoff;  // SIMMER_HANDOFF
  std::map<std::string, std::string> env;
  std::int64_t started_ms = 0;  // the clock when it was launched
};

// Thrown by an agent's script to stand for simmer being killed (kill -9) during the session: the loop unwinds
// with the journal ending in session_launched, as a killed run leaves it.
struct Killed {};

// Sessions run `script(session, record)` (default: write a valid hand-off for the role, passing), with a spawn
// reported through on_spawn first and the record pre-filled as a successful session costing $0.01.
class FakeAgents final : public run::AgentLauncher {
public:
  explicit FakeAgents(const run::SleepingClock& clock) : m_clock(clock) {}

  agents::SessionRecord run(const std::string& agent, const agents::AgentOptions&, const agents::LaunchRequest& request,
                            const std::atomic<bool>&) override {
    FakeSession s;
    s.agent = agent;
    s.role = request.env.at("SIMMER_ROLE");
    s.story_id = request.env.at("SIMMER_STORY_ID");
    s.attempt = std::stoi(request.env.at("SIMMER_ATTEMPT"));
    s.resume = request.resume_session;
    s.prompt = request.prompt;
    s.handoff = request.env.at("SIMMER_HANDOFF");
    s.env = request.env;
    s.started_ms = m_clock.now_ms();
    if (request.on_spawn) {
      util::SpawnedProcess p;
      p.pid = 4242;
      p.pgid = 4242;
      p.start_time = 1;
      p.boot_id = "boot";
      request.on_spawn(p);
    }
    agents::SessionRecord rec;
    rec.agent = agent;
    rec.outcome = agents::Outcome::success;
    rec.session_id = request.resume_session.value_or("sess-" + std::to_string(sessions.size() + 1));
    rec.cost_usd = 0.01;
    rec.cost_reported = true;
    rec.duration_ms = 10;
    rec.transcript = request.transcript;
    rec.tokens.input = 100;
    rec.tokens.output = 10;
    sessions.push_back(s);
    if (script) {
      script(s, rec);
    } else {
      write_handoff(s, "pass");
    }
    return rec;
  }
  // A killed run's session read back from its transcript: what `recovered_*` say the stream held; a finished one
  // ended with its result line, which a parser reads as success.
  bool recover(const std::string& agent, const agents::AgentOptions&, agents::SessionRecord& record) override {
    recovered_agents.push_back(agent);
    record.cost_usd = recovered_cost;
    record.cost_reported = true;
    record.tokens = recovered_tokens;
    record.session_id = recovered_session_id;
    if (recovered_finished) {
      record.outcome = agents::Outcome::success;
    }
    return recovered_finished;
  }

  // A valid hand-off for the session's role: the builder's report, or a verdict of `verdict` on every criterion.
  static void write_handoff(const FakeSession& s, const std::string& verdict) {
    nlohmann::json doc;
    if (s.role == "builder") {
      doc = {{"schemaVersion", 1},
             {"storyId", s.story_id},
             {"attempt", s.attempt},
             {"summary", "built it"},
             {"filesChanged", {"src.txt"}},
             {"testsAdded", nlohmann::json::array()},
             {"patterns", nlohmann::json::array()}};
    } else if (s.role == "verifier") {
      doc = {{"schemaVersion", 1},
             {"storyId", s.story_id},
             {"attempt", s.attempt},
             {"verdict", verdict},
             {"summary", verdict == "pass" ? "all met" : "not met"},
             {"criteria", {{{"criterion", "it works"}, {"passed", verdict == "pass"}, {"evidence", "ran it"}}}}};
    } else {
      doc = {{"schemaVersion", 1}, {"storyId", s.story_id}, {"title", "t"}, {"guidance", "g"}, {"reasoning", "r"}};
    }
    spit(s.handoff, doc.dump());
  }

  std::vector<FakeSession> sessions;
  std::function<void(const FakeSession&, agents::SessionRecord&)> script;
  bool recovered_finished = false;
  double recovered_cost = 0.0;
  agents::Tokens recovered_tokens;
  std::string recovered_session_id;
  std::vector<std::string> recovered_agents;

private:
  const run::SleepingClock& m_clock;
};

// A project in a temp folder (simmer.json + .simmer/prd.json) and the fakes, ready to cook in-process.
class CookHarness {
public:
  CookHarness() : paths(store::ProjectPaths::at(dir.path())) {
    std::filesystem::create_directories(paths.dir);
    config();
  }

  // simmer.json: script agents for builder and verifier (never started: the fake launcher answers), the harness
  // orchestrating, `gates` as [{name, run}], `extra` members merged in.
  void config(const nlohmann::json& gates = nlohmann::json::array(),
              const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json doc = {{"schemaVersion", 1},
                          {"project", "demo"},
                          {"agents",
                           {{"orchestrator", {{"agent", "harness"}}},
                            {"builder", {{"agent", "script"}, {"scenario", "scenario.json"}}},
                            {"verifier", {{"agent", "script"}, {"scenario", "scenario.json"}}}}},
                          {"gates", gates}};
    doc.merge_patch(extra);
    spit(paths.config, doc.dump(2));
  }

  // .simmer/prd.json with stories "ID" or "ID:dep1,dep2", priorities in order, two criteria each; `epics` gives
  // some of them an epic.
  void prd(const std::vector<std::string>& stories, const std::map<std::string, std::string>& epics = {}) {
    nlohmann::json list = nlohmann::json::array();
    int priority = 1;
    for (const auto& spec : stories) {
      std::string id = spec.substr(0, spec.find(':'));
      nlohmann::json deps = nlohmann::json::array();
      if (auto colon = spec.find(':'); colon != std::string::npos) {
        std::string rest = spec.substr(colon + 1);
        for (std::size_t at = 0; at <= rest.size();) {
          auto comma = rest.find(',', at);
          deps.push_back(rest.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
          at = comma == std::string::npos ? rest.size() + 1 : comma + 1;
        }
      }
      auto epic = epics.find(id);
      list.push_back({{"id", id},
                      {"title", "Story " + id},
                      {"description", "Do " + id + "."},
                      {"acceptanceCriteria", {id + " works", id + " is tested"}},
                      {"priority", priority++},
                      {"dependencies", deps},
                      {"epic", epic == epics.end() ? "" : epic->second},
                      {"notes", ""},
                      {"status", "pending"}});
    }
    spit(paths.prd,
         nlohmann::json{{"schemaVersion", 1}, {"project", "demo"}, {"description", "unit"}, {"stories", list}}.dump(2));
  }

  // A person's note at `relative` (e.g. ".simmer/inbox/note.md"), last changed `age_ms` ago on the fake clock:
  // the claim skips a note changed within the last second, and the fake clock is not the file system's.
  void drop_note(const std::string& relative, const std::string& text, std::int64_t age_ms = 10000) {
    std::filesystem::path p = paths.root / relative;
    std::filesystem::create_directories(p.parent_path());
    spit(p, text);
    std::int64_t ms = clock.now_ms() - age_ms;
    struct timespec times[2];
    times[0].tv_sec = times[1].tv_sec = ms / 1000;
    times[0].tv_nsec = times[1].tv_nsec = (ms % 1000) * 1000000;
    ::utimensat(AT_FDCWD, p.c_str(), times, 0);
  }

  // run::cook() in-process; the reporter prints to a temp file (`output()`). From the second cook on, the fake
  // clock first moves on by `between_cooks_ms`, as time passes between two runs (each gets its own runId).
  Result<int> cook(run::CookOptions options = {}) {
    if (m_cooks++ > 0) {
      clock.advance_ms(between_cooks_ms);
    }
    struct Output {
      std::FILE* file;
      std::string& text;
      ~Output() {
        std::fflush(file);
        std::rewind(file);
        text.clear();
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) {
          text.append(buf, n);
        }
        std::fclose(file);
      }
    } out{std::tmpfile(), m_output};
    run::Reporter report(run::OutputMode::plain, false, out.file, out.file);
    return run::cook(paths, options, run::World{clock, processes, repository, agents}, report, cancel, signal);
  }

  // The journal's events (data objects with "kind", "seq", "runId" and "ts" beside them).
  std::vector<nlohmann::json> events() const {
    std::vector<nlohmann::json> out;
    std::istringstream in(slurp(paths.events));
    for (std::string line; std::getline(in, line);) {
      out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }
  // The kinds of the journal's events, in order, space-separated; with `run` (1-based), of that run's only.
  std::string kinds(int run = 0) const {
    std::string out;
    int at = 0;
    for (const auto& e : events()) {
      at += e.at("kind") == "run_started" ? 1 : 0;
      if (run == 0 || at == run) {
        out += (out.empty() ? "" : " ") + e.at("kind").get<std::string>();
      }
    }
    return out;
  }
  // The data of the events of `kind`, in order.
  std::vector<nlohmann::json> of_kind(const std::string& kind) const {
    std::vector<nlohmann::json> out;
    for (const auto& e : events()) {
      if (e.at("kind") == kind) {
        out.push_back(e.at("data"));
      }
    }
    return out;
  }
  // Whether the journal's seqs are 1..N, as every reader requires.
  bool seqs_contiguous() const {
    long long want = 1;
    for (const auto& e : events()) {
      if (e.at("seq") != want++) {
        return false;
      }
    }
    return true;
  }
  // .simmer/state.json as the loop left it.
  nlohmann::json state() const { return nlohmann::json::parse(slurp(paths.state)); }
  const std::string& output() const { return m_output; }

  TempDir dir;
  store::ProjectPaths paths;
  FakeSleepingClock clock{1795000000000};  // 2026-11-18T...Z
  FakeRepository repository;
  FakeProcesses processes;
  FakeAgents agents{clock};
  std::atomic<bool> cancel{false};
  std::atomic<int> signal{0};
  std::int64_t between_cooks_ms = 60000;

private:
  std::string m_output;
  int m_cooks = 0;
};

}  // namespace simmer::test
