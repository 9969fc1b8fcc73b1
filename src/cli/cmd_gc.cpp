// simmer gc [--keep N] [--dry-run] [--json]: deletes the session transcripts of all but the N newest runs.
// Runs are the folders of .simmer/sessions/, named by run id (r<UTC timestamp>-<suffix>), so name order is time
// order. The run named in state.json (the current or last run, which `cook` may resume) is always kept.
#include "cli/commands.hpp"
#include "store/project.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace simmer::cli {
namespace {

namespace fs = std::filesystem;

struct RunDir {
  std::string run;
  fs::path path;
  std::uintmax_t files = 0;
  std::uintmax_t bytes = 0;
};

std::string current_run(const store::ProjectPaths& paths) {
  std::ifstream in(paths.state);
  if (!in) {
    return {};
  }
  auto state = nlohmann::json::parse(in, nullptr, false);
  if (!state.is_object() || !state.contains("runId") || !state["runId"].is_string()) {
    return {};
  }
  return state["runId"].get<std::string>();
}

int run_gc(int keep, bool dry_run, bool as_json) {
  const auto paths = store::ProjectPaths::discover(fs::current_path());
  std::vector<RunDir> runs;
  std::error_code ec;
  if (fs::is_directory(paths.sessions, ec)) {
    for (const auto& entry : fs::directory_iterator(paths.sessions, ec)) {
      if (!entry.is_directory()) {
        continue;
      }
      RunDir run{entry.path().filename().string(), entry.path()};
      for (const auto& file : fs::recursive_directory_iterator(entry.path(), ec)) {
        if (file.is_regular_file()) {
          ++run.files;
          run.bytes += file.file_size();
        }
      }
      runs.push_back(std::move(run));
    }
  }
  std::sort(runs.begin(), runs.end(), [](const RunDir& a, const RunDir& b) { return a.run > b.run; });
  const std::string current = current_run(paths);

  std::vector<const RunDir*> removed;
  std::vector<const RunDir*> kept;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const bool keep_it = static_cast<int>(i) < keep || runs[i].run == current;
    (keep_it ? kept : removed).push_back(&runs[i]);
  }
  std::uintmax_t freed = 0;
  for (const RunDir* run : removed) {
    freed += run->bytes;
    if (!dry_run) {
      fs::remove_all(run->path, ec);
      if (ec) {
        throw Error(ExitCode::unsafe_storage,
                    fmt::format("cannot delete transcripts ({}): {}", paths.display(run->path), ec.message()));
      }
    }
  }

  if (as_json) {
    nlohmann::json out = {{"dryRun", dry_run}, {"keep", keep}, {"freedBytes", freed}};
    out["removed"] = nlohmann::json::array();
    out["kept"] = nlohmann::json::array();
    for (const RunDir* run : removed) {
      out["removed"].push_back({{"run", run->run}, {"files", run->files}, {"bytes", run->bytes}});
    }
    for (const RunDir* run : kept) {
      out["kept"].push_back({{"run", run->run}, {"files", run->files}, {"bytes", run->bytes}});
    }
    std::fputs((out.dump(2) + "\n").c_str(), stdout);
    return 0;
  }
  if (removed.empty()) {
    std::printf("nothing to delete: %zu run(s) of transcripts, keeping the newest %d\n", runs.size(), keep);
    return 0;
  }
  for (const RunDir* run : removed) {
    std::printf("%s %s (%ju files, %ju bytes)\n", dry_run ? "would delete" : "deleted",
                paths.display(run->path).c_str(), run->files, run->bytes);
  }
  std::printf("%s %zu run(s), %ju bytes; kept %zu\n", dry_run ? "would delete" : "deleted", removed.size(), freed,
              kept.size());
  return 0;
}

}  // namespace

Runner setup_gc(CLI::App& sub) {
  auto keep = std::make_shared<int>(10);
  auto dry_run = std::make_shared<bool>(false);
  auto as_json = std::make_shared<bool>(false);
  sub.add_option("--keep", *keep, "How many of the newest runs keep their transcripts (default 10)")
      ->check(CLI::NonNegativeNumber);
  sub.add_flag("--dry-run", *dry_run, "Say what would be deleted, delete nothing");
  sub.add_flag("--json", *as_json, "Print the result as JSON");
  return [keep, dry_run, as_json] { return run_gc(*keep, *dry_run, *as_json); };
}

}  // namespace simmer::cli
