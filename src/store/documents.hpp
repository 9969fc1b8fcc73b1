#pragma once
// Reading simmer's contract files from disk: kind from the file name, the embedded schema of a kind, and one
// load_* per kind that reads, parses (JSONC for simmer.json), validates against the schema, runs the checks a
// schema cannot express (PRD ids, dependencies, cycles; config rules) and returns the typed view, or every problem
// found. Nothing here ever writes a file.
//
// Problems render as `<file>#<pointer>: <expected>, found <found>`, a parse error as `<file>:<line>:<col>: <what>`
// (core::Problem::to_line()).

#include "core/config.hpp"
#include "core/contracts.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace simdjson::dom {
class element;
}

namespace simmer::store {

enum class DocKind { config, prd, state, task, build, verdict, progress, events };
std::string_view to_string(DocKind kind);  // "config", "prd", ..., "events"

// The kind a file name calls for: simmer.json -> config, prd.json -> prd, ..., events.jsonl -> events. Only the
// file name counts (the directory does not). Other names: nothing.
std::optional<DocKind> kind_from_name(const std::filesystem::path& path);

// The embedded schema text for a kind (schemas/<kind>.json; events -> schemas/event.json, the envelope).
// Throws simmer::Error(schema_unusable) if the binary was built without it, which is a packaging bug.
std::string_view schema_text(DocKind kind);

// Either the value or every problem found (never empty when it is the problems).
template <class T>
using Loaded = std::variant<T, std::vector<core::Problem>>;

// Every problem of one file of the given kind (empty = valid). `display` is the name used in problems. An unreadable
// file is one problem without a pointer. For events.jsonl every line is checked against schemas/event.json and
// its `data` against schemas/events/<kind>.json when that schema exists; a torn (unterminated, unparseable) last
// line is reported like any other bad line.
std::vector<core::Problem> check_file(const std::filesystem::path& path, DocKind kind, const std::string& display);

// How check_text reads the lines of events.jsonl. `fast`: each line is first read with simdjson and checked with
// the validator's fast path (schema::FastReader, Validator::is_valid); only a line that is refused there, or
// invalid, goes through core::parse_json and the detailed validator, which produce the problems. `strict_only`:
// every line takes that detailed path. Both give the same problems (tests/unit/test_core_schema_fast.cpp); the
// second exists so tests can prove it.
enum class JournalReader { fast, strict_only };

// Same for a document already in memory (the text of the file). `reader` matters for DocKind::events only.
std::vector<core::Problem> check_text(std::string_view text, DocKind kind, const std::string& display,
                                      JournalReader reader = JournalReader::fast);

// Whether one parsed journal event is valid: the envelope against schemas/event.json and `data` against
// schemas/events/<kind>.json when the kind has one. The fast check (no message built) for a reader that folds
// every line; check_event() explains a line it refuses.
bool event_valid(const nlohmann::json& event);

// event_valid() for the same event read by schema::FastReader (simdjson), the cheaper of the two.
bool event_valid_simdjson(const simdjson::dom::element& event);

// Every problem of one parsed journal event (empty = valid), each with `where` as its file (e.g.
// ".simmer/events.jsonl:12"); pointers into `data` start with "/data". The same problems check_text reports for
// that line, but for the seq, which only the whole journal can judge.
std::vector<core::Problem> check_event(const nlohmann::json& event, const std::string& where);

// Read + parse + validate + typed view. `display` defaults to the path as given.
Loaded<core::Prd> load_prd(const std::filesystem::path& path, const std::string& display = {});
Loaded<core::Task> load_task(const std::filesystem::path& path, const std::string& display = {});
Loaded<core::Build> load_build(const std::filesystem::path& path, const std::string& display = {});
Loaded<core::Verdict> load_verdict(const std::filesystem::path& path, const std::string& display = {});
Loaded<core::Progress> load_progress(const std::filesystem::path& path, const std::string& display = {});
// The embedded schemas/config.json, compiled once per process: what core::check_config and core::resolve_config
// check simmer.json against. Throws simmer::Error(schema_unusable) when the binary lacks it or it does not compile.
const core::CompiledSchema& config_schema();

// simmer.json as JSONC, merged over the defaults and under `overrides` (see core::resolve_config). A missing file
// is not a problem: the defaults (plus overrides) are returned.
Loaded<core::Config> load_config(const std::filesystem::path& path, const nlohmann::json& overrides = nullptr,
                                 const std::string& display = {});
// state.json is owned by the cook loop's module; here it is validated and returned as JSON.
Loaded<nlohmann::json> load_state(const std::filesystem::path& path, const std::string& display = {});

// The problems as one Failure message (invalid_input): the first as to_error(), the others one to_line() each.
Failure to_failure(const std::vector<core::Problem>& problems);

}  // namespace simmer::store
