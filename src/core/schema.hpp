#pragma once
// simmer's own JSON Schema validator, scoped to draft-07 (no packaged C++ validator fits; see docs/validator.md).
//
// A schema is compiled once into a tree of nodes (regexes compiled, $refs resolved to node indices, enum/const
// values kept), then validated many times. Validation allocates no strings on the success path: pointers and
// messages are only built when an issue is reported.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace simdjson::dom {
class element;
}

namespace simmer::schema {

// One problem found in an instance. `expected` and `found` are phrases a person understands; together they read
// as a sentence through message().
struct Issue {
  std::string instance_pointer;  // JSON pointer into the instance, "" for the root
  std::string schema_pointer;    // JSON pointer into the schema, e.g. "/properties/stories/items/required"
  std::string expected;          // "a string", "one of \"pass\", \"fail_retry\", \"fail_abort\"", "property \"id\""...
  std::string found;             // "a number (42)", "nothing", "\"maybe\""... a person understands both
  // "<expected>, found <found>"; callers print it as `<file>#<instance pointer>: <message>`.
  std::string message() const;
};

namespace detail {
struct Compiled;  // the compiled node tree, defined in schema.cpp
}

// A compiled draft-07 schema. Cheap to copy (the compiled form is shared and immutable), safe to use from
// several threads at once.
class Validator {
public:
  // Compiles a draft-07 schema (an object or a boolean). A keyword simmer does not implement (any `format` other
  // than "date-time", remote or `$id`-relative refs, draft 2019+ keywords, unknown keywords) is refused: Failure
  // with ExitCode::schema_unusable and a message naming the keyword and its schema pointer, e.g.
  // `unsupported keyword "unevaluatedProperties" (schema#/properties/a)`. A `$ref` that does not resolve inside
  // the document and a keyword with a malformed value (e.g. `"minLength": -1`) are refused the same way.
  static Result<Validator> compile(const nlohmann::json& schema);

  // Every problem of `instance` (at most `max_issues`, 0 meaning "no limit"), in document order; empty when
  // valid. An instance nested deeper than the validator's depth guard (1,000 levels of schema recursion) yields
  // one issue at the pointer where the guard tripped instead of exhausting the stack.
  std::vector<Issue> validate(const nlohmann::json& instance, std::size_t max_issues = 100) const;

  // True when `instance` is valid; stops at the first problem and builds no message (the fast path).
  bool is_valid(const nlohmann::json& instance) const;

  // is_valid() for the same document read by simdjson, whose parser is several times faster than building an
  // nlohmann tree (tests/unit/test_core_schema_fast.cpp checks the two agree on the whole JSON-Schema-Test-Suite
  // and on simmer's own schemas and fixtures). A name of its own: an overload would make every is_valid({...})
  // call ask nlohmann whether it converts to the (here incomplete) simdjson type. The document must have no duplicate
  // keys: read it with FastReader (schema_fast.hpp), which also enforces the rest of core::parse_json's strict rules.
  // Explaining an invalid document is validate()'s job, over nlohmann.
  bool is_valid_simdjson(const simdjson::dom::element& instance) const;

private:
  explicit Validator(std::shared_ptr<const detail::Compiled> compiled) : m_compiled(std::move(compiled)) {}
  std::shared_ptr<const detail::Compiled> m_compiled;
};

}  // namespace simmer::schema
