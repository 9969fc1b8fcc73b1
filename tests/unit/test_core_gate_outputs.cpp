// What gates wrote, pure: found from git's view of the tree before and after a gate, remembered over gates, and
// kept out of commits while it is still the gates' (core/gate_outputs.hpp).
#include "core/gate_outputs.hpp"

#include <catch2/catch.hpp>

using namespace simmer::core;

namespace {

DirtyEntry untracked(const std::string& path) { return {.path = path, .untracked = true, .sha256 = std::nullopt}; }
DirtyEntry tracked(const std::string& path, std::optional<std::string> sha) {
  return {.path = path, .untracked = false, .sha256 = std::move(sha)};
}
events::GateOutput output(const std::string& path, const std::string& change,
                          std::optional<std::string> sha = std::nullopt) {
  return {.path = path, .change = change, .sha256 = std::move(sha)};
}

}  // namespace

TEST_CASE("gate outputs: what is new or different after the gate, sorted, and not what was there as it was") {
  const std::vector<DirtyEntry> before = {untracked("notes.txt"), tracked("src/a.cpp", "aa"),
                                          tracked("src/b.cpp", "bb")};
  const std::vector<DirtyEntry> after = {untracked("notes.txt"),            // dirty before, untouched
                                         tracked("src/a.cpp", "aa"),        // dirty before, same content
                                         tracked("src/b.cpp", "b2"),        // dirty before, rewritten by the gate
                                         untracked("build/"),               // a folder git lists whole
                                         tracked("src/fmt.cpp", "ff"),      // a clean tracked file the gate changed
                                         tracked("old.txt", std::nullopt),  // deleted by the gate
                                         untracked("coverage.xml")};
  CHECK(gate_outputs(before, after) ==
        std::vector<events::GateOutput>{output("build/", "created"), output("coverage.xml", "created"),
                                        output("old.txt", "deleted"), output("src/b.cpp", "changed", "b2"),
                                        output("src/fmt.cpp", "changed", "ff")});
  CHECK(gate_outputs(after, after).empty());
  CHECK(gate_outputs({}, {}).empty());
}

TEST_CASE("gate outputs: a tracked path that becomes untracked, or the reverse, is the gate's doing") {
  // `git rm --cached` by a gate: the path shows untracked now.
  CHECK(gate_outputs({tracked("a.txt", "aa")}, {untracked("a.txt")}) ==
        std::vector<events::GateOutput>{output("a.txt", "created")});
  CHECK(gate_outputs({untracked("a.txt")}, {tracked("a.txt", "aa")}) ==
        std::vector<events::GateOutput>{output("a.txt", "changed", "aa")});
}

TEST_CASE("gate outputs: a later gate's word on a path replaces an earlier one's") {
  GateOutputs known;
  note_outputs(known, {output("src/b.cpp", "changed", "b2"), output("build/", "created")});
  note_outputs(known, {output("src/b.cpp", "changed", "b3")});
  REQUIRE(known.size() == 2);
  CHECK(known.at("src/b.cpp").sha256 == "b3");
  CHECK(known.at("build/").change == "created");
}

TEST_CASE("gate outputs: created ones stay the gates', changed and deleted ones only while as the gate left them") {
  CHECK(still_gate_output(output("build/", "created"), std::nullopt));
  CHECK(still_gate_output(output("build/", "created"), "anything"));
  CHECK(still_gate_output(output("src/b.cpp", "changed", "b2"), "b2"));
  CHECK_FALSE(still_gate_output(output("src/b.cpp", "changed", "b2"), "b9"));  // edited since: someone's work
  CHECK_FALSE(still_gate_output(output("src/b.cpp", "changed", "b2"), std::nullopt));
  CHECK(still_gate_output(output("old.txt", "deleted"), std::nullopt));
  CHECK_FALSE(still_gate_output(output("old.txt", "deleted"), "back"));
}

TEST_CASE("gate outputs: a folder entry covers the files under it, a file entry only itself") {
  CHECK(covers("build/", "build/"));
  CHECK(covers("build/", "build/out.o"));
  CHECK(covers("build/", "build/deep/er.o"));
  CHECK_FALSE(covers("build/", "build"));
  CHECK_FALSE(covers("build/", "builder/x"));
  CHECK_FALSE(covers("build/", "src/build/x"));
  CHECK(covers("coverage.xml", "coverage.xml"));
  CHECK_FALSE(covers("coverage.xml", "coverage.xml.bak"));
  CHECK_FALSE(covers("src", "src/a.cpp"));  // only git's folder entries end in '/'
  CHECK_FALSE(covers("", "a"));
}
