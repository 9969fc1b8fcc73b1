#pragma once
// The typed views of simmer's hand-off files: prd.json, task.json, build.json, verdict.json and progress.json
// (simmer.json has its own module, core/config.hpp). Each struct mirrors its schema in schemas/<kind>.json field by
// field; the JSON spelling is camelCase, the C++ spelling snake_case.
//
// from_json() expects a document that already passed its schema (store/documents.hpp load_* does both); given
// anything else it throws simmer::Error(ExitCode::invalid_input) naming the field, never a half-filled struct.
// to_json() writes every field the struct holds; optional fields are written only when present, so a canonical
// document (canonical_json()) survives from_json -> to_json byte for byte.
//
// These functions are nlohmann ADL hooks too: `doc.get<simmer::core::Prd>()` and `nlohmann::json j = prd` work.

#include "core/schema.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::core {

// The only schemaVersion this build reads and writes. Every contract file carries it.
inline constexpr int k_schema_version = 1;

// Canonical JSON text: keys sorted, 2-space indent, trailing newline (what every harness write uses).
std::string canonical_json(const nlohmann::json& doc);

// One problem found in a document, by a parser, a schema or a cross-field check. Rendered two ways:
// - to_line():  "<file>#<pointer>: <message>" (or "<file>:<line>:<col>: <message>" for a parse error), which is
//            what `simmer validate` prints, one per problem;
// - to_error(): "<subject> (<file>#<pointer>): <message>", the simmer::Error form for a command that stops on it.
struct Problem {
  std::string file;            // as shown to the user ("simmer.json", ".simmer/prd.json")
  std::string pointer;         // JSON pointer into the instance ("" = the whole document)
  std::string schema_pointer;  // JSON pointer into the schema ("" when the problem is not a schema issue)
  std::string message;         // "<expected>, found <found>", or a sentence
  std::string subject;         // short name of what is wrong, e.g. `unknown key "retires"`; "" = "invalid JSON"
                               // for a parse error, "invalid value" otherwise
  int line = 0;                // > 0: a parse error at this 1-based line...; 0: at `pointer`; < 0: the file as a
                               // whole (unreadable), rendered "<file>: <message>"
  int column = 0;              // ...and 1-based column (in bytes)

  std::string to_line() const;
  std::string to_error() const;
};

// Story status in prd.json. Only the harness moves a story out of `pending`.
enum class StoryStatus { pending, passed, blocked };
std::string_view to_string(StoryStatus status);

struct Epic {
  std::string id;
  std::string title;
};

struct Story {
  std::string id;  // ^[A-Za-z][A-Za-z0-9_-]*$, unique in the PRD
  std::string title;
  std::string description;
  std::vector<std::string> acceptance_criteria;  // at least one, none empty
  std::int64_t priority = 0;                     // >= 0; lower runs first
  std::vector<std::string> dependencies;         // story ids that must pass first
  std::string epic;                              // "" = no epic
  std::string notes;
  StoryStatus status = StoryStatus::pending;
  std::optional<std::string> blocked_reason;        // present iff status == blocked
  std::optional<std::vector<std::string>> touches;  // globs of the paths it may write (core/lanes.hpp); absent =
                                                    // undeclared, not written
};

struct Prd {
  int schema_version = k_schema_version;
  std::string project;
  std::string description;
  std::optional<std::vector<Epic>> epics;  // absent = not written
  std::vector<Story> stories;

  // The story with this id, or nullptr. The pointer is valid until `stories` changes.
  const Story* find(std::string_view id) const;
  Story* find(std::string_view id);
};

// task.json `halt`: the orchestrator asks the harness to stop at an epic checkpoint.
struct TaskHalt {
  std::string kind = "epic_checkpoint";  // the only kind today
  std::string epic;
};

// task.json: the orchestrator's brief for one story.
struct Task {
  int schema_version = k_schema_version;
  std::string story_id;
  std::string title;
  std::string guidance;   // must carry any feedback the orchestrator applied
  std::string reasoning;  // why this story now
  std::optional<TaskHalt> halt;
};

// A pattern the builder learned (build.json).
struct Pattern {
  std::string name;
  std::string description;
};

