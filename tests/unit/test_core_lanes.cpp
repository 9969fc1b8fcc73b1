// Which stories may run together, pure: the glob syntax, matching, overlap (checked against brute force over
// every short path), the scheduler's every reason and cap, and strayed diffs.
#include "core/lanes.hpp"

#include "core/select.hpp"
#include "core/state.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>

using namespace simmer::core;

namespace {

using Strings = std::vector<std::string>;

LaneStory story(const std::string& id, std::int64_t priority, std::optional<Strings> touches, Strings deps = {},
                const std::string& agent = "claude") {
  LaneStory s;
  s.id = id;
  s.priority = priority;
  s.touches = std::move(touches);
  s.dependencies = std::move(deps);
  s.agent = agent;
  return s;
}

LaneStory done(const std::string& id) {
  LaneStory s = story(id, 0, Strings{"done/" + id});
  s.status = StoryStatus::passed;
  return s;
}

RunningLane lane(const std::string& id, std::optional<Strings> touches, Strings touched = {},
                 const std::string& agent = "claude") {
  return RunningLane{id, std::move(touches), std::move(touched), agent};
}

LaneInput with_lanes(int n) {
  LaneInput in;
  in.limits.lanes = n;
  return in;
}

Strings deferred_ids(const LanePlan& plan) {
  Strings out;
  for (const auto& d : plan.deferred) {
    out.push_back(d.story_id);
  }
  return out;
}

const Deferral& deferral_of(const LanePlan& plan, const std::string& id) {
  auto it = std::find_if(plan.deferred.begin(), plan.deferred.end(),
                         [&](const Deferral& d) { return d.story_id == id; });
  REQUIRE(it != plan.deferred.end());
  return *it;
}

}  // namespace

// ---- glob syntax -----------------------------------------------------------------------------------------------

TEST_CASE("lanes: a valid glob has no error") {
  for (const char* g : {"src/api/**", "docs/api.md", "**", "**/*.cpp", "src/**/test_?.cpp", "*", "a/*b*/c",
                        ".github/workflows/*.yml", "caf\xC3\xA9/?", "src/..x", "src/.hidden", "a/[b]"}) {
    INFO(g);
    CHECK(glob_error(g).empty());
  }
}

TEST_CASE("lanes: an invalid glob is refused with its reason") {
  CHECK(glob_error("") == "is empty");
  CHECK(glob_error("src/\tx") == "holds a control character");
  CHECK(glob_error(std::string("a\0b", 3)) == "holds a control character");
  CHECK(glob_error("src\\api") == "holds a backslash (segments are separated by \"/\", and nothing is escaped)");
  CHECK(glob_error("/src/**") == "starts with \"/\" (paths are relative to the repository root)");
  CHECK(glob_error("/") == "starts with \"/\" (paths are relative to the repository root)");
  CHECK(glob_error("src//api") == "has an empty segment");
  CHECK(glob_error("src/") == "has an empty segment");
  CHECK(glob_error("./src") == "has a \".\" segment (write the path without it)");
  CHECK(glob_error("src/../etc") == "has a \"..\" segment (a glob cannot leave the repository)");
  CHECK(glob_error("..") == "has a \"..\" segment (a glob cannot leave the repository)");
  CHECK(glob_error("src/**x") == "has \"**\" inside the segment \"**x\" (\"**\" must be a whole segment)");
  CHECK(glob_error("x**/a") == "has \"**\" inside the segment \"x**\" (\"**\" must be a whole segment)");
  CHECK(glob_error("a/***") == "has \"**\" inside the segment \"***\" (\"**\" must be a whole segment)");
  // The first problem in the order of checks is the one named.
  CHECK(glob_error("/a\\b") == "holds a backslash (segments are separated by \"/\", and nothing is escaped)");
  CHECK(glob_error("a//../**x") == "has an empty segment");
}

// ---- matching --------------------------------------------------------------------------------------------------

TEST_CASE("lanes: glob_match reads stars, question marks and double stars by segment") {
  CHECK(glob_match("docs/api.md", "docs/api.md"));
  CHECK_FALSE(glob_match("docs/api.md", "docs/api.mdx"));
  CHECK_FALSE(glob_match("docs/api.md", "Docs/api.md"));
  CHECK_FALSE(glob_match("docs", "docs/api.md"));  // a folder is claimed with docs/**
  CHECK(glob_match("src/*.cpp", "src/a.cpp"));
  CHECK(glob_match("src/*.cpp", "src/.cpp"));
  CHECK_FALSE(glob_match("src/*.cpp", "src/a/b.cpp"));
  CHECK(glob_match("src/*", "src/.hidden"));
  CHECK(glob_match("src/?.cpp", "src/a.cpp"));
  CHECK_FALSE(glob_match("src/?.cpp", "src/ab.cpp"));
  CHECK_FALSE(glob_match("src/?.cpp", "src/.cpp"));
  CHECK_FALSE(glob_match("?", "a/b"));
  CHECK(glob_match("a*b*c", "abc"));
  CHECK(glob_match("a*b*c", "aXbYbZc"));
  CHECK_FALSE(glob_match("a*b*c", "aXbYbZ"));
  CHECK(glob_match("src/**", "src"));
  CHECK(glob_match("src/**", "src/a"));
  CHECK(glob_match("src/**", "src/a/b/c.txt"));
  CHECK_FALSE(glob_match("src/**", "srcs/a"));
  CHECK(glob_match("**/*.md", "README.md"));
  CHECK(glob_match("**/*.md", "docs/a/b.md"));
  CHECK_FALSE(glob_match("**/*.md", "docs/a/b.mdx"));
  CHECK(glob_match("src/**/test_*.cpp", "src/test_a.cpp"));
  CHECK(glob_match("src/**/test_*.cpp", "src/x/y/test_a.cpp"));
  CHECK_FALSE(glob_match("src/**/test_*.cpp", "src/x/y/a_test.cpp"));
  CHECK(glob_match("**/a/**/b", "a/b"));
  CHECK(glob_match("**/a/**/b", "x/a/y/z/b"));
  CHECK_FALSE(glob_match("**/a/**/b", "x/b/a"));
  CHECK(glob_match("**", "anything/at/all"));
  CHECK(glob_match("**/**", "a"));
  CHECK(glob_match("a/[b]", "a/[b]"));  // brackets are literal
  CHECK_FALSE(glob_match("a/[b]", "a/b"));
  // An empty path is one empty segment.
  CHECK(glob_match("*", ""));
  CHECK(glob_match("**", ""));
  CHECK_FALSE(glob_match("?", ""));
}

