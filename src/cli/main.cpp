// simmer's entry point: a table of contents. Parse the command line, run the chosen command, and map whatever
// escapes it to a documented exit code (util/error.hpp).

#include "cli/commands.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

namespace {

void print_help(const CLI::App& app) {
  std::string out = fmt::format("simmer {} - runs coding agents unattended over a PRD\n\n", SIMMER_VERSION);
  out += "Usage: simmer [-C DIR] <command> [options]\n\nCommands:\n";
  for (const auto& command : simmer::cli::commands()) {
    if (command.visibility == simmer::cli::Visibility::listed) {
      out += fmt::format("  {:<11} {}\n", command.name, command.summary);
    }
  }
  out += "  help        Show this list\n\n";
  out += "Global options:\n  -C, --directory DIR  run as if started in DIR\n  --version  print the version\n\n";
  out += "Run `simmer <command> --help` for a command's flags. Exit codes are listed in README.md.\n";
  (void)app;
  std::fputs(out.c_str(), stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simmer - runs coding agents unattended over a PRD", "simmer"};
  app.set_version_flag("--version", std::string("simmer ") + SIMMER_VERSION);
  app.require_subcommand(0, 1);
  std::string directory;
  app.add_option("-C,--directory", directory, "Run as if simmer was started in DIR");

  // Each command registers its own flags; remember the runner of each so the chosen one can be called.
  std::map<CLI::App*, simmer::cli::Runner> runners;
  for (const auto& command : simmer::cli::commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    if (command.visibility == simmer::cli::Visibility::hidden) {
      sub->group("");
    }
    runners[sub] = command.setup(*sub);
  }
  CLI::App* help = app.add_subcommand("help", "Show every command with one line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return simmer::to_int(simmer::ExitCode::usage);
  }

  try {
    // -C applies before anything reads the project, exactly as `git -C` does.
    if (!directory.empty()) {
      std::error_code ec;
      std::filesystem::current_path(directory, ec);
      if (ec) {
        throw simmer::Error(simmer::ExitCode::usage,
                            fmt::format("cannot enter directory ({}): {}", directory, ec.message()));
      }
    }
    auto chosen = app.get_subcommands();
    if (chosen.empty() || chosen.front() == help) {
      print_help(app);
      return 0;
    }
    return runners.at(chosen.front())();
  } catch (const simmer::Error& e) {
    std::fprintf(stderr, "simmer: error: %s\n", e.what());
    return simmer::to_int(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "simmer: error: internal error: %s\n", e.what());
    return simmer::to_int(simmer::ExitCode::failure);
  }
}
