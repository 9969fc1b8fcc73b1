// Implementation notes: every step asks git for the facts it acts on (the worktree list, the rebase in progress,
// HEAD) rather than trusting what the caller remembers, which is what makes each one safe to repeat after a kill.
// git runs without a terminal, an editor or a pager, with a fallback identity when the repository has none (a
// rebase writes commits), and without the repository's hooks for the rebase itself (`--no-verify`): the gates on
// the merged tree are what judges the result.

#include "run/lane_git.hpp"

#include "util/process.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>

namespace simmer::run {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_max_hunks = 64 * 1024;

struct GitOut {
  util::ProcessResult result;
  std::string out;
  bool ok() const { return result.succeeded(); }
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!line.empty()) {
      lines.push_back(std::move(line));
    }
    pos = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

// Whether the repository at `dir` has a committer identity (`git config user.email`), asked once per folder for the
// life of the process: the merge queue writes commits in every lane, and the answer does not change under a run.
bool has_identity(const fs::path& dir) {
  static std::mutex mutex;
  static std::map<fs::path, bool> known;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = known.find(dir); it != known.end()) {
      return it->second;
    }
  }
  util::ProcessSpec probe;
  probe.argv = {"git", "config", "user.email"};
  probe.cwd = dir;
  std::string found;
  auto r = util::run_process(probe, [&](util::StreamId s, std::string_view line, bool) {
    if (s == util::StreamId::out) {
      found.append(line);
    }
  });
  const bool has = r.succeeded() && !trim(found).empty();
  std::lock_guard<std::mutex> lock(mutex);
  known[dir] = has;
  return has;
}

// `writes_commits`: a rebase or merge, which needs an identity; a repository without one still gets its commits
// (run::Git::ensure_identity does the same for the harness's own).
GitOut git(const fs::path& dir, std::vector<std::string> args, bool writes_commits = false) {
  util::ProcessSpec spec;
  spec.argv = {"git"};
  const char* email = std::getenv("GIT_COMMITTER_EMAIL");
  if (writes_commits && (!email || !*email) && !has_identity(dir)) {
    spec.argv.insert(spec.argv.end(), {"-c", "user.name=simmer", "-c", "user.email=simmer@localhost"});
  }
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = dir;
  spec.tail_bytes = 1 << 20;
  spec.drain_after_exit_ms = 100;
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"},
              {"GIT_EDITOR", "true"},
              {"GIT_SEQUENCE_EDITOR", "true"},
              {"GIT_PAGER", "cat"}};
  GitOut out;
  out.result = util::run_process(spec, [&](util::StreamId s, std::string_view line, bool) {
    if (s == util::StreamId::out) {
      out.out.append(line);
      out.out.push_back('\n');
    }
  });
  return out;
}

Failure failed(const std::string& what, const fs::path& dir, const GitOut& g) {
  std::string why = g.result.spawned ? trim(g.result.output_tail) : g.result.spawn_error;
  return Failure{fmt::format("{} failed ({}): {}", what, dir.string(), why), ExitCode::failure};
}

// The worktrees of the repository: path -> branch ("refs/heads/..." or "" when detached).
std::vector<std::pair<fs::path, std::string>> worktrees(const fs::path& root) {
  std::vector<std::pair<fs::path, std::string>> list;
  GitOut g = git(root, {"worktree", "list", "--porcelain"});
  for (const std::string& line : lines_of(g.out)) {
    if (line.rfind("worktree ", 0) == 0) {
      list.emplace_back(fs::path(line.substr(9)), "");
    } else if (line.rfind("branch ", 0) == 0 && !list.empty()) {
      list.back().second = line.substr(7);
    }
  }
  return list;
}

bool same_path(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::equivalent(a, b, ec)) {
    return true;
  }
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

// The git dir of `worktree`: the folder its `.git` file points at (a linked worktree's `gitdir: <path>`), read without
// a process; git's own answer when `.git` is anything else.
fs::path git_dir_of(const fs::path& worktree) {
  std::ifstream file(worktree / ".git");
  std::string line;
  if (file && std::getline(file, line) && line.rfind("gitdir: ", 0) == 0) {
    fs::path dir(line.substr(8));
    return dir.is_absolute() ? dir : worktree / dir;
  }
  GitOut dir = git(worktree, {"rev-parse", "--absolute-git-dir"});
  return dir.ok() ? fs::path(trim(dir.out)) : fs::path();
}

