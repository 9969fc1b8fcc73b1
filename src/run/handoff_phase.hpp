#pragma once
// Hand-off validation: the file an agent phase wrote (task.json, build.json or verdict.json) is loaded without
// following links (store/documents.hpp), checked against its schema and bound to the story and attempt, and the
// outcome journaled: story_selected (the orchestrator's pick, or the harness's when the pick is refused),
// handoff_accepted, verdict, or handoff_invalid with the exact errors a repair session is given.

#include "run/context.hpp"

namespace simmer::run {

void validate_handoff_phase(RunContext& cx, const core::effects::ValidateHandoff& effect);

}  // namespace simmer::run
