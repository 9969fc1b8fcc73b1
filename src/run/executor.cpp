// Implementation notes: the cook loop's shell.
// - One event at a time: perform the machine's effect, append its event to .simmer/events.jsonl (one write +
//   fdatasync), fold it into the state. A crash between any two of these steps is repaired on the next start:
//   the state is re-folded from the journal (the journal wins), and the effect whose event never reached the
//   journal is performed again.
// - .simmer/state.json is replaced atomically, lazily: the events that follow one another without a wait only mark
//   it stale, and it is written (flush_state) before anything that waits or lets another process look: an agent
//   session, a gate, a git command, RECORD, a retry wait, and on every way out of the loop. `simmer status` and
//   the dashboard therefore see the current state whenever the loop waits. After a kill -9 it may lag the journal
//   by several events; the next start tells that (a state the fold passed through) from a disagreement.
// - Side effects are made idempotent where repeating them would show: commits carry Simmer-Run/Simmer-Seq
//   trailers checked on HEAD before the first commit of a run; RECORD rewrites prd.json/progress.json to the same
//   content and does not append a timeline entry twice; feedback claims are numbered (run/feedback.hpp).
// - Tamper check: before each agent session the harness-owned files are snapshotted (prd.json and progress.json
//   by content, state.json by the text this process wrote, events.jsonl by size and mtime); after it, a change is
//   journaled as tamper_detected and undone (a journal the agent appended to is cut back to its size; other
//   journal edits are reported, not repaired).
// - state.json is written by rename without fsync: it is a cache the next start rebuilds from the journal.
// - --profile (or SIMMER_PROFILE=1) times journal, state write, validation, git, agent sessions and gates.

#include "run/executor.hpp"

#include "agents/session.hpp"
#include "core/contracts.hpp"
#include "core/machine.hpp"
#include "core/select.hpp"
#include "run/feedback.hpp"
#include "run/git.hpp"
#include "run/prompts.hpp"
#include "run/replay.hpp"
#include "run/report.hpp"
#include "run/session_tokens.hpp"
#include "store/documents.hpp"
#include "store/journal_events.hpp"
#include "store/resources.hpp"
#include "util/atomic_file.hpp"
#include "util/fs.hpp"
#include "util/journal.hpp"
#include "util/lock.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_gate_tail = 64 * 1024;

// Per-category wall time for --profile.
struct Profile {
  bool enabled = false;
  std::map<std::string, double> ms;
  std::map<std::string, long> count;

  struct Scope {
    Profile* p;
    std::string key;
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
    ~Scope() {
      if (p->enabled) {
        p->ms[key] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        p->count[key] += 1;
      }
    }
  };
  Scope time(std::string key) { return Scope{this, std::move(key)}; }
};

std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return sig == 0 ? "SIGINT" : fmt::format("signal {}", sig);
  }
}

std::string make_run_id(std::int64_t now_ms) {
  std::string iso = util::iso8601_utc_s(now_ms);  // 2026-11-22T10:00:00Z
  std::string compact;
  for (char c : iso) {
    if (c != '-' && c != ':') {
      compact.push_back(c);
    }
  }
  return fmt::format("r{}-{:04x}", compact, static_cast<unsigned>(::getpid() ^ (now_ms & 0xffff)) & 0xffff);
}

const core::RoleConfig& role_config(const core::Config& config, const std::string& role) {
  if (role == "orchestrator") {
    return config.orchestrator;
  }
  if (role == "verifier") {
    return config.verifier;
  }
  return config.builder;
}

agents::Role role_enum(const std::string& role) {
  if (role == "orchestrator") {
    return agents::Role::orchestrator;
  }
  if (role == "verifier") {
    return agents::Role::verifier;
  }
  return agents::Role::builder;
}

agents::AgentOptions agent_options(const core::RoleConfig& rc, const fs::path& root, const fs::path& simmer_exe) {
  agents::AgentOptions o;
  o.model = rc.model.value_or("");
  o.args = rc.args;
  o.env = rc.env;
  o.max_turns = rc.max_turns.value_or(0);
  o.permission_mode = rc.permission_mode.value_or("");
  o.allowed_tools = rc.allowed_tools.value_or(std::vector<std::string>{});
  o.sandbox = rc.sandbox.value_or("");
  o.approval_mode = rc.approval_mode.value_or("");
  o.command = rc.command;
  o.prompt_via = rc.prompt_via == core::PromptVia::argument ? agents::PromptVia::argument
                                                            : agents::PromptVia::stdin_pipe;
  if (rc.scenario) {
    fs::path scenario(*rc.scenario);
    o.scenario = scenario.is_absolute() ? scenario : root / scenario;
  }
  o.simmer_exe = simmer_exe;
  return o;
}

core::Limits limits_from(const core::Config& config) {
  core::Limits l;
  l.fix = config.retries.fix;
  l.contract = config.retries.contract;
  l.transient = config.retries.transient;
  l.budget_per_story = config.budget.per_story;
  l.budget_total = config.budget.total;
  l.max_iterations = config.max_iterations;
  l.harness_orchestrator = config.orchestrator.agent == core::AgentKind::harness;
  for (const auto& g : config.gates) {
    l.gates.push_back(g.name);
  }
  l.workflow = std::string(core::to_string(config.workflow));
  return l;
}