// Whether the git dir of `worktree` has a rebase or merge in progress, and aborts it.
void abort_unfinished(const fs::path& worktree) {
  const fs::path git_dir = git_dir_of(worktree);
  if (git_dir.empty()) {
    return;
  }
  std::error_code ec;
  if (fs::exists(git_dir / "rebase-merge", ec) || fs::exists(git_dir / "rebase-apply", ec)) {
    git(worktree, {"rebase", "--abort"});
  }
  if (fs::exists(git_dir / "MERGE_HEAD", ec)) {
    git(worktree, {"merge", "--abort"});
  }
}

}  // namespace

std::optional<std::string> git_stdout(const fs::path& dir, const std::vector<std::string>& args) {
  GitOut g = git(dir, args);
  return g.ok() ? std::optional<std::string>(trim(g.out)) : std::nullopt;
}

std::string rev_parse(const fs::path& dir, const std::string& rev) {
  GitOut g = git(dir, {"rev-parse", "-q", "--verify", rev + "^{commit}"});
  return g.ok() ? trim(g.out) : std::string();
}

Result<std::vector<std::string>> changed_paths(const fs::path& dir, const std::string& from, const std::string& to) {
  GitOut g = git(dir, {"diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", from + "..." + to, "--"});
  if (!g.ok()) {
    return failed("git diff --name-only " + from + "..." + to, dir, g);
  }
  if (g.out.size() >= 2 && g.out.ends_with(std::string_view("\0\n", 2))) {
    g.out.pop_back();  // the reader ends the last line with a newline; -z output ends with NUL
  }
  std::vector<std::string> paths;
  for (std::size_t pos = 0; pos < g.out.size();) {
    std::size_t end = g.out.find('\0', pos);
    end = end == std::string::npos ? g.out.size() : end;
    if (end > pos) {
      paths.push_back(g.out.substr(pos, end - pos));
    }
    pos = end + 1;
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

bool ignored_by_git(const fs::path& worktree, const std::string& path) {
  return git(worktree, {"check-ignore", "-q", "--", path}).ok();
}

std::vector<std::string> lane_branches(const fs::path& root) {
  GitOut g = git(root, {"for-each-ref", "--format=%(refname:short)", "refs/heads/simmer/"});
  return lines_of(g.out);
}

Result<fs::path> simmer_git_dir(const fs::path& root) {
  GitOut g = git(root, {"rev-parse", "--path-format=absolute", "--git-common-dir"});
  if (!g.ok()) {
    return failed("git rev-parse --git-common-dir", root, g);
  }
  return fs::path(trim(g.out)) / "simmer";
}

Result<fs::path> lane_worktree_path(const fs::path& root, const std::string& story) {
  auto dir = simmer_git_dir(root);
  if (!dir.ok()) {
    return dir.failure();
  }
  return *dir / "lanes" / story;
}

std::string worktree_branch(const fs::path& root, const fs::path& worktree) {
  for (const auto& [path, on] : worktrees(root)) {
    if (same_path(path, worktree) && on.rfind("refs/heads/", 0) == 0) {
      return on.substr(11);
    }
  }
  return "";
}

Result<bool> open_lane(const fs::path& root, const fs::path& worktree, const std::string& branch,
                       const std::string& base) {
  return open_worktree(root, worktree, branch, base, "lane");
}

Result<bool> open_worktree(const fs::path& root, const fs::path& worktree, const std::string& branch,
                           const std::string& base, const std::string& what) {
  const std::string ref = "refs/heads/" + branch;
  std::error_code ec;
  for (const auto& [path, on] : worktrees(root)) {
    if (!same_path(path, worktree)) {
      continue;
    }
    if (on != ref) {
      return Failure{fmt::format("the {} folder {} is a worktree on {}, not on {}: remove it (`git worktree "
                                 "remove {}`) and cook again",
                                 what, worktree.string(), on.empty() ? "a detached HEAD" : on, ref, worktree.string()),
                     ExitCode::failure};
    }
    if (fs::exists(worktree / ".git", ec)) {
      return true;  // there already, on its branch
    }
    git(root, {"worktree", "prune"});  // registered, but its folder was deleted: add it again below
    break;
  }
  if (fs::exists(worktree, ec) && !fs::is_empty(worktree, ec)) {
    return Failure{fmt::format("the {} folder {} is in use by something that is not this {}'s worktree; move "
                               "it away and cook again",
                               what, worktree.string(), what),
                   ExitCode::failure};
  }
  fs::create_directories(worktree.parent_path(), ec);
  const bool have_branch = !rev_parse(root, ref).empty();
  GitOut add = have_branch ? git(root, {"worktree", "add", "--quiet", worktree.string(), branch})
                           : git(root, {"worktree", "add", "--quiet", "-b", branch, worktree.string(), base});
  if (!add.ok()) {
    return failed("git worktree add", root, add);
  }
  return true;
}

Result<Integration> integrate_lane(const fs::path& worktree, const std::string& onto, const std::string& mode) {
  abort_unfinished(worktree);
  Integration out;
  out.onto = onto;
  // A lane with uncommitted changes to tracked files is refused, never integrated around them. A rebase refuses to
  // start on one by itself, so it is asked only when the rebase failed; a merge would go ahead, so it is asked first.
  auto refuse_dirty = [&]() -> std::optional<Failure> {
    GitOut dirty = git(worktree, {"status", "--porcelain=v1", "--untracked-files=no"});
    if (!dirty.ok()) {
      return failed("git status", worktree, dirty);
    }
    if (trim(dirty.out).empty()) {
      return std::nullopt;
    }
    return Failure{fmt::format("the lane {} has uncommitted changes to tracked files, which the merge queue "
                               "does not touch: {}",
                               worktree.string(), util::preview(trim(dirty.out), 300)),
                   ExitCode::failure};
  };
  if (mode == "merge") {
    if (auto refused = refuse_dirty()) {
      return *refused;
    }
  }
  GitOut run = mode == "merge" ? git(worktree,
                                     {"merge", "--no-edit", "--no-verify", "-m",
                                      fmt::format("Merge {} into the lane", onto.substr(0, 12)), onto},
                                     true)
                               : git(worktree, {"rebase", "--no-verify", "--no-autostash", onto}, true);
  if (!run.ok() && mode != "merge" && !fs::exists(git_dir_of(worktree) / "rebase-merge")) {
    if (auto refused = refuse_dirty()) {
      return *refused;
    }
  }
  if (!run.ok()) {
    GitOut unmerged = git(worktree, {"diff", "--name-only", "--diff-filter=U"});
    out.files = lines_of(unmerged.out);
    if (out.files.empty()) {
      // Not a content conflict (an untracked file in the way, a refused operation): the tree is put back and the
      // lane told what git said, which is a failure of its integration all the same.
      abort_unfinished(worktree);
      out.conflicted = true;
      out.hunks = util::truncate_utf8(trim(run.result.output_tail), k_max_hunks);
      return out;
    }
    GitOut diff = git(worktree, {"diff", "--no-color"});
    out.hunks = util::truncate_utf8(diff.out, k_max_hunks);
    out.conflicted = true;
    abort_unfinished(worktree);
    return out;
  }
  // The lane's commits and the tree of its tip, in one process.
  GitOut list = git(worktree, {"rev-list", "--reverse", "--no-commit-header", "--format=%H %T", onto + "..HEAD"});
  if (!list.ok()) {
    return failed("git rev-list", worktree, list);
  }
  for (const std::string& line : lines_of(list.out)) {
    out.commits.push_back(line.substr(0, line.find(' ')));
    out.head_tree = line.substr(line.find(' ') + 1);
  }
  out.head = out.commits.empty() ? rev_parse(worktree, "HEAD") : out.commits.back();
  if (out.commits.empty()) {
    out.head_tree.clear();
  }
  return out;
}

Result<bool> restack_lane(const fs::path& worktree, const std::string& story, std::int64_t key,
                          const std::string& tip) {
  const std::string saved = fmt::format("refs/simmer/lanes/{}/conflict-{}", story, key);
  std::string old_tip = rev_parse(worktree, saved);
  const std::string head = rev_parse(worktree, "HEAD");
  GitOut status = git(worktree, {"status", "--porcelain=v1", "--untracked-files=no"});
  const bool clean = status.ok() && trim(status.out).empty();
  if (old_tip.empty()) {
    if (git(worktree, {"merge-base", "--is-ancestor", tip, "HEAD"}).ok()) {
      return false;  // the lane already holds the tip
    }
    if (!clean) {
      return Failure{fmt::format("the lane {} has uncommitted changes to tracked files; the merge queue moves a "
                                 "lane only when its work is committed: {}",
                                 worktree.string(), util::preview(trim(status.out), 300)),
                     ExitCode::failure};
    }
    GitOut keep = git(worktree, {"update-ref", saved, head});
    if (!keep.ok()) {
      return failed("git update-ref", worktree, keep);
    }
    old_tip = head;
  } else if (head != old_tip && !(head == tip && clean)) {
    return false;  // moved and restacked already (the agent may be at work on it)
  }
  if (head != tip) {
    // Clean and saved: nothing uncommitted is lost by moving the branch.
    GitOut reset = git(worktree, {"reset", "--quiet", "--hard", tip});
    if (!reset.ok()) {
      return failed("git reset", worktree, reset);
    }
  }
  // The lane's change since its merge base with the tip, conflicts marked; then unstaged, as an agent's would be.
  git(worktree, {"merge", "--squash", "--no-commit", old_tip}, true);
  git(worktree, {"reset", "--quiet"});
  GitOut dir = git(worktree, {"rev-parse", "--absolute-git-dir"});
  std::error_code ec;
  fs::remove(fs::path(trim(dir.out)) / "SQUASH_MSG", ec);
  return true;
}

Result<bool> fast_forward(const fs::path& root, const std::string& branch, const std::string& expect,
                          const std::string& sha) {
  // Where HEAD is and which branch it is on, in one process.
  const std::vector<std::string> at = lines_of(git(root, {"rev-parse", "HEAD", "--symbolic-full-name", "HEAD"}).out);
  const std::string on = at.size() == 2 && at[1] != "HEAD" ? at[1] : std::string();
  if (on != branch) {
    return Failure{fmt::format("the integration branch {} is no longer checked out in {} (HEAD is {}): the merge "
                               "queue moves only the branch the run started on",
                               branch, root.string(), on.empty() ? "detached" : on),
                   ExitCode::failure};
  }
  const std::string now = at.empty() ? std::string() : at.front();
  if (now == sha) {
    return true;  // made by a killed predecessor
  }
  if (now != expect) {
    return Failure{fmt::format("{} moved during the run (it is at {}, the merge queue expected {}): commit work "
                               "for the run's branch elsewhere, then cook again",
                               branch, now.substr(0, 12), expect.substr(0, 12)),
                   ExitCode::failure};
  }
  GitOut ff = git(root, {"merge", "--ff-only", "--quiet", sha});
  if (!ff.ok()) {
    return failed("git merge --ff-only", root, ff);
  }
  return true;
}

Result<bool> close_lane(const fs::path& root, const fs::path& worktree, const std::string& branch, bool delete_branch) {
  std::error_code ec;
  bool registered = false;
  for (const auto& [path, on] : worktrees(root)) {
    registered = registered || same_path(path, worktree);
  }
  if (registered) {
    if (fs::exists(worktree, ec)) {
      // `git worktree remove` refuses a tree with changes or untracked files: those are kept, never forced.
      GitOut rm = git(root, {"worktree", "remove", worktree.string()});
      if (!rm.ok()) {
        return false;
      }
    } else {
      git(root, {"worktree", "prune"});
    }
  }
  if (delete_branch && !rev_parse(root, "refs/heads/" + branch).empty()) {
    git(root, {"branch", "-d", "--quiet", branch});  // -d: only when merged
  }
  return true;
}

Result<Landing> land_branch(const fs::path& root, const std::string& branch, const std::string& onto,
                            core::LandMode mode) {
  using core::LandMode;
  Landing out;
  out.head = rev_parse(root, "refs/heads/" + branch);
  if (out.head.empty()) {
    return Failure{fmt::format("the run's branch {} does not exist (any more) in {}", branch, root.string()),
                   ExitCode::invalid_input};
  }
  out.before = rev_parse(root, "refs/heads/" + onto);
  if (out.before.empty()) {
    return Failure{fmt::format("the branch the run started from, {}, does not exist (any more) in {}", onto,
                               root.string()),
                   ExitCode::invalid_input};
  }
  auto is_ancestor = [&](const std::string& a, const std::string& b) {
    return git(root, {"merge-base", "--is-ancestor", a, b}).ok();
  };
  out.after = out.before;
  if (is_ancestor(out.head, out.before)) {
    return out;  // nothing the run made is missing there: landed already, or the run committed nothing
  }
  const bool fast_forward = is_ancestor(out.before, out.head);
  std::string target = out.head;
  if (mode == LandMode::ff && !fast_forward) {
    GitOut ahead = git(root, {"log", "--format=%h %s", out.head + ".." + out.before});
    const std::vector<std::string> commits = lines_of(ahead.out);
    return Failure{fmt::format("{} moved since the run started: it has {} commit{} the run's branch {} does not "
                               "({}), so it cannot be fast-forwarded; nothing was changed. Land with `simmer land "
                               "--merge` or `--squash`, or rebase {} onto {} first",
                               onto, commits.size(), commits.size() == 1 ? "" : "s", branch,
                               commits.empty() ? "" : util::preview(commits.front(), 80), branch, onto),
                   ExitCode::failure};
  }
  if (mode != LandMode::ff) {
    // The trailer names what was landed: a squash (whose commit does not descend from the run) killed before
    // `simmer land` journaled it is found on `onto` and not made twice.
    const std::string trailer = fmt::format("Simmer-Land: {}@{}", branch, out.head);
    if (!lines_of(
             git(root, {"log", "-n", "1", "--format=%H", "--fixed-strings", "--grep=" + trailer, "refs/heads/" + onto})
                 .out)
             .empty()) {
      return out;
    }
    std::vector<std::string> subjects = lines_of(
        git(root, {"log", "--reverse", "--format=%s", out.before + ".." + out.head}).out);
    std::string message = fmt::format("{} simmer run {} onto {} ({} commit{})\n\n",
                                      mode == LandMode::merge ? "Merge" : "Squash", branch, onto, subjects.size(),
                                      subjects.size() == 1 ? "" : "s");
    for (const std::string& subject : subjects) {
      message += "- " + subject + "\n";
    }
    message += "\n" + trailer + "\n";
    std::string tree;
    if (mode == LandMode::squash && fast_forward) {
      tree = trim(git(root, {"rev-parse", out.head + "^{tree}"}).out);
    } else {
      // The merged tree, computed without a work tree: nothing of the user's is touched, whatever the outcome.
      GitOut merged = git(root, {"merge-tree", "--write-tree", "--name-only", "--no-messages", out.before, out.head});
      std::vector<std::string> lines = lines_of(merged.out);
      if (merged.result.exit_code == 1 && !lines.empty()) {
        lines.erase(lines.begin());
        std::string files;
        for (std::size_t i = 0; i < lines.size() && i < 10; ++i) {
          files += (i ? ", " : "") + lines[i];
        }
        if (lines.size() > 10) {
          files += fmt::format(" and {} more", lines.size() - 10);
        }
        return Failure{fmt::format("{} and the run's branch {} conflict in {}: nothing was changed. Merge {} into "
                                   "{} yourself (or rebase it), then land again",
                                   onto, branch, files, onto, branch),
                       ExitCode::failure};
      }
      if (!merged.ok() || lines.empty()) {
        return failed("git merge-tree", root, merged);
      }
      tree = lines.front();
    }
    std::vector<std::string> args = {"commit-tree", tree, "-p", out.before};
    if (mode == LandMode::merge) {
      args.insert(args.end(), {"-p", out.head});
    }
    args.insert(args.end(), {"-m", message});
    GitOut made = git(root, args, true);
    if (!made.ok()) {
      return failed("git commit-tree", root, made);
    }
    target = trim(made.out);
  }
  // Where `onto` is checked out, it moves as `git merge --ff-only` moves it, so that its work tree follows (git
  // refuses when a local change is in the way, and when the branch moved meanwhile); elsewhere the ref is
  // compare-and-swapped from the tip the landing was computed on.
  std::optional<fs::path> checked_out;
  for (const auto& [path, on] : worktrees(root)) {
    if (on == "refs/heads/" + onto) {
      checked_out = path;
    }
  }
  GitOut moved = checked_out ? git(*checked_out, {"merge", "--ff-only", "--quiet", target})
                             : git(root, {"update-ref", "-m", "simmer land " + branch, "refs/heads/" + onto, target,
                                          out.before});
  if (!moved.ok()) {
    return Failure{fmt::format("could not move {} to {} ({}), so nothing was landed: {}", onto, target.substr(0, 12),
                               checked_out ? "checked out in " + checked_out->string() : "compare-and-swap of the ref",
                               trim(moved.result.output_tail)),
                   ExitCode::failure};
  }
  out.after = target;
  return out;
}

}  // namespace simmer::run
