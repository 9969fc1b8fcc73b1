#pragma once
// The feedback inbox (issue 3 item 8): `.simmer/feedback.md` and `.simmer/inbox/*.md` are claimed at the start of
// ORCHESTRATE by an atomic rename into `.simmer/feedback/claimed/<nnnnnn>-<name>`, numbered after the notes
// already claimed (state.feedback_claimed), so a note is never read twice and a crash between the rename and
// the journal is repaired: a claimed file numbered above the count is simply journaled on the next claim.
// A note changed within the last second is still being written: it waits for the next orchestration.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/state.hpp"
#include "store/project.hpp"

namespace simmer::run {

// The most of one note a prompt carries: 64 KiB. A person's note is a few lines; a bigger file (a log pasted by
// mistake, a 50 MB dump) would crowd out the story itself, so its head goes in and the prompt names the claimed
// file where the whole note is.
inline constexpr std::size_t k_max_note_prompt_bytes = 64 * 1024;

// The number a claimed file carries in its name ("000012-feedback.md" -> 12; steering requests are numbered
// the same way, run/control.hpp), 0 when it has none.
std::int64_t claim_number(const std::string& name);

// Claims the notes waiting in `paths` and returns them (paths relative to the root, size, a one-line preview),
// in claim order, including claimed files numbered above `claimed_so_far` left by a crash. `now_ms` decides
// what "changed within the last second" means. Nothing waiting: empty. Rename failures throw
// simmer::Error(unsafe_storage).
std::vector<core::FeedbackNote> claim_feedback(const store::ProjectPaths& paths, std::int64_t claimed_so_far,
                                               std::int64_t now_ms);

// The feedback section of a prompt: for each note, "From <path>:" and its text, read from the project with at most
// k_max_note_prompt_bytes + 1 bytes held (the text is cut at a UTF-8 boundary, then a line says how many bytes
// are left out and that the whole note is at <path>). A note whose file is gone gives its preview. No notes:
// "(none)".
std::string feedback_prompt_text(const store::ProjectPaths& paths, const std::vector<core::FeedbackNote>& notes);

}  // namespace simmer::run
