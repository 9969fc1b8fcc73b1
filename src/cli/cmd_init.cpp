// `simmer init`: detect, ask (or take flags / defaults), show what would change, then write simmer.json, the .simmer/
// skeleton and the .gitignore lines. Nothing is written before every answer is in and checked; an existing file
// is replaced only after its diff was shown and accepted, or with --force.

#include "cli/commands.hpp"
#include "core/config.hpp"
#include "core/contracts.hpp"
#include "core/jsonc.hpp"
#include "project/detect.hpp"
#include "project/init_plan.hpp"
#include "project/init_wizard.hpp"
#include "project/line_diff.hpp"
#include "project/probe_command.hpp"
#include "project/prompter.hpp"
#include "store/documents.hpp"
#include "store/project.hpp"
#include "store/resources.hpp"
#include "util/atomic_file.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

namespace simmer::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct InitOptions {
  bool yes = false;
  bool force = false;
  bool json = false;
  std::optional<bool> git_init;
  std::optional<bool> commit;
  std::string project, app, workflow, builder, verifier, orchestrator, preset, scenario;
  std::vector<std::string> gates;
  bool no_gates = false;
  std::optional<double> budget_story, budget_total;
};

// Input ended while a question was waiting on the same line: end that line first.
void print_input_ended(const char* hint) {
  std::fputc('\n', stderr);
  print_error(std::string("input ended before the wizard finished; nothing was written") + hint);
}

// Which file `init` writes and what happened to it.
struct FileOutcome {
  std::string path;
  std::string action;  // created, updated, unchanged, kept
};

bool inside_git(const fs::path& root) {
  auto r = project::probe_command({"git", "rev-parse", "--is-inside-work-tree"}, root, 5000);
  return r.started && r.exit_code == 0;
}

// Of `files` (relative to `root`), those git sees as new or changed: what a commit of init's files would take.
// One status per file: porcelain paths are relative to the repository's top, which `root` need not be.
std::vector<std::string> dirty_in_git(const fs::path& root, const std::vector<std::string>& files) {
  std::vector<std::string> dirty;
  for (const auto& f : files) {
    auto r = project::probe_command({"git", "status", "--porcelain=v1", "--untracked-files=all", "--", f}, root, 10000);
    if (r.started && r.exit_code == 0 && !util::trim(r.output).empty()) {
      dirty.push_back(f);
    }
  }
  return dirty;
}

// git's message of a failed probe, or `what` when it printed nothing.
std::string git_complaint(const project::ProbeResult& r, const char* what) {
  const std::string text(util::trim(r.output));
  return text.empty() ? std::string(what) : text;
}

// Commits exactly `files` (others' staged changes stay staged and out of it) as "Set up simmer (simmer init)", with
// a fallback identity when git has none; the new commit's short sha, or git's complaint.
Result<std::string> commit_files(const fs::path& root, const std::vector<std::string>& files) {
  std::vector<std::string> add = {"git", "add", "--"};
  add.insert(add.end(), files.begin(), files.end());
  auto added = project::probe_command(add, root, 30000);
  if (!added.started || added.exit_code != 0) {
    return Failure{git_complaint(added, "git add failed"), ExitCode::failure};
  }
  std::vector<std::string> commit = {"git"};
  auto ident = project::probe_command({"git", "var", "GIT_COMMITTER_IDENT"}, root, 10000);
  if (!ident.started || ident.exit_code != 0) {
    commit.insert(commit.end(), {"-c", "user.name=simmer", "-c", "user.email=simmer@localhost"});
  }
  commit.insert(commit.end(), {"commit", "-q", "-m", "Set up simmer (simmer init)", "--"});
  commit.insert(commit.end(), files.begin(), files.end());
  auto made = project::probe_command(commit, root, 120000);
  if (!made.started || made.exit_code != 0) {
    return Failure{git_complaint(made, "git commit failed"), ExitCode::failure};
  }
  auto head = project::probe_command({"git", "rev-parse", "--short", "HEAD"}, root, 10000);
  return std::string(util::trim(head.output));
}

