// `simmer validate [--schema SCHEMA] [--json] [PATH...]`: checks contract files and never modifies one.
//
// Without --schema each file is checked against the schema its name calls for (simmer.json -> config, prd.json ->
// prd, ..., events.jsonl -> one event per line), plus the checks a schema cannot express (PRD ids, dependencies
// and cycles; config rules). With --schema the files are checked against that draft-07 schema only.
// Problems are this command's data, so they go to stdout, one per line, then a summary line; --json prints
// [{file, instancePointer, schemaPointer, message}] instead. Exit: 0 all valid, 2 any invalid or unreadable,
// 3 the schema given cannot be used.

#include "cli/commands.hpp"
#include "core/contracts.hpp"
#include "core/jsonc.hpp"
#include "core/schema.hpp"
#include "store/documents.hpp"
#include "store/project.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace simmer::cli {
namespace {

namespace fs = std::filesystem;
using core::Problem;

struct ValidateOptions {
  std::string schema;
  bool json = false;
  std::vector<std::string> paths;
};

// The outcome of one file, in the order files were given.
struct FileReport {
  std::string display;
  std::vector<Problem> problems;
};

Problem whole_file_problem(const std::string& file, std::string message) {
  Problem p;
  p.file = file;
  p.line = -1;
  p.message = std::move(message);
  return p;
}

// Files of the project to check when none are named: those of simmer.json and .simmer/ that exist.
std::vector<std::pair<fs::path, std::string>> project_files() {
  const auto paths = store::ProjectPaths::discover(fs::current_path());
  std::vector<std::pair<fs::path, std::string>> files;
  for (const fs::path& p :
       {paths.config, paths.prd, paths.state, paths.task, paths.build, paths.verdict, paths.progress, paths.events}) {
    if (util::exists(p)) {
      files.emplace_back(p, paths.display(p));
    }
  }
  if (files.empty()) {
    throw Error(ExitCode::invalid_input,
                fmt::format("nothing to validate ({}): no simmer.json and no .simmer/ files here or above",
                            paths.root.string()));
  }
  return files;
}

FileReport check_by_kind(const fs::path& path, const std::string& display) {
  FileReport report{display, {}};
  const auto kind = store::kind_from_name(path);
  if (!kind) {
    report.problems.push_back(whole_file_problem(
        display,
        "cannot tell which schema applies from the file name (expected simmer.json, prd.json, "
        "state.json, task.json, build.json, verdict.json, progress.json or events.jsonl; use --schema "
        "for any other file)"));
    return report;
  }
  report.problems = store::check_file(path, *kind, display);
  return report;
}

// The schema named by --schema, compiled; any failure to read, parse or compile it is exit 3.
struct LoadedSchema {
  nlohmann::json json;
  schema::Validator validator;
};

LoadedSchema load_schema(const std::string& path) {
  auto text = util::read_file(path);
  if (!text) {
    throw Error(ExitCode::schema_unusable, fmt::format("schema unusable ({}): {}", path, text.failure().message));
  }
  const auto parsed = core::parse_json(*text);
  if (!parsed.ok) {
    throw Error(ExitCode::schema_unusable, fmt::format("schema unusable ({}:{}:{}): {}", path, parsed.error.line,
                                                       parsed.error.column, parsed.error.message));
  }
  auto validator = schema::Validator::compile(parsed.value);
  if (!validator) {
    throw Error(ExitCode::schema_unusable, fmt::format("schema unusable ({}): {}", path, validator.failure().message));
  }
  return LoadedSchema{parsed.value, std::move(validator.value())};
}

FileReport check_against(const LoadedSchema& loaded, const std::string& path) {
  FileReport report{path, {}};
  auto text = util::read_file(path);
  if (!text) {
    // read_file's message names the path already; keep only its reason for our "<file>: <why>" shape.
    const std::string& message = text.failure().message;
    const auto colon = message.rfind(": ");
    report.problems.push_back(
        whole_file_problem(path, "cannot read: " + (colon == std::string::npos ? message : message.substr(colon + 2))));
    return report;
  }
  const auto parsed = core::parse_json(*text);
  if (!parsed.ok) {
    Problem p;
    p.file = path;
    p.line = parsed.error.line;
    p.column = parsed.error.column;
    p.message = parsed.error.message;
    report.problems.push_back(std::move(p));
    return report;
  }
  report.problems = core::check_schema(parsed.value, loaded.validator, loaded.json, path);
  return report;
}

std::string plural(std::size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

int print(const std::vector<FileReport>& reports, bool as_json) {
  std::size_t invalid = 0;
  std::size_t problems = 0;
  for (const auto& report : reports) {
    invalid += report.problems.empty() ? 0 : 1;
    problems += report.problems.size();
  }
  std::string out;
  if (as_json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& report : reports) {
      for (const auto& p : report.problems) {
        nlohmann::json item{{"file", p.file},
                            {"instancePointer", p.pointer},
                            {"schemaPointer", p.schema_pointer},
                            {"message", p.subject.empty() ? p.message : p.subject + ": " + p.message}};
        if (p.line > 0) {
          item["line"] = p.line;
          item["column"] = p.column;
        }
        list.push_back(std::move(item));
      }
    }
    out = core::canonical_json(list);
  } else {
    for (const auto& report : reports) {
      for (const auto& p : report.problems) {
        out += p.to_line() + "\n";
      }
    }
    if (invalid == 0) {
      out += fmt::format("checked {}: all valid\n", plural(reports.size(), "file"));
    } else {
      out += fmt::format("checked {}: {} invalid, {}\n", plural(reports.size(), "file"), invalid,
                         plural(problems, "problem"));
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return to_int(invalid == 0 ? ExitCode::ok : ExitCode::invalid_input);
}

int run_validate(const ValidateOptions& options) {
  std::vector<FileReport> reports;
  if (!options.schema.empty()) {
    // Any draft-07 schema: the schema must be usable before any file is judged by it.
    if (options.paths.empty()) {
      throw Error(ExitCode::usage, "validate --schema needs at least one file to check");
    }
    const LoadedSchema loaded = load_schema(options.schema);
    for (const auto& path : options.paths) {
      reports.push_back(check_against(loaded, path));
    }
    return print(reports, options.json);
  }
  // The project's own files, each against the schema its name calls for.
  if (options.paths.empty()) {
    for (const auto& [path, display] : project_files()) {
      reports.push_back(check_by_kind(path, display));
    }
  } else {
    for (const auto& path : options.paths) {
      reports.push_back(check_by_kind(path, path));
    }
  }
  return print(reports, options.json);
}

}  // namespace

Runner setup_validate(CLI::App& sub) {
  auto options = std::make_shared<ValidateOptions>();
  sub.add_option("--schema", options->schema, "Validate the files against this draft-07 JSON Schema file instead");
  sub.add_flag("--json", options->json, "Print the problems as a JSON array");
  sub.add_option("paths", options->paths,
                 "Files to check (default: simmer.json and every contract file under .simmer/)");
  return [options] { return run_validate(*options); };
}

}  // namespace simmer::cli
