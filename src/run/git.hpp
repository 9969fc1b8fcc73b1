#pragma once
// The git side of the loop: is this a work tree, which paths changed, one atomic commit per attempt with trailers
// (and the repository's hooks), and the trailer check that keeps a resumed run from committing twice. Every call
// runs `git` as a child process in the project root; nothing here touches the index entries of paths it was not
// asked to commit.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "run/world.hpp"
#include "util/error.hpp"

namespace simmer::run {

class Git final : public Repository {
public:
  using HeadRef = run::HeadRef;
  // Git for the work tree containing `root`. Nothing is run yet.
  explicit Git(std::filesystem::path root);

  // Whether `root` is inside a git work tree with git on PATH.
  bool is_work_tree() const override;

  // Paths (relative to the root) with changes in the work tree or index, outside `.simmer/`: modified, added,
  // deleted, renamed (both names) and untracked files. Sorted, no duplicates.
  std::vector<std::string> dirty_paths() const override;

  // The same changes with each wholly untracked folder as one "folder/" entry, and each tracked path's content
  // hash (a symbolic link's: its target's; none when the path is gone): what a gate changed is found by
  // comparing two of these (core/gate_outputs.hpp).
  std::vector<core::DirtyEntry> dirty_entries() const override;

  // The content hash of the work-tree path `path` as dirty_entries() gives it (nullopt: gone).
  std::optional<std::string> file_sha256(const std::string& path) const override;

  // Whether commits run hooks (default: they do), and how long one hook may run (milliseconds, 0: no limit).
  void set_hooks(Hooks mode, int timeout_ms) override;

  // Commits exactly `paths` as they are in the work tree (others' staged changes stay staged and out of the
  // commit) with `subject` and the trailers `Simmer-Run: <run_id>` and `Simmer-Seq: <seq>`. Nothing to commit
  // (no path, or no difference): nothing happens and the sha is nullopt. A commit is atomic: it is built in a
  // private index and becomes reachable only by one `update-ref` of the branch from the HEAD it was built on, so a
  // kill at any instant leaves either no new commit or the whole one with its trailers. When HEAD already is that
  // commit (a predecessor was killed after making it), that sha is returned and nothing is committed again.
  // With hooks on, a failing pre-commit, prepare-commit-msg or commit-msg hook stops the commit and is returned
  // as `hook_failure`. A git failure is a Failure(failure) carrying git's own message; an index.lock held by a
  // live process for longer than a few seconds is one too (never removed).
  Result<CommitOutcome> commit(const std::vector<std::string>& paths, const std::string& subject,
                               const std::string& run_id, long long seq) override;

  // Commits every change of the work tree outside `.simmer/` and the `excluded` paths (taken literally), as
  // commit() does for a list of paths, but without listing them first: git finds them.
  Result<CommitOutcome> commit_work_tree(const std::vector<std::string>& excluded, const std::string& subject,
                                         const std::string& run_id, long long seq) override;

  // Runs the housekeeping check (`git maintenance run --auto`) that commits skip, once for all the commits of a
  // run. Failures are ignored, as git ignores them after its own commits.
  void run_maintenance() const override;

  // Removes `.git/index.lock` when no live process holds it open (left by a git that died with the harness);
  // returns true when one was removed. A lock a live process holds is waited for (a git left running by a killed
  // predecessor finishes in milliseconds) and left in place; a Failure when it is still held after the wait.
  // Also removes the private index and message files of simmer processes that are gone.
  Result<bool> clear_stale_index_lock() override;

  // Where HEAD points (run::HeadRef). Read from .git/HEAD and the ref file when they are plain files (no
  // process), else from git. A HEAD that cannot be read at all gives an empty HeadRef.
  void moved_to(const std::string& sha, const std::string& tree) override;
  HeadRef head() const override;

  // Puts HEAD back to `want` without touching the work tree: the branch ref is set to `want.sha`, HEAD is
  // attached to it (or detached at `want.sha`), and the index is reset to that commit, so the files an agent left
  // stay as they are and show as changes against it. A git failure is a Failure(failure) with git's message.
  Result<bool> restore_head(const HeadRef& want) const override;

  // Whether commit `ancestor` is an ancestor of (or equal to) `descendant`.
  bool is_ancestor(const std::string& ancestor, const std::string& descendant) const override;

  // Sets a fallback author/committer identity (simmer <simmer@localhost>) for the commits of this process when
  // neither the environment nor git's config gives one, so a fresh repository still gets its commits.
  void ensure_identity() override;

private:
  struct Layout {
    std::filesystem::path git_dir;  // absolute
    std::filesystem::path index;    // the real index, absolute
    std::filesystem::path hooks;    // absolute (core.hooksPath honoured)
  };
  // What is known of a file without reading it: changes whenever git replaces it (lock file + rename).
  struct FileId {
    std::uint64_t dev = 0, ino = 0;
    std::int64_t size = -1, mtime_ns = 0;
    bool operator==(const FileId& o) const {
      return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns;
    }
  };

  static FileId file_id(const std::filesystem::path& path);
  Result<CommitOutcome> commit_pathspec(const std::vector<std::string>& pathspec, const std::string& subject,
                                        const std::string& run_id, long long seq);
  Result<Layout> layout();
  // HEAD is already this commit (made by a killed predecessor, or by the git it left running): the real index is
  // brought up to date and its sha returned.
  Result<CommitOutcome> adopt(const std::string& sha, const std::string& tree,
                              const std::vector<std::string>& pathspec);
  std::optional<Failure> prepare_private_index(const std::string& head_sha);
  std::optional<Failure> update_real_index(const std::vector<std::string>& pathspec);
  Result<bool> settle_index_lock(const std::filesystem::path& lock, int wait_ms) const;
  std::optional<HookFailure> run_hook(const std::string& hook, const std::vector<std::string>& args) const;
  bool hook_exists(const std::string& hook) const;
  // Per process: a git left running by a killed predecessor may still write its own.
  std::filesystem::path private_index() const;
  std::filesystem::path message_file() const;

  std::filesystem::path m_root;
  std::vector<std::string> m_identity_env;  // -c user.name=... when needed
  std::optional<Layout> m_layout;
  Hooks m_hooks = Hooks::run;
  int m_hook_timeout_ms = 600000;
  // The commit this process last made or adopted ("" for no commit yet) and its tree; m_private_ready: the
  // private index holds exactly that tree (with fresh stat data), so the next commit need not rebuild it.
  std::optional<std::string> m_tip;
  std::string m_tip_tree;
  bool m_private_ready = false;
  // The real index as this process last wrote it: while it is unchanged, nobody else staged anything and the
  // private index can replace it after a commit (no `git add` of the real index needed).
  std::optional<FileId> m_owned_index;
};

}  // namespace simmer::run
