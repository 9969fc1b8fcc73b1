// The git side of lanes (run/lane_git.hpp), with real git in temporary repositories: worktrees opened again after a
// kill or a deleted folder, a rebase and its conflict aborted to a clean lane, the restack FIX gets after a
// conflict, the compare-and-swap fast-forward, and a teardown that never forces.
#include <catch2/catch.hpp>

#include "run/lane_git.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_util_support.hpp"

namespace fs = std::filesystem;
using simmer::test::TempDir;

using simmer::test::slurp;

namespace {

// Runs a shell command in `dir` and returns its stdout, without its last newline; REQUIREs exit 0 unless `may_fail`.
std::string sh(const fs::path& dir, const std::string& command, bool may_fail = false) {
  std::string full = "cd '" + dir.string() + "' && " + command + " 2>/dev/null";
  std::FILE* p = ::popen(full.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
    out.append(buf, n);
  }
  int status = ::pclose(p);
  if (!may_fail) {
    INFO(command << " -> " << out);
    REQUIRE(status == 0);
  }
  while (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return out;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary | std::ios::trunc) << text; }

// A repository with one commit on main (a.txt, c.txt) and the path of lane S-1's worktree.
struct Repo {
  TempDir tmp;
  fs::path root = tmp / "repo";
  fs::path lane;

  Repo() {
    fs::create_directories(root);
    sh(root, "git init -q -b main . && git config user.name T && git config user.email t@example.com");
    write(root / "a.txt", "a\n");
    write(root / "c.txt", "one\ntwo\nthree\n");
    sh(root, "git add -A && git commit -qm base");
    auto where = simmer::run::lane_worktree_path(root, "S-1");
    REQUIRE(where.ok());
    lane = *where;
  }
  std::string head(const fs::path& dir) const { return simmer::run::rev_parse(dir, "HEAD"); }
  void commit(const fs::path& dir, const std::string& file, const std::string& text, const std::string& subject) {
    write(dir / file, text);
    sh(dir, "git add -A && git commit -qm '" + subject + "'");
  }
};

}  // namespace

