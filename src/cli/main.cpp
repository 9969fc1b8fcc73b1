// simmer's entry point: a table of contents. Parse the command line, run the chosen command, and map whatever
// escapes it to a documented exit code (util/error.hpp).

#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

namespace simmer {
extern const char* const k_commit;  // generated/commit.cpp, written by cmake/commit.cmake at build time
}

namespace {

std::string version_line() { return fmt::format("simmer {} (commit {})", SIMMER_VERSION, simmer::k_commit); }

void print_help() {
  std::string out = fmt::format("simmer {} - runs coding agents unattended over a PRD\n\n", SIMMER_VERSION);
  out += "Usage: simmer [-C DIR] <command> [options]\n\nCommands:\n";
  for (const auto& command : simmer::cli::commands()) {
    if (command.visibility == simmer::cli::Visibility::listed) {
      out += fmt::format("  {:<12} {}\n", command.name, command.summary);
    }
  }
  out += "  help         Show this list, or one command's flags: simmer help cook\n";
  out += "  version      Print the version and the git commit it was built from\n";
  out += "  completions  Print shell completions: simmer completions bash|zsh|fish\n\n";
  out +=
      "Global options:\n  -C, --directory DIR  run as if started in DIR\n  -V, --version        print the version\n\n";
  out += "Example:\n  simmer init --yes && simmer to-prd PRD.md && simmer cook --max-iterations 1\n\n";
  out += "Run `simmer help <command>` for a command's flags and an example; `man simmer` lists the exit codes.\n";
  std::fputs(out.c_str(), stdout);
}

// The first word that is not an option (nor -C's value): the command the user meant to run, or nullptr.
const char* command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-C") == 0 || std::strcmp(argv[i], "--directory") == 0) {
      ++i;
    } else if (argv[i][0] != '-') {
      return argv[i];
    }
  }
  return nullptr;
}

// The subcommand called `name` (hidden ones included), or nullptr.
CLI::App* find_subcommand(CLI::App& app, const std::string& name) {
  auto found = app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simmer - runs coding agents unattended over a PRD", "simmer"};
  app.set_version_flag("-V,--version", version_line());
  app.require_subcommand(0, 1);
  std::string directory;
  app.add_option("-C,--directory", directory, "Run as if simmer was started in DIR");

  // Each command registers its own flags and its example; remember the runner of each so the chosen one can be
  // called.
  std::map<CLI::App*, simmer::cli::Runner> runners;
  std::vector<std::string> names;
  for (const auto& command : simmer::cli::commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    sub->footer(fmt::format("Example:\n  {}", command.example));
    if (command.visibility == simmer::cli::Visibility::hidden) {
      sub->group("");
    } else {
      names.emplace_back(command.name);
    }
    runners[sub] = command.setup(*sub);
  }
  CLI::App* help = app.add_subcommand("help", "Show every command, or one command's flags");
  std::string help_topic;
  help->add_option("command", help_topic, "The command to describe");
  help->footer("Example:\n  simmer help cook");
  CLI::App* version = app.add_subcommand("version", "Print the version and the git commit");
  version->footer("Example:\n  simmer version");
  CLI::App* completions = app.add_subcommand("completions", "Print shell completions (bash, zsh or fish)");
  std::string shell_name;
  completions->add_option("shell", shell_name, "bash, zsh or fish")->required();
  completions->footer("Example:\n  source <(simmer completions bash)");
  for (const char* extra : {"help", "version", "completions"}) {
    names.emplace_back(extra);
  }

  // A misspelt command gets a suggestion rather than CLI11's "arguments were not expected".
  if (const char* word = command_word(argc, argv); word != nullptr && find_subcommand(app, word) == nullptr) {
    std::string message = fmt::format("unknown command '{}'", word);
    if (auto suggestion = simmer::cli::did_you_mean(word, names)) {
      message += fmt::format(": did you mean '{}'?", *suggestion);
    }
    simmer::cli::print_error(message + " (run `simmer help` for the list)");
    return simmer::to_int(simmer::ExitCode::usage);
  }

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
    if (chosen.empty() || (chosen.front() == help && help_topic.empty())) {
      print_help();
      return 0;
    }
    if (chosen.front() == help) {
      CLI::App* topic = find_subcommand(app, help_topic);
      if (topic == nullptr) {
        std::string message = fmt::format("no such command '{}'", help_topic);
        if (auto suggestion = simmer::cli::did_you_mean(help_topic, names)) {
          message += fmt::format(": did you mean '{}'?", *suggestion);
        }
        throw simmer::Error(simmer::ExitCode::usage, message + " (run `simmer help` for the list)");
      }
      std::fputs(topic->help().c_str(), stdout);
      return 0;
    }
    if (chosen.front() == version) {
      std::puts(version_line().c_str());
      return 0;
    }
    if (chosen.front() == completions) {
      auto shell = simmer::cli::parse_shell(shell_name);
      if (!shell) {
        throw simmer::Error(simmer::ExitCode::usage,
                            fmt::format("unknown shell '{}': expected bash, zsh or fish", shell_name));
      }
      std::fputs(simmer::cli::completions(*shell, app).c_str(), stdout);
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