json prd_snapshot(const core::Prd& prd) {
  json stories = json::array();
  for (const auto& s : prd.stories) {
    stories.push_back({{"id", s.id},
                       {"title", s.title},
                       {"priority", s.priority},
                       {"dependencies", s.dependencies},
                       {"epic", s.epic},
                       {"status", core::to_string(s.status)},
                       {"reason", s.blocked_reason.value_or("")}});
  }
  return stories;
}

std::optional<std::string> read_opt(const fs::path& p) {
  if (!util::exists(p)) {
    return std::nullopt;
  }
  auto text = util::read_file(p);
  if (!text.ok()) {
    return std::nullopt;
  }
  return *text;
}

struct FileStamp {
  std::int64_t size = -1;
  std::int64_t mtime_ns = 0;
};

FileStamp stamp(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    return {};
  }
  return {static_cast<std::int64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::string handoff_file(const std::string& handoff) { return ".simmer/" + handoff + ".json"; }

class Executor {
public:
  Executor(const store::ProjectPaths& paths, const CookOptions& options, core::Config config, core::Prd prd,
           util::Journal journal, const std::atomic<bool>& cancel, const std::atomic<int>& signal_number)
      : m_paths(paths),
        m_options(options),
        m_config(std::move(config)),
        m_prd(std::move(prd)),
        m_journal(std::move(journal)),
        m_cancel(cancel),
        m_signal(signal_number),
        m_git(paths.root),
        m_report(options.output, options.color) {
    const char* env = std::getenv("SIMMER_PROFILE");
    m_profile.enabled = options.profile || (env && *env && std::string(env) != "0");
  }

  Reporter& report() { return m_report; }
  Git& git() { return m_git; }
  void set_foreign_paths(std::vector<std::string> paths) { m_foreign = std::move(paths); }

  // Folds the whole journal and makes state.json agree with it.
  void load_state() {
    // Every line is checked against its schemas before it is folded (store/journal_events.hpp).
    const std::vector<core::Event> events = store::read_checked_events(m_paths);
    core::State s;
    for (const auto& e : events) {
      if (e.kind == "session") {
        m_session_tokens.add(e.data);
      }
      s = core::apply(std::move(s), e);
    }
    m_state = std::move(s);
    m_state_text = core::canonical_text(m_state);
    m_state_dirty = false;
    auto on_disk = read_opt(m_paths.state);
    if (m_state.seq == 0 && !on_disk) {
      return;
    }
    if (!on_disk || *on_disk != m_state_text) {
      if (on_disk && !is_fold_prefix(*on_disk, events)) {
        auto parsed = json::parse(*on_disk, nullptr, false);
        std::int64_t disk_seq = parsed.is_object() ? parsed.value("seq", std::int64_t{-1}) : -1;
        m_pending_warnings.push_back(fmt::format(
            "state.json (seq {}) disagreed with the journal (seq {}); rewritten from the journal", disk_seq,
            m_state.seq));
      }
      write_state();
    }
  }

  // Whether `text` is the state.json the fold of the first events of `events` gives: what a run killed before
  // its next flush leaves behind (state.json is written lazily, so it may lag the journal by several events).
  // Anything else (ahead of the journal, unparsable, edited) is a disagreement worth a warning.
  static bool is_fold_prefix(const std::string& text, const std::vector<core::Event>& events) {
    auto parsed = json::parse(text, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("seq") || !parsed["seq"].is_number_integer()) {
      return false;
    }
    auto seq = parsed["seq"].get<std::int64_t>();
    core::State s;
    if (seq == 0) {
      return text == core::canonical_text(s);
    }
    for (const auto& e : events) {
      s = core::apply(std::move(s), e);
      if (s.seq == seq) {
        return text == core::canonical_text(s);
      }
      if (s.seq > seq) {
        return false;
      }
    }
    return false;
  }

  const core::State& state() const { return m_state; }

  void add_warning(std::string message) { m_pending_warnings.push_back(std::move(message)); }

  int run() {
    // Start: the run_started event carries the PRD snapshot and the limits in force, so the fold stays pure.
    bool crashed = m_state.running;
    bool resumed = crashed || m_state.story_id.has_value() || m_state.phase == core::Phase::halt;
    m_run_id = make_run_id(util::now_unix_ms());
    m_first_commit_check = true;
    append("run_started", {{"version", SIMMER_VERSION},
                           {"pid", static_cast<std::int64_t>(::getpid())},
                           {"resumed", resumed},
                           {"phase", core::to_string(m_state.phase == core::Phase::halt && m_state.halt
                                                         ? m_state.halt->resume_phase
                                                         : m_state.phase)},
                           {"storyId", m_state.story_id ? json(*m_state.story_id) : json(nullptr)},
                           {"stories", prd_snapshot(m_prd)},
                           {"limits", core::limits_to_json(limits_from(m_config))}});
    for (auto& w : m_pending_warnings) {
      append("warning", {{"message", w}});
    }
    m_pending_warnings.clear();

    try {
      for (;;) {
        if (m_cancel) {
          return interrupt();
        }
        if (m_state.phase == core::Phase::orchestrate && m_state.running &&
            (m_state.step == core::Step::launch || m_state.step == core::Step::fallback)) {
          claim_feedback_notes();
        }
        core::Effect effect = core::next_effect(m_state);
        if (effect.kind == core::Effect::Kind::idle) {
          break;
        }
        perform(effect);
        if (m_interrupted) {
          return interrupt();
        }
      }
    } catch (...) {
      // An error ends the run: leave state.json agreeing with the journal for `simmer status`, unless writing it
      // is what failed.
      try {
        flush_state();
      } catch (...) {
      }
      throw;
    }
    flush_state();
    m_report.summary(m_state);
    print_profile();
    return m_state.exit_code.value_or(to_int(ExitCode::failure));
  }

private:
  // --- journal + state ------------------------------------------------------------------------------------
  void append(const std::string& kind, json data) {
    std::int64_t now = util::now_unix_ms();
    json line = {{"ts", util::iso8601_utc_ms(now)}, {"runId", m_run_id}, {"kind", kind}, {"data", std::move(data)}};
    // Fold what the journal stores: invalid UTF-8 (a gate's output) becomes U+FFFD in both, never only on disk.
    util::make_storable(line["data"]);
    {
      auto t = m_profile.time("journal");
      line["seq"] = m_journal.append(line);
    }
    core::Event e;
    e.seq = line["seq"].get<std::int64_t>();
    e.ts = line["ts"].get<std::string>();
    e.run_id = m_run_id;
    e.kind = kind;
    e.data = line["data"];
    if (kind == "session") {
      m_session_tokens.add(e.data);
    }
    m_state = core::apply(std::move(m_state), e);
    m_state_dirty = true;
    m_report.on_event(line, m_state);
  }

  // Writes state.json when events were folded since the last write: called before anything that waits or lets
  // another process look (see the implementation notes), so readers see the current state whenever it matters.
  void flush_state() {
    if (!m_state_dirty) {
      return;
    }
    auto t = m_profile.time("state");
    m_state_text = core::canonical_text(m_state);
    write_state();
    m_state_dirty = false;
  }

  // state.json is a cache of the journal (which is fsynced): a temp file renamed over it keeps readers from ever
  // seeing half a file, and skipping its fsync is safe because a state.json lost or torn by a power cut is
  // rebuilt from the journal on the next start (load_state). This halves the loop's own cost per event.
  void write_state() {
    fs::path tmp = m_paths.state;
    tmp += fmt::format(".tmp.{}", ::getpid());
    {
      std::FILE* f = std::fopen(tmp.c_str(), "wb");
      if (!f || std::fwrite(m_state_text.data(), 1, m_state_text.size(), f) != m_state_text.size() ||
          std::fclose(f) != 0) {
        throw Error(ExitCode::unsafe_storage,
                    fmt::format("cannot write .simmer/state.json ({}): {}", tmp.string(), util::errno_text(errno)));
      }
    }
    if (std::rename(tmp.c_str(), m_paths.state.c_str()) != 0) {
      throw Error(ExitCode::unsafe_storage, fmt::format("cannot write .simmer/state.json ({}): {}",
                                                        m_paths.state.string(), util::errno_text(errno)));
    }
  }

  int interrupt() {
    m_report.end_activity();
    append("interrupted", {{"signal", signal_name(m_signal.load())}});
    append("run_finished", {{"result", "interrupted"}, {"exitCode", to_int(ExitCode::interrupted)}});
    flush_state();
    print_profile();
    return to_int(ExitCode::interrupted);
  }

  // --- effects --------------------------------------------------------------------------------------------
  void perform(const core::Effect& effect) {
    using K = core::Effect::Kind;
    switch (effect.kind) {
      case K::emit:
        append(effect.event_kind, effect.event_data);
        return;
      case K::schedule_retry:
        schedule_retry(effect);
        return;
      case K::run_agent:
        run_agent(effect);
        return;
      case K::validate_handoff:
        validate_handoff(effect);
        return;
      case K::run_gate:
        run_gate(effect);
        return;
      case K::commit:
        commit_attempt(effect);
        return;
      case K::record:
        record(effect);
        return;
      case K::claim_feedback:
      case K::idle:
        return;
    }
  }

  void claim_feedback_notes() {
    auto notes = claim_feedback(m_paths, m_state.feedback_claimed, util::now_unix_ms());
    if (notes.empty()) {
      return;
    }
    json files = json::array();
    for (const auto& n : notes) {
      files.push_back({{"path", n.path}, {"bytes", n.bytes}, {"preview", n.preview}});
    }
    append("feedback_claimed", {{"files", files}});
  }

  void schedule_retry(const core::Effect& effect) {
    std::int64_t now = util::now_unix_ms();
    std::int64_t not_before = now + effect.delay_ms;
    if (effect.retry_reason == "usage_limit") {
      // Unknown reset: wait as long as the longest transient backoff, then try again.
      not_before = effect.reset_at_ms ? std::max(now, *effect.reset_at_ms) : now + 30000;
    }
    append("retry_scheduled", {{"phase", core::to_string(m_state.phase)},
                               {"reason", effect.retry_reason},
                               {"delayMs", not_before - now},
                               {"retry", effect.retry},
                               {"notBeforeMs", not_before}});
  }

  // Sleeps until `until_ms` (Unix ms) unless cancelled. False when cancelled.
  bool wait_until(std::int64_t until_ms) {
    while (util::now_unix_ms() < until_ms) {
      if (m_cancel) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(
          std::min<std::int64_t>(50, std::max<std::int64_t>(1, until_ms - util::now_unix_ms()))));
    }
    return true;
  }

  // Harness-owned files as they were before an agent session.
  struct Snapshot {
    std::optional<std::string> prd;
    std::optional<std::string> progress;
    FileStamp events;
  };

  Snapshot snapshot() {
    return {read_opt(m_paths.prd), read_opt(m_paths.progress), stamp(m_paths.events)};
  }

  void check_tamper(const Snapshot& before, const std::string& role) {
    // The journal first: the tamper events below are appended to it, which must not look like tampering.
    FileStamp now = stamp(m_paths.events);
    bool journal_changed = now.size != before.events.size || now.mtime_ns != before.events.mtime_ns;
    bool journal_restored = false;
    if (journal_changed && now.size > before.events.size && before.events.size >= 0) {
      journal_restored = ::truncate(m_paths.events.c_str(), before.events.size) == 0;
    }
    std::vector<json> found;
    if (journal_changed) {
      found.push_back({{"file", ".simmer/events.jsonl"}, {"role", role}, {"restored", journal_restored}});
    }
    auto restore = [&](const fs::path& path, const std::optional<std::string>& old) {
      auto current = read_opt(path);
      if (current == old) {
        return;
      }
      if (old) {
        util::write_file_atomic(path, *old);
      } else {
        std::error_code ec;
        fs::remove(path, ec);
      }
      found.push_back({{"file", m_paths.display(path)}, {"role", role}, {"restored", true}});
    };
    restore(m_paths.prd, before.prd);
    restore(m_paths.progress, before.progress);
    if (read_opt(m_paths.state) != std::optional<std::string>(m_state_text)) {
      write_state();
      found.push_back({{"file", ".simmer/state.json"}, {"role", role}, {"restored", true}});
    }
    for (auto& data : found) {
      append("tamper_detected", std::move(data));
    }
  }

  std::string criteria_text(const core::Story* story) const {
    std::string out;
    if (!story) {
      return out;
    }
    int i = 1;
    for (const auto& c : story->acceptance_criteria) {
      out += fmt::format("{}. {}\n", i++, c);
    }
    return out;
  }

  std::string feedback_text() const {
    const auto& notes = m_state.phase == core::Phase::orchestrate ? m_state.feedback_pending : m_state.guidance;
    return feedback_prompt_text(m_paths, notes);  // bounded per note (run/feedback.hpp)
  }

  std::string failure_text() const {
    if (!m_state.last_failure) {
      return "(nothing recorded)";
    }
    const auto& f = *m_state.last_failure;
    std::string out = f.summary + "\n";
    if (f.kind == "gate") {
      out += fmt::format("\nOutput of gate \"{}\" (last {} KiB at most):\n```\n{}\n```\n", f.name, k_gate_tail / 1024,
                         f.output);
    } else if (f.kind == "verdict") {
      out += "\nThe verifier's judgement per criterion:\n";
      for (const auto& c : f.criteria) {
        out += fmt::format("- [{}] {}{}\n", c.value("passed", false) ? "met" : "NOT met",
                           c.value("criterion", std::string()),
                           c.contains("evidence") ? " — " + c.value("evidence", std::string()) : std::string());
      }
    } else if (!f.output.empty()) {
      out += "\n" + f.output + "\n";
    }
    return out;
  }

  std::string render(const core::Effect& effect, const std::string& story_id, std::string& warning) {
    const core::Story* story = m_prd.find(story_id);
    std::map<std::string, std::string> v;
    v["project"] = m_prd.project + (m_prd.description.empty() ? "" : ": " + m_prd.description);
    v["story_id"] = story_id;
    v["story_title"] = story ? story->title : "";
    v["story_description"] = story ? story->description : "";
    v["criteria"] = criteria_text(story);
    v["attempt"] = std::to_string(m_state.attempt);
    v["feedback"] = feedback_text();
    v["last_failure"] = failure_text();
    fs::path handoff = m_paths.dir / (effect.handoff + ".json");
    v["handoff_path"] = handoff.string();
    auto schema = store::resource("schemas/" + effect.handoff + ".json");
    v["handoff_schema"] = schema ? std::string(*schema) : "{}";
    if (effect.handoff == "task") {
      v["handoff_binding"] = "`storyId` must be a story that can run now.";
    } else {
      v["handoff_binding"] = fmt::format("It must say `\"storyId\": \"{}\"` and `\"attempt\": {}`.", story_id,
                                         m_state.attempt);
    }
    // Guidance for the builder: the orchestrator's brief when it wrote one for this story.
    std::string guidance = "(none beyond the story)";
    if (auto task = read_opt(m_paths.task)) {
      auto doc = json::parse(*task, nullptr, false);
      if (doc.is_object() && doc.value("storyId", std::string()) == story_id) {
        guidance = doc.value("guidance", guidance);
      }
    }
    v["guidance"] = guidance;
    std::string runnable;
    for (const auto& id : core::runnable_stories(m_state)) {
      const core::Story* s = m_prd.find(id);
      runnable += fmt::format("- {} (priority {}): {}\n", id, s ? s->priority : 0, s ? s->title : "");
    }
    v["runnable_stories"] = runnable.empty() ? "(none)" : runnable;
    std::string progress;
    for (const auto& id : m_state.order) {
      const auto& s = m_state.stories.at(id);
      if (s.status != core::StoryState::pending) {
        progress += fmt::format("- {}: {}{}\n", id, core::to_string(s.status),
                                s.reason.empty() ? "" : " (" + s.reason + ")");
      }
    }
    v["progress"] = progress.empty() ? "(nothing yet)" : progress;
    std::string build_summary = "(no report)";
    if (auto build = read_opt(m_paths.build)) {
      auto doc = json::parse(*build, nullptr, false);
      if (doc.is_object()) {
        build_summary = doc.value("summary", build_summary);
      }
    }
    v["build_summary"] = build_summary;
    std::string errors;
    for (const auto& e : effect.repair_errors) {
      errors += "- " + e + "\n";
    }
    v["repair_errors"] = errors;
    std::string name = effect.role == "orchestrator" ? "orchestrator"
                       : effect.role == "verifier"   ? "verifier"
                       : m_state.phase == core::Phase::fix ? "fix"
                                                            : "builder";
    if (!effect.repair_errors.empty()) {
      name = "repair";
    }
    RenderedPrompt p = render_prompt(m_paths.prompts, m_state.limits.workflow, name, v);
    warning = p.warning;
    return p.text;
  }

  void run_agent(const core::Effect& effect) {
    if (effect.not_before_ms) {
      // A retry wait: status and the dashboard show the scheduled retry meanwhile.
      flush_state();
    }
    if (effect.not_before_ms && !wait_until(*effect.not_before_ms)) {
      m_interrupted = true;
      return;
    }
    const core::RoleConfig& rc = role_config(m_config, effect.role);
    if (rc.agent == core::AgentKind::harness) {
      throw Error(ExitCode::invalid_input, fmt::format("agent 'harness' (simmer.json#/agents/{}): only the "
                                                       "orchestrator can be the harness",
                                                       effect.role));
    }
    std::string story_id = m_state.story_id.value_or("");
    if (effect.role == "orchestrator") {
      story_id = core::harness_pick(m_state).value_or("");
    }
    // The file this phase writes: a stale one from an earlier phase must not pass for the new one.
    fs::path handoff = m_paths.dir / (effect.handoff + ".json");
    std::error_code ec;
    fs::remove(handoff, ec);
    append("phase_started", {{"phase", core::to_string(m_state.phase)},
                             {"storyId", m_state.story_id ? json(*m_state.story_id) : json(nullptr)},
                             {"attempt", m_state.attempt}});
    std::string warning;
    std::string prompt = render(effect, story_id, warning);
    if (!warning.empty() && m_prompt_warned.insert(warning).second) {
      append("warning", {{"message", warning}});
    }
    agents::LaunchRequest req;
    req.role = role_enum(effect.role);
    req.prompt = prompt;
    req.resume_session = effect.resume_session;
    if (req.resume_session) {
      // A CLI that reports the thread's running totals (Codex) records only what this session added to them.
      req.resume_baseline = m_session_tokens.of(*req.resume_session);
    }
    req.cwd = m_paths.root;
    req.model = rc.model.value_or("");
    req.timeout_s = rc.timeout_s;
    req.idle_timeout_s = rc.idle_timeout_s;
    req.max_turns = rc.max_turns.value_or(0);
    req.transcript = m_paths.sessions / m_run_id /
                     fmt::format("{}-{}-{}.jsonl", m_state.seq, effect.role, m_state.attempt);
    req.env = {{"SIMMER_ROLE", effect.role},
               {"SIMMER_STORY_ID", story_id},
               {"SIMMER_ATTEMPT", std::to_string(m_state.attempt)},
               {"SIMMER_HANDOFF", fs::absolute(handoff).string()},
               {"SIMMER_RUN_ID", m_run_id},
               {"SIMMER_PROJECT", fs::absolute(m_paths.root).string()},
               {"SIMMER_REPAIR", std::to_string(effect.repair_errors.empty() ? 0 : m_state.repairs)},
               {"SIMMER_RETRY", std::to_string(m_state.transient_retries)}};
    auto adapter = agents::make_adapter(std::string(core::to_string(rc.agent)),
                                        agent_options(rc, m_paths.root, m_options.simmer_exe));
    // The agent may read state.json, and check_tamper compares it with m_state_text afterwards.
    flush_state();
    Snapshot before = snapshot();
    m_report.begin_activity(fmt::format("{} {} ({})", story_id.empty() ? "-" : story_id,
                                        core::to_string(m_state.phase), effect.role));
    agents::SessionRecord rec;
    {
      auto t = m_profile.time("agent");
      rec = agents::run_session(*adapter, req, {}, m_cancel);
    }
    m_report.end_activity();
    check_tamper(before, effect.role);
    json tokens = {{"input", rec.tokens.input}, {"output", rec.tokens.output}, {"cacheRead", rec.tokens.cache_read},
                   {"cacheWrite", rec.tokens.cache_write}};
    json data = {{"role", effect.role},
                 {"storyId", m_state.story_id ? json(*m_state.story_id) : json(nullptr)},
                 {"attempt", m_state.attempt},
                 {"agent", rec.agent},
                 {"model", rec.model},
                 {"sessionId", rec.session_id},
                 {"tokens", tokens},
                 {"turns", rec.turns},
                 {"durationMs", rec.duration_ms},
                 {"costUsd", rec.cost_usd},
                 {"costReported", rec.cost_reported},
                 {"outcome", agents::to_string(rec.outcome)},
                 {"error", rec.error},
                 {"transcript", m_paths.display(rec.transcript)}};
    if (rec.reset_at_ms) {
      data["resetAtMs"] = *rec.reset_at_ms;
    }
    std::string phase(core::to_string(m_state.phase));
    json story = m_state.story_id ? json(*m_state.story_id) : json(nullptr);
    std::int64_t attempt = m_state.attempt;
    append("session", data);
    append("phase_finished", {{"phase", phase}, {"storyId", story}, {"attempt", attempt},
                              {"durationMs", rec.duration_ms}, {"outcome", agents::to_string(rec.outcome)}});
    if (rec.outcome == agents::Outcome::interrupted) {
      m_interrupted = true;
    }
  }

  // Binding problems of a build/verdict hand-off: the story and attempt it is for.
  void check_binding(const std::string& file, const std::string& story, std::int64_t attempt,
                     std::vector<std::string>& errors) const {
    if (story != m_state.story_id.value_or("")) {
      errors.push_back(fmt::format("{}#/storyId: expected \"{}\", found \"{}\"", file, m_state.story_id.value_or(""),
                                   story));
    }
    if (attempt != m_state.attempt) {
      errors.push_back(fmt::format("{}#/attempt: expected {}, found {}", file, m_state.attempt, attempt));
    }
  }

  template <class T>
  static std::optional<T> loaded(store::Loaded<T> result, std::vector<std::string>& errors) {
    if (std::holds_alternative<T>(result)) {
      return std::get<T>(std::move(result));
    }
    for (const auto& p : std::get<std::vector<core::Problem>>(result)) {
      errors.push_back(p.to_line());
    }
    return std::nullopt;
  }

  void validate_handoff(const core::Effect& effect) {
    std::string file = handoff_file(effect.handoff);
    fs::path path = m_paths.dir / (effect.handoff + ".json");
    std::vector<std::string> errors;
    json accepted;
    std::string accepted_kind;
    {
      auto t = m_profile.time("validation");
      if (!util::exists(path)) {
        errors.push_back(fmt::format("{}: the {} did not write it", file, effect.role));
      } else if (effect.handoff == "task") {
        if (auto task = loaded(store::load_task(path, file), errors)) {
          std::string why = core::refuse_pick(m_state, task->story_id);
          if (why.empty()) {
            accepted_kind = "story_selected";
            accepted = {{"storyId", task->story_id}, {"by", "orchestrator"}};
          } else {
            accepted_kind = "story_selected";
            accepted = {{"storyId", core::harness_pick(m_state).value_or("")},
                        {"by", "harness"},
                        {"warning", fmt::format("the orchestrator's pick was refused: {}", why)}};
          }
        }
      } else if (effect.handoff == "build") {
        if (auto build = loaded(store::load_build(path, file), errors)) {
          check_binding(file, build->story_id, build->attempt, errors);
          accepted_kind = "handoff_accepted";
          accepted = {{"role", effect.role}, {"file", file}, {"storyId", build->story_id},
                      {"attempt", build->attempt}};
        }
      } else {
        if (auto verdict = loaded(store::load_verdict(path, file), errors)) {
          check_binding(file, verdict->story_id, verdict->attempt, errors);
          json criteria = json::array();
          for (const auto& c : verdict->criteria) {
            criteria.push_back({{"criterion", c.criterion}, {"passed", c.passed}, {"evidence", c.evidence}});
          }
          accepted_kind = "verdict";
          accepted = {{"storyId", verdict->story_id},
                      {"attempt", verdict->attempt},
                      {"verdict", core::to_string(verdict->verdict)},
                      {"summary", verdict->summary},
                      {"criteria", criteria}};
        }
      }
    }
    if (!errors.empty()) {
      append("handoff_invalid", {{"role", effect.role},
                                 {"file", file},
                                 {"errors", errors},
                                 {"repair", m_state.repairs + 1},
                                 {"maxRepairs", m_state.limits.contract}});
      return;
    }
    append(accepted_kind, accepted);
  }

  void run_gate(const core::Effect& effect) {
    const core::Gate* gate = nullptr;
    for (const auto& g : m_config.gates) {
      if (g.name == effect.gate_name) {
        gate = &g;
      }
    }
    if (!gate) {
      throw Error(ExitCode::invalid_input,
                  fmt::format("gate \"{}\" (simmer.json#/gates): no longer configured", effect.gate_name));
    }
    json story = m_state.story_id ? json(*m_state.story_id) : json(nullptr);
    if (effect.gate_index == 0) {
      append("phase_started", {{"phase", "gates"}, {"storyId", story}, {"attempt", m_state.attempt}});
    }
    flush_state();
    m_report.begin_activity(fmt::format("{} gate {}", m_state.story_id.value_or("-"), gate->name));
    util::ProcessResult r;
    {
      auto t = m_profile.time("gates");
      r = util::run_shell(gate->run, m_paths.root, gate->timeout_s * 1000, &m_cancel);
    }
    m_report.end_activity();
    if (r.cancelled) {
      m_interrupted = true;
      return;
    }
    std::string tail = r.output_tail.size() > k_gate_tail ? r.output_tail.substr(r.output_tail.size() - k_gate_tail)
                                                          : r.output_tail;
    tail = util::truncate_utf8(tail, k_gate_tail);
    if (!r.spawned) {
      tail = r.spawn_error;
    }
    bool passed = r.succeeded();
    append("gate", {{"name", gate->name},
                    {"storyId", story},
                    {"attempt", m_state.attempt},
                    {"exitCode", r.exit_code},
                    {"passed", passed},
                    {"timedOut", r.timed_out},
                    {"durationMs", r.duration_ms},
                    {"outputTail", tail}});
    if (!passed || effect.gate_index + 1 >= static_cast<int>(m_config.gates.size())) {
      append("phase_finished", {{"phase", "gates"}, {"storyId", story}, {"attempt", effect.gate_index >= 0 ? m_state.attempt : 0},
                                {"durationMs", r.duration_ms}, {"outcome", passed ? "passed" : "failed"}});
    }
  }

  // Commits `paths` for `plan` (every change outside .simmer/ and the foreign paths when `paths` is nullopt),
  // unless a crashed predecessor already did (HEAD carries the plan's trailers).
  std::optional<std::string> commit_paths(const core::CommitPlan& plan,
                                          const std::optional<std::vector<std::string>>& paths) {
    auto t = m_profile.time("git");
    if (m_first_commit_check) {
      m_first_commit_check = false;
      if (auto sha = m_git.head_with_trailers(plan.run_id, plan.key_seq)) {
        return sha;
      }
    }
    auto r = paths ? m_git.commit(*paths, plan.subject, plan.run_id, plan.key_seq)
                   : m_git.commit_work_tree(m_foreign, plan.subject, plan.run_id, plan.key_seq);
    if (!r.ok()) {
      throw Error(ExitCode::failure, r.failure().message);
    }
    return *r;
  }

  void commit_attempt(const core::Effect& effect) {
    const core::CommitPlan& plan = *effect.commit;
    flush_state();
    auto sha = commit_paths(plan, std::nullopt);
    append("commit", {{"storyId", m_state.story_id ? json(*m_state.story_id) : json(nullptr)},
                      {"attempt", m_state.attempt},
                      {"kind", plan.kind},
                      {"sha", sha ? json(*sha) : json(nullptr)},
                      {"subject", plan.subject}});
  }

  void record(const core::Effect& effect) {
    const core::CommitPlan& plan = *effect.commit;
    const std::string id = m_state.story_id.value_or("");
    const core::RecordPlan& rec = *m_state.record;
    std::string ts = util::iso8601_utc_ms(util::now_unix_ms());
    flush_state();
    {
      auto t = m_profile.time("record");
      // prd.json: the story's new status (the rest as it is on disk).
      auto prd = store::load_prd(m_paths.prd, ".simmer/prd.json");
      if (!std::holds_alternative<core::Prd>(prd)) {
        throw Error(ExitCode::invalid_input, store::to_failure(std::get<1>(prd)).message);
      }
      core::Prd doc = std::get<core::Prd>(std::move(prd));
      if (core::Story* s = doc.find(id)) {
        s->status = rec.result == core::StoryState::passed ? core::StoryStatus::passed : core::StoryStatus::blocked;
        s->blocked_reason = rec.result == core::StoryState::blocked ? std::optional<std::string>(rec.reason)
                                                                     : std::nullopt;
      }
      util::write_file_atomic(m_paths.prd, core::canonical_json(json(doc)));
      m_prd = std::move(doc);
      // progress.json: one timeline entry per recorded story outcome, never twice.
      core::Progress progress;
      if (util::exists(m_paths.progress)) {
        auto loaded_progress = store::load_progress(m_paths.progress, ".simmer/progress.json");
        if (std::holds_alternative<core::Progress>(loaded_progress)) {
          progress = std::get<core::Progress>(std::move(loaded_progress));
        }
      }
      core::StoryOutcome outcome =
          rec.result == core::StoryState::passed ? core::StoryOutcome::passed : core::StoryOutcome::blocked;
      bool present = !progress.timeline.empty() && progress.timeline.back().story_id == id &&
                     progress.timeline.back().outcome == outcome &&
                     progress.timeline.back().attempts == m_state.attempt + 1;
      if (!present) {
        core::TimelineEntry entry;
        entry.story_id = id;
        entry.outcome = outcome;
        entry.attempts = m_state.attempt + 1;
        entry.cost_usd = m_state.stories.count(id) ? m_state.stories.at(id).cost_usd : 0.0;
        entry.summary = rec.summary.empty() ? (outcome == core::StoryOutcome::passed ? "passed" : rec.reason)
                                            : rec.summary;
        if (outcome == core::StoryOutcome::blocked) {
          entry.reason = rec.reason;
        }
        entry.commits = m_state.story_commits;
        entry.meta.ts = ts;
        progress.timeline.push_back(entry);
        if (outcome == core::StoryOutcome::passed && util::exists(m_paths.build)) {
          auto build = store::load_build(m_paths.build, ".simmer/build.json");
          if (std::holds_alternative<core::Build>(build) && std::get<core::Build>(build).story_id == id) {
            for (const auto& p : std::get<core::Build>(build).patterns) {
              bool known = false;
              for (const auto& lp : progress.patterns) {
                known = known || lp.name == p.name;
              }
              if (!known) {
                progress.patterns.push_back({p.name, p.description, id});
              }
            }
          }
        }
        util::write_file_atomic(m_paths.progress, core::canonical_json(json(progress)));
      }
    }
    std::optional<std::string> sha;
    if (m_config.git.commit) {
      std::vector<std::string> files = {m_paths.display(m_paths.prd), m_paths.display(m_paths.progress)};
      sha = commit_paths(plan, files);
    }
    append("commit", {{"storyId", id},
                      {"attempt", m_state.attempt},
                      {"kind", "record"},
                      {"sha", sha ? json(*sha) : json(nullptr)},
                      {"subject", plan.subject}});
  }

  void print_profile() {
    if (!m_profile.enabled) {
      return;
    }
    long stories = 0;
    for (const auto& [id, s] : m_state.stories) {
      stories += s.status != core::StoryState::pending ? 1 : 0;
    }
    std::string out = "simmer: profile (ms total, calls, ms per settled story):\n";
    double total = 0;
    for (const auto& [key, ms] : m_profile.ms) {
      total += ms;
      out += fmt::format("  {:<11} {:>10.1f} {:>7} {:>10.2f}\n", key, ms, m_profile.count[key],
                         stories ? ms / stories : 0.0);
    }
    out += fmt::format("  {:<11} {:>10.1f} {:>7} {:>10.2f}\n", "sum", total, "", stories ? total / stories : 0.0);
    std::fputs(out.c_str(), stderr);
  }

  const store::ProjectPaths& m_paths;
  const CookOptions& m_options;
  core::Config m_config;
  core::Prd m_prd;
  util::Journal m_journal;
  SessionTokens m_session_tokens;  // per session id, what the journal's session records charged to it so far
  const std::atomic<bool>& m_cancel;
  const std::atomic<int>& m_signal;
  Git m_git;
  Reporter m_report;
  Profile m_profile;
  core::State m_state;
  std::string m_state_text;  // what state.json holds, as this process last wrote it
  bool m_state_dirty = false;  // events were folded since state.json was last written
  std::string m_run_id;
  bool m_first_commit_check = true;
  bool m_interrupted = false;
  std::vector<std::string> m_foreign;  // dirty at start (--allow-dirty): kept out of every commit
  std::set<std::string> m_prompt_warned;
  std::vector<std::string> m_pending_warnings;
};

}  // namespace

