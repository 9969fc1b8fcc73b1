// init as data: detection of manifests and gates, answers -> simmer.json, .gitignore merging, the wizard's
// dialogue with scripted input, and the diff shown before replacing a file.
#include "core/config.hpp"
#include "project/detect.hpp"
#include "project/init_plan.hpp"
#include "project/init_wizard.hpp"
#include "project/line_diff.hpp"
#include "project/prompter.hpp"
#include "store/documents.hpp"
#include "test_util_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using simmer::test::TempDir;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace simmer::project;

std::vector<std::string> gate_runs(const ProjectDetection& d) {
  std::vector<std::string> out;
  for (const auto& g : d.gates) {
    out.push_back(g.name + "=" + g.run);
  }
  return out;
}

}  // namespace

TEST_CASE("init: an empty directory is a new project with no gates", "[project][init]") {
  TempDir dir;
  dir.write("README.md", "# idea\n");
  auto d = detect_project(dir.path());
  CHECK(d.new_project);
  CHECK(d.manifests.empty());
  CHECK(d.gates.empty());
}

TEST_CASE("init: source files without a manifest are an existing project", "[project][init]") {
  TempDir dir;
  dir.write("src/main.c", "int main(void) { return 0; }\n");
  CHECK_FALSE(detect_project(dir.path()).new_project);
}

TEST_CASE("init: gates come from what the manifests declare", "[project][init]") {
  TempDir dir;
  dir.write("package.json", R"({"scripts": {"build": "tsc", "test": "echo \"Error: no test specified\" && exit 1"}})");
  dir.write("Makefile", "all:\n\tcc x.c\ntest: all\n\t./t\nLINT := x\n");
  auto d = detect_project(dir.path());
  CHECK(d.manifests == std::vector<std::string>{"Makefile", "package.json"});
  CHECK(gate_runs(d) == std::vector<std::string>{"build=make", "test=make test", "build-npm=npm run build"});
  CHECK_FALSE(d.new_project);
}

TEST_CASE("init: Cargo, Go and Python manifests", "[project][init]") {
  TempDir dir;
  dir.write("Cargo.toml", "[package]\nname = \"x\"\n");
  dir.write("go.mod", "module x\n");
  dir.write("pyproject.toml", "[tool.ruff]\nline-length = 100\n");
  auto d = detect_project(dir.path());
  CHECK(d.manifests == std::vector<std::string>{"pyproject.toml", "Cargo.toml", "go.mod"});
  CHECK(gate_runs(d) == std::vector<std::string>{"test=python3 -m pytest -q", "lint=ruff check .", "build=cargo build",
                                                 "test-cargo=cargo test", "lint-cargo=cargo clippy -- -D warnings",
                                                 "build-go=go build ./...", "test-go=go test ./...",
                                                 "lint-go=go vet ./..."});
  CHECK(d.outputs == std::vector<std::string>{"__pycache__/", ".pytest_cache/", ".ruff_cache/", "target/"});
  CHECK(d.name == "x");  // pyproject.toml names none: the next manifest that does
}