TEST_CASE("lanes: wildcards count UTF-8 characters, a stray byte is one") {
  CHECK(glob_match("caf?", "caf\xC3\xA9"));
  CHECK_FALSE(glob_match("caf??", "caf\xC3\xA9"));
  CHECK(glob_match("?\xE2\x82\xAC?",
                   "a\xE2\x82\xAC"
                   "b"));
  CHECK(glob_match("??", "\xFF\xFE"));
  CHECK(glob_match("*\xC3\xA9", "caf\xC3\xA9"));
  CHECK_FALSE(glob_match("*\xA9", "caf\xC3\xA9"));  // the tail byte of é is not a character of its own
}

// ---- overlap ---------------------------------------------------------------------------------------------------

TEST_CASE("lanes: overlap of two globs, with a path both match") {
  struct Case {
    const char* a;
    const char* b;
    std::optional<std::string> example;
  };
  const std::vector<Case> cases = {
      {"src/api/**", "src/**", "src/api/x"},
      {"src/api/**", "src/ui/**", std::nullopt},
      {"docs/api.md", "docs/*.md", "docs/api.md"},
      {"docs/api.md", "docs/*.txt", std::nullopt},
      {"*.md", "README.*", "README.md"},
      {"a*", "*b", "ab"},
      {"a?", "?b", "ab"},
      {"a?c", "?b?", "abc"},
      {"a*", "b*", std::nullopt},
      {"*a", "*b", std::nullopt},
      {"??", "???", std::nullopt},
      {"?*", "*??", "xx"},
      {"**", "**", "x"},
      {"**", "deep/file.txt", "deep/file.txt"},
      {"**/*.md", "docs/**", "docs/x.md"},
      {"*/a/**", "**/b/*", "b/a"},
      {"*/a/**", "b/**/c", "b/a/c"},
      {"x/*", "x/*/y", std::nullopt},
      {"x/**/y", "x/y", "x/y"},
      {"x/**/y", "x/z", std::nullopt},
      {"caf?", "caf\xC3\xA9", "caf\xC3\xA9"},
  };
  for (const auto& c : cases) {
    INFO(c.a << " vs " << c.b);
    CHECK(glob_overlap_example(c.a, c.b) == c.example);
    CHECK(globs_may_overlap(c.a, c.b) == c.example.has_value());
    CHECK(globs_may_overlap(c.b, c.a) == c.example.has_value());
    if (c.example) {
      CHECK(glob_match(c.a, *c.example));
      CHECK(glob_match(c.b, *c.example));
    }
  }
}

TEST_CASE("lanes: an invalid glob overlaps everything, with no example") {
  CHECK(globs_may_overlap("/etc/passwd", "src/a.cpp"));
  CHECK(globs_may_overlap("src/a.cpp", "a/**x"));
  CHECK(globs_may_overlap("", ""));
  CHECK_FALSE(glob_overlap_example("../x", "x").has_value());
}

TEST_CASE("lanes: the conservative corner: a dot segment counts as a path") {
  // Only "src/." matches both; no repository path is named so, but the answer stays true.
  CHECK(glob_overlap_example("src/.*", "src/?") == std::optional<std::string>("src/."));
  CHECK(globs_may_overlap("..*", "??"));
}

namespace {

// Every path of 1..max_depth segments, each 1..max_len characters of `alphabet`.
Strings all_paths(const std::string& alphabet, int max_depth, int max_len) {
  Strings segments;
  Strings frontier{""};
  for (int len = 1; len <= max_len; ++len) {
    Strings next;
    for (const auto& s : frontier) {
      for (char c : alphabet) {
        next.push_back(s + c);
      }
    }
    segments.insert(segments.end(), next.begin(), next.end());
    frontier = next;
  }
  Strings paths;
  Strings level{""};
  for (int depth = 1; depth <= max_depth; ++depth) {
    Strings next;
    for (const auto& p : level) {
      for (const auto& s : segments) {
        next.push_back(p.empty() ? s : p + "/" + s);
      }
    }
    paths.insert(paths.end(), next.begin(), next.end());
    level = next;
  }
  return paths;
}

// A random valid glob: 1..max_depth segments, each `**` or 1..max_len tokens of a, b, x, ? and *.
std::string random_glob(std::mt19937& rng, int max_depth, int max_len) {
  const char* tokens[] = {"a", "b", "x", "?", "*", "a", "b", "*"};
  const int depth = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_depth));
  std::string out;
  for (int d = 0; d < depth; ++d) {
    std::string segment;
    if (rng() % 4 == 0) {
      segment = "**";
    } else {
      const int len = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_len));
      for (int k = 0; k < len; ++k) {
        segment += tokens[rng() % 8];
      }
      // `**` inside a segment is not a glob: two stars in a row are one.
      while (segment.find("**") != std::string::npos) {
        segment.erase(segment.find("**"), 1);
      }
    }
    out += (out.empty() ? "" : "/") + segment;
  }
  return out;
}