Result<int> cook(const store::ProjectPaths& paths, const CookOptions& options, const std::atomic<bool>& cancel,
                 const std::atomic<int>& signal_number) {
  // 1. Is there a project here at all?
  if (!util::exists(paths.config) && !util::exists(paths.prd)) {
    return Failure{fmt::format("no simmer project here ({}): run `simmer init`, then `simmer to-prd PRD.md`",
                               paths.root.string()),
                   ExitCode::invalid_input};
  }
  // 2. Bad input is refused before anything changes: config, then the PRD.
  auto config = store::load_config(paths.config, options.overrides, "simmer.json");
  if (!std::holds_alternative<core::Config>(config)) {
    return store::to_failure(std::get<1>(config));
  }
  if (!util::exists(paths.prd)) {
    return Failure{"no PRD (.simmer/prd.json): missing; write one with `simmer to-prd PRD.md` or `simmer import`",
                   ExitCode::invalid_input};
  }
  auto prd = store::load_prd(paths.prd, ".simmer/prd.json");
  if (!std::holds_alternative<core::Prd>(prd)) {
    return store::to_failure(std::get<1>(prd));
  }
  Git git(paths.root);
  if (!git.is_work_tree()) {
    return Failure{fmt::format("not a git work tree ({}): simmer commits every attempt; run `git init` first",
                               paths.root.string()),
                   ExitCode::invalid_input};
  }
  // 3. A dirty tree between stories is someone else's work: refused before anything is written, or with
  //    --allow-dirty kept out of simmer's commits. In the middle of a story (read-only fold of the journal) the
  //    changes are the interrupted agent's own, and the run resumes with them.
  std::vector<std::string> foreign;
  if (!replay_journal(paths).state.story_id) {
    foreign = git.dirty_paths();
    if (!foreign.empty() && !options.allow_dirty) {
      std::string list;
      for (std::size_t i = 0; i < foreign.size() && i < 5; ++i) {
        list += (i ? ", " : "") + foreign[i];
      }
      if (foreign.size() > 5) {
        list += fmt::format(" and {} more", foreign.size() - 5);
      }
      return Failure{fmt::format("the work tree has uncommitted changes ({}): {}; commit or stash them, or run "
                                 "`simmer cook --allow-dirty` to leave them out of simmer's commits",
                                 paths.root.string(), list),
                     ExitCode::invalid_input};
    }
  }
  // 4. One run per project.
  util::ensure_dir(paths.dir);
  auto lock = util::ProjectLock::acquire(paths.lock, "cook", ".simmer/lock");
  if (!lock.ok()) {
    return lock.failure();
  }
  // 5. Leftovers of a crashed writer, then the journal (a torn last line is cut off).
  util::sweep_stale_temps(paths.dir);
  std::vector<std::string> warnings;
  util::Journal journal = util::Journal::open(paths.events, warnings, ".simmer/events.jsonl");
  Executor executor(paths, options, std::get<core::Config>(std::move(config)), std::get<core::Prd>(std::move(prd)),
                    std::move(journal), cancel, signal_number);
  for (auto& w : warnings) {
    executor.add_warning(w);
  }
  if (!lock->takeover_note().empty()) {
    executor.add_warning(lock->takeover_note());
  }
  executor.load_state();
  executor.set_foreign_paths(foreign);
  if (executor.git().clear_stale_index_lock()) {
    executor.add_warning("removed a stale .git/index.lock left by an interrupted git command");
  }
  executor.git().ensure_identity();
  // 6. The loop, then the git housekeeping its commits skipped one by one.
  int code = executor.run();
  executor.git().run_maintenance();
  return code;
}

}  // namespace simmer::run
