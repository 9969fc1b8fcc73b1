// doctor's checks on real directories: the order and names of the findings, and the problems each one reports.
#include "project/doctor.hpp"
#include "util/lock.hpp"
#include "test_util_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using simmer::test::TempDir;

namespace {

namespace fs = std::filesystem;
using namespace simmer::project;

const CheckResult& find(const std::vector<CheckResult>& results, const std::string& name) {
  for (const auto& r : results) {
    if (r.name == name) {
      return r;
    }
  }
  FAIL("no check named " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("doctor: every check reports, in a fixed order, even in an empty directory", "[project][doctor]") {
  TempDir dir;
  auto results = run_doctor(simmer::store::ProjectPaths::at(dir.path()), {});
  std::vector<std::string> names;
  for (const auto& r : results) {
    names.push_back(r.name);
  }
  CHECK(names == std::vector<std::string>{"config", "files", "prompts", "agent.orchestrator", "agent.builder",
                                          "agent.verifier", "git", "gates", "lock", "gitignore", "disk"});
  CHECK(find(results, "config").level == CheckLevel::fail);
  CHECK(find(results, "gates").message == "skipped (no usable simmer.json)");
  auto doc = doctor_json(results);
  CHECK(doc["summary"]["fail"].get<int>() >= 2);
  CHECK(doc["checks"][0]["level"] == "fail");
}

TEST_CASE("doctor: invalid .simmer files are one fail with each problem", "[project][doctor]") {
  TempDir dir;
  dir.write("simmer.json", R"({"schemaVersion": 1, "agents": {"orchestrator": {"agent": "harness"}}})");
  dir.write(".simmer/prd.json", R"({"schemaVersion": 1})");
  auto results = run_doctor(simmer::store::ProjectPaths::at(dir.path()), {});
  CHECK(find(results, "config").level == CheckLevel::ok);
  const auto& files = find(results, "files");
  CHECK(files.level == CheckLevel::fail);
  REQUIRE_FALSE(files.details.empty());
  CHECK(files.details[0].rfind(".simmer/prd.json#", 0) == 0);
  CHECK(find(results, "agent.orchestrator").message == "harness (no agent: simmer picks the next story)");
}

TEST_CASE("doctor: a prompt override must name its hand-off file", "[project][doctor]") {
  TempDir dir;
  dir.write("simmer.json", R"({"schemaVersion": 1})");
  dir.write(".simmer/prompts/verifier.md", "Judge it and write .simmer/verdict.json.\n");
  dir.write(".simmer/prompts/orchestrator.md", "Pick a story.\n");
  dir.write(".simmer/prompts/notes.txt", "x\n");
  auto results = run_doctor(simmer::store::ProjectPaths::at(dir.path()), {});
  const auto& prompts = find(results, "prompts");
  CHECK(prompts.level == CheckLevel::fail);
  CHECK(prompts.details ==
        std::vector<std::string>{".simmer/prompts/orchestrator.md never mentions .simmer/task.json, the hand-off file "
                                 "the orchestrator must write",
                                 ".simmer/prompts/notes.txt is not a prompt simmer reads (expected orchestrator.md, "
                                 "builder.md or verifier.md)"});
}

TEST_CASE("doctor: gate programs are looked up, assignments and builtins skipped", "[project][doctor]") {
  TempDir dir;
  dir.write("simmer.json", R"({"schemaVersion": 1, "gates": [
    {"name": "env", "run": "CI=1 sh -c true"}, {"name": "cd", "run": "cd sub && make"},
    {"name": "local", "run": "./check.sh"}, {"name": "gone", "run": "no-such-program-xyz --all"}]})");
  auto results = run_doctor(simmer::store::ProjectPaths::at(dir.path()), {});
  const auto& gates = find(results, "gates");
  CHECK(gates.level == CheckLevel::fail);
  CHECK(gates.message == "2 of 4 gate commands missing");
  CHECK(gates.details == std::vector<std::string>{"gate \"local\": ./check.sh not found (runs: ./check.sh)",
                                                  "gate \"gone\": no-such-program-xyz not found (runs: "
                                                  "no-such-program-xyz --all)"});
}

TEST_CASE("doctor: a held lock is a warning naming its holder", "[project][doctor]") {
  TempDir dir;
  dir.write("simmer.json", R"({"schemaVersion": 1})");
  fs::create_directories(dir.path() / ".simmer");
  const auto paths = simmer::store::ProjectPaths::at(dir.path());
  CHECK(find(run_doctor(paths, {}), "lock").message == "free");
  auto lock = simmer::util::ProjectLock::acquire(paths.lock, "cook");
  REQUIRE(lock.ok());
  const auto& holder = lock->holder();
  const auto results = run_doctor(paths, {});
  const auto& check = find(results, "lock");
  CHECK(check.level == CheckLevel::warn);
  CHECK(check.message == "held by simmer cook (pid " + std::to_string(holder.pid) + ") since " + holder.since);
}