struct BruteForceCounts {
  int pairs = 0;
  int shared = 0;    // some enumerated path matches both
  int disjoint = 0;  // overlap false
  int beyond = 0;    // overlap true, but no enumerated path is shared (the shared path is longer or deeper)
};

BruteForceCounts brute_force(std::uint32_t seed, int pattern_count, int depth, int len) {
  std::mt19937 rng(seed);
  const Strings paths = all_paths("abx", depth, len);
  const std::set<std::string> path_set(paths.begin(), paths.end());
  Strings globs;
  std::set<std::string> seen;
  while (static_cast<int>(globs.size()) < pattern_count) {
    std::string g = random_glob(rng, depth, len);
    REQUIRE(glob_error(g).empty());
    if (seen.insert(g).second) {
      globs.push_back(g);
    }
  }
  std::vector<std::vector<bool>> matches(globs.size(), std::vector<bool>(paths.size()));
  for (std::size_t g = 0; g < globs.size(); ++g) {
    for (std::size_t p = 0; p < paths.size(); ++p) {
      matches[g][p] = glob_match(globs[g], paths[p]);
    }
  }
  BruteForceCounts counts;
  for (std::size_t i = 0; i < globs.size(); ++i) {
    for (std::size_t j = i; j < globs.size(); ++j) {
      ++counts.pairs;
      bool shared = false;
      for (std::size_t p = 0; p < paths.size() && !shared; ++p) {
        shared = matches[i][p] && matches[j][p];
      }
      const bool overlap = globs_may_overlap(globs[i], globs[j]);
      const auto example = glob_overlap_example(globs[i], globs[j]);
      INFO(globs[i] << " vs " << globs[j]);
      // Sound: two globs that share a path are never called disjoint.
      if (shared) {
        REQUIRE(overlap);
      }
      // Exact: every "overlap" comes with a real shared path, and the answer is symmetric.
      REQUIRE(overlap == example.has_value());
      REQUIRE(globs_may_overlap(globs[j], globs[i]) == overlap);
      if (example) {
        REQUIRE(glob_match(globs[i], *example));
        REQUIRE(glob_match(globs[j], *example));
        // An example inside the enumerated world must have been found by it.
        if (path_set.count(*example) != 0) {
          REQUIRE(shared);
        }
      }
      counts.shared += shared ? 1 : 0;
      counts.disjoint += overlap ? 0 : 1;
      counts.beyond += overlap && !shared ? 1 : 0;
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("lanes: overlap agrees with brute force over every path of up to 3 segments") {
  const auto counts = brute_force(12, 260, 3, 2);
  // The test must have tested: many pairs, and both answers well represented.
  CHECK(counts.pairs == 260 * 261 / 2);
  CHECK(counts.shared > 8000);
  CHECK(counts.disjoint > 15000);
  CHECK(counts.beyond > 50);  // overlaps only a deeper path shows: the example proves them
}

TEST_CASE("lanes: overlap agrees with brute force over every path of segments up to 3 characters") {
  const auto counts = brute_force(7, 220, 2, 3);
  CHECK(counts.pairs == 220 * 221 / 2);
  CHECK(counts.shared > 4000);
  CHECK(counts.disjoint > 10000);
}

// ---- scheduling: runnable, order, lanes ------------------------------------------------------------------------

TEST_CASE("lanes: disjoint stories start together, in pick order, up to the lane count") {
  LaneInput in = with_lanes(3);
  in.stories = {story("T-3", 1, Strings{"c/**"}), story("T-1", 1, Strings{"a/**"}), story("T-2", 0, Strings{"b/**"}),
                story("T-4", 2, Strings{"d/**"})};
  const auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"T-2", "T-1", "T-3"});
  REQUIRE(plan.deferred.size() == 1);
  CHECK(plan.deferred[0] ==
        Deferral{"T-4", DeferReason::lanes_full, "", OtherLane::running, "", "", WriteSource::declared, "", "", 3, {}});
  CHECK(describe(plan.deferred[0]) == "all 3 lanes are busy");
  CHECK(plan.waiting.empty());
}

TEST_CASE("lanes: pick order is the single-lane harness's: priority, then id") {
  // Same stories through core/select's runnable_stories: with every lane free and nothing overlapping, the plan
  // starts them in exactly that order.
  State state;
  LaneInput in = with_lanes(100);
  std::mt19937 rng(3);
  for (int i = 0; i < 40; ++i) {
    const std::string id = "S" + std::to_string(rng() % 1000) + "-" + std::to_string(i);
    const std::int64_t priority = static_cast<std::int64_t>(rng() % 5);
    in.stories.push_back(story(id, priority, Strings{id + "/**"}));
    StoryView v;
    v.priority = priority;
    state.stories[id] = v;
  }
  const auto plan = plan_lanes(in);
  CHECK(plan.start == runnable_stories(state));
  CHECK(plan.start.size() == 40);
}

TEST_CASE("lanes: running lanes take lanes, and no lane or a lane count of 0 starts nothing") {
  LaneInput in = with_lanes(2);
  in.stories = {story("A", 0, Strings{"a"}), story("B", 0, Strings{"b"}), story("C", 0, Strings{"c"})};
  in.running = {lane("R", Strings{"r"})};
  auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"A"});
  CHECK(deferred_ids(plan) == Strings{"B", "C"});
  CHECK(deferral_of(plan, "B").reason == DeferReason::lanes_full);
  CHECK(deferral_of(plan, "B").limit == 2);

  in.running.push_back(lane("Q", Strings{"q"}));
  in.running.push_back(lane("P", Strings{"p"}));  // more lanes busy than allowed (the limit was lowered)
  plan = plan_lanes(in);
  CHECK(plan.start.empty());
  CHECK(deferred_ids(plan) == Strings{"A", "B", "C"});

  in.running.clear();
  in.limits.lanes = 0;
  plan = plan_lanes(in);
  CHECK(plan.start.empty());
  CHECK(describe(deferral_of(plan, "A")) == "all 0 lanes are busy");
}

