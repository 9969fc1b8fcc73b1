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
//   trailers, and a commit that HEAD already is (made just before a kill) is found, not made again (run/git.hpp);
//   RECORD rewrites prd.json/progress.json to the same content and does not append a timeline entry twice;
//   feedback claims are numbered (run/feedback.hpp).
// - Tamper check: before each agent session the harness-owned files are snapshotted (prd.json and progress.json
//   by content, state.json by the text this process wrote, events.jsonl by size and mtime); after it, a change is
//   journaled as tamper_detected and undone (a journal the agent appended to is cut back to its size; other
//   journal edits are reported, not repaired).
// - state.json is written by rename without fsync: it is a cache the next start rebuilds from the journal.
// - --profile (or SIMMER_PROFILE=1) times journal, state write, validation, git, agent sessions and gates.

#include "run/executor.hpp"

#include "agents/config_map.hpp"
#include "agents/pricing.hpp"
#include "agents/session.hpp"
#include "core/contracts.hpp"
#include "core/machine.hpp"
#include "core/select.hpp"
#include "run/feedback.hpp"
#include "run/git.hpp"
#include "run/inputs.hpp"
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

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include <fcntl.h>
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

// Whether a git failure's message says the disk refused a write (git prints strerror): that is unsafe storage
// (exit 6), which no retry of the story can fix, not a failure of the story's work.
bool storage_failure(const std::string& message) {
  for (int err : {ENOSPC, EROFS, EDQUOT, EIO, EACCES}) {
    if (message.find(util::errno_text(err)) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string handoff_file(const std::string& handoff) { return ".simmer/" + handoff + ".json"; }

class Executor {
public:
  Executor(const store::ProjectPaths& paths, const CookOptions& options, core::Config config, core::Prd prd,
           util::Journal journal, util::ProjectLock& lock, RunInputs inputs, const std::atomic<bool>& cancel,
           const std::atomic<int>& signal_number)
      : m_paths(paths),
        m_options(options),
        m_config(std::move(config)),
        m_prd(std::move(prd)),
        m_journal(std::move(journal)),
        m_lock(lock),
        m_inputs(std::move(inputs)),
        m_cancel(cancel),
        m_signal(signal_number),
        m_git(paths.root),
        m_report(options.output, options.color) {
    m_git.set_hooks(m_config.git.hooks ? Hooks::run : Hooks::skip, m_config.git.hook_timeout_s * 1000);
    const char* env = std::getenv("SIMMER_PROFILE");
    m_profile.enabled = options.profile || (env && *env && std::string(env) != "0");
  }

  Reporter& report() { return m_report; }
  Git& git() { return m_git; }
  void set_foreign_paths(std::vector<std::string> paths) { m_foreign = std::move(paths); }
  // Where HEAD is at the start: every later commit of the run goes there, whatever an agent checks out.
  void set_head(Git::HeadRef head) { m_head = std::move(head); }

  // Folds the whole journal and makes state.json agree with it.
  void load_state() {
    // Every line is checked against its schemas before it is folded (store/journal_events.hpp).
    const std::vector<core::Event> events = store::read_checked_events(m_paths);
    core::State s;
    for (const auto& e : events) {
      if (e.kind == "session") {
        m_session_tokens.add(e.data);
        m_open_launch.reset();
      } else if (e.kind == "session_launched") {
        m_open_launch = e.data;
      } else if (e.kind == "run_started") {
        m_last_run_id = e.run_id;
        m_open_launch.reset();
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
    append("run_started", {{"version", SIMMER_VERSION},
                           {"pid", static_cast<std::int64_t>(::getpid())},
                           {"resumed", resumed},
                           {"phase", core::to_string(m_state.phase == core::Phase::halt && m_state.halt
                                                         ? m_state.halt->resume_phase
                                                         : m_state.phase)},
                           {"storyId", m_state.story_id ? json(*m_state.story_id) : json(nullptr)},
                           {"stories", prd_snapshot(m_prd)},
                           {"limits", core::limits_to_json(limits_from(m_config))},
                           {"inputs", m_inputs.hashes()},
                           {"head", {{"branch", m_head.branch}, {"sha", m_head.sha}}}});
    for (auto& w : m_pending_warnings) {
      append("warning", {{"message", w}});
    }
    m_pending_warnings.clear();
    journal_survivors();

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
    // The journal must still be where readers look for it; an agent (or anything it left running) may have
    // removed or moved it since the last append. Put it back before writing, and say so right after.
    std::optional<json> moved;
    if (!m_journal.at_path()) {
      moved = repair_journal(m_actor);
    }
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
    if (moved) {
      append("tamper_detected", std::move(*moved));
    }
  }

  // Puts the journal (from this process's open handle) and the lock back at their paths, and the folder they live
  // in, after an agent removed, moved or replaced them; state.json is rewritten at the next flush. The returned
  // tamper_detected data stops the story: an agent that erases the record of what it did is not judged further.
  json repair_journal(const std::string& role) {
    m_journal.restore_at_path();
    if (!m_lock.at_path()) {
      if (auto r = m_lock.restore_at_path(); !r.ok()) {
        throw Error(r.failure().code, r.failure().message);
      }
    }
    m_state_dirty = true;
    return {{"file", ".simmer/events.jsonl"},
            {"role", role},
            {"restored", true},
            {"change", "removed"},
            {"stopsStory", true},
            {"detail", "the journal was removed, moved or replaced by a symlink; restored from the harness's copy"}};
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
      // O_EXCL after an unlink: whatever an agent put at the temp's name (a symlink to a file outside the
      // project) is removed, never written through.
      ::unlink(tmp.c_str());
      int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      bool ok = fd >= 0;
      for (std::size_t done = 0; ok && done < m_state_text.size();) {
        ssize_t n = ::write(fd, m_state_text.data() + done, m_state_text.size() - done);
        ok = n > 0 || (n < 0 && errno == EINTR);
        done += n > 0 ? static_cast<std::size_t>(n) : 0;
      }
      int err = errno;
      if (fd >= 0 && ::close(fd) != 0 && ok) {
        ok = false;
        err = errno;
      }
      if (!ok) {
        throw Error(ExitCode::unsafe_storage,
                    fmt::format("cannot write .simmer/state.json ({}): {}", tmp.string(), util::errno_text(err)));
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

  // Harness-owned files as they were before an agent session or a gate.
  struct Snapshot {
    std::optional<std::string> prd;
    std::optional<std::string> progress;
    FileStamp events;
  };

  Snapshot snapshot() {
    FileStamp events = stamp(m_paths.events);
    events.size = m_journal.size();
    return {read_opt(m_paths.prd), read_opt(m_paths.progress), events};
  }

  // After an agent session or a gate (`role`: orchestrator, builder, verifier or gate): every harness-owned
  // file, run input and HEAD is compared with what it was, and each difference is undone and journaled as
  // tamper_detected before anything is committed.
  void check_tamper(const Snapshot& before, const std::string& role) {
    std::vector<json> found;
    // The journal first: the tamper events below are appended to it, which must not look like tampering.
    if (!m_journal.at_path()) {
      found.push_back(repair_journal(role));
    }
    FileStamp now = stamp(m_paths.events);
    now.size = m_journal.size();
    bool journal_changed = now.size != before.events.size || now.mtime_ns != before.events.mtime_ns;
    if (found.empty() && journal_changed) {
      // Lines appended by the agent are cut off through the harness's own handle (the path may be a link).
      bool restored = now.size > before.events.size && before.events.size >= 0 && m_journal.cut_back(before.events.size);
      found.push_back({{"file", ".simmer/events.jsonl"}, {"role", role}, {"restored", restored}});
    }
    if (!m_lock.at_path()) {
      auto r = m_lock.restore_at_path();
      if (!r.ok()) {
        throw Error(r.failure().code, r.failure().message);
      }
      found.push_back({{"file", ".simmer/lock"}, {"role", role}, {"restored", true}});
    }
    auto restore = [&](const fs::path& path, const std::optional<std::string>& old) {
      auto current = read_opt(path);
      if (current == old && !is_symlink(path)) {
        return;
      }
      if (old) {
        std::error_code ec;
        if (is_symlink(path)) {
          fs::remove(path, ec);  // the link itself: its target is none of ours
        }
        util::write_file_atomic(path, *old);
      } else {
        std::error_code ec;
        fs::remove(path, ec);
      }
      found.push_back({{"file", m_paths.display(path)}, {"role", role}, {"restored", true}});
    };
    restore(m_paths.prd, before.prd);
    restore(m_paths.progress, before.progress);
    if (read_opt(m_paths.state) != std::optional<std::string>(m_state_text) || is_symlink(m_paths.state)) {
      std::error_code ec;
      fs::remove(m_paths.state, ec);
      write_state();
      found.push_back({{"file", ".simmer/state.json"}, {"role", role}, {"restored", true}});
    }
    // The run's inputs (simmer.json and its gates, prompt overrides, scenarios): what judges the agent.
    for (const auto& t : m_inputs.check_and_restore(m_paths.dir / "tampered" / m_run_id,
                                                    std::to_string(m_state.seq))) {
      json data = {{"file", t.display}, {"role", role}, {"restored", t.restored}, {"change", t.change}};
      if (!t.saved_as.empty()) {
        data["savedAs"] = t.saved_as;
        data["detail"] = fmt::format("the {} version is kept as {}", t.change == "created" ? "new" : "changed",
                                     t.saved_as);
      }
      found.push_back(std::move(data));
    }
    check_head(role, found);
    for (auto& data : found) {
      append("tamper_detected", std::move(data));
    }
  }

  // HEAD must stay on the run's branch. An agent's own commits on that branch are kept (they are part of its
  // work); a checkout of another branch or commit, a detached HEAD, or a branch moved to a commit that does not
  // contain the run's last one is undone without touching the work tree, so the next commit lands where the
  // run started and carries whatever the agent left in the files.
  void check_head(const std::string& role, std::vector<json>& found) {
    Git::HeadRef now = m_git.head();
    if (now == m_head) {
      return;
    }
    if (now.branch == m_head.branch && !now.sha.empty() && (m_head.sha.empty() || m_git.is_ancestor(m_head.sha, now.sha))) {
      m_head.sha = now.sha;
      return;
    }
    auto where = [](const Git::HeadRef& h) {
      std::string branch = h.branch.rfind("refs/heads/", 0) == 0 ? h.branch.substr(11) : h.branch;
      std::string sha = h.sha.substr(0, 12);
      return branch.empty() ? fmt::format("a detached HEAD at {}", sha.empty() ? "nothing" : sha)
                            : fmt::format("{} at {}", branch, sha.empty() ? "no commit" : sha);
    };
    auto r = m_git.restore_head(m_head);
    found.push_back({{"file", "HEAD"},
                     {"role", role},
                     {"restored", r.ok()},
                     {"change", "moved"},
                     {"detail", fmt::format("HEAD was on {}, the run is on {}{}", where(now), where(m_head),
                                            r.ok() ? "; the work tree is kept as the agent left it"
                                                   : ": " + r.failure().message)}});
  }

  static bool is_symlink(const fs::path& p) {
    std::error_code ec;
    return fs::symlink_status(p, ec).type() == fs::file_type::symlink;
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
    RenderedPrompt p = render_prompt(m_inputs.prompt_override(name), m_state.limits.workflow, name, v);
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
    // The one mapping of simmer.json to an agent (agents/config_map.hpp): doctor --probe and to-prd use it too.
    agents::LaunchRequest req = agents::launch_request(m_config, rc, role_enum(effect.role), m_paths.root);
    req.prompt = prompt;
    req.resume_session = effect.resume_session;
    if (req.resume_session) {
      // A CLI that reports the thread's running totals (Codex) records only what this session added to them.
      req.resume_baseline = m_session_tokens.of(*req.resume_session);
      // A CLI whose cost covers the whole conversation (Claude Code 2.1.300+) records only this session's share.
      req.resume_cost_baseline = m_session_tokens.cost_of(*req.resume_session);
    }
    // The transcripts' folder is the harness's: a symlink an agent put in its place is removed, not followed.
    for (const fs::path& dir : {m_paths.sessions, m_paths.sessions / m_run_id}) {
      if (is_symlink(dir)) {
        std::error_code link_ec;
        fs::remove(dir, link_ec);
      }
    }
    req.transcript = m_paths.sessions / m_run_id /
                     fmt::format("{}-{}-{}.jsonl", m_state.seq, effect.role, m_state.attempt);
    // A fresh name each session: whatever is already there was planted (a symlink to a file the agent wants
    // overwritten), and is removed, never written through.
    std::error_code planted_ec;
    if (fs::symlink_status(req.transcript, planted_ec).type() != fs::file_type::not_found) {
      fs::remove_all(req.transcript, planted_ec);
      append("tamper_detected", {{"file", m_paths.display(req.transcript)},
                                 {"role", m_actor},
                                 {"restored", !planted_ec},
                                 {"change", "created"}});
    }
    req.env = {{"SIMMER_ROLE", effect.role},
               {"SIMMER_STORY_ID", story_id},
               {"SIMMER_ATTEMPT", std::to_string(m_state.attempt)},
               {"SIMMER_HANDOFF", fs::absolute(handoff).string()},
               {"SIMMER_RUN_ID", m_run_id},
               {"SIMMER_PROJECT", fs::absolute(m_paths.root).string()},
               {"SIMMER_REPAIR", std::to_string(effect.repair_errors.empty() ? 0 : m_state.repairs)},
               {"SIMMER_RETRY", std::to_string(m_state.transient_retries)}};
    auto adapter = agents::make_adapter(agents::agent_name(rc.agent),
                                        agents::agent_options(m_config, rc, m_paths.root, m_options.simmer_exe));
    // The agent may read state.json, and check_tamper compares it with m_state_text afterwards.
    flush_state();
    Snapshot before = snapshot();
    m_actor = effect.role;
    // Who the agent is goes into the journal before it does anything we read: if simmer is killed during the
    // session, the next start finds the group by it and stops it (stop_survivors()).
    req.on_spawn = [&](const util::SpawnedProcess& p) {
      append("session_launched", {{"role", effect.role},
                                  {"storyId", m_state.story_id ? json(*m_state.story_id) : json(nullptr)},
                                  {"attempt", m_state.attempt},
                                  {"agent", std::string(adapter->name())},
                                  {"pid", p.pid},
                                  {"pgid", p.pgid},
                                  {"startTime", p.start_time},
                                  {"bootId", p.boot_id},
                                  {"transcript", m_paths.display(req.transcript)}});
      // state.json is current whenever the loop waits; and that append is ours, not the agent's: check_tamper
      // compares the journal with what it is now.
      flush_state();
      before.events = stamp(m_paths.events);
    };
    m_report.begin_activity(fmt::format("{} {} ({})", story_id.empty() ? "-" : story_id,
                                        core::to_string(m_state.phase), effect.role));
    agents::SessionRecord rec;
    {
      auto t = m_profile.time("agent");
      rec = agents::run_session(*adapter, req, {}, m_cancel);
    }
    m_report.end_activity();
    check_tamper(before, effect.role);
    json data = session_data(effect.role, m_state.story_id ? json(*m_state.story_id) : json(nullptr),
                             m_state.attempt, rec);
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

  // The `session` event's data for one session's record.
  json session_data(const std::string& role, json story, std::int64_t attempt, const agents::SessionRecord& rec) {
    json tokens = {{"input", rec.tokens.input}, {"output", rec.tokens.output}, {"cacheRead", rec.tokens.cache_read},
                   {"cacheWrite", rec.tokens.cache_write}};
    json data = {{"role", role},
                 {"storyId", std::move(story)},
                 {"attempt", attempt},
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
    return data;
  }

public:
  // A killed run's agents live on (its subreaper died with it, so they were re-parented to init): stops them
  // before this run does anything, by the process group the killed run journaled for its last session
  // (checked against pid reuse, util::surviving_group()) and by the SIMMER_RUN_ID every agent of that run
  // inherited, which also finds what left the group. Called with the project lock held, so the killed run is
  // really gone. What it stopped is journaled once the run has started (journal_survivors()).
  void stop_survivors() {
    if (!m_state.running || m_last_run_id.empty()) {
      m_open_launch.reset();
      return;  // the last run ended normally: its sessions and their leftovers were stopped by it
    }
    std::vector<int> pids;
    if (m_open_launch) {
      const json& d = *m_open_launch;
      util::SpawnedProcess journaled;
      journaled.pid = d.value("pid", 0);
      journaled.pgid = d.value("pgid", 0);
      journaled.start_time = d.value("startTime", std::uint64_t{0});
      journaled.boot_id = d.value("bootId", std::string());
      pids = util::surviving_group(journaled);
    }
    for (int pid : util::processes_with_env("SIMMER_RUN_ID", m_last_run_id)) {
      if (std::find(pids.begin(), pids.end(), pid) == pids.end()) {
        pids.push_back(pid);
      }
    }
    if (pids.empty()) {
      return;
    }
    std::sort(pids.begin(), pids.end());
    bool forced = util::stop_processes(pids);
    std::string list;
    for (int pid : pids) {
      list += (list.empty() ? "" : ", ") + std::to_string(pid);
    }
    m_survivors = json{{"runId", m_last_run_id}, {"pids", pids}, {"forced", forced}};
    add_warning(fmt::format("stopped {} process{} left running by the killed run {} (pid{} {}){}", pids.size(),
                            pids.size() == 1 ? "" : "es", m_last_run_id, pids.size() == 1 ? "" : "s", list,
                            forced ? "; SIGKILL was needed" : ""));
  }

private:
  // After run_started: what stop_survivors() stopped, and the session the killed run never recorded, read from its
  // transcript. A session whose stream carries its final result had finished (simmer was killed between its end
  // and the journal): it is recorded as it ended, and the loop goes on from there instead of paying for it twice.
  // Otherwise it is recorded as interrupted, with the spend its transcript shows (the CLI's per-message usage),
  // and launched again.
  void journal_survivors() {
    if (!m_survivors.is_null()) {
      append("agents_stopped", m_survivors);
      m_survivors = json();
    }
    if (!m_open_launch) {
      return;
    }
    const json d = *m_open_launch;
    m_open_launch.reset();
    const std::string role = d.value("role", std::string("builder"));
    agents::SessionRecord rec;
    rec.agent = d.value("agent", std::string());
    rec.transcript = m_paths.root / d.value("transcript", std::string());
    bool finished = false;
    try {
      const core::RoleConfig& rc = role_config(m_config, role);
      auto adapter = agents::make_adapter(rec.agent, agents::agent_options(m_config, rc, m_paths.root,
                                                                           m_options.simmer_exe));
      rec.model = rc.model.value_or("");
      auto parser = adapter->make_parser();
      std::ifstream in(rec.transcript, std::ios::binary);
      std::string line;
      std::vector<agents::StreamEvent> events;
      while (std::getline(in, line)) {
        parser->feed_line(line, events);
        events.clear();
      }
      parser->finish(rec);
      finished = parser->saw_result();
      if (!rec.cost_reported) {
        if (auto price = agents::find_price(agents::prices_from(m_config), rec.model)) {
          rec.cost_usd = agents::cost_usd(*price, rec.tokens);
        }
      }
    } catch (const Error&) {
      // The config no longer names a usable agent for this role: the session is recorded without its spend.
    }
    if (!finished) {
      rec.outcome = agents::Outcome::interrupted;
      rec.error = "simmer was killed during this session; its spend is what its transcript shows";
    }
    json data = session_data(role, d.contains("storyId") ? d["storyId"] : json(nullptr),
                             d.value("attempt", std::int64_t{0}), rec);
    data["recovered"] = true;
    append("session", data);
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
      std::error_code ec;
      if (fs::symlink_status(path, ec).type() == fs::file_type::not_found) {
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
    // A gate runs code the agent wrote (its tests): it gets the same tamper check as an agent session.
    Snapshot before = snapshot();
    m_actor = "gate";
    m_report.begin_activity(fmt::format("{} gate {}", m_state.story_id.value_or("-"), gate->name));
    util::ProcessResult r;
    {
      auto t = m_profile.time("gates");
      r = util::run_shell(gate->run, m_paths.root, gate->timeout_s * 1000, &m_cancel);
    }
    m_report.end_activity();
    check_tamper(before, "gate");
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

  // Commits `paths` for `plan` (every change outside .simmer/ and the foreign paths when `paths` is nullopt).
  // Git finds a commit a crashed predecessor already made (HEAD carries the plan's trailers) and returns it.
  CommitOutcome commit_paths(const core::CommitPlan& plan, const std::optional<std::vector<std::string>>& paths) {
    auto t = m_profile.time("git");
    auto r = paths ? m_git.commit(*paths, plan.subject, plan.run_id, plan.key_seq)
                   : m_git.commit_work_tree(m_foreign, plan.subject, plan.run_id, plan.key_seq);
    if (!r.ok()) {
      throw Error(storage_failure(r.failure().message) ? ExitCode::unsafe_storage : r.failure().code,
                  r.failure().message);
    }
    if (r->sha) {
      m_head.sha = *r->sha;
    }
    return *r;
  }

  // A hook's refusal in the journal's gate form (docs/events.md, "hook": true).
  json hook_gate_data(const HookFailure& f) const {
    std::string tail = f.output_tail.size() > k_gate_tail ? f.output_tail.substr(f.output_tail.size() - k_gate_tail)
                                                          : f.output_tail;
    return {{"name", f.hook + " hook"},
            {"hook", true},
            {"storyId", m_state.story_id ? json(*m_state.story_id) : json(nullptr)},
            {"attempt", m_state.attempt},
            {"exitCode", f.exit_code},
            {"passed", false},
            {"timedOut", f.timed_out},
            {"durationMs", f.duration_ms},
            {"outputTail", util::truncate_utf8(tail, k_gate_tail)}};
  }

  void commit_attempt(const core::Effect& effect) {
    const core::CommitPlan& plan = *effect.commit;
    flush_state();
    auto outcome = commit_paths(plan, std::nullopt);
    if (outcome.hook_failure) {
      // Nothing was committed: the attempt fails like a gate and FIX gets the hook's output.
      append("gate", hook_gate_data(*outcome.hook_failure));
      return;
    }
    const auto& sha = outcome.sha;
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
      auto outcome = commit_paths(plan, files);
      sha = outcome.sha;
      if (outcome.hook_failure) {
        // The story's outcome is settled and no agent is left to fix the harness's own files: the refusal is
        // said, prd.json and progress.json stay uncommitted (the next record commit takes them along).
        const auto& f = *outcome.hook_failure;
        append("warning", {{"message", fmt::format("the {} hook refused the record commit of {} ({}): {}", f.hook,
                                                   id, f.timed_out ? "timed out" : fmt::format("exit {}", f.exit_code),
                                                   util::preview(f.output_tail, 400))}});
      }
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
  util::ProjectLock& m_lock;
  RunInputs m_inputs;  // simmer.json, prompt overrides and scenarios as the run started (run/inputs.hpp)
  Git::HeadRef m_head;  // where the run commits: the branch at the start, and its tip as of the last commit
  std::string m_actor = "harness";  // who ran last (a role, or "gate"), for tamper found between checks
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
  bool m_interrupted = false;
  std::vector<std::string> m_foreign;  // dirty at start (--allow-dirty): kept out of every commit
  std::set<std::string> m_prompt_warned;
  std::string m_last_run_id;           // the journal's last run at start
  std::optional<json> m_open_launch;   // its last session_launched without a session: the killed session
  json m_survivors;                    // what stop_survivors() stopped, journaled after run_started
  std::vector<std::string> m_pending_warnings;
};

}  // namespace

Result<int> cook(const store::ProjectPaths& paths, const CookOptions& options, const std::atomic<bool>& cancel,
                 const std::atomic<int>& signal_number) {
  // What an agent or a gate starts and abandons (setsid, double fork) is re-parented to us rather than to init,
  // so that every session's end and this run's end can stop it (util::stop_orphans(), also run by each
  // run_process()). Whatever way cook returns, nothing it started is left running.
  util::become_subreaper();
  struct StopOrphansAtExit {
    ~StopOrphansAtExit() { util::stop_orphans(); }
  } stop_orphans_at_exit;
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
  // The branch the run commits to; a detached HEAD would leave every commit on no branch, so it is asked for.
  Git::HeadRef head = git.head();
  if (head.branch.empty() && !options.allow_detached) {
    return Failure{fmt::format("HEAD is detached ({}) at {}: simmer commits every attempt on the checked-out "
                               "branch; check out a branch (`git switch -c NAME`), or run `simmer cook "
                               "--allow-detached`",
                               paths.root.string(), head.sha.empty() ? "no commit" : head.sha.substr(0, 12)),
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
  // The run's inputs are read once, here: what judges the agents cannot be changed by them (run/inputs.hpp).
  const core::Config& cfg = std::get<core::Config>(config);
  std::vector<std::string> scenarios;
  for (const core::RoleConfig* rc : {&cfg.orchestrator, &cfg.builder, &cfg.verifier}) {
    if (rc->scenario) {
      scenarios.push_back(*rc->scenario);
    }
  }
  RunInputs inputs = RunInputs::pin(paths.root, paths.config, paths.prompts, scenarios);
  Executor executor(paths, options, std::get<core::Config>(std::move(config)), std::get<core::Prd>(std::move(prd)),
                    std::move(journal), *lock, std::move(inputs), cancel, signal_number);
  executor.set_head(head);
  for (auto& w : warnings) {
    executor.add_warning(w);
  }
  if (!lock->takeover_note().empty()) {
    executor.add_warning(lock->takeover_note());
  }
  executor.load_state();
  // Before anything else can touch the project: a killed run's agents are stopped, with the lock held.
  executor.stop_survivors();
  executor.set_foreign_paths(foreign);
  auto cleared = executor.git().clear_stale_index_lock();
  if (!cleared.ok()) {
    return cleared.failure();
  }
  if (*cleared) {
    executor.add_warning("removed a stale .git/index.lock left by an interrupted git command");
  }
  executor.git().ensure_identity();
  // 6. The loop, then the git housekeeping its commits skipped one by one.
  int code = executor.run();
  executor.git().run_maintenance();
  return code;
}

}  // namespace simmer::run
