#pragma once
// The commits of a story: each BUILD/FIX attempt's work tree changes (everything outside .simmer/ and the paths
// that were dirty at the start), and RECORD: prd.json and progress.json written for the story's outcome and
// committed. Every commit carries the Simmer-Run/Simmer-Seq trailers of its CommitPlan, so a commit a killed run
// already made is found, not made again; RECORD rewrites the same content and never appends a timeline entry
// twice. A hook that refuses an attempt's commit fails the attempt like a gate.

#include "run/context.hpp"

namespace simmer::run {

void commit_attempt_phase(RunContext& cx, const core::effects::Commit& effect);
void record_phase(RunContext& cx, const core::effects::Record& effect);

}  // namespace simmer::run
