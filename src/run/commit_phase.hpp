#pragma once
// The commits of a story: each BUILD/FIX attempt's work tree changes (everything outside .simmer/ and the paths
// that were dirty at the start), and RECORD: prd.json and progress.json written for the story's outcome and
// committed. Every commit carries the Simmer-Run/Simmer-Seq trailers of its CommitPlan, so a commit a killed run
// already made is found, not made again; RECORD rewrites the same content and never appends a timeline entry
// twice. A hook that refuses an attempt's commit fails the attempt like a gate. What gates wrote and is still
// theirs (core/gate_outputs.hpp) stays out of the attempt's commit, named in its event (keptOut).

#include "run/context.hpp"

namespace simmer::run {

// The known gate outputs that are still the gates' in `repo`'s work tree, sorted.
std::vector<std::string> kept_gate_outputs(const core::GateOutputs& outputs, const Repository& repo);

void commit_attempt_phase(RunContext& cx, const core::effects::Commit& effect);
void record_phase(RunContext& cx, const core::effects::Record& effect);

}  // namespace simmer::run
