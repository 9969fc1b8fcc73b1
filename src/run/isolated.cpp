// Implementation notes: opening an isolated run reads the journal without the lock (a cook that holds it fails at
// its own lock right after, having changed nothing but an idempotent worktree add); landing takes the lock first and
// reads the journal under it. The landing's git steps come first, then the run's worktree goes (clean only), then the
// journal says `landed`, then the branch is deleted: killed between two of them, `simmer land` again finds the work
// landed already (run::land_branch) and finishes the rest.

#include "run/isolated.hpp"

#include "run/lane_git.hpp"
#include "run/loop.hpp"
#include "run/state_cache.hpp"
#include "store/journal_events.hpp"
#include "util/fs.hpp"
#include "util/journal.hpp"
#include "util/lock.hpp"
#include "util/time.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace simmer::run {

namespace fs = std::filesystem;
using core::events::Head;
using nlohmann::json;

namespace {

constexpr std::string_view k_heads = "refs/heads/";

Failure bad(std::string message) { return Failure{std::move(message), ExitCode::invalid_input}; }

// The run's worktree: <git common dir>/simmer/runs/<name>.
Result<fs::path> run_worktree_path(const fs::path& root, const std::string& name) {
  auto dir = simmer_git_dir(root);
  if (!dir.ok()) {
    return dir.failure();
  }
  return *dir / "runs" / name;
}

}  // namespace

std::string short_branch_name(const std::string& ref) {
  return ref.rfind(k_heads, 0) == 0 ? ref.substr(k_heads.size()) : ref;
}

std::map<std::string, Head> unlanded_runs(const std::vector<core::Event>& events) {
  std::map<std::string, Head> runs;
  for (const core::Event& e : events) {
    // The lines were checked against their schemas (store/journal_events.hpp): the members read here are typed.
    if (e.kind == "run_started" && e.data.contains("startedFrom") && e.data.contains("head")) {
      const json& from = e.data["startedFrom"];
      runs[e.data["head"].value("branch", "")] = Head{.branch = from.value("branch", ""), .sha = from.value("sha", "")};
    } else if (e.kind == "landed") {
      runs.erase(e.data.value("branch", ""));
    }
  }
  return runs;
}

std::optional<Failure> in_flight_elsewhere(const JournalFold& fold, const std::string& branch) {
  if ((!fold.state.story_id && fold.state.lanes.empty()) || !fold.last_head || fold.last_head->branch == branch) {
    return std::nullopt;
  }
  const std::string what = fold.state.story_id ? "story " + *fold.state.story_id : std::string("its lanes");
  const std::string last = short_branch_name(fold.last_head->branch);
  if (fold.last_started_from) {
    return bad(
        fmt::format("the isolated run on {} stopped in the middle of {}: resume it first with `simmer cook "
                    "--branch {}`",
                    last, what, last));
  }
  return bad(
      fmt::format("the last run stopped in the middle of {} on {}, and this cook would work on {}: resume it "
                  "there first (`git switch {}`, then `simmer cook`)",
                  what, last.empty() ? "a detached HEAD" : last,
                  branch.empty() ? "a detached HEAD" : short_branch_name(branch), last));
}

