#pragma once
// The journal as the machine folds it: every line Journal::read accepts (JSON, contiguous seq) is also checked
// against its schemas (schemas/event.json for the envelope, schemas/events/<kind>.json for `data`) before it
// becomes a core::Event, so core::apply only ever sees the shapes it was written for. Every command that folds the
// journal (`cook` at start, `replay`, `replay --check`) reads it through here.

#include <string_view>
#include <vector>

#include "core/machine.hpp"
#include "store/project.hpp"
#include "util/journal.hpp"

namespace simmer::store {

// One line the journal reader accepted, as an Event, once it passed its schemas. A line that does not throws
// simmer::Error(journal_corrupt) naming the line, the JSON pointer of the first problem and the seq:
//   `invalid journal event (.simmer/events.jsonl:3#/data/stories/0): expected property "id", found nothing
//    (seq 3, kind run_started); nothing was changed`
// `display` names the journal (".simmer/events.jsonl").
core::Event checked_event(const util::JournalLine& line, std::string_view display);

// Every event of the project's journal, checked, in order. A missing journal is empty; an unreadable one throws
// simmer::Error with the reader's code and message; damage and schema problems throw as above.
std::vector<core::Event> read_checked_events(const ProjectPaths& paths);

}  // namespace simmer::store