TEST_CASE("lanes: an empty input plans nothing") {
  const auto plan = plan_lanes(LaneInput{});
  CHECK(plan.start.empty());
  CHECK(plan.deferred.empty());
  CHECK(plan.waiting.empty());
}

// ---- scheduling: dependencies ----------------------------------------------------------------------------------

TEST_CASE("lanes: a dependency must have passed and be merged") {
  LaneInput in = with_lanes(4);
  in.stories = {done("A"), done("B"), story("X", 0, Strings{"x"}, {"A"}), story("Y", 0, Strings{"y"}, {"A", "B"}),
                story("Z", 0, Strings{"z"}, {"B"})};
  in.merged = {"A"};
  const auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"X"});
  CHECK(plan.deferred.empty());
  CHECK(plan.waiting ==
        std::vector<Waiting>{{"Y", "B", DependencyWait::not_merged}, {"Z", "B", DependencyWait::not_merged}});
  in.merged = {"A", "B"};
  CHECK(plan_lanes(in).start == Strings{"X", "Y", "Z"});
}

TEST_CASE("lanes: a dependency pending, running, blocked or unknown keeps a story waiting") {
  LaneInput in = with_lanes(4);
  LaneStory blocked = story("B", 0, Strings{"b"});
  blocked.status = StoryStatus::blocked;
  in.stories = {done("A"),
                blocked,
                story("P", 5, Strings{"p"}),
                story("R", 0, Strings{"r"}),
                story("W1", 1, Strings{"w1"}, {"A", "P"}),
                story("W2", 1, Strings{"w2"}, {"R"}),
                story("W3", 1, Strings{"w3"}, {"B", "P"}),
                story("W4", 1, Strings{"w4"}, {"NOPE"}),
                story("W5", 1, Strings{"w5"}, {"A", "B", "NOPE"})};
  in.merged = {"A"};
  in.running = {lane("R", Strings{"r"})};
  const auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"P"});
  CHECK(plan.waiting == std::vector<Waiting>{{"W1", "P", DependencyWait::pending},
                                             {"W2", "R", DependencyWait::pending},
                                             {"W3", "B", DependencyWait::blocked},
                                             {"W4", "NOPE", DependencyWait::missing},
                                             {"W5", "B", DependencyWait::blocked}});
  CHECK(to_string(DependencyWait::pending) == "pending");
  CHECK(to_string(DependencyWait::blocked) == "blocked");
  CHECK(to_string(DependencyWait::missing) == "missing");
  CHECK(to_string(DependencyWait::not_merged) == "not_merged");
}

TEST_CASE("lanes: every pending story that is not running lands in exactly one list") {
  std::mt19937 rng(99);
  int plans = 0;
  for (int round = 0; round < 200; ++round) {
    LaneInput in = with_lanes(1 + static_cast<int>(rng() % 4));
    in.limits.agent_sessions["codex"] = static_cast<int>(rng() % 2);
    in.limits.serial_globs = {"Cargo.lock"};
    const char* globs[] = {"a/**", "b/*", "a/x", "Cargo.lock", "c/?", "**/x"};
    Strings pending;
    for (int i = 0; i < 8; ++i) {
      const std::string id = "S" + std::to_string(i);
      std::optional<Strings> touches;
      if (rng() % 5 != 0) {
        touches = Strings{globs[rng() % 6]};
      }
      Strings deps;
      if (i > 0 && rng() % 3 == 0) {
        deps.push_back("S" + std::to_string(rng() % i));
      }
      LaneStory s = story(id, static_cast<std::int64_t>(rng() % 3), touches, deps, rng() % 2 ? "claude" : "codex");
      const auto roll = rng() % 6;
      if (roll == 0) {
        s.status = StoryStatus::passed;
        if (rng() % 2) {
          in.merged.push_back(id);
        }
      } else if (roll == 1) {
        s.status = StoryStatus::blocked;
      } else if (roll == 2 && in.running.size() < 2) {
        in.running.push_back(lane(id, touches, {}, "claude"));
      } else {
        pending.push_back(id);
      }
      in.stories.push_back(s);
    }
    const auto plan = plan_lanes(in);
    Strings listed = plan.start;
    for (const auto& d : plan.deferred) {
      listed.push_back(d.story_id);
    }
    for (const auto& w : plan.waiting) {
      listed.push_back(w.story_id);
    }
    std::sort(listed.begin(), listed.end());
    std::sort(pending.begin(), pending.end());
    INFO("round " << round);
    REQUIRE(listed == pending);
    // The caps hold: free lanes, and codex's sessions (the running lanes hold claude's).
    CHECK(static_cast<int>(plan.start.size()) <= std::max(0, in.limits.lanes - static_cast<int>(in.running.size())));
    const auto codex = std::count_if(plan.start.begin(), plan.start.end(), [&](const std::string& id) {
      return std::find_if(in.stories.begin(), in.stories.end(),
                          [&](const LaneStory& s) { return s.id == id && s.agent == "codex"; }) != in.stories.end();
    });
    CHECK(codex <= in.limits.agent_sessions["codex"]);
    ++plans;
  }
  CHECK(plans == 200);
}

