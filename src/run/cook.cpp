// Implementation notes: `simmer cook`'s start, in the order that keeps bad input from changing anything: the
// project's files are checked (config, PRD, git work tree, HEAD, a dirty tree between stories) before the lock is
// taken and the journal opened; the journal is read and folded once (run/loop.hpp), again only when another
// process changed it while this one waited for the lock. Then the run's inputs are pinned and the loop runs with
// the real world: the system clock, processes, git and agent CLIs (run/world.hpp).

#include "run/cook.hpp"

#include "run/commit_phase.hpp"
#include "run/git.hpp"
#include "run/inputs.hpp"
#include "run/isolated.hpp"
#include "run/loop.hpp"
#include "run/report.hpp"
#include "store/documents.hpp"
#include "store/journal_events.hpp"
#include "util/fs.hpp"
#include "util/journal.hpp"
#include "util/lock.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <sys/stat.h>

namespace simmer::run {

namespace {

// What changes whenever the journal is appended to or cut: its size and mtime.
std::pair<std::int64_t, std::int64_t> journal_stamp(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    return {-1, 0};
  }
  return {static_cast<std::int64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

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
  SystemSleepingClock clock;
  SystemProcesses processes;
  Git git(paths.root);
  CliAgents agents;
  Reporter report(options.output, options.color, stdout, stderr, options.agent_events);
  return cook(paths, options, World{clock, processes, git, agents}, report, cancel, signal_number);
}

Result<int> cook(const store::ProjectPaths& paths, const CookOptions& options, World world, Reporter& report,
                 const std::atomic<bool>& cancel, const std::atomic<int>& signal_number) {
  Repository& git = world.repository;
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
  if (!git.is_work_tree()) {
    return Failure{fmt::format("not a git work tree ({}): simmer commits every attempt; run `git init` first",
                               paths.root.string()),
                   ExitCode::invalid_input};
  }
  // The branch the run commits to; a detached HEAD would leave every commit on no branch, so it is asked for.
  HeadRef head = git.head();
  if (head.branch.empty() && !options.allow_detached && options.steer_only.empty()) {
    return Failure{fmt::format("HEAD is detached ({}) at {}: simmer commits every attempt on the checked-out "
                               "branch; check out a branch (`git switch -c NAME`), or run `simmer cook "
                               "--allow-detached`",
                               paths.root.string(), head.sha.empty() ? "no commit" : head.sha.substr(0, 12)),
                   ExitCode::invalid_input};
  }
  // 3. A dirty tree between stories is someone else's work: refused before anything is written, or with
  //    --allow-dirty kept out of simmer's commits (and journaled in run_started). In the middle of a story
  //    (read-only fold of the journal) the changes are the interrupted agent's own on top of what the killed run
  //    kept out, and the run resumes with them, keeping out the same paths.
  // The journal, read and checked against its schemas once (store/journal_events.hpp): a damaged one is exit 4
  // before anything is written.
  auto stamp_read = journal_stamp(paths.events);
  std::vector<core::Event> events = store::read_checked_events(paths);
  auto cache = std::make_unique<StateCache>(paths.state);
  JournalFold fold = fold_journal(events, *cache);
  // A story in flight resumes only where its work is: on the branch its run committed to.
  if (options.steer_only.empty()) {
    if (auto elsewhere = in_flight_elsewhere(fold, head.branch)) {
      return *elsewhere;
    }
  }
  std::vector<std::string> foreign;
  if (!fold.state.story_id) {
    foreign = git.dirty_paths();
    // What earlier gates wrote and is still theirs (a build folder) is nobody's work: it stays out of commits as
    // a gate output, not as a foreign path.
    const std::vector<std::string> kept = kept_gate_outputs(fold.gate_outputs, git);
    std::erase_if(foreign, [&](const std::string& path) {
      return std::any_of(kept.begin(), kept.end(), [&](const std::string& k) { return core::covers(k, path); });
    });
    if (!foreign.empty() && !options.allow_dirty && options.steer_only.empty()) {
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
  // 5. Leftovers of a crashed writer, then the journal (a torn last line is cut off). A journal that changed
  //    since it was folded (a run that finished while this one waited for the lock, a torn tail cut) is folded
  //    again.
  util::sweep_stale_temps(paths.dir);
  std::vector<std::string> warnings;
  util::Journal journal = util::Journal::open(paths.events, warnings, ".simmer/events.jsonl");
  if (journal_stamp(paths.events) != stamp_read) {
    events = store::read_checked_events(paths);
    cache = std::make_unique<StateCache>(paths.state);
    fold = fold_journal(events, *cache);
  }
  events.clear();
  // The run's inputs are read once, here: what judges the agents cannot be changed by them (run/inputs.hpp).
  const core::Config& cfg = std::get<core::Config>(config);
  std::vector<std::string> scenarios;
  for (const core::RoleConfig* rc : {&cfg.orchestrator, &cfg.builder, &cfg.verifier}) {
    if (rc->scenario) {
      scenarios.push_back(*rc->scenario);
    }
  }
  RunInputs inputs = RunInputs::pin(paths.root, paths.config, paths.prompts, scenarios);
  git.set_hooks(cfg.git.hooks ? Hooks::run : Hooks::skip, cfg.git.hook_timeout_s * 1000);
  RunContext cx(paths, options, std::get<core::Config>(std::move(config)), std::get<core::Prd>(std::move(prd)),
                std::move(journal), *lock, std::move(*cache), std::move(inputs), world, report, cancel, signal_number);
  cx.head = head;
  cx.foreign = fold.state.story_id ? fold.foreign : std::move(foreign);
  Loop loop(cx);
  for (auto& w : warnings) {
    loop.add_warning(w);
  }
  if (!lock->takeover_note().empty()) {
    loop.add_warning(lock->takeover_note());
  }
  loop.load(std::move(fold));
  if (!options.steer_only.empty()) {
    return loop.steer_only();  // no run: one request, applied with the lock held
  }
  // Before anything else can touch the project: a killed run's agents are stopped, with the lock held.
  loop.stop_survivors();
  auto cleared = git.clear_stale_index_lock();
  if (!cleared.ok()) {
    return cleared.failure();
  }
  if (*cleared) {
    loop.add_warning("removed a stale .git/index.lock left by an interrupted git command");
  }
  git.ensure_identity();
  // 6. The loop, then the git housekeeping its commits skipped one by one.
  int code = loop.run();
  git.run_maintenance();
  return code;
}

}  // namespace simmer::run
