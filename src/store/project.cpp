#include "store/project.hpp"

namespace simmer::store {

namespace fs = std::filesystem;

namespace {

// The harness's own files, all in `dir` (.simmer/, or a lane's folder).
void harness_files_in(ProjectPaths& p, const fs::path& dir) {
  p.dir = dir;
  p.prd = dir / "prd.json";
  p.state = dir / "state.json";
  p.task = dir / "task.json";
  p.build = dir / "build.json";
  p.verdict = dir / "verdict.json";
  p.progress = dir / "progress.json";
  p.events = dir / "events.jsonl";
  p.lock = dir / "lock";
  p.sessions = dir / "sessions";
  p.feedback = dir / "feedback.md";
  p.inbox = dir / "inbox";
  p.claimed = dir / "feedback" / "claimed";
  p.control = dir / "control";
}

}  // namespace

ProjectPaths ProjectPaths::at(const fs::path& root) {
  ProjectPaths p;
  p.root = root;
  p.config = root / "simmer.json";
  harness_files_in(p, root / ".simmer");
  p.prompts = p.dir / "prompts";
  p.session_slots = p.dir / "lanes" / ".sessions";
  return p;
}

ProjectPaths ProjectPaths::lane(const fs::path& project, const fs::path& worktree, const std::string& story) {
  ProjectPaths p = at(project);  // simmer.json and .simmer/prompts/ stay the project's
  harness_files_in(p, p.lane_dir(story));
  p.root = worktree;
  return p;
}

ProjectPaths ProjectPaths::isolated(const fs::path& project, const fs::path& worktree) {
  ProjectPaths p = at(project);
  p.root = worktree;
  p.prd = worktree / ".simmer" / "prd.json";
  p.progress = worktree / ".simmer" / "progress.json";
  return p;
}

ProjectPaths ProjectPaths::discover(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) {
    dir = start;
  }
  for (fs::path cur = dir; !cur.empty(); cur = cur.parent_path()) {
    if (fs::exists(cur / "simmer.json", ec) || fs::is_directory(cur / ".simmer", ec)) {
      return at(cur);
    }
    if (cur == cur.parent_path()) {
      break;
    }
  }
  return at(dir);
}

std::string ProjectPaths::display(const fs::path& p) const {
  auto rel = p.lexically_relative(root);
  if (!rel.empty() && *rel.begin() != "..") {
    return rel.generic_string();
  }
  return p.generic_string();
}

}  // namespace simmer::store