// ---- scheduling: caps ------------------------------------------------------------------------------------------

TEST_CASE("lanes: a session cap per agent counts live sessions, running and starting") {
  LaneInput in = with_lanes(10);
  in.limits.agent_sessions = {{"claude", 2}, {"gemini", 0}};
  in.stories = {story("A", 0, Strings{"a"}, {}, "claude"), story("B", 1, Strings{"b"}, {}, "claude"),
                story("C", 2, Strings{"c"}, {}, "codex"),  story("D", 3, Strings{"d"}, {}, "codex"),
                story("E", 4, Strings{"e"}, {}, "gemini"), story("F", 5, Strings{"f"}, {}, "claude")};
  in.running = {lane("R", Strings{"r"}, {}, "claude"), lane("Q", Strings{"q"}, {}, "")};
  const auto plan = plan_lanes(in);
  // R holds a claude session; Q is in its gates (no session): one more claude starts. codex has no cap.
  CHECK(plan.start == Strings{"A", "C", "D"});
  CHECK(deferred_ids(plan) == Strings{"B", "E", "F"});
  const Deferral& b = deferral_of(plan, "B");
  CHECK(b.reason == DeferReason::session_cap);
  CHECK(b.other == "claude");
  CHECK(b.limit == 2);
  CHECK(describe(b) == "agent \"claude\" has 2 live sessions, its cap");
  CHECK(describe(deferral_of(plan, "E")) == "agent \"gemini\" has 0 live sessions, its cap");
}

TEST_CASE("lanes: the first reason that applies is the one given") {
  LaneInput in = with_lanes(2);
  in.limits.agent_sessions = {{"claude", 1}};
  in.limits.serial_globs = {"CHANGELOG.md"};
  in.running = {lane("R", Strings{"src/**", "CHANGELOG.md"}, {}, "claude")};
  in.stories = {story("A", 0, Strings{"src/a"}, {}, "claude"),                 // cap before overlap
                story("B", 1, Strings{"src/b", "CHANGELOG.md"}, {}, "codex"),  // overlap before serial
                story("C", 2, Strings{"docs/**"}, {}, "codex")};
  auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"C"});
  CHECK(deferral_of(plan, "A").reason == DeferReason::session_cap);
  CHECK(deferral_of(plan, "B").reason == DeferReason::overlaps);
  CHECK(deferral_of(plan, "B").glob == "src/b");
  // With C started every lane is busy: lanes_full comes before everything.
  in.stories.push_back(story("D", 3, std::nullopt));
  plan = plan_lanes(in);
  CHECK(deferral_of(plan, "D").reason == DeferReason::lanes_full);
}

// ---- scheduling: overlap ---------------------------------------------------------------------------------------

TEST_CASE("lanes: overlapping a running lane's touches defers, and never invents a dependency") {
  LaneInput in = with_lanes(3);
  in.stories = {story("A", 0, Strings{"docs/**", "src/api/**"}), story("B", 1, Strings{"src/ui/**"})};
  in.running = {lane("R", Strings{"src/**"})};
  auto plan = plan_lanes(in);
  CHECK(plan.start.empty());
  const Deferral& a = deferral_of(plan, "A");
  CHECK(a == Deferral{"A",
                      DeferReason::overlaps,
                      "R",
                      OtherLane::running,
                      "src/api/**",
                      "src/**",
                      WriteSource::declared,
                      "",
                      "src/api/x",
                      0,
                      {}});
  CHECK(describe(a) == "its glob \"src/api/**\" overlaps \"src/**\" of running story R (both could write src/api/x)");
  CHECK(plan.waiting.empty());
  // Once R is gone both start: nothing waits on R beyond its lane.
  in.running.clear();
  plan = plan_lanes(in);
  CHECK(plan.start == Strings{"A", "B"});
}

TEST_CASE("lanes: a running lane's diff widens its write set") {
  LaneInput in = with_lanes(3);
  in.stories = {story("A", 0, Strings{"Cargo.lock"}), story("B", 1, Strings{"src/ui/**"}),
                story("C", 2, Strings{"src/db/*.rs"})};
  in.running = {lane("R", Strings{"src/db/**"}, {"src/db/a.rs", "Cargo.lock", "src/ui/x.css"})};
  const auto plan = plan_lanes(in);
  CHECK(plan.start.empty());
  const Deferral& a = deferral_of(plan, "A");
  CHECK(a.reason == DeferReason::overlaps);
  CHECK(a.other_pattern == "Cargo.lock");
  CHECK(a.other_source == WriteSource::touched);
  CHECK(a.example == "Cargo.lock");
  CHECK(describe(a) == "its glob \"Cargo.lock\" matches Cargo.lock, which running story R's diff touched");
  CHECK(deferral_of(plan, "B").other_pattern == "src/ui/x.css");
  // Declared globs come before touched paths.
  CHECK(deferral_of(plan, "C").other_pattern == "src/db/**");
  CHECK(deferral_of(plan, "C").example == "src/db/x.rs");
}