TEST_CASE("init: the project name comes from the first manifest that declares one", "[project][init]") {
  CHECK(manifest_project_name("package.json", R"({"name": "@acme/shop-web", "version": "1.0.0"})") == "shop-web");
  CHECK(manifest_project_name("package.json", R"({"name": "shop"})") == "shop");
  CHECK(manifest_project_name("package.json", R"({"name": 3})").empty());
  CHECK(manifest_project_name("package.json", "not json").empty());
  CHECK(manifest_project_name("Cargo.toml",
                              "[workspace]\nname = \"no\"\n[package]\nversion = \"1\"\nname = \"crab\"\n") == "crab");
  CHECK(manifest_project_name("Cargo.toml", "[dependencies]\nname = \"dep\"\n").empty());
  CHECK(manifest_project_name("pyproject.toml", "[build-system]\n[project]\nname = 'snake'\n") == "snake");
  CHECK(manifest_project_name("pyproject.toml", "[tool.poetry]\nname = \"poem\"\n") == "poem");
  CHECK(manifest_project_name("go.mod", "// comment\nmodule github.com/acme/gopher\n\ngo 1.22\n") == "gopher");
  CHECK(manifest_project_name("CMakeLists.txt",
                              "cmake_minimum_required(VERSION 3.20)\nPROJECT( calc VERSION 1.0 LANGUAGES CXX)\n") ==
        "calc");
  CHECK(manifest_project_name("CMakeLists.txt", "project(${NAME})\n").empty());
  CHECK(manifest_project_name("pom.xml", "<artifactId>x</artifactId>").empty());
  // Names that could steer a prompt or a terminal are not names.
  CHECK(manifest_project_name("package.json", R"({"name": "shop\u001b[2J"})").empty());
  CHECK(manifest_project_name("package.json", R"({"name": "a b"})").empty());

  TempDir dir;
  dir.write("CMakeLists.txt", "project(calc)\n");
  dir.write("package.json", R"({"name": "calc-ui"})");
  auto d = detect_project(dir.path());
  CHECK(d.name == "calc");
  CHECK(d.outputs == std::vector<std::string>{"build/"});
  CHECK(default_answers("folder", d, {}, nullptr).project == "calc");
  CHECK(default_answers("folder", ProjectDetection{}, {}, nullptr).project == "folder");
}

TEST_CASE("init: default answers follow detection, then the current simmer.json", "[project][init]") {
  ProjectDetection fresh;
  std::vector<AgentCli> agents = {{"claude", "claude", false, {}, ""}, {"codex", "codex", true, "/bin/codex", "1.0"}};
  auto a = default_answers("shop", fresh, agents, nullptr);
  CHECK(a.project == "shop");
  CHECK(a.app == "app");
  CHECK(a.builder == "codex");
  CHECK(a.orchestrator == "harness");
  CHECK(a.preset == Preset::balanced);

  const json current = json::parse(R"({"schemaVersion": 1, "project": "Shop!", "app": "web",
    "agents": {"builder": {"agent": "claude", "model": "my-model"}}, "budget": {"total": 42},
    "gates": [{"name": "t", "run": "make t"}]})");
  auto b = default_answers("shop", fresh, agents, &current);
  CHECK(b.project == "Shop!");
  CHECK(b.app == "web");
  CHECK(b.builder == "claude");
  CHECK(b.orchestrator == "claude");
  CHECK_FALSE(b.preset.has_value());
  CHECK(b.budget_total == 42.0);
  REQUIRE(b.gates.size() == 1);
  CHECK(b.gates[0].run == "make t");
}

TEST_CASE("init: make_config keeps keys it does not ask about and is a valid config", "[project][init]") {
  const json current = json::parse(R"({"schemaVersion": 1, "retries": {"fix": 1},
    "agents": {"builder": {"agent": "claude", "model": "m", "maxTurns": 30}},
    "gates": [{"name": "test", "run": "make test", "timeout": "20m"}]})");
  InitAnswers a;
  a.project = "shop";
  a.builder = "claude";
  a.verifier = "codex";
  a.preset = std::nullopt;
  a.gates = {{"test", "make check", "x"}};
  json config = make_config(a, &current);
  CHECK(config["retries"] == json::parse(R"({"fix": 1})"));
  CHECK(config["agents"]["builder"] == json::parse(R"({"agent": "claude", "model": "m", "maxTurns": 30})"));
  CHECK(config["agents"]["verifier"] == json::parse(R"({"agent": "codex"})"));
  CHECK(config["gates"] == json::parse(R"([{"name": "test", "run": "make check", "timeout": "20m"}])"));
  CHECK(config["$schema"] == ".simmer/simmer.schema.json");
  CHECK(simmer::core::check_config(simmer::store::config_schema(), config, "simmer.json").empty());
}

