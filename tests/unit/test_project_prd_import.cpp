// marmite / Ralph prd.json import: passed stays passed, problems point into the source file.
#include "project/prd_import.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace {

using nlohmann::json;
using simmer::project::import_prd;

json fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(SIMMER_SOURCE_DIR) / "tests" / "fixtures" / "import" / name);
  return json::parse(in);
}

}  // namespace

TEST_CASE("prd_import: marmite prd.json keeps passed stories passed and lists its epics", "[project][import]") {
  auto r = import_prd(fixture("marmite-prd.json"), "prd.json");
  REQUIRE(r.errors.empty());
  CHECK(r.passed == 2);
  const auto& s = r.prd["stories"];
  REQUIRE(s.size() == 4);
  CHECK(s[0]["status"] == "passed");
  CHECK(s[1]["status"] == "passed");
  CHECK(s[2]["status"] == "pending");
  CHECK(s[3]["dependencies"] == json::parse(R"(["US-003"])"));
  CHECK(s[0]["notes"] == "Use the better-sqlite3 package.");
  CHECK(r.prd["epics"] ==
        json::parse(R"([{"id":"recipe-basics","title":"Recipe Basics"},{"id":"scaling","title":"Scaling"}])"));
  CHECK(r.prd["schemaVersion"] == 1);
  CHECK(r.notes.empty());
}

TEST_CASE("prd_import: Ralph prd.json without epics or dependencies, branchName is reported", "[project][import]") {
  auto r = import_prd(fixture("ralph-prd.json"), "prd.json");
  REQUIRE(r.errors.empty());
  CHECK_FALSE(r.prd.contains("epics"));
  CHECK(r.prd["stories"][0]["epic"] == "");
  CHECK(r.prd["stories"][1]["dependencies"] == json::array());
  CHECK(r.notes == std::vector<std::string>{
                       "branchName \"ralph/invoice-cli\" is not used by simmer (dropped): simmer works on the branch "
                       "you run it on"});
}

TEST_CASE("prd_import: an unknown dependency points at the source story", "[project][import]") {
  auto r = import_prd(fixture("bad-dependency.json"), "prd.json");
  CHECK(r.errors == std::vector<std::string>{
                        "prd.json#/userStories/1/dependencies: US-002 depends on US-012, which does not exist"});
}

TEST_CASE("prd_import: wrong shapes are each reported", "[project][import]") {
  auto r = import_prd(fixture("bad-shapes.json"), "in.json");
  CHECK(r.errors == std::vector<std::string>{
                        "in.json#/userStories/0/priority: expected a whole number >= 0, found -3",
                        "in.json#/userStories/0/passes: expected true or false, found \"yes\"",
                        "in.json#/userStories/1: expected a story object, found a string",
                    });
}

TEST_CASE("prd_import: simmer's own prd.json is recognised and refused", "[project][import]") {
  auto r = import_prd(fixture("simmer-shaped.json"), "x.json");
  CHECK(r.errors == std::vector<std::string>{"x.json#: no \"userStories\" array: this looks like simmer's own "
                                             "prd.json already (copy it to .simmer/prd.json instead)"});
}
