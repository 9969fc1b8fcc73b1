#pragma once
// The feedback inbox (issue 3 item 8): `.simmer/feedback.md` and `.simmer/inbox/*.md` are claimed at the start of
// ORCHESTRATE by an atomic rename into `.simmer/feedback/claimed/<nnnnnn>-<name>`, numbered after the notes
// already claimed (state.feedback_claimed), so a note is never read twice and a crash between the rename and
// the journal is repaired: a claimed file numbered above the count is simply journaled on the next claim.
// A note changed within the last second is still being written: it waits for the next orchestration.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/state.hpp"
#include "store/project.hpp"

namespace simmer::run {

// Claims the notes waiting in `paths` and returns them (paths relative to the root, size, a one-line preview),
// in claim order, including claimed files numbered above `claimed_so_far` left by a crash. `now_ms` decides
// what "changed within the last second" means. Nothing waiting: empty. Rename failures throw
// simmer::Error(unsafe_storage).
std::vector<core::FeedbackNote> claim_feedback(const store::ProjectPaths& paths, std::int64_t claimed_so_far,
                                               std::int64_t now_ms);

}  // namespace simmer::run
