#pragma once
// The command table (ninja's shape): every subcommand is {name, one-line summary, example, setup}. `setup` registers
// the command's flags on its CLI11 subcommand and returns the function main() calls when that command was chosen; that
// function returns the process exit code (see util/error.hpp ExitCode).

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace simmer::cli {

using Runner = std::function<int()>;
using Setup = Runner (*)(CLI::App& sub);

enum class Visibility { listed, hidden };

struct Command {
  const char* name;
  const char* summary;
  const char* example;  // one command line a user can copy, shown at the end of `simmer help <name>`
  Setup setup;
  Visibility visibility = Visibility::listed;
};

// "simmer: error: <message>" on stderr, the form of every command's error.
void print_error(const std::string& message);

// All commands, in the order `simmer help` lists them.
const std::vector<Command>& commands();

// One per src/cli/cmd_<name>.cpp.
Runner setup_init(CLI::App& sub);
Runner setup_to_prd(CLI::App& sub);
Runner setup_import(CLI::App& sub);
Runner setup_cook(CLI::App& sub);
Runner setup_land(CLI::App& sub);
Runner setup_status(CLI::App& sub);
Runner setup_stats(CLI::App& sub);
Runner setup_logs(CLI::App& sub);
Runner setup_dashboard(CLI::App& sub);
Runner setup_doctor(CLI::App& sub);
Runner setup_validate(CLI::App& sub);
Runner setup_replay(CLI::App& sub);
Runner setup_gc(CLI::App& sub);
// cmd_steer.cpp: stop, pause, resume, retry (and unblock), skip.
Runner setup_stop(CLI::App& sub);
Runner setup_pause(CLI::App& sub);
Runner setup_resume(CLI::App& sub);
Runner setup_retry(CLI::App& sub);
Runner setup_skip(CLI::App& sub);
Runner setup_agent_script(CLI::App& sub);

}  // namespace simmer::cli
