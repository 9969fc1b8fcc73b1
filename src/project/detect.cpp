// Implementation notes: gates are proposed only from what a manifest declares or its tool always provides
// (`cargo test`, `go test ./...`); a package.json without a "test" script gets no test gate, and npm's placeholder
// test script ("Error: no test specified") counts as none.

#include "project/detect.hpp"

#include "project/probe_command.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace simmer::project {

namespace {

namespace fs = std::filesystem;

bool has_file(const fs::path& root, const char* name) {
  std::error_code ec;
  return fs::is_regular_file(root / name, ec);
}

std::string read_or_empty(const fs::path& p) {
  auto r = util::read_file(p);
  return r ? *r : std::string();
}

bool makefile_has_target(const std::string& text, const std::string& target) {
  const std::regex re("^" + target + "[ \\t]*:([^=]|$)", std::regex::multiline);
  return std::regex_search(text, re);
}

void add(std::vector<GateProposal>& gates, std::string name, std::string run, const char* source, const char* tool) {
  for (const auto& g : gates) {
    if (g.name == name) {
      name += std::string("-") + tool;
      break;
    }
  }
  gates.push_back({std::move(name), std::move(run), source});
}

void output(std::vector<std::string>& outputs, const char* pattern) {
  if (std::find(outputs.begin(), outputs.end(), pattern) == outputs.end()) {
    outputs.emplace_back(pattern);
  }
}

bool name_chars(const std::string& name) {
  return !name.empty() && name.size() <= 100 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// The quoted value of the first `name = "..."` line inside one of the TOML `sections`.
std::string toml_name(const std::string& text, std::initializer_list<const char*> sections) {
  bool inside = false;
  static const std::regex name_re(R"re(^\s*name\s*=\s*["']([^"']*)["'])re");
  for (auto line : util::split_lines(text)) {
    const std::string t(util::trim(line));
    if (!t.empty() && t[0] == '[') {
      inside = std::any_of(sections.begin(), sections.end(), [&](const char* s) { return t == s; });
      continue;
    }
    std::smatch m;
    if (inside && std::regex_search(t, m, name_re)) {
      return m[1];
    }
  }
  return "";
}

bool looks_like_code(const fs::path& root) {
  static const std::set<std::string> k_ext = {".c",  ".cc",    ".cpp", ".h",    ".hpp", ".py",    ".js",
                                              ".ts", ".go",    ".rs",  ".java", ".rb",  ".php",   ".cs",
                                              ".kt", ".swift", ".sh",  ".tsx",  ".jsx", ".scala", ".lua"};
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (it.depth() >= 2) {
      it.disable_recursion_pending();
    }
    if (name == "node_modules") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && k_ext.count(it->path().extension().string()) > 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string manifest_project_name(const std::string& manifest, const std::string& text) {
  std::string name;
  if (manifest == "package.json") {
    const auto pkg = nlohmann::json::parse(text, nullptr, false);
    if (pkg.is_object() && pkg.contains("name") && pkg["name"].is_string()) {
      name = pkg["name"].get<std::string>();
      if (!name.empty() && name[0] == '@' && name.find('/') != std::string::npos) {
        name = name.substr(name.find('/') + 1);
      }
    }
  } else if (manifest == "Cargo.toml") {
    name = toml_name(text, {"[package]"});
  } else if (manifest == "pyproject.toml") {
    name = toml_name(text, {"[project]", "[tool.poetry]"});
  } else if (manifest == "go.mod") {
    static const std::regex module_re(R"re(^\s*module\s+"?([^\s"]+))re", std::regex::multiline);
    std::smatch m;
    if (std::regex_search(text, m, module_re)) {
      name = m[1];
      name = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
    }
  } else if (manifest == "CMakeLists.txt") {
    static const std::regex project_re(R"re(^\s*project\s*\(\s*([A-Za-z0-9_.-]+))re",
                                       std::regex::multiline | std::regex::icase);
    std::smatch m;
    if (std::regex_search(text, m, project_re)) {
      name = m[1];
    }
  }
  return name_chars(name) ? name : "";
}

ProjectDetection detect_project(const fs::path& root) {
  ProjectDetection d;
  auto& g = d.gates;
  if (has_file(root, "CMakeLists.txt")) {
    d.manifests.push_back("CMakeLists.txt");
    add(g, "build", "cmake -S . -B build && cmake --build build", "CMakeLists.txt", "cmake");
    output(d.outputs, "build/");
    const std::string text = read_or_empty(root / "CMakeLists.txt");
    if (text.find("enable_testing") != std::string::npos || text.find("add_test") != std::string::npos ||
        text.find("CTest") != std::string::npos) {
      add(g, "test", "ctest --test-dir build --output-on-failure", "CMakeLists.txt", "cmake");
    }
  }
  if (has_file(root, "Makefile")) {
    d.manifests.push_back("Makefile");
    const std::string text = read_or_empty(root / "Makefile");
    add(g, "build", "make", "Makefile", "make");
    for (const char* target : {"test", "check", "lint"}) {
      if (makefile_has_target(text, target)) {
        add(g, std::string(target) == "check" ? "test" : target, std::string("make ") + target, "Makefile", "make");
      }
    }
  }
  if (has_file(root, "package.json")) {
    d.manifests.push_back("package.json");
    const auto pkg = nlohmann::json::parse(read_or_empty(root / "package.json"), nullptr, false);
    if (pkg.is_object() && pkg.contains("scripts") && pkg["scripts"].is_object()) {
      const auto& scripts = pkg["scripts"];
      auto script = [&](const char* name) {
        return scripts.contains(name) && scripts[name].is_string() ? scripts[name].get<std::string>() : "";
      };
      if (!script("build").empty()) {
        add(g, "build", "npm run build", "package.json", "npm");
      }
      if (!script("typecheck").empty()) {
        add(g, "typecheck", "npm run typecheck", "package.json", "npm");
      }
      const std::string test = script("test");
      if (!test.empty() && test.find("no test specified") == std::string::npos) {
        add(g, "test", "npm test", "package.json", "npm");
      }
      if (!script("lint").empty()) {
        add(g, "lint", "npm run lint", "package.json", "npm");
      }
    }
  }
  const bool pyproject = has_file(root, "pyproject.toml");
  if (pyproject) {
    d.manifests.push_back("pyproject.toml");
  }
  if (has_file(root, "setup.py")) {
    d.manifests.push_back("setup.py");
  }
  if (pyproject || has_file(root, "setup.py")) {
    const char* source = pyproject ? "pyproject.toml" : "setup.py";
    add(g, "test", "python3 -m pytest -q", source, "pytest");
    output(d.outputs, "__pycache__/");
    output(d.outputs, ".pytest_cache/");
    const std::string text = pyproject ? read_or_empty(root / "pyproject.toml") : "";
    if (text.find("[tool.ruff") != std::string::npos) {
      add(g, "lint", "ruff check .", source, "ruff");
      output(d.outputs, ".ruff_cache/");
    }
  }
  if (has_file(root, "Cargo.toml")) {
    d.manifests.push_back("Cargo.toml");
    add(g, "build", "cargo build", "Cargo.toml", "cargo");
    output(d.outputs, "target/");
    add(g, "test", "cargo test", "Cargo.toml", "cargo");
    add(g, "lint", "cargo clippy -- -D warnings", "Cargo.toml", "cargo");
  }
  if (has_file(root, "go.mod")) {
    d.manifests.push_back("go.mod");
    add(g, "build", "go build ./...", "go.mod", "go");
    add(g, "test", "go test ./...", "go.mod", "go");
    add(g, "lint", "go vet ./...", "go.mod", "go");
  }
  if (has_file(root, "pom.xml")) {
    d.manifests.push_back("pom.xml");
    add(g, "build", "mvn -q compile", "pom.xml", "maven");
    output(d.outputs, "target/");
    add(g, "test", "mvn -q test", "pom.xml", "maven");
  }
  for (const char* gradle : {"build.gradle", "build.gradle.kts"}) {
    if (has_file(root, gradle)) {
      d.manifests.push_back(gradle);
      const std::string tool = has_file(root, "gradlew") ? "./gradlew" : "gradle";
      add(g, "build", tool + " assemble", gradle, "gradle");
      output(d.outputs, "build/");
      output(d.outputs, ".gradle/");
      add(g, "test", tool + " test", gradle, "gradle");
      break;
    }
  }
  if (has_file(root, "Gemfile")) {
    d.manifests.push_back("Gemfile");
    std::error_code ec;
    add(g, "test", fs::is_directory(root / "spec", ec) ? "bundle exec rspec" : "bundle exec rake test", "Gemfile",
        "ruby");
    if (has_file(root, ".rubocop.yml")) {
      add(g, "lint", "bundle exec rubocop", "Gemfile", "ruby");
    }
  }
  if (has_file(root, "composer.json")) {
    d.manifests.push_back("composer.json");
    const auto composer = nlohmann::json::parse(read_or_empty(root / "composer.json"), nullptr, false);
    if (composer.is_object() && composer.contains("scripts") && composer["scripts"].is_object() &&
        composer["scripts"].contains("test")) {
      add(g, "test", "composer test", "composer.json", "composer");
    } else if (has_file(root, "phpunit.xml") || has_file(root, "phpunit.xml.dist")) {
      add(g, "test", "vendor/bin/phpunit", "composer.json", "composer");
    }
  }
  d.new_project = d.manifests.empty() && !looks_like_code(root);
  for (const auto& m : d.manifests) {
    d.name = manifest_project_name(m, read_or_empty(root / m));
    if (!d.name.empty()) {
      break;
    }
  }
  return d;
}

std::vector<AgentCli> detect_agent_clis() {
  std::vector<AgentCli> out;
  for (const char* name : {"claude", "codex", "gemini"}) {
    AgentCli cli;
    cli.name = name;
    cli.binary = name;
    if (auto path = find_on_path(name)) {
      cli.found = true;
      cli.path = *path;
      const auto probe = probe_command({path->string(), "--version"}, {}, 5000);
      for (auto line : util::split_lines(probe.output)) {
        auto t = util::trim(line);
        if (!t.empty()) {
          cli.version = std::string(t);
          break;
        }
      }
    }
    out.push_back(std::move(cli));
  }
  return out;
}

}  // namespace simmer::project