Result<IsolatedRun> open_isolated_run(const store::ProjectPaths& project, const std::string& name) {
  const fs::path& root = project.root;
  if (!git_stdout(root, {"rev-parse", "--is-inside-work-tree"})) {
    return bad(
        fmt::format("not a git work tree ({}): an isolated run (--branch) works on a git branch; run `git "
                    "init` first",
                    root.string()));
  }
  if (name.empty() || name.rfind("-", 0) == 0 || !git_stdout(root, {"check-ref-format", "--branch", name})) {
    return bad(fmt::format("--branch \"{}\" is not a branch name git accepts (git check-ref-format --branch)", name));
  }
  if (name == "simmer" || name.rfind("simmer/", 0) == 0) {
    return bad(fmt::format("--branch {}: names under simmer/ are the lanes' branches; choose another name", name));
  }
  const std::string ref = std::string(k_heads) + name;
  const std::optional<std::string> on = git_stdout(root, {"symbolic-ref", "-q", "HEAD"});
  const std::string head = rev_parse(root, "HEAD");
  if (!on || on->empty() || head.empty()) {
    return bad(
        fmt::format("{} ({}): an isolated run is landed on the branch it starts from; check out a branch "
                    "with a commit first",
                    head.empty() ? "nothing is committed yet" : "HEAD is detached", root.string()));
  }
  if (*on == ref) {
    return bad(
        fmt::format("--branch {} is the branch checked out here: an isolated run works on a branch of its "
                    "own and leaves this one as it is; choose another name, or run `simmer cook` without "
                    "--branch",
                    name));
  }
  IsolatedRun run;
  const std::vector<core::Event> events = store::read_checked_events(project);
  {
    StateCache cache(project.state);
    if (auto elsewhere = in_flight_elsewhere(fold_journal(events, cache), ref)) {
      return *elsewhere;
    }
  }
  const std::map<std::string, Head> runs = unlanded_runs(events);
  const std::string tip = rev_parse(root, ref);
  if (auto found = runs.find(ref); found != runs.end()) {
    if (tip.empty()) {
      return bad(
          fmt::format("the isolated run on {} (started from {}) has no branch any more: it was deleted by "
                      "hand, and with it the run's commits. Start a new run with another --branch name",
                      name, short_branch_name(found->second.branch)));
    }
    run.started_from = found->second;
    run.resumed = true;
  } else {
    if (!tip.empty() && tip != head) {
      const std::string own = git_stdout(root, {"rev-list", "--count", head + ".." + ref}).value_or("?");
      return bad(
          fmt::format("--branch {}: a branch {} exists already, at {}, with {} commit{} that {} does not "
                      "have, and no isolated run of this project is on it: simmer will not build on someone "
                      "else's work. Choose another name (or delete the branch: `git branch -D {}`)",
                      name, name, tip.substr(0, 12), own, own == "1" ? "" : "s", short_branch_name(*on), name));
    }
    const std::string prd = project.display(project.prd);
    if (!git_stdout(root, {"cat-file", "-e", "HEAD:./" + prd})) {
      return bad(
          fmt::format("{} is not in the last commit of {}: an isolated run reads the PRD from there; commit "
                      "it first (git add -f {} && git commit)",
                      prd, short_branch_name(*on), prd));
    }
    if (!git_stdout(root, {"status", "--porcelain", "--", prd}).value_or("x").empty()) {
      return bad(
          fmt::format("{} has changes that are not committed: an isolated run starts from the last commit of "
                      "{}; commit the PRD first (git add {} && git commit)",
                      prd, short_branch_name(*on), prd));
    }
    run.started_from = Head{.branch = *on, .sha = head};
  }
  auto worktree = run_worktree_path(root, name);
  if (!worktree.ok()) {
    return worktree.failure();
  }
  auto opened = open_worktree(root, *worktree, name, tip.empty() ? head : tip, "isolated run");
  if (!opened.ok()) {
    return opened.failure();
  }
  // A project in a folder of its repository is that folder of the worktree.
  const std::string prefix = git_stdout(root, {"rev-parse", "--show-prefix"}).value_or("");
  run.paths = store::ProjectPaths::isolated(project.root, prefix.empty() ? *worktree : *worktree / prefix);
  return run;
}