TEST_CASE("lanes: a story overlapping one that starts in the same plan waits") {
  LaneInput in = with_lanes(4);
  in.stories = {story("A", 0, Strings{"src/**"}), story("B", 1, Strings{"src/b.cpp"}), story("C", 2, Strings{"c"}),
                story("D", 3, Strings{"c/**"})};
  const auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"A", "C"});
  const Deferral& b = deferral_of(plan, "B");
  CHECK(b.other == "A");
  CHECK(b.other_lane == OtherLane::starting);
  CHECK(describe(b) == "its glob \"src/b.cpp\" overlaps \"src/**\" of starting story A (both could write src/b.cpp)");
  CHECK(deferral_of(plan, "D").other == "C");
}

TEST_CASE("lanes: the first overlapping lane by id, the first glob pair in order") {
  LaneInput in = with_lanes(5);
  in.stories = {story("A", 0, Strings{"x/1", "y/**", "z"})};
  in.running = {lane("R2", Strings{"y/a", "z"}), lane("R1", Strings{"q", "z", "y/**"})};
  const auto plan = plan_lanes(in);
  const Deferral& a = deferral_of(plan, "A");
  CHECK(a.other == "R1");
  CHECK(a.glob == "y/**");
  CHECK(a.other_pattern == "y/**");
}

TEST_CASE("lanes: an invalid glob in a lane is assumed to overlap") {
  LaneInput in = with_lanes(2);
  in.stories = {story("A", 0, Strings{"src/a"})};
  in.running = {lane("R", Strings{"/abs/**"})};
  const auto plan = plan_lanes(in);
  const Deferral& a = deferral_of(plan, "A");
  CHECK(a.reason == DeferReason::overlaps);
  CHECK(a.example.empty());
  CHECK(describe(a) == "its glob \"src/a\" may overlap \"/abs/**\" of running story R");
}

// ---- scheduling: serial globs ----------------------------------------------------------------------------------

TEST_CASE("lanes: two stories that both touch a serial glob never run together") {
  LaneInput in = with_lanes(4);
  in.limits.serial_globs = {"CHANGELOG.md", "db/migrations/**"};
  in.stories = {story("A", 0, Strings{"db/migrations/001_users.sql"}),
                story("B", 1, Strings{"db/migrations/002_x.sql"}), story("C", 2, Strings{"db/models/**"}),
                story("D", 3, Strings{"db/**"})};
  const auto plan = plan_lanes(in);
  // A and B are disjoint, but both write under db/migrations/**; C does not touch it; D does, through db/**.
  CHECK(plan.start == Strings{"A", "C"});
  const Deferral& b = deferral_of(plan, "B");
  CHECK(b == Deferral{"B",
                      DeferReason::serial,
                      "A",
                      OtherLane::starting,
                      "db/migrations/002_x.sql",
                      "db/migrations/001_users.sql",
                      WriteSource::declared,
                      "db/migrations/**",
                      "",
                      0,
                      {}});
  CHECK(describe(b) ==
        "its glob \"db/migrations/002_x.sql\" and \"db/migrations/001_users.sql\" of starting story A both touch the "
        "serial glob \"db/migrations/**\"");
  // D overlaps A directly (db/** contains A's file): a direct overlap is named before a serial glob.
  CHECK(deferral_of(plan, "D").reason == DeferReason::overlaps);
  CHECK(deferral_of(plan, "D").other == "A");
}

TEST_CASE("lanes: a serial path a running lane's diff touched keeps others out") {
  LaneInput in = with_lanes(4);
  in.limits.serial_globs = {"**/package-lock.json"};
  in.stories = {story("A", 0, Strings{"web/package-lock.json", "web/src/a.js"}), story("B", 1, Strings{"api/**"})};
  in.running = {lane("R", Strings{"web/src/r.js"}, {"web/src/r.js", "api/package-lock.json"})};
  const auto plan = plan_lanes(in);
  const Deferral& a = deferral_of(plan, "A");
  CHECK(a.reason == DeferReason::serial);
  CHECK(a.glob == "web/package-lock.json");
  CHECK(a.other_pattern == "api/package-lock.json");
  CHECK(a.other_source == WriteSource::touched);
  CHECK(describe(a) ==
        "its glob \"web/package-lock.json\" and api/package-lock.json, which running story R's diff touched both "
        "touch the serial glob \"**/package-lock.json\"");
  // B claims api/** and R's diff touched api/package-lock.json: a direct overlap.
  CHECK(deferral_of(plan, "B").reason == DeferReason::overlaps);
  CHECK(plan.start.empty());
}

TEST_CASE("lanes: a serial glob only one side touches changes nothing") {
  LaneInput in = with_lanes(4);
  in.limits.serial_globs = {"CHANGELOG.md"};
  in.stories = {story("A", 0, Strings{"CHANGELOG.md", "a/**"}), story("B", 1, Strings{"b/**"})};
  in.running = {lane("R", Strings{"r/**"}, {"r/x"})};
  CHECK(plan_lanes(in).start == Strings{"A", "B"});
}

