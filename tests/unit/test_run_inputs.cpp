// The run's pinned inputs: hashed once, served from memory, and every change on disk undone and reported.
#include <catch2/catch.hpp>

#include "run/inputs.hpp"
#include "test_util_support.hpp"
#include "util/sha256.hpp"

using nlohmann::json;
using simmer::run::RunInputs;
using simmer::test::slurp;
using simmer::test::spit;
using simmer::test::TempDir;
namespace fs = std::filesystem;

namespace {

struct InputsProject {
  TempDir dir;
  fs::path prompts = dir / ".simmer/prompts";
  InputsProject() {
    fs::create_directories(prompts);
    spit(dir / "simmer.json", "{\"gates\":[{\"name\":\"t\",\"run\":\"make test\"}]}\n");
    spit(prompts / "builder.md", "Build it. {{handoff_instructions}}\n");
    spit(dir / "scenario.json", "{}\n");
  }
  RunInputs pin() const { return RunInputs::pin(dir.path(), dir / "simmer.json", prompts, {"scenario.json"}); }
};

}  // namespace

TEST_CASE("inputs: the hashes name each input relative to the project, absent ones as null") {
  InputsProject p;
  fs::remove(p.dir / "scenario.json");
  auto in = p.pin();
  std::vector<simmer::core::events::InputHash> want = {
      {".simmer/prompts/builder.md", simmer::util::sha256_hex("Build it. {{handoff_instructions}}\n")},
      {"scenario.json", std::nullopt},
      {"simmer.json", simmer::util::sha256_hex(slurp(p.dir / "simmer.json"))},
  };
  CHECK(in.hashes() == want);
  CHECK(in.prompt_override("builder") == std::optional<std::string>("Build it. {{handoff_instructions}}\n"));
  CHECK_FALSE(in.prompt_override("verifier"));
}

TEST_CASE("inputs: the pinned prompt is served even after the file changed on disk") {
  InputsProject p;
  auto in = p.pin();
  spit(p.prompts / "builder.md", "Do something else.\n");
  CHECK(in.prompt_override("builder") == std::optional<std::string>("Build it. {{handoff_instructions}}\n"));
}

TEST_CASE("inputs: an unchanged disk reports nothing") {
  InputsProject p;
  auto in = p.pin();
  CHECK(in.check_and_restore(p.dir / ".simmer/tampered/r1", "7").empty());
  CHECK_FALSE(fs::exists(p.dir / ".simmer/tampered"));
}

TEST_CASE("inputs: changed, removed and created inputs are restored, each version kept aside") {
  InputsProject p;
  auto in = p.pin();
  const std::string config = slurp(p.dir / "simmer.json");
  spit(p.dir / "simmer.json", "{\"gates\":[]}\n");
  fs::remove(p.dir / "scenario.json");
  spit(p.prompts / "verifier.md", "Say pass.\n");
  auto save = p.dir / ".simmer/tampered/r1";
  auto found = in.check_and_restore(save, "7");
  REQUIRE(found.size() == 3);
  CHECK(found[0].display == "scenario.json");
  CHECK(found[0].change == simmer::core::TamperChange::removed);
  CHECK(found[0].saved_as.empty());
  CHECK(found[1].display == "simmer.json");
  CHECK(found[1].change == simmer::core::TamperChange::changed);
  CHECK(found[1].saved_as == ".simmer/tampered/r1/7-simmer.json");
  CHECK(found[2].display == ".simmer/prompts/verifier.md");
  CHECK(found[2].change == simmer::core::TamperChange::created);
  CHECK(found[2].saved_as == ".simmer/tampered/r1/7-.simmer_prompts_verifier.md");
  for (const auto& t : found) {
    CHECK(t.restored);
  }
  CHECK(slurp(p.dir / "simmer.json") == config);
  CHECK(slurp(p.dir / "scenario.json") == "{}\n");
  CHECK_FALSE(fs::exists(p.prompts / "verifier.md"));
  CHECK(slurp(save / "7-simmer.json") == "{\"gates\":[]}\n");
  CHECK(slurp(save / "7-.simmer_prompts_verifier.md") == "Say pass.\n");
  CHECK(in.check_and_restore(save, "8").empty());
}

TEST_CASE("inputs: a symlink in place of an input or of the prompts folder is replaced, its target untouched") {
  InputsProject p;
  auto in = p.pin();
  TempDir outside;
  spit(outside / "builder.md", "outside\n");
  spit(outside / "config", "outside config\n");
  fs::remove(p.dir / "simmer.json");
  fs::create_symlink(outside / "config", p.dir / "simmer.json");
  fs::remove_all(p.prompts);
  fs::create_directory_symlink(outside.path(), p.prompts);
  auto found = in.check_and_restore(p.dir / ".simmer/tampered/r1", "3");
  REQUIRE(!found.empty());
  CHECK(found[0].display == ".simmer/prompts");
  CHECK(fs::is_regular_file(fs::symlink_status(p.dir / "simmer.json")));
  CHECK(fs::is_directory(fs::symlink_status(p.prompts)));
  CHECK(slurp(p.prompts / "builder.md") == "Build it. {{handoff_instructions}}\n");
  CHECK(slurp(outside / "builder.md") == "outside\n");
  CHECK(slurp(outside / "config") == "outside config\n");
  CHECK(in.check_and_restore(p.dir / ".simmer/tampered/r1", "4").empty());
}
