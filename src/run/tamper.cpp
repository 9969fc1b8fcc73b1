#include "run/tamper.hpp"

#include "util/fs.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

namespace simmer::run {

namespace fs = std::filesystem;
namespace {

std::int64_t mtime_ns(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    return 0;
  }
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

std::string where(const HeadRef& h) {
  std::string branch = h.branch.rfind("refs/heads/", 0) == 0 ? h.branch.substr(11) : h.branch;
  std::string sha = h.sha.substr(0, 12);
  return branch.empty() ? fmt::format("a detached HEAD at {}", sha.empty() ? "nothing" : sha)
                        : fmt::format("{} at {}", branch, sha.empty() ? "no commit" : sha);
}

// HEAD must stay on the run's branch. An agent's own commits on that branch are kept (they are part of its work);
// a checkout of another branch or commit, a detached HEAD, or a branch moved to a commit that does not contain
// the run's last one is undone without touching the work tree, so the next commit lands where the run started and
// carries whatever the agent left in the files.
void check_head(RunContext& cx, const std::string& role, std::vector<core::events::TamperDetected>& found) {
  Repository& repo = cx.world.repository;
  HeadRef now = repo.head();
  if (now == cx.head) {
    return;
  }
  if (now.branch == cx.head.branch && !now.sha.empty() &&
      (cx.head.sha.empty() || repo.is_ancestor(cx.head.sha, now.sha))) {
    cx.head.sha = now.sha;
    return;
  }
  auto r = repo.restore_head(cx.head);
  found.push_back(
      {.file = "HEAD",
       .restored = r.ok(),
       .role = role,
       .change = core::TamperChange::moved,
       .detail = fmt::format("HEAD was on {}, the run is on {}{}", where(now), where(cx.head),
                             r.ok() ? "; the work tree is kept as the agent left it" : ": " + r.failure().message)});
}

}  // namespace

Snapshot take_snapshot(RunContext& cx) {
  Snapshot s{util::read_if_readable(cx.paths.prd), util::read_if_readable(cx.paths.progress)};
  restamp_journal(cx, s);
  return s;
}

void restamp_journal(RunContext& cx, Snapshot& snapshot) {
  snapshot.journal_size = cx.journal().size();
  snapshot.journal_mtime_ns = mtime_ns(cx.paths.events);
}

void check_tamper(RunContext& cx, const Snapshot& before, const std::string& role) {
  std::vector<core::events::TamperDetected> found;
  // The journal first: the tamper events below are appended to it, which must not look like tampering.
  if (!cx.journal().at_path()) {
    found.push_back(restore_journal(cx, role));
  }
  std::int64_t size = cx.journal().size();
  bool journal_changed = size != before.journal_size || mtime_ns(cx.paths.events) != before.journal_mtime_ns;
  if (found.empty() && journal_changed) {
    // Lines appended by the agent are cut off through the harness's own handle (the path may be a link).
    bool restored = size > before.journal_size && before.journal_size >= 0 &&
                    cx.journal().cut_back(before.journal_size);
    found.push_back({.file = ".simmer/events.jsonl", .restored = restored, .role = role});
  }
  if (!cx.lock().at_path()) {
    auto r = cx.lock().restore_at_path();
    if (!r.ok()) {
      throw Error(r.failure().code, r.failure().message);
    }
    found.push_back({.file = ".simmer/lock", .restored = true, .role = role});
  }
  for (const auto& [path, bytes] :
       {std::pair{cx.paths.prd, before.prd}, std::pair{cx.paths.progress, before.progress}}) {
    if (auto t = restore_file(path, cx.paths.display(path), bytes)) {
      found.push_back({.file = t->display, .restored = t->restored, .role = role});
    }
  }
  if (!cx.cache().on_disk_is_current()) {
    cx.cache().rewrite();
    found.push_back({.file = ".simmer/state.json", .restored = true, .role = role});
  }
  // The run's inputs (simmer.json and its gates, prompt overrides, scenarios): what judges the agent.
  for (const auto& t :
       cx.inputs.check_and_restore(cx.paths.dir / "tampered" / cx.run_id, std::to_string(cx.state().seq))) {
    core::events::TamperDetected found_input{.file = t.display,
                                             .restored = t.restored,
                                             .role = role,
                                             .change = t.change};
    if (!t.saved_as.empty()) {
      found_input.saved_as = t.saved_as;
      found_input.detail = fmt::format("the {} version is kept as {}",
                                       t.change == core::TamperChange::created ? "new" : "changed", t.saved_as);
    }
    found.push_back(std::move(found_input));
  }
  check_head(cx, role, found);
  for (const auto& tamper : found) {
    cx.append(tamper);
  }
}

}  // namespace simmer::run