// ---- scheduling: stories without touches -----------------------------------------------------------------------

TEST_CASE("lanes: a story without touches waits for the busy lanes, then runs alone") {
  LaneInput in = with_lanes(4);
  in.stories = {story("U", 0, std::nullopt), story("V", 5, Strings{"v"})};
  in.running = {lane("R2", Strings{"r2"}), lane("R1", Strings{"r1"})};
  auto plan = plan_lanes(in);
  CHECK(plan.start.empty());
  const Deferral& u = deferral_of(plan, "U");
  CHECK(u.reason == DeferReason::runs_alone);
  CHECK(u.busy == Strings{"R1", "R2"});
  CHECK(describe(u) == "it has no touches, so it runs alone: it waits for R1, R2 to finish");
  // V waits with U, so that U is not kept waiting by stories after it.
  const Deferral& v = deferral_of(plan, "V");
  CHECK(v.reason == DeferReason::held_for_alone);
  CHECK(v.other == "U");
  CHECK(describe(v) == "story U has no touches and waits to run alone: later stories wait with it");

  in.running.clear();
  plan = plan_lanes(in);
  CHECK(plan.start == Strings{"U"});
  const Deferral& beside = deferral_of(plan, "V");
  CHECK(beside.reason == DeferReason::waits_for_alone);
  CHECK(beside.other == "U");
  CHECK(beside.other_lane == OtherLane::starting);
  CHECK(describe(beside) == "starting story U has no touches and runs alone: nothing starts beside it");
}

TEST_CASE("lanes: nothing starts beside a running story without touches") {
  LaneInput in = with_lanes(4);
  in.stories = {story("A", 0, Strings{"a"}), story("U", 1, std::nullopt)};
  in.running = {lane("R", std::nullopt, {"x"})};
  const auto plan = plan_lanes(in);
  CHECK(plan.start.empty());
  CHECK(deferral_of(plan, "A").reason == DeferReason::waits_for_alone);
  CHECK(describe(deferral_of(plan, "A")) == "running story R has no touches and runs alone: nothing starts beside it");
  CHECK(deferral_of(plan, "U").reason == DeferReason::waits_for_alone);
}

TEST_CASE("lanes: stories before an untouched one in pick order still start") {
  LaneInput in = with_lanes(4);
  in.stories = {story("A", 0, Strings{"a"}), story("U", 1, std::nullopt), story("B", 2, Strings{"b"}),
                story("W", 3, std::nullopt)};
  const auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"A"});
  CHECK(deferral_of(plan, "U").reason == DeferReason::runs_alone);
  CHECK(deferral_of(plan, "U").busy == Strings{"A"});
  CHECK(deferral_of(plan, "B").reason == DeferReason::held_for_alone);
  CHECK(deferral_of(plan, "W").reason == DeferReason::held_for_alone);
  CHECK(deferral_of(plan, "W").other == "U");
}

TEST_CASE("lanes: an empty touches list counts as none") {
  LaneInput in = with_lanes(4);
  in.stories = {story("U", 0, Strings{})};
  in.running = {lane("R", Strings{"r"})};
  CHECK(deferral_of(plan_lanes(in), "U").reason == DeferReason::runs_alone);
  in.stories = {story("A", 0, Strings{"a"})};
  in.running = {lane("R", Strings{})};
  CHECK(deferral_of(plan_lanes(in), "A").reason == DeferReason::waits_for_alone);
}

TEST_CASE("lanes: run_beside lets untouched stories run beside others, their diffs still conflicting") {
  LaneInput in = with_lanes(4);
  in.limits.untouched = UntouchedStories::run_beside;
  in.limits.serial_globs = {"CHANGELOG.md"};
  in.stories = {story("U", 0, std::nullopt), story("A", 1, Strings{"a/**"}), story("B", 2, Strings{"src/x.cpp"}),
                story("C", 3, Strings{"CHANGELOG.md"})};
  in.running = {lane("R", std::nullopt, {"src/x.cpp", "CHANGELOG.md"})};
  const auto plan = plan_lanes(in);
  CHECK(plan.start == Strings{"U", "A"});
  CHECK(deferral_of(plan, "B").reason == DeferReason::overlaps);
  CHECK(deferral_of(plan, "B").other_source == WriteSource::touched);
  CHECK(deferral_of(plan, "C").reason == DeferReason::overlaps);
}

// ---- scheduling: determinism -----------------------------------------------------------------------------------

TEST_CASE("lanes: the same input gives the same plan, whatever the order of stories and lanes") {
  LaneInput in = with_lanes(4);
  in.limits.agent_sessions = {{"codex", 1}};
  in.limits.serial_globs = {"Cargo.lock"};
  in.stories = {story("A", 0, Strings{"src/a/**"}),
                story("B", 0, Strings{"src/b/**", "Cargo.lock"}),
                story("C", 1, Strings{"src/**"}),
                story("D", 1, Strings{"docs/**"}, {}, "codex"),
                story("E", 2, Strings{"e"}, {}, "codex"),
                story("F", 2, Strings{"f"}, {"Z"}),
                done("Z"),
                story("G", 3, std::nullopt)};
  in.running = {lane("R1", Strings{"r1/**"}, {"Cargo.lock"}), lane("R2", Strings{"src/a/x"})};
  const auto reference = plan_lanes(in);
  CHECK(reference.start == Strings{"D"});
  CHECK(deferred_ids(reference) == Strings{"A", "B", "C", "E", "G"});
  std::mt19937 rng(5);
  for (int round = 0; round < 50; ++round) {
    LaneInput shuffled = in;
    std::shuffle(shuffled.stories.begin(), shuffled.stories.end(), rng);
    std::shuffle(shuffled.running.begin(), shuffled.running.end(), rng);
    const auto plan = plan_lanes(shuffled);
    CHECK(plan.start == reference.start);
    CHECK(plan.deferred == reference.deferred);
    CHECK(plan.waiting == reference.waiting);
  }
}