// build.json: what the builder did.
struct Build {
  int schema_version = k_schema_version;
  std::string story_id;
  std::int64_t attempt = 0;  // 0 = build, n = the n-th fix
  std::string summary;
  std::vector<std::string> files_changed;
  std::vector<std::string> tests_added;
  std::vector<Pattern> patterns;
  std::optional<std::string> notes;
};

enum class VerdictKind { pass, fail_retry, fail_abort };
std::string_view to_string(VerdictKind verdict);  // spelt with the other value sets, in core/vocabulary.cpp

struct CriterionResult {
  std::string criterion;
  bool passed = false;
  std::string evidence;
};

// verdict.json: the verifier's judgement, bound to a story and an attempt.
struct Verdict {
  int schema_version = k_schema_version;
  std::string story_id;
  std::int64_t attempt = 0;
  VerdictKind verdict = VerdictKind::fail_retry;
  std::string summary;                    // non-empty unless verdict == pass
  std::vector<CriterionResult> criteria;  // one per acceptance criterion
};

// A pattern as progress.json keeps it: which story taught it.
struct LearnedPattern {
  std::string name;
  std::string description;
  std::string story_id;
};

enum class StoryOutcome { passed, blocked };
std::string_view to_string(StoryOutcome outcome);

// Volatile fields of a timeline entry, grouped so that a diff of two runs shows meaning first.
struct TimelineMeta {
  std::string ts;  // UTC, RFC 3339 with Z
};

struct TimelineEntry {
  std::string story_id;
  StoryOutcome outcome = StoryOutcome::passed;
  std::int64_t attempts = 0;
  double cost_usd = 0.0;  // written as a JSON double (0.0, not 0)
  std::string summary;
  std::optional<std::string> reason;  // why it was blocked
  std::vector<std::string> commits;   // shas
  TimelineMeta meta;
};

// progress.json: written by the harness only.
struct Progress {
  int schema_version = k_schema_version;
  std::vector<LearnedPattern> patterns;
  std::vector<TimelineEntry> timeline;
};

void to_json(nlohmann::json& out, const Epic& value);
void from_json(const nlohmann::json& in, Epic& value);
void to_json(nlohmann::json& out, const Story& value);
void from_json(const nlohmann::json& in, Story& value);
void to_json(nlohmann::json& out, const Prd& value);
void from_json(const nlohmann::json& in, Prd& value);
void to_json(nlohmann::json& out, const Task& value);
void from_json(const nlohmann::json& in, Task& value);
void to_json(nlohmann::json& out, const Build& value);
void from_json(const nlohmann::json& in, Build& value);
void to_json(nlohmann::json& out, const Verdict& value);
void from_json(const nlohmann::json& in, Verdict& value);
void to_json(nlohmann::json& out, const Progress& value);
void from_json(const nlohmann::json& in, Progress& value);

// A draft-07 schema and its compiled validator. The core reads no file: whoever has the schema's text (the store,
// for the embedded schemas/*.json) compiles it once and passes it in.
struct CompiledSchema {
  nlohmann::json schema;
  schema::Validator validator;
};

// Every problem of `doc` against a draft-07 schema: `validator` is `schema` compiled. Each
// `"additionalProperties": false` violation is reported as an unknown-key problem that names the key, gives its
// pointer and suggests the nearest known key (subject `unknown key "retires"`, message `did you mean "retries"?`);
// the validator's own issue for it is dropped. Other issues keep the validator's pointers and message. `file` is
// copied into each problem. At most `max_problems` (0 = no limit). Valid: empty vector.
std::vector<Problem> check_schema(const nlohmann::json& doc, const schema::Validator& validator,
                                  const nlohmann::json& schema, const std::string& file,
                                  std::size_t max_problems = 100);

// Checks a PRD needs beyond its schema: duplicate story ids, dependencies on unknown ids, dependency cycles,
// `epic` values missing from `epics` (when `epics` is given) and `touches` globs that core::glob_error() refuses
// (subject `invalid touches glob`, message `"/src/**" starts with "/" (...)`, at /stories/<i>/touches/<j>). `doc`
// must be schema-valid. Each problem carries the pointer of the offending value; `file` is copied into it. No
// problems: empty vector.
std::vector<Problem> check_prd(const nlohmann::json& doc, const std::string& file);

}  // namespace simmer::core