Result<LandResult> land(const store::ProjectPaths& project, const LandOptions& options, std::int64_t now_ms) {
  if (!util::exists(project.events)) {
    return bad(fmt::format("no run to land: {} has no journal; `simmer cook --branch NAME` starts an isolated run",
                           project.root.string()));
  }
  auto lock = util::ProjectLock::acquire(project.lock, "land", ".simmer/lock");
  if (!lock.ok()) {
    return lock.failure();
  }
  std::vector<core::Event> events = store::read_checked_events(project);
  const std::map<std::string, Head> runs = unlanded_runs(events);
  std::string names;
  for (const auto& [ref, from] : runs) {
    names += (names.empty() ? "" : ", ") + short_branch_name(ref);
  }
  auto chosen = runs.end();
  if (!options.branch.empty()) {
    chosen = runs.find(std::string(k_heads) + options.branch);
    if (chosen == runs.end()) {
      return bad(fmt::format("no isolated run on {} to land ({})", options.branch,
                             runs.empty() ? "there is none: `simmer cook --branch NAME` starts one"
                                          : "the runs to land are on " + names));
    }
  } else if (runs.size() == 1) {
    chosen = runs.begin();
  } else {
    return bad(runs.empty() ? std::string("no isolated run to land: `simmer cook --branch NAME` starts one")
                            : fmt::format("several isolated runs to land ({}): name one with `simmer land --branch "
                                          "NAME`",
                                          names));
  }
  const std::string branch = short_branch_name(chosen->first);
  const std::string onto = short_branch_name(chosen->second.branch);
  StateCache cache(project.state);
  JournalFold fold = fold_journal(events, cache);
  if (fold.last_head && fold.last_head->branch == chosen->first && (fold.state.story_id || !fold.state.lanes.empty())) {
    return Failure{fmt::format("the isolated run on {} stopped in the middle of {}: finish it first (`simmer cook "
                               "--branch {}`), then land",
                               branch, fold.state.story_id ? "story " + *fold.state.story_id : std::string("its lanes"),
                               branch),
                   ExitCode::failure};
  }
  auto landing = land_branch(project.root, branch, onto, options.mode);
  if (!landing.ok()) {
    return landing.failure();
  }
  LandResult out;
  out.landed = core::events::Landed{.branch = chosen->first,
                                    .head = landing->head,
                                    .onto = chosen->second.branch,
                                    .mode = options.mode,
                                    .before = landing->before,
                                    .after = landing->after,
                                    // A squash leaves the run's commits off `onto`: its branch is what keeps them.
                                    .branch_kept = options.mode == core::LandMode::squash &&
                                                   landing->after != landing->before};
  auto worktree = run_worktree_path(project.root, branch);
  if (worktree.ok()) {
    auto closed = close_lane(project.root, *worktree, branch, false);
    if (closed.ok() && !*closed) {
      out.notes.push_back(
          fmt::format("the run's worktree {} has changes or untracked files, so it is kept: look, "
                      "then `git worktree remove {}`",
                      worktree->string(), worktree->string()));
    }
  }
  // The journal says it before the branch goes: a landing killed here is finished by the next `simmer land`.
  std::vector<std::string> warnings;
  util::Journal journal = util::Journal::open(project.events, warnings, ".simmer/events.jsonl");
  core::Event stored;
  stored.ts = util::iso8601_utc_ms(now_ms);
  stored.run_id = make_run_id(now_ms);
  stored.kind = std::string(core::events::Landed::k_kind);
  stored.data = core::to_data(core::EventData{out.landed});
  json line = {{"ts", stored.ts}, {"runId", stored.run_id}, {"kind", stored.kind}, {"data", stored.data}};
  stored.seq = journal.append(line);
  cache.adopt(std::move(fold.state));
  cache.apply(core::parse_next(cache.state(), stored));
  cache.flush();
  if (!out.landed.branch_kept) {
    close_lane(project.root, fs::path(), branch, true);
    if (!rev_parse(project.root, std::string(k_heads) + branch).empty()) {
      out.notes.push_back(
          fmt::format("the branch {} is kept: git did not see it merged into the branch checked out "
                      "in {} (`git branch -d {}` once it is)",
                      branch, project.root.string(), branch));
    }
  } else {
    out.notes.push_back(
        fmt::format("the branch {} is kept with the run's commits, which the squash left off {}: "
                    "`git branch -D {}` when you no longer need them",
                    branch, onto, branch));
  }
  return out;
}

}  // namespace simmer::run
