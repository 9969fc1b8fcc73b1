// `simmer land [--ff|--merge|--squash] [--branch NAME] [--json]`: brings an isolated run (`simmer cook --branch
// NAME`) onto the branch it started from (run/isolated.hpp). Exit codes: 0 landed (or nothing left to land),
// 1 refused with nothing changed (the branch moved and cannot be fast-forwarded, a conflict, a local change in the
// way, the run stopped mid-story), 2 no such run or bad input, 5 a cook holds the project lock.
#include "cli/commands.hpp"
#include "run/isolated.hpp"
#include "store/project.hpp"
#include "util/time.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace simmer::cli {

Runner setup_land(CLI::App& sub) {
  struct Flags {
    std::string branch;
    bool merge = false;
    bool squash = false;
    bool ff = false;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* ff = sub.add_flag("--ff", flags->ff,
                          "Fast-forward the branch the run started from to the run's branch (the default); refused "
                          "when that branch has commits the run lacks");
  auto* merge = sub.add_flag("--merge", flags->merge, "Land as a merge commit of both branches")->excludes(ff);
  sub.add_flag("--squash", flags->squash, "Land as one commit holding the run's net change")
      ->excludes(ff)
      ->excludes(merge);
  sub.add_option("--branch", flags->branch, "The isolated run's branch (default: the one run not landed yet)");
  sub.add_flag("--json", flags->json, "Print the landed event's data as JSON");
  return [flags] {
    run::LandOptions options;
    options.branch = flags->branch;
    options.mode = flags->merge ? core::LandMode::merge : flags->squash ? core::LandMode::squash : core::LandMode::ff;
    const auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
    auto result = run::land(paths, options, util::now_unix_ms());
    if (!result.ok()) {
      print_error(result.failure().message);
      return to_int(result.failure().code);
    }
    const core::events::Landed& landed = result->landed;
    if (flags->json) {
      nlohmann::json out = core::to_data(core::EventData{landed});
      out["notes"] = result->notes;
      std::printf("%s\n", out.dump(2).c_str());
      return 0;
    }
    const std::string branch = run::short_branch_name(landed.branch);
    const std::string onto = run::short_branch_name(landed.onto);
    if (landed.before == landed.after) {
      std::printf("nothing to land: %s already holds the work of %s (at %s)\n", onto.c_str(), branch.c_str(),
                  landed.after.substr(0, 12).c_str());
    } else {
      const char* how = landed.mode == core::LandMode::ff      ? "fast-forward"
                        : landed.mode == core::LandMode::merge ? "merge commit"
                                                               : "squash";
      std::printf("landed %s on %s (%s): %s %s -> %s\n", branch.c_str(), onto.c_str(), how, onto.c_str(),
                  landed.before.substr(0, 12).c_str(), landed.after.substr(0, 12).c_str());
      std::printf("to undo: point %s back at %s (on it: git reset --keep %s)\n", onto.c_str(), landed.before.c_str(),
                  landed.before.substr(0, 12).c_str());
    }
    for (const std::string& note : result->notes) {
      std::printf("note: %s\n", note.c_str());
    }
    return 0;
  };
}

}  // namespace simmer::cli
