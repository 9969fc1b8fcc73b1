#pragma once
// The git side of the loop: is this a work tree, which paths changed, one commit per attempt with trailers, and the
// trailer check that keeps a resumed run from committing twice. Every call runs `git` as a child process in the
// project root; nothing here touches the index entries of paths it was not asked to commit.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace simmer::run {

class Git {
public:
  // Git for the work tree containing `root`. Nothing is run yet.
  explicit Git(std::filesystem::path root);

  // Whether `root` is inside a git work tree with git on PATH.
  bool is_work_tree() const;

  // Paths (relative to the root) with changes in the work tree or index, outside `.simmer/`: modified, added,
  // deleted, renamed (both names) and untracked files. Sorted, no duplicates.
  std::vector<std::string> dirty_paths() const;

  // Commits exactly `paths` as they are in the work tree (others' staged changes stay staged and out of the
  // commit) with `subject` and the trailers `Simmer-Run: <run_id>` and `Simmer-Seq: <seq>`. Nothing to commit
  // (no path, or no difference): nothing happens and the result is nullopt. Returns the new commit's sha.
  // A git failure is a Failure(failure) carrying git's own message.
  Result<std::optional<std::string>> commit(const std::vector<std::string>& paths, const std::string& subject,
                                            const std::string& run_id, long long seq) const;

  // Commits every change of the work tree outside `.simmer/` and the `excluded` paths (taken literally), as
  // commit() does for a list of paths, but without listing them first: git finds them (one process less than
  // dirty_paths() + commit()). Nothing changed: nothing happens and the result is nullopt.
  Result<std::optional<std::string>> commit_work_tree(const std::vector<std::string>& excluded,
                                                      const std::string& subject, const std::string& run_id,
                                                      long long seq) const;

  // The sha of HEAD when its message carries both trailers (run id and seq), i.e. a crashed run already made
  // this commit; nullopt otherwise (also with no commit yet).
  std::optional<std::string> head_with_trailers(const std::string& run_id, long long seq) const;

  // Runs the housekeeping check (`git maintenance run --auto`) that commit() and commit_work_tree() skip, once
  // for all the commits of a run. Failures are ignored, as git ignores them after its own commits.
  void run_maintenance() const;

  // Removes `.git/index.lock` left by a git process that died with the harness (kill -9 during a commit). Only
  // called while the project lock is held, so no other simmer is committing; returns true when one was removed.
  bool clear_stale_index_lock() const;

  // Where HEAD points: `branch` is the full ref name ("refs/heads/main") or "" when HEAD is detached; `sha` the
  // commit (40 hex digits) or "" before the first commit. Read from .git/HEAD and the ref file when they are
  // plain files (no process), else from git. A HEAD that cannot be read at all gives an empty HeadRef.
  struct HeadRef {
    std::string branch;
    std::string sha;
    bool operator==(const HeadRef&) const = default;
  };
  HeadRef head() const;

  // Puts HEAD back to `want` without touching the work tree: the branch ref is set to `want.sha`, HEAD is
  // attached to it (or detached at `want.sha`), and the index is reset to that commit, so the files an agent left
  // stay as they are and show as changes against it. A git failure is a Failure(failure) with git's message.
  Result<bool> restore_head(const HeadRef& want) const;

  // Whether commit `ancestor` is an ancestor of (or equal to) `descendant`.
  bool is_ancestor(const std::string& ancestor, const std::string& descendant) const;

  // Sets a fallback author/committer identity (simmer <simmer@localhost>) for the commits of this process when
  // neither the environment nor git's config gives one, so a fresh repository still gets its commits.
  void ensure_identity();

private:
  Result<std::optional<std::string>> commit_pathspec(const std::vector<std::string>& pathspec,
                                                     const std::string& subject, const std::string& run_id,
                                                     long long seq) const;

  std::filesystem::path m_root;
  std::vector<std::string> m_identity_env;  // -c user.name=... when needed
};

}  // namespace simmer::run
