// Writing prd.json: progress is never discarded without --merge or --force, merges keep what is unchanged.
#include "project/prd_output.hpp"
#include "test_util_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using simmer::test::slurp;
using simmer::test::TempDir;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace simmer::project;

json story(const std::string& id, const std::string& title, const std::string& status = "pending") {
  json s = {{"id", id},          {"title", title},
            {"description", ""}, {"acceptanceCriteria", {"works"}},
            {"priority", 1},     {"dependencies", json::array()},
            {"epic", ""},        {"notes", ""},
            {"status", status}};
  if (status == "blocked") {
    s["blockedReason"] = "gave up";
  }
  return s;
}

json prd(std::vector<json> stories) {
  return {{"schemaVersion", 1}, {"project", "p"}, {"description", ""}, {"stories", stories}};
}

}  // namespace

TEST_CASE("prd_output: merge keeps the status of unchanged stories and reports the rest", "[project][prd_output]") {
  json existing = prd({story("A-1", "one", "passed"), story("A-2", "two", "blocked"), story("A-3", "gone", "passed")});
  json fresh = prd({story("A-1", "one"), story("A-2", "two, reworded"), story("A-4", "new")});
  MergeReport report;
  json merged = merge_prd(existing, fresh, report);
  CHECK(report.kept == std::vector<std::string>{"A-1"});
  CHECK(report.changed == std::vector<std::string>{"A-2"});
  CHECK(report.added == std::vector<std::string>{"A-4"});
  CHECK(report.removed == std::vector<std::string>{"A-3"});
  CHECK(merged["stories"][0]["status"] == "passed");
  CHECK(merged["stories"][1]["status"] == "pending");
  CHECK_FALSE(merged["stories"][1].contains("blockedReason"));
}

TEST_CASE("prd_output: a blocked unchanged story keeps its reason", "[project][prd_output]") {
  MergeReport report;
  json merged = merge_prd(prd({story("A-1", "one", "blocked")}), prd({story("A-1", "one")}), report);
  CHECK(merged["stories"][0]["status"] == "blocked");
  CHECK(merged["stories"][0]["blockedReason"] == "gave up");
}

TEST_CASE("prd_output: progress means a passed or blocked story", "[project][prd_output]") {
  CHECK_FALSE(prd_has_progress(prd({story("A-1", "one")})));
  CHECK(prd_has_progress(prd({story("A-1", "one", "passed")})));
  CHECK(prd_has_progress(prd({story("A-1", "one", "blocked")})));
  CHECK_FALSE(prd_has_progress(json::object()));
}

TEST_CASE("prd_output: refuses to replace progress, leaving the file as it was", "[project][prd_output]") {
  TempDir dir;
  const fs::path out = dir.path() / ".simmer" / "prd.json";
  REQUIRE(write_prd_output(prd({story("A-1", "one", "passed")}), out, ".simmer/prd.json", ExistingPolicy::force).ok());
  const std::string before = slurp(out);
  auto refused = write_prd_output(prd({story("A-1", "other")}), out, ".simmer/prd.json",
                                  ExistingPolicy::refuse_progress);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.failure().message ==
        "refusing to replace the PRD (.simmer/prd.json): it has progress (1 story passed); use --merge to keep the "
        "progress of unchanged stories or --force to discard it");
  CHECK(refused.failure().code == simmer::ExitCode::failure);
  CHECK(slurp(out) == before);
}

TEST_CASE("prd_output: created, unchanged, replaced and printed", "[project][prd_output]") {
  TempDir dir;
  const fs::path out = dir.path() / "prd.json";
  auto first = write_prd_output(prd({story("A-1", "one")}), out, "prd.json", ExistingPolicy::refuse_progress);
  REQUIRE(first.ok());
  CHECK(first->action == PrdWrite::Action::created);
  CHECK(slurp(out) == prd({story("A-1", "one")}).dump(2) + "\n");
  auto again = write_prd_output(prd({story("A-1", "one")}), out, "prd.json", ExistingPolicy::refuse_progress);
  CHECK(again->action == PrdWrite::Action::unchanged);
  auto replaced = write_prd_output(prd({story("A-1", "two")}), out, "prd.json", ExistingPolicy::refuse_progress);
  CHECK(replaced->action == PrdWrite::Action::replaced);
  auto printed = write_prd_output(prd({story("A-1", "three")}), "-", "-", ExistingPolicy::refuse_progress);
  CHECK(printed->action == PrdWrite::Action::printed);
  CHECK(printed->text == prd({story("A-1", "three")}).dump(2) + "\n");
  CHECK(slurp(out) == prd({story("A-1", "two")}).dump(2) + "\n");
}

TEST_CASE("prd_output: an unreadable existing prd.json is replaced only with --force", "[project][prd_output]") {
  TempDir dir;
  const fs::path out = dir.path() / "prd.json";
  std::ofstream(out) << "{ not json";
  auto refused = write_prd_output(prd({story("A-1", "one")}), out, "prd.json", ExistingPolicy::merge);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.failure().message ==
        "refusing to replace the PRD (prd.json): the existing file is not a readable prd.json, so its progress "
        "cannot be kept; use --force to replace it");
  CHECK(slurp(out) == "{ not json");
  CHECK(write_prd_output(prd({story("A-1", "one")}), out, "prd.json", ExistingPolicy::force).ok());
}
