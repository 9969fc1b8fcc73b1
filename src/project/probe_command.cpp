#include "project/probe_command.hpp"

#include "util/process.hpp"

#include <unistd.h>

#include <cstdlib>

namespace simmer::project {

ProbeResult probe_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd, int timeout_ms) {
  ProbeResult out;
  if (argv.empty()) {
    return out;
  }
  util::ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.timeout_ms = timeout_ms;
  spec.kill_grace_ms = 500;
  spec.drain_after_exit_ms = 200;
  const auto r = util::run_process(spec, {});
  out.started = r.spawned;
  out.timed_out = r.timed_out || r.idle_timed_out;
  out.exit_code = r.exit_code;
  out.output = r.output_tail;
  return out;
}

std::optional<std::filesystem::path> find_on_path(const std::string& program) {
  if (program.empty()) {
    return std::nullopt;
  }
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) == 0) {
      return std::filesystem::path(program);
    }
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    start = colon == std::string::npos ? dirs.size() + 1 : colon + 1;
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / program;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace simmer::project
