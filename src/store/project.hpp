#pragma once
// Where a project's files live. The project root is the nearest directory, from the working directory upwards,
// that holds simmer.json or .simmer/; without one, the working directory itself (for `init`).

#include <filesystem>
#include <string>

namespace simmer::store {

struct ProjectPaths {
  std::filesystem::path root;           // the project directory (beside simmer.json)
  std::filesystem::path config;         // simmer.json
  std::filesystem::path dir;            // .simmer/
  std::filesystem::path prd;            // .simmer/prd.json
  std::filesystem::path state;          // .simmer/state.json
  std::filesystem::path task;           // .simmer/task.json
  std::filesystem::path build;          // .simmer/build.json
  std::filesystem::path verdict;        // .simmer/verdict.json
  std::filesystem::path progress;       // .simmer/progress.json
  std::filesystem::path events;         // .simmer/events.jsonl
  std::filesystem::path lock;           // .simmer/lock
  std::filesystem::path sessions;       // .simmer/sessions/
  std::filesystem::path feedback;       // .simmer/feedback.md
  std::filesystem::path inbox;          // .simmer/inbox/
  std::filesystem::path claimed;        // .simmer/feedback/claimed/
  std::filesystem::path control;        // .simmer/control/ (steering requests: store/control.hpp)
  std::filesystem::path prompts;        // .simmer/prompts/
  std::filesystem::path session_slots;  // .simmer/lanes/.sessions/ (parallel.sessions; the project's, every lane's)

  // Paths for the project rooted at `root` (nothing is read or created).
  static ProjectPaths at(const std::filesystem::path& root);
  // The paths of lane `story` of the project rooted at `project` (docs/lanes.md): the root (where agents and
  // gates work, and what git commits) is the lane's worktree; simmer.json and .simmer/prompts/ are the project's;
  // everything else the lane's run writes (journal, state, hand-offs, transcripts, and the one-story prd.json the
  // coordinator gives it) is under the project's .simmer/lanes/<story>/, never in the worktree.
  static ProjectPaths lane(const std::filesystem::path& project, const std::filesystem::path& worktree,
                           const std::string& story);
  // The paths of an isolated run (`simmer cook --branch NAME`, docs/lanes.md) of the project rooted at `project`,
  // working in `worktree` (NAME's worktree): the root (where agents and gates work, what git commits, and the
  // tracked .simmer/prd.json and .simmer/progress.json that RECORD writes) is the worktree; everything else stays the
  // project's (simmer.json, journal, state, lock, hand-offs, inbox, steering), so that `status`, `stats`, `logs`,
  // the dashboard and steering in the user's checkout see the run.
  static ProjectPaths isolated(const std::filesystem::path& project, const std::filesystem::path& worktree);
  // The directory of simmer.json and .simmer/: `root`, except in a lane's or an isolated run's paths.
  std::filesystem::path project() const { return config.parent_path(); }
  // .simmer/lanes/<story>/ of this project.
  std::filesystem::path lane_dir(const std::string& story) const { return dir / "lanes" / story; }
  // Paths for the project containing `start` (see the file comment for how the root is found).
  static ProjectPaths discover(const std::filesystem::path& start);

  // `p` relative to the root when it lies inside it, for messages ("./.simmer/prd.json" reads worse).
  std::string display(const std::filesystem::path& p) const;
};

}  // namespace simmer::store
