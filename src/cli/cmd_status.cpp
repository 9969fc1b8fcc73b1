// `simmer status [--json]`: where the run stands, from the files alone (state.json, prd.json, the lock), also
// while a cook runs: nothing is locked, nothing is written.
#include "cli/commands.hpp"
#include "core/lane_view.hpp"
#include "core/machine.hpp"
#include "core/select.hpp"
#include "core/state.hpp"
#include "run/isolated.hpp"
#include "run/lane_git.hpp"
#include "run/report.hpp"
#include "store/documents.hpp"
#include "store/lane_states.hpp"
#include "store/project.hpp"
#include "util/fs.hpp"
#include "util/lock.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace simmer::cli {

namespace {

using nlohmann::json;

// The lane branch kept for each blocked story (simmer/<run>/<story>), by story id: docs/lanes.md, teardown.
std::map<std::string, std::string> kept_branches(const store::ProjectPaths& paths, const core::State& state) {
  std::map<std::string, std::string> out;
  if (!state.limits.parallel || !util::exists(paths.root / ".git")) {
    return out;
  }
  for (const std::string& branch : run::lane_branches(paths.root)) {
    const std::string id = branch.substr(branch.rfind('/') + 1);
    auto it = state.stories.find(id);
    if (it != state.stories.end() && it->second.status == core::StoryState::blocked && state.lanes.count(id) == 0) {
      out[id] = branch;
    }
  }
  return out;
}

// The lanes in flight and the merge queue, as text: a line per lane, then the queue.
std::string lanes_text(const core::LanesView& view) {
  std::string out = fmt::format("\nlanes: {} of {} busy\n", view.rows.size(), view.lanes);
  for (const core::LaneRow& r : view.rows) {
    std::string what;
    if (r.status == "running") {
      what = r.phase.empty() ? "starting" : fmt::format("{}, attempt {}", r.phase, r.attempt);
    } else if (r.status == "merging") {
      what = fmt::format("merging: {} gate{} passed on the merged tree", r.merge_gate, r.merge_gate == 1 ? "" : "s");
    } else {
      what = fmt::format("{}, in the merge queue", r.result);
    }
    out += fmt::format("  {:<10} {:<8} {:<34} {:>8}  ${:.4f}  {}\n", r.story_id, r.status, what,
                       r.elapsed_ms < 0 ? std::string("?") : util::format_duration_s(r.elapsed_ms / 1000), r.cost_usd,
                       r.branch);
  }
  if (!view.merge_queue.empty()) {
    out += "merge queue:";
    for (const auto& id : view.merge_queue) {
      out += " " + id + (view.next && *view.next == id ? " (next)" : "");
    }
    out += "\n";
    for (const core::LaneRow& r : view.rows) {
      if (r.waits_for) {
        out += fmt::format("  {} {}\n", r.story_id, core::describe_wait(*r.waits_for));
      }
    }
  }
  return out;
}

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
    const std::map<std::string, std::string> kept = kept_branches(paths, state);
    std::optional<core::LanesView> lanes;
    if (cooked && state.limits.parallel && state.limits.parallel->lanes > 1) {
      lanes = core::lanes_view(state, store::read_lane_states(paths, state), util::now_unix_ms());
    }
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
      if (auto branch = kept.find(id); branch != kept.end()) {
        row["branch"] = branch->second;
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
      if (lanes) {
        out["lanes"] = core::lanes_view_json(*lanes);
      }
      if (state.isolated) {
        out["isolated"] = {{"branch", state.isolated->branch},
                           {"startedFrom",
                            {{"branch", state.isolated->from_branch}, {"sha", state.isolated->from_sha}}}};
      }
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
    if (state.isolated) {
      const std::string branch = run::short_branch_name(state.isolated->branch);
      const std::string from = run::short_branch_name(state.isolated->from_branch);
      out += fmt::format("isolated run on {} (not landed): {} is untouched; `simmer land` brings the run onto it\n",
                         branch, from);
    }
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
    if (lanes) {
      out += lanes_text(*lanes);
    }
    out += "\n" + run::Reporter::table(state);
    for (const auto& [id, branch] : kept) {
      auto worktree = run::lane_worktree_path(paths.root, id);
      const bool there = worktree.ok() && util::exists(*worktree);
      out += fmt::format("{} is blocked; its lane is kept for you to look at: branch {}{}\n", id, branch,
                         there ? ", worktree " + worktree->string() : std::string());
    }
    std::fputs(out.c_str(), stdout);
    return 0;
  };
}

}  // namespace simmer::cli
