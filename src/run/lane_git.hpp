#pragma once
// The git side of parallel lanes (docs/lanes.md): a worktree and branch per lane, the merge queue's rebase (or
// merge) of a lane onto the integration tip with a clean abort on conflict, the compare-and-swap fast-forward
// of the integration branch, and teardown. Every step is idempotent, so a coordinator killed at any instant and
// started again performs it again with the same result: a worktree that is there is reused, a rebase left half
// done is aborted first, a fast-forward already made is found. Nothing here runs `reset --hard` or removes a
// worktree that holds uncommitted work. The same mechanics serve isolated runs (run/isolated.hpp): their worktree,
// and `simmer land`'s landing (land_branch).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/vocabulary.hpp"
#include "util/error.hpp"

namespace simmer::run {

// Where lane `story`'s worktree lives: <git common dir>/simmer/lanes/<story>, out of the user's work tree and
// shared by every worktree of the repository. Failure when `root` is not in a git repository.
// <git common dir>/simmer: where simmer keeps its worktrees (lanes/, runs/). Failure when `root` is not in a git
// repository.
Result<std::filesystem::path> simmer_git_dir(const std::filesystem::path& root);

Result<std::filesystem::path> lane_worktree_path(const std::filesystem::path& root, const std::string& story);

// The branch (short name, "simmer/r.../S-1") of the worktree registered at `worktree`; "" when none is, or it is
// detached.
std::string worktree_branch(const std::filesystem::path& root, const std::filesystem::path& worktree);

// Makes `worktree` a worktree of the repository at `root` on branch `branch`: the branch is created at `base`
// when it does not exist, and kept (with its commits) when it does; a registered worktree already there on that
// branch is reused; one whose folder was deleted is pruned and added again. A folder there that is not that
// worktree (someone else's files, another branch) is refused, never overwritten.
Result<bool> open_lane(const std::filesystem::path& root, const std::filesystem::path& worktree,
                       const std::string& branch, const std::string& base);
// open_lane for any worktree of simmer's: `what` names it in the refusals ("lane", "isolated run").
Result<bool> open_worktree(const std::filesystem::path& root, const std::filesystem::path& worktree,
                           const std::string& branch, const std::string& base, const std::string& what);

// What integrate_lane did.
struct Integration {
  bool conflicted = false;
  std::string onto;                  // the integration tip the lane was brought up to
  std::string head;                  // not conflicted: the lane's new tip
  std::vector<std::string> commits;  // not conflicted: the lane's commits on top of `onto`, oldest first
  std::string head_tree;             // not conflicted: the tree of `head` when the lane has commits; "" otherwise
  std::vector<std::string> files;    // conflicted: the files git could not merge
  std::string hunks;                 // conflicted: the conflicting hunks with their markers, the first 64 KiB
};

// Brings the lane in `worktree` up to `onto` (`mode` "rebase": its commits replayed on top; "merge": `onto` merged
// into it). A rebase or merge a killed predecessor left half done is aborted first. On a conflict the operation
// is aborted, so the lane is back at its own tip with a clean tree, and the files and hunks are returned. A lane
// with uncommitted changes to tracked files is a Failure (git refuses to start).
Result<Integration> integrate_lane(const std::filesystem::path& worktree, const std::string& onto,
                                   const std::string& mode);

// After the conflict the merge queue decided at seq `key`: moves the lane's branch in `worktree` to the integration
// tip `tip` and puts the lane's own net change (from its base to its old tip) on top as uncommitted changes, with
// git's conflict markers where the two collide, for FIX to resolve where the story will be merged. The old tip is
// kept first at refs/simmer/lanes/<story>/conflict-<key>, so nothing is lost, and the steps are done again as far
// as a kill left them undone. Returns whether the lane was moved (false: it already holds `tip`, nothing to do).
// A lane with uncommitted changes to tracked files is refused (Failure), never reset.
Result<bool> restack_lane(const std::filesystem::path& worktree, const std::string& story, std::int64_t key,
                          const std::string& tip);

// Moves the integration branch checked out at `root` from `expect` to `sha` (a descendant), updating its work
// tree and index as `git merge --ff-only` does. Already at `sha`: nothing to do. Failure when HEAD is not on
// `branch`, or is neither `expect` nor `sha` (someone moved the branch during the run), or git refuses (a local
// change in the way).
Result<bool> fast_forward(const std::filesystem::path& root, const std::string& branch, const std::string& expect,
                          const std::string& sha);

// Removes lane `worktree` when it is clean (no change to a tracked file, no untracked file outside ignored ones),
// then, when `delete_branch`, its branch if it is merged into HEAD of `root`. Returns whether the worktree is
// gone (true too when it was not there); a dirty one is kept (false), never forced.
Result<bool> close_lane(const std::filesystem::path& root, const std::filesystem::path& worktree,
                        const std::string& branch, bool delete_branch);

// The lane branches of the repository at `root` (short names under simmer/), sorted.
std::vector<std::string> lane_branches(const std::filesystem::path& root);

// The paths commit `to` changed since it forked from `from` (`git diff from...to`: from their merge base, so what
// `from` gained meanwhile does not count) in the repository at `dir`; a rename counts as both of its paths. As git
// prints them, sorted; git's own error when it cannot compare them.
Result<std::vector<std::string>> changed_paths(const std::filesystem::path& dir, const std::string& from,
                                               const std::string& to);

// Whether git ignores `path` (relative to the root of `worktree`) there: `git check-ignore`. A tracked file is not
// ignored.
bool ignored_by_git(const std::filesystem::path& worktree, const std::string& path);

// What `git <args>` printed on stdout in `dir`, trailing newlines cut; nullopt when it failed.
std::optional<std::string> git_stdout(const std::filesystem::path& dir, const std::vector<std::string>& args);

// The commit `rev` names in the repository at `dir`, or "" when it names none.
std::string rev_parse(const std::filesystem::path& dir, const std::string& rev);

// What land_branch did.
struct Landing {
  std::string head;    // the run's branch tip that was landed
  std::string before;  // the tip of the branch landed on, before
  std::string after;   // and after (== before: nothing to land, the run's work is there already)
};

// `simmer land`: brings branch `branch` (an isolated run's) onto branch `onto` of the repository at `root`, by `mode`:
// `ff` (`onto` is fast-forwarded to `branch`; refused when `onto` has commits `branch` lacks), `merge` (a merge
// commit of both) or `squash` (one commit on `onto` with the run's net change); both list the run's commit
// subjects and end with the trailer `Simmer-Land: <branch>@<sha>`, by which a landing already made is found. A merge or
// squash is computed without a work tree (`git merge-tree`): a conflict is refused with the files, nothing touched.
// `onto` then moves where it is checked out as `git merge --ff-only` moves it (its work tree follows; git refuses a
// local change in the way), elsewhere by a compare-and-swap of the ref. Never loses a commit: every refusal is a
// Failure with nothing changed.
Result<Landing> land_branch(const std::filesystem::path& root, const std::string& branch, const std::string& onto,
                            core::LandMode mode);

}  // namespace simmer::run
