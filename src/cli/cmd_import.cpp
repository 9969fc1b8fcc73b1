// `simmer import FILE`: a marmite or Ralph prd.json converted into .simmer/prd.json (project/prd_import.hpp), with
// the same safety rules as to-prd: nothing written on any error, progress never discarded silently.

#include "cli/commands.hpp"
#include "core/jsonc.hpp"
#include "project/prd_import.hpp"
#include "project/prd_output.hpp"
#include "project/prd_report.hpp"
#include "store/documents.hpp"
#include "store/project.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace simmer::cli {

namespace {

struct ImportOptions {
  std::string input;
  std::string output;
  bool merge = false;
  bool force = false;
  bool json = false;
};

int run_import(const ImportOptions& opt) {
  namespace fs = std::filesystem;
  const auto paths = store::ProjectPaths::discover(fs::current_path());
  const fs::path output = opt.output.empty() ? paths.prd : fs::path(opt.output);
  const std::string output_display = opt.output.empty() ? paths.display(paths.prd) : opt.output;
  const auto policy = opt.force   ? project::ExistingPolicy::force
                      : opt.merge ? project::ExistingPolicy::merge
                                  : project::ExistingPolicy::refuse_progress;

  auto text = util::read_file(opt.input);
  if (!text) {
    print_error(text.failure().message);
    return to_int(ExitCode::invalid_input);
  }
  auto parsed = core::parse_json(*text, core::JsonDialect::strict);
  if (!parsed.ok) {
    print_error(fmt::format("{}:{}:{}: {}", opt.input, parsed.error.line, parsed.error.column, parsed.error.message));
    return to_int(ExitCode::invalid_input);
  }

  // Convert and check everything before writing anything.
  auto imported = project::import_prd(parsed.value, opt.input);
  if (!imported.errors.empty()) {
    for (const auto& e : imported.errors) {
      print_error(e);
    }
    return to_int(ExitCode::invalid_input);
  }
  const auto problems = store::check_text(imported.prd.dump(), store::DocKind::prd, output_display);
  if (!problems.empty()) {
    for (const auto& p : problems) {
      print_error(p.to_line());
    }
    return to_int(ExitCode::invalid_input);
  }

  auto written = project::write_prd_output(imported.prd, output, output_display, policy);
  if (!written) {
    print_error(written.failure().message);
    return to_int(written.failure().code);
  }
  if (written->action == project::PrdWrite::Action::printed) {
    std::fputs(written->text.c_str(), stdout);
    return 0;
  }
  if (opt.json) {
    auto summary = project::prd_write_json(*written, output_display, imported.prd);
    summary["notes"] = imported.notes;
    std::fputs((summary.dump(2) + "\n").c_str(), stdout);
    return 0;
  }
  // Notes (dropped keys) are diagnostics, not data: stderr.
  for (const auto& note : imported.notes) {
    std::fprintf(stderr, "simmer: note: %s\n", note.c_str());
  }
  std::fputs(project::describe_prd_write(*written, output_display, imported.prd).c_str(), stdout);
  return 0;
}

}  // namespace

Runner setup_import(CLI::App& sub) {
  auto opt = std::make_shared<ImportOptions>();
  sub.add_option("FILE", opt->input, "A marmite or Ralph prd.json (with userStories)")->required();
  sub.add_option("-o,--output", opt->output, "Where to write prd.json ('-' prints it); default .simmer/prd.json");
  auto* merge = sub.add_flag("--merge", opt->merge,
                             "Keep the status of stories whose id and text are unchanged; report what changed");
  auto* force = sub.add_flag("--force", opt->force, "Replace an existing prd.json even if it has progress");
  merge->excludes(force);
  sub.add_flag("--json", opt->json, "Print a JSON summary instead of a sentence");
  return [opt] { return run_import(*opt); };
}

}  // namespace simmer::cli
