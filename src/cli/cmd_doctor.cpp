// `simmer doctor`: every check of project/doctor.hpp, one [ok]/[warn]/[fail] line each, then a summary line.
// Exit 1 when any check failed.

#include "cli/commands.hpp"
#include "project/doctor.hpp"
#include "store/project.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace simmer::cli {

namespace {

struct DoctorFlags {
  bool json = false;
  bool probe = false;
  int probe_timeout = 60;
};

bool use_color() {
  const char* no_color = std::getenv("NO_COLOR");
  return (no_color == nullptr || *no_color == '\0') && ::isatty(STDOUT_FILENO) == 1;
}

int run_doctor_command(const DoctorFlags& flags) {
  const auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
  project::DoctorOptions options;
  options.probe = flags.probe ? project::ProbeMode::live : project::ProbeMode::skip;
  options.probe_timeout_s = flags.probe_timeout;

  const auto results = project::run_doctor(paths, options);
  const auto doc = project::doctor_json(results);
  const auto& summary = doc["summary"];
  const bool failed = summary["fail"].get<int>() > 0;

  if (flags.json) {
    std::fputs((doc.dump(2) + "\n").c_str(), stdout);
    return failed ? to_int(ExitCode::failure) : 0;
  }
  const bool color = use_color();
  std::string out;
  for (const auto& r : results) {
    const std::string tag = fmt::format("[{}]", project::to_string(r.level));
    std::string painted = tag;
    if (color) {
      const char* code = r.level == project::CheckLevel::ok ? "32" : r.level == project::CheckLevel::warn ? "33" : "31";
      painted = fmt::format("\x1b[{}m{}\x1b[0m", code, tag);
    }
    out += painted + std::string(7 - tag.size(), ' ') + r.name + ": " + r.message + "\n";
    for (const auto& d : r.details) {
      out += "       " + d + "\n";
    }
  }
  out += fmt::format("\n{} ok, {} warn, {} fail\n", summary["ok"].get<int>(), summary["warn"].get<int>(),
                     summary["fail"].get<int>());
  std::fputs(out.c_str(), stdout);
  return failed ? to_int(ExitCode::failure) : 0;
}

}  // namespace

Runner setup_doctor(CLI::App& sub) {
  auto flags = std::make_shared<DoctorFlags>();
  sub.add_flag("--json", flags->json, "Print the findings as JSON");
  sub.add_flag("--probe", flags->probe, "Also make a one-turn live call through each configured agent");
  sub.add_option("--probe-timeout", flags->probe_timeout, "Seconds allowed for each probe call (default 60)")
      ->check(CLI::Range(1, 3600));
  return [flags] { return run_doctor_command(*flags); };
}

}  // namespace simmer::cli
