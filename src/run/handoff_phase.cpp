#include "run/handoff_phase.hpp"

#include "core/select.hpp"
#include "store/documents.hpp"

#include <fmt/format.h>

namespace simmer::run {

namespace fs = std::filesystem;
namespace {

// Binding problems of a build/verdict hand-off: the story and attempt it is for.
void check_binding(const core::State& state, const std::string& file, const std::string& story, std::int64_t attempt,
                   std::vector<std::string>& errors) {
  if (story != state.story_id.value_or("")) {
    errors.push_back(
        fmt::format("{}#/storyId: expected \"{}\", found \"{}\"", file, state.story_id.value_or(""), story));
  }
  if (attempt != state.attempt) {
    errors.push_back(fmt::format("{}#/attempt: expected {}, found {}", file, state.attempt, attempt));
  }
}

template <class T>
std::optional<T> loaded(store::Loaded<T> result, std::vector<std::string>& errors) {
  if (std::holds_alternative<T>(result)) {
    return std::get<T>(std::move(result));
  }
  for (const auto& p : std::get<std::vector<core::Problem>>(result)) {
    errors.push_back(p.to_line());
  }
  return std::nullopt;
}

}  // namespace

void validate_handoff_phase(RunContext& cx, const core::effects::ValidateHandoff& effect) {
  const core::State& state = cx.state();
  const std::string name(core::to_string(effect.handoff));
  const std::string file = ".simmer/" + name + ".json";
  const fs::path path = cx.paths.dir / (name + ".json");
  std::vector<std::string> errors;
  std::optional<core::EventData> accepted;
  {
    auto t = cx.profile.time("validation");
    std::error_code ec;
    if (fs::symlink_status(path, ec).type() == fs::file_type::not_found) {
      errors.push_back(fmt::format("{}: the {} did not write it", file, core::to_string(effect.role)));
    } else if (effect.handoff == core::Handoff::task) {
      if (auto task = loaded(store::load_task(path, file), errors)) {
        core::PickOutcome pick = core::accept_pick(state, task->story_id);
        accepted = core::events::StorySelected{
            .story_id = pick.story_id,
            .by = pick.by_orchestrator ? core::PickedBy::orchestrator : core::PickedBy::harness,
            .warning = pick.warning.empty() ? std::nullopt : std::optional<std::string>(pick.warning)};
      }
    } else if (effect.handoff == core::Handoff::build) {
      if (auto build = loaded(store::load_build(path, file), errors)) {
        check_binding(state, file, build->story_id, build->attempt, errors);
        accepted = core::events::HandoffAccepted{.role = effect.role,
                                                 .file = file,
                                                 .story_id = build->story_id,
                                                 .attempt = build->attempt};
      }
    } else {
      if (auto verdict = loaded(store::load_verdict(path, file), errors)) {
        check_binding(state, file, verdict->story_id, verdict->attempt, errors);
        std::vector<core::events::Criterion> criteria;
        for (const auto& c : verdict->criteria) {
          criteria.push_back({.criterion = c.criterion, .passed = c.passed, .evidence = c.evidence});
        }
        accepted = core::events::Verdict{.story_id = verdict->story_id,
                                         .attempt = verdict->attempt,
                                         .verdict = verdict->verdict,
                                         .summary = verdict->summary,
                                         .criteria = std::move(criteria)};
      }
    }
  }
  if (!errors.empty() || !accepted) {
    cx.append(core::events::HandoffInvalid{.role = effect.role,
                                           .file = file,
                                           .errors = errors,
                                           .repair = state.repairs + 1,
                                           .max_repairs = state.limits.contract});
    return;
  }
  cx.append(*accepted);
}

}  // namespace simmer::run