TEST_CASE("lane_git: the lane's worktree lives under the git dir, and opening it again reuses it or re-adds it") {
  Repo r;
  CHECK(r.lane ==
        fs::path(sh(r.root, "git rev-parse --path-format=absolute --git-common-dir")) / "simmer" / "lanes" / "S-1");
  const std::string base = r.head(r.root);
  REQUIRE(simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", base).ok());
  CHECK(r.head(r.lane) == base);
  CHECK(simmer::run::worktree_branch(r.root, r.lane) == "simmer/r1/S-1");
  r.commit(r.lane, "b.txt", "b\n", "lane work");
  const std::string lane_tip = r.head(r.lane);
  // Again (a coordinator killed after opening it): the same worktree, its commit kept.
  REQUIRE(simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", base).ok());
  CHECK(r.head(r.lane) == lane_tip);
  // Its folder deleted by hand: added again on its branch, with the commit.
  fs::remove_all(r.lane);
  REQUIRE(simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", base).ok());
  CHECK(r.head(r.lane) == lane_tip);
  CHECK(slurp(r.lane / "b.txt") == "b\n");
}

TEST_CASE("lane_git: a folder that is not the lane's worktree is refused, never overwritten") {
  Repo r;
  fs::create_directories(r.lane);
  write(r.lane / "mine.txt", "precious\n");
  auto opened = simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", r.head(r.root));
  REQUIRE_FALSE(opened.ok());
  CHECK_THAT(opened.failure().message, Catch::Contains(r.lane.string()));
  CHECK(slurp(r.lane / "mine.txt") == "precious\n");
  // The lane's worktree on another branch is refused too.
  fs::remove_all(r.lane);
  REQUIRE(simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", r.head(r.root)).ok());
  auto other = simmer::run::open_lane(r.root, r.lane, "simmer/r2/S-1", r.head(r.root));
  REQUIRE_FALSE(other.ok());
  CHECK_THAT(other.failure().message, Catch::Contains("refs/heads/simmer/r1/S-1"));
}

TEST_CASE("lane_git: a lane is rebased onto the tip, and a conflict is aborted to the clean lane with its hunks") {
  Repo r;
  const std::string base = r.head(r.root);
  REQUIRE(simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", base).ok());
  r.commit(r.lane, "b.txt", "b\n", "lane b");
  r.commit(r.root, "d.txt", "d\n", "main d");
  const std::string tip = r.head(r.root);

  auto rebased = simmer::run::integrate_lane(r.lane, tip, "rebase");
  REQUIRE(rebased.ok());
  CHECK_FALSE(rebased->conflicted);
  CHECK(rebased->onto == tip);
  CHECK(rebased->head == r.head(r.lane));
  REQUIRE(rebased->commits.size() == 1);
  CHECK(rebased->commits[0] == rebased->head);
  CHECK(sh(r.lane, "git merge-base --is-ancestor " + tip + " HEAD && echo yes") == "yes");
  // Again: nothing to replay, the same tip.
  auto again = simmer::run::integrate_lane(r.lane, tip, "rebase");
  REQUIRE(again.ok());
  CHECK(again->head == rebased->head);

  // Both change the same line of c.txt.
  r.commit(r.lane, "c.txt", "one\nLANE\nthree\n", "lane c");
  r.commit(r.root, "c.txt", "one\nMAIN\nthree\n", "main c");
  const std::string lane_tip = r.head(r.lane);
  const std::string tip2 = r.head(r.root);
  auto conflict = simmer::run::integrate_lane(r.lane, tip2, "rebase");
  REQUIRE(conflict.ok());
  CHECK(conflict->conflicted);
  CHECK(conflict->files == std::vector<std::string>{"c.txt"});
  CHECK_THAT(conflict->hunks, Catch::Contains("<<<<<<<") && Catch::Contains("LANE") && Catch::Contains("MAIN"));
  // Aborted: the lane at its own tip, clean, no rebase in progress.
  CHECK(r.head(r.lane) == lane_tip);
  CHECK(sh(r.lane, "git status --porcelain") == "");
  CHECK(slurp(r.lane / "c.txt") == "one\nLANE\nthree\n");

  SECTION("merge mode conflicts the same way, and is aborted too") {
    auto merged = simmer::run::integrate_lane(r.lane, tip2, "merge");
    REQUIRE(merged.ok());
    CHECK(merged->conflicted);
    CHECK(merged->files == std::vector<std::string>{"c.txt"});
    CHECK(r.head(r.lane) == lane_tip);
    CHECK(sh(r.lane, "git status --porcelain") == "");
  }

  SECTION("restacked for FIX: the tip with the lane's change on top, marked, uncommitted, the old tip kept") {
    auto moved = simmer::run::restack_lane(r.lane, "S-1", 42, tip2);
    REQUIRE(moved.ok());
    CHECK(*moved);
    CHECK(r.head(r.lane) == tip2);
    CHECK(simmer::run::rev_parse(r.lane, "refs/simmer/lanes/S-1/conflict-42") == lane_tip);
    const std::string c = slurp(r.lane / "c.txt");
    CHECK_THAT(c, Catch::Contains("<<<<<<<") && Catch::Contains("LANE") && Catch::Contains("MAIN"));
    CHECK(slurp(r.lane / "b.txt") == "b\n");
    // Unstaged, like an agent's own changes.
    CHECK(sh(r.lane, "git diff --cached --name-only") == "");
    // Again (relaunched after a kill while FIX works): left as it is.
    write(r.lane / "c.txt", "one\nLANE and MAIN\nthree\n");
    auto again2 = simmer::run::restack_lane(r.lane, "S-1", 42, tip2);
    REQUIRE(again2.ok());
    CHECK_FALSE(*again2);
    CHECK(slurp(r.lane / "c.txt") == "one\nLANE and MAIN\nthree\n");
  }

  SECTION("a lane with uncommitted changes is refused a restack, and keeps them") {
    write(r.lane / "a.txt", "edited\n");
    auto refused = simmer::run::restack_lane(r.lane, "S-1", 7, tip2);
    REQUIRE_FALSE(refused.ok());
    CHECK(slurp(r.lane / "a.txt") == "edited\n");
    CHECK(r.head(r.lane) == lane_tip);
    auto integrate = simmer::run::integrate_lane(r.lane, tip2, "rebase");
    REQUIRE_FALSE(integrate.ok());
    CHECK_THAT(integrate.failure().message, Catch::Contains("uncommitted"));
  }
}

TEST_CASE("lane_git: the fast-forward moves the checkout from the expected tip only, once") {
  Repo r;
  const std::string base = r.head(r.root);
  REQUIRE(simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", base).ok());
  r.commit(r.lane, "b.txt", "b\n", "lane b");
  const std::string lane_tip = r.head(r.lane);

  auto wrong = simmer::run::fast_forward(r.root, "refs/heads/main", lane_tip, lane_tip + "x");
  REQUIRE_FALSE(wrong.ok());
  CHECK(r.head(r.root) == base);

  REQUIRE(simmer::run::fast_forward(r.root, "refs/heads/main", base, lane_tip).ok());
  CHECK(r.head(r.root) == lane_tip);
  CHECK(slurp(r.root / "b.txt") == "b\n");
  CHECK(sh(r.root, "git status --porcelain") == "");
  // Again (killed before `merged` was journaled): already there.
  REQUIRE(simmer::run::fast_forward(r.root, "refs/heads/main", base, lane_tip).ok());

  // The branch moved under the run: refused, nothing changed.
  r.commit(r.root, "e.txt", "e\n", "someone else");
  const std::string moved = r.head(r.root);
  r.commit(r.lane, "f.txt", "f\n", "lane f");
  auto refused = simmer::run::fast_forward(r.root, "refs/heads/main", lane_tip, r.head(r.lane));
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.failure().message, Catch::Contains("moved during the run"));
  CHECK(r.head(r.root) == moved);
}

TEST_CASE("lane_git: closing removes a clean merged lane and its branch, and keeps one with untracked files") {
  Repo r;
  const std::string base = r.head(r.root);
  REQUIRE(simmer::run::open_lane(r.root, r.lane, "simmer/r1/S-1", base).ok());
  r.commit(r.lane, "b.txt", "b\n", "lane b");
  write(r.lane / "stray.txt", "left by a gate\n");
  auto kept = simmer::run::close_lane(r.root, r.lane, "simmer/r1/S-1", true);
  REQUIRE(kept.ok());
  CHECK_FALSE(*kept);
  CHECK(slurp(r.lane / "stray.txt") == "left by a gate\n");
  fs::remove(r.lane / "stray.txt");
  // Not merged yet: the worktree goes, the branch (with its commit) stays.
  auto closed = simmer::run::close_lane(r.root, r.lane, "simmer/r1/S-1", true);
  REQUIRE(closed.ok());
  CHECK(*closed);
  CHECK_FALSE(fs::exists(r.lane));
  CHECK_FALSE(simmer::run::rev_parse(r.root, "refs/heads/simmer/r1/S-1").empty());
  // Merged: the branch goes too.
  sh(r.root, "git merge -q --ff-only simmer/r1/S-1");
  REQUIRE(simmer::run::close_lane(r.root, r.lane, "simmer/r1/S-1", true).ok());
  CHECK(simmer::run::rev_parse(r.root, "refs/heads/simmer/r1/S-1").empty());
}

TEST_CASE("lane_git: land_branch fast-forwards, refuses a moved branch, and merges or squashes without a work tree") {
  using simmer::run::land_branch;
  Repo r;
  const std::string base = r.head(r.root);
  sh(r.root, "git branch feat");
  const fs::path wt = r.tmp / "feat-wt";
  sh(r.root, "git worktree add -q '" + wt.string() + "' feat");
  r.commit(wt, "b.txt", "b\n", "S-1: build");
  const std::string feat = r.head(wt);

  SECTION("fast-forward, then nothing left to land") {
    auto landed = land_branch(r.root, "feat", "main", simmer::core::LandMode::ff);
    REQUIRE(landed.ok());
    CHECK(landed->before == base);
    CHECK(landed->after == feat);
    CHECK(r.head(r.root) == feat);
    CHECK(slurp(r.root / "b.txt") == "b\n");  // the checkout followed
    auto again = land_branch(r.root, "feat", "main", simmer::core::LandMode::squash);
    REQUIRE(again.ok());
    CHECK(again->after == again->before);
  }
  SECTION("main moved: the fast-forward is refused with nothing changed; a merge commit has both parents") {
    r.commit(r.root, "m.txt", "m\n", "user work");
    const std::string moved = r.head(r.root);
    auto refused = land_branch(r.root, "feat", "main", simmer::core::LandMode::ff);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.failure().code == simmer::ExitCode::failure);
    CHECK_THAT(refused.failure().message, Catch::Contains("main moved since the run started: it has 1 commit the "
                                                          "run's branch feat does not") &&
                                              Catch::Contains("user work"));
    CHECK(r.head(r.root) == moved);
    auto merged = land_branch(r.root, "feat", "main", simmer::core::LandMode::merge);
    REQUIRE(merged.ok());
    CHECK(sh(r.root, "git log -1 --format=%P main") == moved + " " + feat);
    CHECK(sh(r.root, "git log -1 --format=%B main").find("Simmer-Land: feat@" + feat) != std::string::npos);
    CHECK(slurp(r.root / "b.txt") == "b\n");
  }
  SECTION("a conflict is refused, naming the file, with the checkout and the branch untouched") {
    r.commit(wt, "a.txt", "run\n", "S-1: fix");
    r.commit(r.root, "a.txt", "user\n", "user edit");
    const std::string moved = r.head(r.root);
    write(r.root / "local.txt", "uncommitted\n");
    auto refused = land_branch(r.root, "feat", "main", simmer::core::LandMode::squash);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.failure().message,
               Catch::Contains("main and the run's branch feat conflict in a.txt: nothing was changed"));
    CHECK(r.head(r.root) == moved);
    CHECK(slurp(r.root / "a.txt") == "user\n");
    CHECK(sh(r.root, "git status --porcelain") == "?? local.txt");
  }
  SECTION("a squash is one commit on main; made again, it is found by its trailer") {
    r.commit(r.root, "m.txt", "m\n", "user work");
    const std::string moved = r.head(r.root);
    auto squashed = land_branch(r.root, "feat", "main", simmer::core::LandMode::squash);
    REQUIRE(squashed.ok());
    CHECK(sh(r.root, "git log -1 --format=%P main") == moved);
    CHECK(sh(r.root, "git show --format= --name-only main") == "b.txt");
    auto again = land_branch(r.root, "feat", "main", simmer::core::LandMode::squash);
    REQUIRE(again.ok());
    CHECK(again->after == again->before);
    CHECK(sh(r.root, "git rev-list --count " + moved + "..main") == "1");
  }
  SECTION("main not checked out anywhere: its ref is compare-and-swapped, HEAD stays") {
    sh(r.root, "git switch -q -c elsewhere");
    auto landed = land_branch(r.root, "feat", "main", simmer::core::LandMode::ff);
    REQUIRE(landed.ok());
    CHECK(simmer::run::rev_parse(r.root, "refs/heads/main") == feat);
    CHECK(sh(r.root, "git symbolic-ref HEAD") == "refs/heads/elsewhere");
  }
  SECTION("a local change in the way: git refuses and nothing moves") {
    write(r.root / "b.txt", "mine\n");
    auto refused = land_branch(r.root, "feat", "main", simmer::core::LandMode::ff);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.failure().message, Catch::Contains("could not move main") && Catch::Contains("b.txt"));
    CHECK(r.head(r.root) == base);
    CHECK(slurp(r.root / "b.txt") == "mine\n");
  }
  SECTION("a branch that is gone is bad input") {
    auto refused = land_branch(r.root, "gone", "main", simmer::core::LandMode::ff);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.failure().code == simmer::ExitCode::invalid_input);
  }
}