TEST_CASE("lanes: the reasons have stable names") {
  CHECK(to_string(DeferReason::lanes_full) == "lanes_full");
  CHECK(to_string(DeferReason::waits_for_alone) == "waits_for_alone");
  CHECK(to_string(DeferReason::held_for_alone) == "held_for_alone");
  CHECK(to_string(DeferReason::session_cap) == "session_cap");
  CHECK(to_string(DeferReason::runs_alone) == "runs_alone");
  CHECK(to_string(DeferReason::overlaps) == "overlaps");
  CHECK(to_string(DeferReason::serial) == "serial");
}

// ---- strayed diffs ---------------------------------------------------------------------------------------------

TEST_CASE("lanes: a diff that strayed into another lane's globs waits for it") {
  const RunningLane me = lane("A", Strings{"src/a/**"}, {"src/a/x.cpp", "src/b/y.cpp", "docs/z.md", "README.md"});
  const std::vector<RunningLane> others = {lane("C", Strings{"docs/**"}), lane("B", Strings{"src/b/**", "docs/z.md"}),
                                           lane("D", Strings{"tools/**"}), me};
  const auto strays = strayed_into(me, others, {});
  CHECK(strays == std::vector<Stray>{{"docs/z.md", "B", "docs/z.md", WriteSource::declared, false},
                                     {"docs/z.md", "C", "docs/**", WriteSource::declared, false},
                                     {"src/b/y.cpp", "B", "src/b/**", WriteSource::declared, false}});
}

TEST_CASE("lanes: a stray into another lane's diff or a shared serial glob waits too") {
  const RunningLane me = lane("A", Strings{"a/**"}, {"a/1", "shared.txt", "Cargo.lock", "db/m/002.sql", "lone.txt"});
  const std::vector<RunningLane> others = {lane("B", Strings{"b/**"}, {"shared.txt"}),
                                           lane("C", Strings{"db/m/001.sql"}), lane("D", Strings{"d/**"})};
  const auto strays = strayed_into(me, others, {"Cargo.lock", "db/m/**"});
  // Cargo.lock is serial but no other lane touches it; db/m/** is touched by C's declared file.
  CHECK(strays == std::vector<Stray>{{"db/m/002.sql", "C", "db/m/**", WriteSource::declared, true},
                                     {"shared.txt", "B", "shared.txt", WriteSource::touched, false}});
}

TEST_CASE("lanes: an undeclared diff is all outside its touches") {
  const RunningLane me = lane("A", std::nullopt, {"x/1", "y/2"});
  const std::vector<RunningLane> others = {lane("B", Strings{"x/**"})};
  CHECK(strayed_into(me, others, {}, UntouchedStories::run_beside) ==
        std::vector<Stray>{{"x/1", "B", "x/**", WriteSource::declared, false}});
  // An undeclared other lane: everything under run_alone, only its diff under run_beside.
  const std::vector<RunningLane> undeclared = {lane("U", std::nullopt, {"y/2"})};
  CHECK(strayed_into(me, undeclared, {}, UntouchedStories::run_alone) ==
        std::vector<Stray>{{"x/1", "U", "**", WriteSource::declared, false},
                           {"y/2", "U", "**", WriteSource::declared, false}});
  CHECK(strayed_into(me, undeclared, {}, UntouchedStories::run_beside) ==
        std::vector<Stray>{{"y/2", "U", "y/2", WriteSource::touched, false}});
}

TEST_CASE("lanes: a diff inside its touches, or alone, strayed nowhere") {
  const RunningLane me = lane("A", Strings{"a/**", "b"}, {"a/1", "a/2/3", "b"});
  CHECK(strayed_into(me, {lane("B", Strings{"**"})}, {"**"}).empty());
  CHECK(strayed_into(lane("A", std::nullopt, {"x"}), {}, {"x"}).empty());
  CHECK(strayed_into(lane("A", Strings{"a"}, {}), {lane("B", Strings{"**"})}, {}).empty());
}

TEST_CASE("lanes: a touched set past its bound becomes top folders, then everything, never narrower") {
  using simmer::core::bounded_write_set;
  using simmer::core::glob_match;
  const std::vector<std::string> few = {"a/x", "b"};
  CHECK(bounded_write_set(few, 2) == few);
  const std::vector<std::string> many = {"README.md", "src/a/b.cpp", "src/c.cpp", "tests/t.cpp"};
  const auto top = bounded_write_set(many, 3);
  CHECK(top == std::vector<std::string>{"README.md", "src/**", "tests/**"});
  CHECK(bounded_write_set(many, 2) == std::vector<std::string>{"**"});
  for (const auto& limit : {std::size_t{2}, std::size_t{3}, std::size_t{4}}) {
    const auto bounded = bounded_write_set(many, limit);
    for (const auto& path : many) {
      CHECK(std::any_of(bounded.begin(), bounded.end(), [&](const std::string& g) { return glob_match(g, path); }));
    }
  }
}
