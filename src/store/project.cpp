#include "store/project.hpp"

namespace simmer::store {

namespace fs = std::filesystem;

ProjectPaths ProjectPaths::at(const fs::path& root) {
  ProjectPaths p;
  p.root = root;
  p.config = root / "simmer.json";
  p.dir = root / ".simmer";
  p.prd = p.dir / "prd.json";
  p.state = p.dir / "state.json";
  p.task = p.dir / "task.json";
  p.build = p.dir / "build.json";
  p.verdict = p.dir / "verdict.json";
  p.progress = p.dir / "progress.json";
  p.events = p.dir / "events.jsonl";
  p.lock = p.dir / "lock";
  p.sessions = p.dir / "sessions";
  p.feedback = p.dir / "feedback.md";
  p.inbox = p.dir / "inbox";
  p.claimed = p.dir / "feedback" / "claimed";
  p.prompts = p.dir / "prompts";
  return p;
}

ProjectPaths ProjectPaths::lane(const fs::path& project, const fs::path& worktree, const std::string& story) {
  ProjectPaths p = at(project);  // simmer.json and .simmer/prompts/ stay the project's
  p.dir = p.lane_dir(story);
  p.prd = p.dir / "prd.json";
  p.state = p.dir / "state.json";
  p.task = p.dir / "task.json";
  p.build = p.dir / "build.json";
  p.verdict = p.dir / "verdict.json";
  p.progress = p.dir / "progress.json";
  p.events = p.dir / "events.jsonl";
  p.lock = p.dir / "lock";
  p.sessions = p.dir / "sessions";
  p.feedback = p.dir / "feedback.md";
  p.inbox = p.dir / "inbox";
  p.claimed = p.dir / "feedback" / "claimed";
  p.root = worktree;
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