int run_init(const InitOptions& opt) {
  const auto paths = store::ProjectPaths::discover(fs::current_path());
  project::StreamPrompter prompter(std::cin, std::cerr);

  // 1. What is here: manifests, agent CLIs, an existing simmer.json (its values become the defaults).
  const auto detection = project::detect_project(paths.root);
  // `--version` of each CLI takes a few seconds: a person watching is told why nothing happens.
  if (::isatty(STDERR_FILENO) != 0) {
    std::fputs("simmer init: looking for agent CLIs (claude, codex, gemini)...\n", stderr);
  }
  const auto agents = project::detect_agent_clis();
  std::optional<json> current;
  std::string current_text;
  if (util::exists(paths.config)) {
    auto text = util::read_file(paths.config);
    if (!text) {
      print_error(text.failure().message);
      return to_int(ExitCode::invalid_input);
    }
    current_text = *text;
    auto parsed = core::parse_json(*text, core::JsonDialect::jsonc);
    if (parsed.ok && parsed.value.is_object()) {
      current = parsed.value;
    } else {
      std::fprintf(stderr,
                   "simmer: warning: simmer.json is not valid JSON (%s:%d:%d: %s); starting from detected defaults\n",
                   paths.display(paths.config).c_str(), parsed.error.line, parsed.error.column,
                   parsed.error.message.c_str());
    }
  }
  project::InitAnswers answers = project::default_answers(paths.root.filename().string(), detection, agents,
                                                          current ? &*current : nullptr);

  // 2. Flags answer their questions.
  project::AnsweredFlags given;
  auto set = [&](const std::string& value, std::string& field, const char* key) {
    if (!value.empty()) {
      field = value;
      given.insert(key);
    }
  };
  set(opt.project, answers.project, "project");
  set(opt.app, answers.app, "app");
  set(opt.workflow, answers.workflow, "workflow");
  set(opt.builder, answers.builder, "builder");
  if (!opt.builder.empty() && opt.verifier.empty() && !current) {
    answers.verifier = opt.builder;
  }
  set(opt.verifier, answers.verifier, "verifier");
  set(opt.orchestrator, answers.orchestrator, "orchestrator");
  if (!opt.scenario.empty()) {
    answers.scenario = opt.scenario;
  }
  if (!opt.preset.empty()) {
    auto p = project::parse_preset(opt.preset);
    if (!p) {
      print_error(fmt::format("unknown preset \"{}\" (expected balanced, thorough or fast)", opt.preset));
      return to_int(ExitCode::usage);
    }
    answers.preset = *p;
    given.insert("preset");
  }
  if (opt.no_gates || !opt.gates.empty()) {
    answers.gates.clear();
    for (const auto& g : opt.gates) {
      auto gate = project::parse_gate_flag(g);
      if (!gate) {
        print_error(fmt::format("invalid --gate \"{}\": expected name=command, for example test=make test", g));
        return to_int(ExitCode::usage);
      }
      answers.gates.push_back(*gate);
    }
    given.insert("gates");
  }
  if (opt.budget_story) {
    answers.budget_per_story = *opt.budget_story;
    given.insert("budget-story");
  }
  if (opt.budget_total) {
    answers.budget_total = *opt.budget_total;
    given.insert("budget-total");
  }

  // 3. The wizard asks the rest (unless --yes): first a word on what was found.
  const bool in_git = inside_git(paths.root);
  bool git_init = false;
  if (!opt.yes) {
    std::string intro = current ? "Reconfiguring simmer in " : "Setting up simmer in ";
    intro += paths.root.string() + "\n";
    if (detection.new_project) {
      intro += "No code here yet: a new project.\n";
    } else if (!detection.manifests.empty()) {
      std::string list;
      for (const auto& m : detection.manifests) {
        list += (list.empty() ? "" : ", ") + m;
      }
      intro += "Found: " + list + "\n";
    }
    prompter.say(intro);
  }
  if (!in_git) {
    if (opt.git_init) {
      git_init = *opt.git_init;
    } else if (opt.yes) {
      git_init = true;
    } else {
      auto v = prompter.confirm("This directory is not a git repository; simmer commits each story. Run `git init`?",
                                true);
      if (!v) {
        print_input_ended(" (use --yes to take every default)");
        return to_int(ExitCode::usage);
      }
      git_init = *v;
    }
  }
  if (!opt.yes) {
    auto asked = project::ask_init_questions(prompter, answers, agents, given, current.has_value());
    if (!asked) {
      print_input_ended(" (use --yes to take every default)");
      return to_int(ExitCode::usage);
    }
    answers = *asked;
  }

  // 4. Check the answers and the config they make before touching anything.
  auto problems = project::check_answers(answers);
  if (!problems.empty()) {
    for (const auto& p : problems) {
      print_error(p);
    }
    return to_int(ExitCode::invalid_input);
  }
  const json config = project::make_config(answers, current ? &*current : nullptr);
  const auto config_problems = core::check_config(store::config_schema(), config, paths.display(paths.config));
  if (!config_problems.empty()) {
    for (const auto& p : config_problems) {
      print_error(p.to_line());
    }
    return to_int(ExitCode::invalid_input);
  }
  const std::string config_text = project::config_text(config);

  // 5. Decide per file: new files are created; a changed existing file is shown as a diff and replaced only when
  //    accepted (or --force); .gitignore only ever gains lines.
  std::vector<FileOutcome> outcomes;
  bool write_config = true;
  if (util::exists(paths.config)) {
    // The same values (in another key order, or with the user's comments) are the same config: not rewritten.
    if (current_text == config_text || (current && *current == config)) {
      write_config = false;
      outcomes.push_back({"simmer.json", "unchanged"});
    } else if (!opt.force) {
      prompter.say(project::unified_diff(current_text, config_text, "simmer.json"));
      std::optional<bool> replace = false;
      if (!opt.yes) {
        replace = prompter.confirm("Replace simmer.json with these changes?", false);
        if (!replace) {
          print_input_ended("");
          return to_int(ExitCode::usage);
        }
      }
      if (!*replace) {
        write_config = false;
        outcomes.push_back({"simmer.json", "kept"});
      }
    }
  }
  if (write_config) {
    outcomes.push_back({"simmer.json", util::exists(paths.config) ? "updated" : "created"});
  }

  const fs::path gitignore = paths.root / ".gitignore";
  std::string gitignore_before;
  if (util::exists(gitignore)) {
    auto text = util::read_file(gitignore);
    if (!text) {
      print_error(text.failure().message);
      return to_int(ExitCode::invalid_input);
    }
    gitignore_before = *text;
  }
  const std::string gitignore_after = project::merged_gitignore(gitignore_before, detection.outputs);
  bool write_gitignore = gitignore_after != gitignore_before;
  if (write_gitignore && util::exists(gitignore) && !opt.force && !opt.yes) {
    prompter.say(project::unified_diff(gitignore_before, gitignore_after, ".gitignore"));
    auto v = prompter.confirm("Add these lines to .gitignore?", true);
    if (!v) {
      print_input_ended("");
      return to_int(ExitCode::usage);
    }
    write_gitignore = *v;
  }
  outcomes.push_back({".gitignore", !write_gitignore ? (gitignore_after == gitignore_before ? "unchanged" : "kept")
                                    : util::exists(gitignore) ? "updated"
                                                              : "created"});
  // The config schema, for editors (simmer.json's $schema): simmer's own file, rewritten to match this version.
  const fs::path schema_file = paths.root / project::k_config_schema_file;
  const std::string schema_text(store::resource("schemas/config.json").value_or(""));
  std::string schema_before;
  if (util::exists(schema_file)) {
    auto text = util::read_file(schema_file);
    schema_before = text ? *text : std::string();
  }
  const bool schema_existed = util::exists(schema_file);
  const bool write_schema = !schema_existed || schema_before != schema_text;

  // 6. Offer to commit what init writes, so that the first cook starts from a clean tree (it refuses a dirty one).
  const std::vector<std::string> init_files = {"simmer.json", ".gitignore", project::k_config_schema_file};
  std::vector<std::string> to_commit;
  if (in_git || git_init) {
    const std::vector<std::string> dirty = in_git ? dirty_in_git(paths.root, init_files) : std::vector<std::string>{};
    for (const auto& f : init_files) {
      const bool written = (f == "simmer.json" && write_config) || (f == ".gitignore" && write_gitignore) ||
                           (f == project::k_config_schema_file && write_schema);
      if (written || std::find(dirty.begin(), dirty.end(), f) != dirty.end()) {
        to_commit.push_back(f);
      }
    }
  }
  bool commit = false;
  if (!to_commit.empty()) {
    commit = opt.commit.value_or(true);
    if (!opt.commit && !opt.yes) {
      auto v = prompter.confirm(fmt::format("Commit {} (only these) once written, so that `simmer cook` starts from "
                                            "a clean tree?",
                                            fmt::join(to_commit, ", ")),
                                true);
      if (!v) {
        print_input_ended("");
        return to_int(ExitCode::usage);
      }
      commit = *v;
    }
  }

  // 7. Write: git first (so a failure there leaves no half-configured project), then the files.
  if (git_init) {
    auto r = project::probe_command({"git", "init", "-q"}, paths.root, 30000);
    if (!r.started || r.exit_code != 0) {
      print_error(fmt::format("git init failed ({}): {}", paths.root.string(), r.output));
      return to_int(ExitCode::failure);
    }
  }
  for (const auto& dir : {paths.dir, paths.inbox, paths.prompts}) {
    const bool existed = util::exists(dir);
    util::ensure_dir(dir);
    outcomes.push_back({paths.display(dir) + "/", existed ? "unchanged" : "created"});
  }
  if (write_config) {
    util::write_file_atomic(paths.config, config_text);
  }
  if (write_gitignore) {
    util::write_file_atomic(gitignore, gitignore_after);
  }
  if (write_schema) {
    util::write_file_atomic(schema_file, schema_text);
  }
  outcomes.push_back({project::k_config_schema_file, !write_schema    ? "unchanged"
                                                     : schema_existed ? "updated"
                                                                      : "created"});
  std::optional<std::string> committed;
  bool commit_failed = false;
  if (commit) {
    auto r = commit_files(paths.root, to_commit);
    if (r) {
      committed = *r;
    } else {
      commit_failed = true;
      std::fprintf(stderr, "simmer: warning: could not commit %s: %s; commit them before `simmer cook`\n",
                   fmt::format("{}", fmt::join(to_commit, ", ")).c_str(),
                   util::preview(r.failure().message, 600).c_str());
    }
  }

  // 8. Report, and say what to do next.
  if (opt.json) {
    json files = json::array();
    for (const auto& o : outcomes) {
      files.push_back({{"path", o.path}, {"action", o.action}});
    }
    json out = {{"root", paths.root.string()},
                {"files", files},
                {"gitInit", git_init},
                {"commit", committed ? json(*committed) : json(nullptr)},
                {"config", config}};
    std::fputs((out.dump(2) + "\n").c_str(), stdout);
    return 0;
  }
  std::string out;
  if (git_init) {
    out += "initialized a git repository\n";
  }
  for (const auto& o : outcomes) {
    out += fmt::format("{:<10} {}\n", o.action, o.path);
  }
  if (committed) {
    out += fmt::format("{:<10} {} ({})\n", "committed", fmt::join(to_commit, ", "), *committed);
  } else if (!to_commit.empty() && !commit_failed) {
    out += fmt::format("note: {} not committed; commit them before `simmer cook`, which needs a clean tree\n",
                       fmt::join(to_commit, ", "));
  }
  if (answers.preset) {
    const std::string models = project::preset_models(*answers.preset, answers.builder, answers.verifier,
                                                      answers.orchestrator);
    if (!models.empty()) {
      out += fmt::format("{:<10} {} (preset {})\n", "models", models, project::to_string(*answers.preset));
    }
  }
  for (const auto& o : outcomes) {
    if (o.action == "kept") {
      out += fmt::format("note: {} differs from your answers and was kept; run `simmer init --force` to replace it\n",
                         o.path);
    }
  }
  out += "\nNext steps:\n";
  out += "  1. Write your PRD as markdown: simmer to-prd --example > PRD.md gives a template\n";
  out += "  2. simmer to-prd PRD.md      # or: simmer import prd.json (marmite / Ralph)\n";
  out += "  3. simmer doctor             # checks config, agents, git and gates\n";
  out += "  4. simmer cook\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

Runner setup_init(CLI::App& sub) {
  auto opt = std::make_shared<InitOptions>();
  sub.add_flag("-y,--yes", opt->yes, "Take the default (or the flag's value) for every question; never prompt");
  sub.add_flag("--force", opt->force, "Replace an existing simmer.json without asking");
  sub.add_flag("--json", opt->json, "Print what was written as JSON");
  sub.add_flag_function(
      "--git-init,!--no-git-init", [opt](std::int64_t n) { opt->git_init = n > 0; },
      "Outside a git repository: run `git init` (default with --yes) or not");
  sub.add_flag_function(
      "--commit,!--no-commit", [opt](std::int64_t n) { opt->commit = n > 0; },
      "Commit simmer.json, .gitignore and the config schema init wrote, and only them (default with --yes), or not");
  sub.add_option("--project", opt->project, "Project name (default: the directory's name)");
  sub.add_option("--app", opt->app, "App folder, relative to the project root (default: . , or app for a new project)");
  sub.add_option("--workflow", opt->workflow, "one-shot (default) or epic-checkpoint");
  sub.add_option("--builder", opt->builder, "Builder agent: claude, codex, gemini or script");
  sub.add_option("--verifier", opt->verifier, "Verifier agent: claude, codex, gemini or script");
  sub.add_option("--orchestrator", opt->orchestrator,
                 "Orchestrator: harness (default), claude, codex, gemini or script");
  sub.add_option("--preset", opt->preset, "Models: balanced (default), thorough or fast");
  sub.add_option("--scenario", opt->scenario, "Scenario file for roles played by the script agent");
  sub.add_option("--gate", opt->gates, "A gate as name=command (repeatable; replaces the detected gates)");
  sub.add_flag("--no-gates", opt->no_gates, "No gates");
  sub.add_option_function<double>(
         "--budget-story", [opt](double v) { opt->budget_story = v; }, "USD per story, 0 = no limit (default 15)")
      ->check(CLI::NonNegativeNumber);
  sub.add_option_function<double>(
         "--budget-total", [opt](double v) { opt->budget_total = v; },
         "USD for the whole run, 0 = no limit (default 100)")
      ->check(CLI::NonNegativeNumber);
  return [opt] { return run_init(*opt); };
}

}  // namespace simmer::cli
