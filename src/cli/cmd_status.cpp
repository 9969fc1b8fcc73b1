// `simmer status [--json]`: where the run stands, from the files alone (state.json, prd.json, the lock), also
// while a cook runs: nothing is locked, nothing is written.
#include "cli/commands.hpp"
#include "core/machine.hpp"
#include "core/select.hpp"
#include "core/state.hpp"
#include "run/report.hpp"
#include "store/documents.hpp"
#include "store/project.hpp"
#include "util/fs.hpp"
#include "util/lock.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace simmer::cli {

namespace {

using nlohmann::json;

}  // namespace

Runner setup_status(CLI::App& sub) {
  auto as_json = std::make_shared<bool>(false);
  sub.add_flag("--json", *as_json, "Print the status as JSON");
  return [as_json] {
    auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
    if (!util::exists(paths.state) && !util::exists(paths.prd)) {
      std::fprintf(stderr, "simmer: error: no simmer project here (%s): run `simmer init`\n",
                   paths.root.string().c_str());
      return to_int(ExitCode::invalid_input);
    }
    // state.json is replaced atomically, so reading it while a cook runs sees one whole version.
    core::State state;
    bool cooked = false;
    if (util::exists(paths.state)) {
      auto text = util::read_file(paths.state);
      json doc = text.ok() ? json::parse(*text, nullptr, false) : json();
      auto parsed = core::state_from_json(doc);
      if (!parsed.ok()) {
        std::fprintf(stderr, "simmer: error: %s\n", parsed.failure().message.c_str());
        return to_int(parsed.failure().code);
      }
      state = std::move(*parsed);
      cooked = true;
    } else {
      // Read as every command reads it (schema and checks), so a malformed PRD gets its pointer, not a guess.
      auto prd = store::load_prd(paths.prd, paths.display(paths.prd));
      if (auto* problems = std::get_if<std::vector<core::Problem>>(&prd)) {
        std::fprintf(stderr, "simmer: error: %s\n", store::to_failure(*problems).message.c_str());
        return to_int(ExitCode::invalid_input);
      }
      state = core::state_from_prd(std::get<core::Prd>(prd));
    }
    util::LockInfo lock = util::ProjectLock::inspect(paths.lock);
    bool running = lock.state == util::LockState::held;
    int passed = 0, blocked = 0, pending = 0;
    json stories = json::array();
    auto stuck = core::stuck_stories(state);
    for (const auto& id : state.order) {
      const auto& s = state.stories.at(id);
      passed += s.status == core::StoryState::passed;
      blocked += s.status == core::StoryState::blocked;
      pending += s.status == core::StoryState::pending;
      json row = {{"id", id},
                  {"title", s.title},
                  {"status", core::to_string(s.status)},
                  {"attempts", s.attempts},
                  {"costUsd", s.cost_usd},
                  {"reason", s.reason}};
      for (const auto& [sid, blocker] : stuck) {
        if (sid == id) {
          row["waitsFor"] = blocker;
        }
      }
      stories.push_back(row);
    }
    if (*as_json) {
      json out = {{"running", running},
                  {"lock", util::to_string(lock.state)},
                  {"pid", lock.holder && running ? json(lock.holder->pid) : json()},
                  {"cooked", cooked},
                  {"runId", state.run_id},
                  {"seq", state.seq},
                  {"phase", cooked ? json(core::to_string(state.phase)) : json()},
                  {"storyId", state.story_id ? json(*state.story_id) : json()},
                  {"attempt", state.attempt},
                  {"step", core::to_string(state.step)},
                  {"paused", running && state.paused},
                  {"spendUsd", state.spend_total_usd},
                  {"budget", {{"perStory", state.limits.budget_per_story}, {"total", state.limits.budget_total}}},
                  {"halt", state.halt
                               ? json{{"reason", core::to_string(state.halt->reason)}, {"detail", state.halt->detail}}
                               : json()},
                  {"lastResult", state.result ? json(core::to_string(*state.result)) : json()},
                  {"exitCode", state.exit_code ? json(*state.exit_code) : json()},
                  {"counts", {{"passed", passed}, {"blocked", blocked}, {"pending", pending}}},
                  {"stories", stories}};
      std::fputs((out.dump(2) + "\n").c_str(), stdout);
      return 0;
    }
    std::string head;
    if (running) {
      head = fmt::format("running (pid {}, since {}){}", lock.holder ? lock.holder->pid : 0,
                         lock.holder ? lock.holder->since : std::string("?"),
                         state.paused ? "; paused before the next story (`simmer resume` goes on)" : "");
    } else if (!cooked) {
      head = "not cooked yet";
    } else if (state.result) {
      head = fmt::format("not running; last run {} (exit {})", core::to_string(*state.result),
                         state.exit_code.value_or(-1));
    } else {
      head = "not running; the last run stopped without finishing (the next `simmer cook` resumes)";
    }
    std::string out = fmt::format("simmer status: {}\n", head);
    if (cooked) {
      std::string where = fmt::format("phase {}", core::to_string(state.phase));
      if (state.story_id) {
        where += fmt::format(", story {} ({}), attempt {}", *state.story_id,
                             state.stories.count(*state.story_id) ? state.stories.at(*state.story_id).title : "",
                             state.attempt);
      }
      if (state.halt) {
        where += fmt::format("; halted ({}): {}", core::to_string(state.halt->reason), state.halt->detail);
      }
      out += where + "\n";
      out += fmt::format("spent ${:.4f}", state.spend_total_usd);
      if (state.limits.budget_total > 0) {
        out += fmt::format(" of ${:.2f}", state.limits.budget_total);
      }
      out += "\n";
    }
    out += "\n" + run::Reporter::table(state);
    std::fputs(out.c_str(), stdout);
    return 0;
  };
}

}  // namespace simmer::cli