TEST_CASE("init: the preset sets every role's model for its agent", "[project][init]") {
  InitAnswers a;
  a.project = "p";
  a.orchestrator = "gemini";
  a.builder = "claude";
  a.verifier = "codex";
  a.preset = Preset::thorough;
  json config = make_config(a, nullptr);
  CHECK(config["agents"]["orchestrator"]["model"] == "gemini-2.5-pro");
  CHECK(config["agents"]["builder"]["model"] == "claude-opus-4-5");
  CHECK(config["agents"]["verifier"]["model"] == "gpt-5.2");
  CHECK(current_preset(config) == Preset::thorough);
}

TEST_CASE("init: check_answers names what the schema cannot see", "[project][init]") {
  InitAnswers a;
  a.project = "p";
  a.builder = "harness";
  a.verifier = "script";
  a.gates = {{"t", "a", ""}, {"t", "b", ""}};
  CHECK(check_answers(a) ==
        std::vector<std::string>{"unknown agent \"harness\" for the builder (expected one of: claude, codex, gemini, "
                                 "script)",
                                 "the verifier uses the script agent, which needs --scenario FILE",
                                 "two gates are named \"t\""});
}

TEST_CASE("init: .gitignore gains only the missing lines, once", "[project][init]") {
  const std::string merged = merged_gitignore("node_modules/\n.simmer/lock\n");
  CHECK(merged.rfind("node_modules/\n.simmer/lock\n\n# simmer:", 0) == 0);
  CHECK(merged.find(".simmer/events.jsonl\n") != std::string::npos);
  CHECK(merged.find(".simmer/lock", 20) == std::string::npos);
  CHECK(merged_gitignore(merged) == merged);
  CHECK(merged_gitignore("").rfind("# simmer:", 0) == 0);
}

TEST_CASE("init: .gitignore gains the detected gates' outputs under their own comment, in any spelling once",
          "[project][init]") {
  const std::vector<std::string> outputs = {"build/", "__pycache__/"};
  const std::string fresh = merged_gitignore("", outputs);
  CHECK(fresh.find("\n\n# build output of the gates simmer init found: never committed\nbuild/\n__pycache__/\n") !=
        std::string::npos);
  CHECK(merged_gitignore(fresh, outputs) == fresh);
  // Already ignored in another spelling: only the rest is added.
  const std::string mine = merged_gitignore("", {}) + "/build\n";
  CHECK(missing_gitignore_lines(mine, outputs) == std::vector<std::string>{"__pycache__/"});
  CHECK(merged_gitignore(mine, outputs) ==
        mine + "\n# build output of the gates simmer init found: never committed\n__pycache__/\n");
  for (const char* spelling : {"build", "build/", "/build", "/build/"}) {
    CHECK(missing_gitignore_lines(std::string(spelling) + "\n", {"build/"}) == missing_gitignore_lines("", {}));
  }
}

TEST_CASE("init: simmer.json is written with $schema, schemaVersion and project first", "[project][init]") {
  const json config = json::parse(R"({"workflow": "one-shot", "agents": {"builder": {"model": "m", "agent": "claude"}},
    "zzz": 1, "project": "shop", "schemaVersion": 1, "$schema": ".simmer/simmer.schema.json", "budget": {"total": 5}})");
  CHECK(config_text(config) == R"({
  "$schema": ".simmer/simmer.schema.json",
  "schemaVersion": 1,
  "project": "shop",
  "workflow": "one-shot",
  "agents": {
    "builder": {
      "agent": "claude",
      "model": "m"
    }
  },
  "budget": {
    "total": 5
  },
  "zzz": 1
}
)");
  CHECK(json::parse(config_text(config)) == config);
}

