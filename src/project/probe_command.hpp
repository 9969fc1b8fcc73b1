#pragma once
// Running a short external command and capturing what it prints, bounded in time and size: `claude --version`,
// `git status --porcelain`. Not for agent sessions (agents/session.hpp supervises those).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace simmer::project {

struct ProbeResult {
  bool started = false;    // false: the program could not be executed (not found, not executable)
  bool timed_out = false;  // killed after the time limit
  int exit_code = -1;      // exit status; -1 when killed by a signal or not started
  std::string output;      // stdout and stderr interleaved, at most 64 KiB
};

// Runs argv (argv[0] looked up on PATH) in `cwd` (empty: the current directory) with stdin from /dev/null, kills
// its process group after `timeout_ms`. Never throws for a program that is missing or fails.
ProbeResult probe_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {},
                          int timeout_ms = 5000);

// The full path of `program` found on PATH (or `program` itself when it contains a '/' and is executable);
// nothing when not found.
std::optional<std::filesystem::path> find_on_path(const std::string& program);

}  // namespace simmer::project
