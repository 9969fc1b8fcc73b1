// Implementation notes: the fold's reader. Journal::read has already proved each line is a JSON object with the
// next seq. Each line's text is then read again by schema::FastReader (simdjson) and checked with the validator's
// fast path, which builds no message; only a line refused there goes through the strict reader (core::parse_json)
// and check_event(), which name what is wrong. The fast reader enforces the strict reader's rules, which
// nlohmann's parser (the journal's) does not: no duplicate key, at most 512 levels of nesting (a deeper value
// folded into the state would overflow the stack of every recursive dump after it), numbers within double's
// range (1e400 would become an infinity, written to state.json as null), no lone surrogate.

#include "store/journal_events.hpp"

#include "core/jsonc.hpp"
#include "core/schema_fast.hpp"
#include "store/documents.hpp"

#include <fmt/format.h>

namespace simmer::store {

namespace {

[[noreturn]] void refuse(const util::JournalLine& line, const std::string& where, const std::string& why) {
  const auto kind = line.event.find("kind");
  throw Error(ExitCode::journal_corrupt,
              fmt::format("invalid journal event ({}): {} (seq {}{}); nothing was changed", where, why,
                          line.event.at("seq").dump(),
                          kind != line.event.end() && kind->is_string() ? ", kind " + kind->get<std::string>() : ""));
}

}  // namespace

core::Event checked_event(const util::JournalLine& line, std::string_view display) {
  // One reader per thread, reused: it keeps its buffers.
  thread_local schema::FastReader fast;
  bool valid = false;
  if (const auto element = fast.read(line.text)) {
    valid = event_valid_simdjson(*element);
  } else {
    // Refused by the fast reader: the strict reader decides, and says where. What it accepts, nlohmann read the
    // same way, so the rest works on the journal's own parse.
    const auto strict = core::parse_json(line.text);
    if (!strict.ok) {
      refuse(line, fmt::format("{}:{}:{}", display, line.line, strict.error.column), strict.error.message);
    }
    valid = event_valid(line.event);
  }
  if (!valid) {
    const std::string where = fmt::format("{}:{}", display, line.line);
    const auto problems = check_event(line.event, where);
    // The fast check and the detailed one agree (tests/unit/test_core_schema_fast.cpp); should they not, the
    // line is refused all the same rather than folded.
    std::string pointer, why = "refused by its schema";
    if (!problems.empty()) {
      const core::Problem& first = problems.front();
      pointer = first.pointer;
      why = first.subject.empty() ? first.message : first.subject + ": " + first.message;
    }
    refuse(line, where + "#" + pointer, why);
  }
  auto converted = core::event_from_json(line.event);
  if (!converted.ok()) {
    // The envelope schema requires what event_from_json reads: only a schema that lost a field gets here.
    refuse(line, fmt::format("{}:{}", display, line.line), converted.failure().message);
  }
  return std::move(*converted);
}

std::vector<core::Event> read_checked_events(const ProjectPaths& paths) {
  const std::string display = paths.display(paths.events);
  std::vector<core::Event> events;
  auto scan = util::Journal::for_each_line(
      paths.events, [&](const util::JournalLine& line) { events.push_back(checked_event(line, display)); }, display);
  if (!scan.ok()) {
    throw Error(scan.failure().code, scan.failure().message);
  }
  return events;
}

}  // namespace simmer::store