TEST_CASE("init: the missing .gitignore lines are the template's patterns a file lacks, in order", "[project][init]") {
  const std::vector<std::string> all = {".simmer/events.jsonl", ".simmer/sessions/",    ".simmer/lock",
                                        ".simmer/feedback.md",  ".simmer/inbox/",       ".simmer/feedback/",
                                        ".simmer/*.tmp.*",      ".simmer/state.json",   ".simmer/task.json",
                                        ".simmer/build.json",   ".simmer/verdict.json", ".simmer/lanes/"};
  CHECK(missing_gitignore_lines("") == all);
  // Surrounding blanks do not hide a line; a pattern inside a longer line does not count; comments are never due.
  CHECK(missing_gitignore_lines("  .simmer/lock \n# .simmer/inbox/\nx.simmer/sessions/\n") ==
        std::vector<std::string>{".simmer/events.jsonl", ".simmer/sessions/", ".simmer/feedback.md", ".simmer/inbox/",
                                 ".simmer/feedback/", ".simmer/*.tmp.*", ".simmer/state.json", ".simmer/task.json",
                                 ".simmer/build.json", ".simmer/verdict.json", ".simmer/lanes/"});
  CHECK(missing_gitignore_lines(merged_gitignore("node_modules/\n")).empty());
}

TEST_CASE("init: the wizard takes defaults on Enter and typed answers otherwise", "[project][init]") {
  std::istringstream in("\nweb\n2\n2\n\n\nfast\nn\nsmoke=true\n\n2.5\n\n");
  std::ostringstream out;
  StreamPrompter prompter(in, out);
  InitAnswers defaults;
  defaults.project = "shop";
  defaults.gates = {{"test", "npm test", "package.json"}};
  std::vector<AgentCli> agents = {{"claude", "claude", true, "/bin/claude", "2.1.0"},
                                  {"codex", "codex", false, {}, ""}};
  auto a = ask_init_questions(prompter, defaults, agents, {}, false);
  REQUIRE(a.has_value());
  CHECK(a->project == "shop");
  CHECK(a->app == "web");
  CHECK(a->workflow == "epic-checkpoint");
  CHECK(a->builder == "codex");
  CHECK(a->verifier == "codex");  // follows the builder
  CHECK(a->orchestrator == "harness");
  CHECK(a->preset == Preset::fast);
  REQUIRE(a->gates.size() == 1);
  CHECK(a->gates[0].name == "smoke");
  CHECK(a->budget_per_story == 2.5);
  CHECK(a->budget_total == 100.0);
  CHECK(out.str().find("  1) claude (2.1.0)  (default)\n  2) codex (not found on PATH)\n") != std::string::npos);
}

TEST_CASE("init: the wizard asks again on a bad choice and stops when input ends", "[project][init]") {
  std::istringstream in("9\n1\n");
  std::ostringstream out;
  StreamPrompter prompter(in, out);
  CHECK(prompter.choose("Pick", {"a", "b"}, 1) == std::size_t{0});
  CHECK(out.str().find("Please enter a number from 1 to 2.\n") != std::string::npos);
  CHECK_FALSE(prompter.ask("More", "x").has_value());
}

TEST_CASE("init: flags skip their questions", "[project][init]") {
  std::istringstream in("");
  std::ostringstream out;
  StreamPrompter prompter(in, out);
  InitAnswers defaults;
  defaults.project = "p";
  AnsweredFlags all = {"project",      "app",    "workflow", "builder",      "verifier",
                       "orchestrator", "preset", "gates",    "budget-story", "budget-total"};
  auto a = ask_init_questions(prompter, defaults, {}, all, false);
  REQUIRE(a.has_value());
  CHECK(out.str().empty());
}

TEST_CASE("init: unified diff of a changed line", "[project][init]") {
  CHECK(unified_diff("a\nb\n", "a\nb\n", "f") == "");
  CHECK(unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n", "simmer.json") ==
        "--- a/simmer.json\n+++ b/simmer.json\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  CHECK(unified_diff("", "x\n", "new") == "--- a/new\n+++ b/new\n@@ -0,0 +1,1 @@\n+x\n");
}
