// `simmer to-prd PRD.md`: the markdown PRD format parsed into .simmer/prd.json (project/prd_markdown.hpp), validated,
// and written without ever discarding progress (project/prd_output.hpp). With --agent, a free-form document is
// handed to the configured builder agent instead (project/prd_agent.hpp).

#include "cli/commands.hpp"
#include "project/prd_agent.hpp"
#include "project/prd_markdown.hpp"
#include "project/prd_output.hpp"
#include "project/prd_report.hpp"
#include "store/documents.hpp"
#include "store/project.hpp"
#include "store/resources.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace simmer::cli {

namespace {

struct ToPrdOptions {
  std::string input;
  std::string output;
  bool merge = false;
  bool force = false;
  bool json = false;
  bool agent = false;
  bool example = false;
  int max_repairs = 2;
};

int run_to_prd(const ToPrdOptions& opt) {
  namespace fs = std::filesystem;
  const auto paths = store::ProjectPaths::discover(fs::current_path());
  const fs::path output = opt.output.empty() ? paths.prd : fs::path(opt.output);
  const std::string output_display = opt.output.empty() ? paths.display(paths.prd) : opt.output;
  const auto policy = opt.force   ? project::ExistingPolicy::force
                      : opt.merge ? project::ExistingPolicy::merge
                                  : project::ExistingPolicy::refuse_progress;

  // A template to start from, for a user who has no PRD yet (or one the parser could not read).
  if (opt.example) {
    std::fputs(std::string(*store::resource("templates/prd-example.md")).c_str(), stdout);
    return 0;
  }
  if (opt.input.empty()) {
    print_error("to-prd needs a PRD file: simmer to-prd PRD.md (`simmer to-prd --example` prints a template)");
    return to_int(ExitCode::usage);
  }

  // Read the source first: a missing file must not touch anything.
  auto text = util::read_file(opt.input);
  if (!text) {
    print_error(text.failure().message);
    return to_int(ExitCode::invalid_input);
  }

  nlohmann::json prd;
  if (opt.agent) {
    // A free-form document: the agent writes prd.json into a scratch file, simmer checks it and asks for repairs.
    auto produced = project::prd_from_agent(paths, opt.input, *text, opt.max_repairs);
    if (!produced) {
      print_error(produced.failure().message);
      return to_int(produced.failure().code);
    }
    prd = std::move(*produced);
  } else {
    // Parse and check everything before writing anything: every problem is reported at once, with its line.
    auto parsed = project::parse_prd_markdown(*text, opt.input);
    if (!parsed.errors.empty()) {
      for (const auto& e : parsed.errors) {
        print_error(e.to_string());
      }
      return to_int(ExitCode::invalid_input);
    }
    prd = std::move(parsed.prd);
  }

  // The schema is the contract the harness reads: a PRD the parser accepted but the schema refuses is reported the
  // same way as any invalid document, and nothing is written.
  const auto problems = store::check_text(nlohmann::json(prd).dump(), store::DocKind::prd, output_display);
  if (!problems.empty()) {
    for (const auto& p : problems) {
      print_error(p.to_line());
    }
    return to_int(ExitCode::invalid_input);
  }

  // Write (or print) with the progress rules, then say what happened.
  auto written = project::write_prd_output(prd, output, output_display, policy);
  if (!written) {
    print_error(written.failure().message);
    return to_int(written.failure().code);
  }
  if (written->action == project::PrdWrite::Action::printed) {
    std::fputs(written->text.c_str(), stdout);
    return 0;
  }
  if (opt.json) {
    std::fputs((project::prd_write_json(*written, output_display, prd).dump(2) + "\n").c_str(), stdout);
  } else {
    std::fputs(project::describe_prd_write(*written, output_display, prd).c_str(), stdout);
  }
  return 0;
}

}  // namespace

Runner setup_to_prd(CLI::App& sub) {
  auto opt = std::make_shared<ToPrdOptions>();
  sub.add_option("PRD", opt->input, "The markdown PRD (`simmer to-prd --example` prints a template)");
  sub.add_flag("--example", opt->example, "Print a PRD template in the format to-prd reads, and exit");
  sub.add_option("-o,--output", opt->output, "Where to write prd.json ('-' prints it); default .simmer/prd.json");
  auto* merge = sub.add_flag("--merge", opt->merge,
                             "Keep the status of stories whose id and text are unchanged; report what changed");
  auto* force = sub.add_flag("--force", opt->force, "Replace an existing prd.json even if it has progress");
  merge->excludes(force);
  sub.add_flag("--json", opt->json, "Print a JSON summary instead of a sentence");
  sub.add_flag("--agent", opt->agent,
               "Free-form document: the configured builder agent writes prd.json, simmer validates it");
  sub.add_option("--max-repairs", opt->max_repairs, "With --agent: how many times to ask for repairs (default 2)")
      ->check(CLI::Range(0, 10));
  return [opt] { return run_to_prd(*opt); };
}

}  // namespace simmer::cli
