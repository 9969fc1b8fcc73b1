#pragma once
// What `init` learns about a directory before asking anything: which build manifests it has (and so which gate
// commands to propose), whether it is a new project, and which agent CLIs are installed.

#include <filesystem>
#include <string>
#include <vector>

namespace simmer::project {

// One deterministic check the loop runs after every build (simmer.json `gates[]`).
struct GateProposal {
  std::string name;    // "build", "test", "lint" (suffixed "-<tool>" when two manifests propose the same name)
  std::string run;     // shell command, run from the project root
  std::string source;  // the manifest that suggested it ("package.json")
};

struct ProjectDetection {
  std::vector<std::string> manifests;  // manifests found in the root, in the documented order
  std::vector<GateProposal> gates;     // proposed gates, in manifest order, unique names
  std::vector<std::string> outputs;    // what those gates write, as .gitignore patterns ("build/"), unique
  std::string name;                    // the project's name as the first manifest naming it says ("" if none)
  bool new_project = true;             // no manifest and no source file: nothing to build yet
};

// The project name a manifest's text declares, or "": package.json "name" (without an @scope/), the `name` of
// Cargo.toml's [package] or pyproject.toml's [project] / [tool.poetry], the last segment of go.mod's `module`, the
// first argument of CMakeLists.txt's project(). Only names of letters, digits and . _ - count.
std::string manifest_project_name(const std::string& manifest, const std::string& text);

// Looks at `root` only (not subdirectories): CMakeLists.txt, Makefile, package.json, pyproject.toml, setup.py,
// Cargo.toml, go.mod, pom.xml, build.gradle(.kts), Gemfile, composer.json. Gates come from what each manifest
// declares (package.json scripts, Makefile targets, ...), never invented; their outputs from the tools' fixed
// habits (cmake's build/ as the gate configures it, cargo's and maven's target/, gradle's build/ and .gradle/,
// python's __pycache__/ and .pytest_cache/, ruff's .ruff_cache/). Unreadable files count as absent.
ProjectDetection detect_project(const std::filesystem::path& root);

// An agent CLI simmer can drive, as found on PATH.
struct AgentCli {
  std::string name;    // claude, codex, gemini
  std::string binary;  // the program name looked up (same as name today)
  bool found = false;
  std::filesystem::path path;  // where it was found
  std::string version;         // first line of `<binary> --version`, trimmed; empty when it printed nothing
};

// The CLIs simmer has adapters for (claude, codex, gemini), in that order, each probed with `--version`
// (bounded to a few seconds each).
std::vector<AgentCli> detect_agent_clis();

}  // namespace simmer::project
