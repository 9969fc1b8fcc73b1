#include "run/commit_phase.hpp"

#include "core/record.hpp"
#include "run/gate_phase.hpp"
#include "store/documents.hpp"
#include "util/atomic_file.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace simmer::run {

using nlohmann::json;

namespace {

// Whether a git failure's message says the disk refused a write (git prints strerror): that is unsafe storage
// (exit 6), which no retry of the story can fix, not a failure of the story's work.
bool storage_failure(const std::string& message) {
  for (int err : {ENOSPC, EROFS, EDQUOT, EIO, EACCES}) {
    if (message.find(util::errno_text(err)) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Commits `paths` for `plan` (every change outside .simmer/, the foreign paths and `kept` when `paths` is nullopt).
CommitOutcome commit_paths(RunContext& cx, const core::CommitPlan& plan,
                           const std::optional<std::vector<std::string>>& paths,
                           const std::vector<std::string>& kept = {}) {
  auto t = cx.profile.time("git");
  Repository& repo = cx.world.repository;
  std::vector<std::string> excluded = cx.foreign;
  excluded.insert(excluded.end(), kept.begin(), kept.end());
  auto r = paths ? repo.commit(*paths, plan.subject, plan.run_id, plan.key_seq)
                 : repo.commit_work_tree(excluded, plan.subject, plan.run_id, plan.key_seq);
  if (!r.ok()) {
    throw Error(storage_failure(r.failure().message) ? ExitCode::unsafe_storage : r.failure().code,
                r.failure().message);
  }
  if (r->sha) {
    cx.head.sha = *r->sha;
  }
  return *r;
}

// A hook's refusal in the journal's gate form (docs/events.md, "hook": true).
core::events::Gate hook_gate(const RunContext& cx, const HookFailure& f) {
  return {.name = f.hook + " hook",
          .story_id = cx.state().story_id,
          .attempt = cx.state().attempt,
          .exit_code = f.exit_code,
          .passed = false,
          .timed_out = f.timed_out,
          .duration_ms = f.duration_ms,
          .output_tail = gate_tail(f.output_tail),
          .hook = true};
}

}  // namespace

std::vector<std::string> kept_gate_outputs(const core::GateOutputs& outputs, const Repository& repo) {
  std::vector<std::string> kept;
  for (const auto& [path, output] : outputs) {
    if (core::still_gate_output(output, output.change == "created" ? std::nullopt : repo.file_sha256(path))) {
      kept.push_back(path);
    }
  }
  return kept;
}

void commit_attempt_phase(RunContext& cx, const core::effects::Commit& effect) {
  const core::CommitPlan& plan = effect.plan;
  cx.flush_state();
  std::vector<std::string> kept = kept_gate_outputs(cx.gate_outputs, cx.world.repository);
  auto outcome = commit_paths(cx, plan, std::nullopt, kept);
  if (outcome.hook_failure) {
    // Nothing was committed: the attempt fails like a gate and FIX gets the hook's output.
    cx.append(hook_gate(cx, *outcome.hook_failure));
    return;
  }
  cx.append(core::events::Commit{.story_id = cx.state().story_id,
                                 .attempt = cx.state().attempt,
                                 .kind = plan.kind,
                                 .sha = outcome.sha,
                                 .subject = plan.subject,
                                 .kept_out = kept.empty() ? std::nullopt : std::optional(std::move(kept))});
}

void record_phase(RunContext& cx, const core::effects::Record& effect) {
  const core::CommitPlan& plan = effect.plan;
  const core::State& state = cx.state();
  const std::string id = state.story_id.value_or("");
  cx.flush_state();
  {
    auto t = cx.profile.time("record");
    // The files as they are on disk (prd.json must load; a progress.json that does not is started afresh), the
    // outcome decided by the core (core/record.hpp), written atomically.
    auto prd = store::load_prd(cx.paths.prd, ".simmer/prd.json");
    if (!std::holds_alternative<core::Prd>(prd)) {
      throw Error(ExitCode::invalid_input, store::to_failure(std::get<1>(prd)).message);
    }
    core::Progress progress;
    if (util::exists(cx.paths.progress)) {
      auto loaded = store::load_progress(cx.paths.progress, ".simmer/progress.json");
      if (std::holds_alternative<core::Progress>(loaded)) {
        progress = std::get<core::Progress>(std::move(loaded));
      }
    }
    std::optional<core::Build> build;
    // A coordinator records what the story's lane built, from the lane's folder.
    const std::filesystem::path build_file = core::coordinating(state) ? cx.paths.lane_dir(id) / "build.json"
                                                                       : cx.paths.build;
    if (state.record->result == core::StoryState::passed && util::exists(build_file)) {
      auto loaded = store::load_build(build_file, cx.paths.display(build_file));
      if (std::holds_alternative<core::Build>(loaded)) {
        build = std::get<core::Build>(std::move(loaded));
      }
    }
    core::Recorded out = core::record_story(std::get<core::Prd>(std::move(prd)), std::move(progress), state, build,
                                            util::iso8601_utc_ms(cx.world.clock.now_ms()));
    util::write_file_atomic(cx.paths.prd, core::canonical_json(json(out.prd)));
    cx.prd = std::move(out.prd);
    if (out.progress_changed) {
      util::write_file_atomic(cx.paths.progress, core::canonical_json(json(out.progress)));
    }
  }
  std::optional<std::string> sha;
  if (cx.config.git.commit) {
    std::vector<std::string> files = {cx.paths.display(cx.paths.prd), cx.paths.display(cx.paths.progress)};
    auto outcome = commit_paths(cx, plan, files);
    sha = outcome.sha;
    if (outcome.hook_failure) {
      // The story's outcome is settled and no agent is left to fix the harness's own files: the refusal is said,
      // prd.json and progress.json stay uncommitted (the next record commit takes them along).
      const auto& f = *outcome.hook_failure;
      cx.append(core::events::Warning{
          .message = fmt::format("the {} hook refused the record commit of {} ({}): {}", f.hook, id,
                                 f.timed_out ? "timed out" : fmt::format("exit {}", f.exit_code),
                                 util::preview(f.output_tail, 400))});
    }
  }
  cx.append(core::events::Commit{.story_id = id,
                                 .attempt = cx.state().attempt,
                                 .kind = core::CommitKind::record,
                                 .sha = sha,
                                 .subject = plan.subject});
}

}  // namespace simmer::run
