// simmer's draft-07 validator: exact messages and pointers per keyword family, refusals, and the depth guard.
// The official JSON-Schema-Test-Suite (tests/schema_suite/) proves the verdicts; these tests pin the words.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/schema.hpp"

namespace {

using nlohmann::json;
using simmer::schema::Issue;
using simmer::schema::Validator;

Validator compiled(const json& schema) {
  auto result = Validator::compile(schema);
  INFO(schema.dump());
  REQUIRE(result.ok());
  return *result;
}

// Each issue as "<instance pointer> <schema pointer>: <message>", the shape a person reads.
std::vector<std::string> issues_of(const json& schema, const json& instance, std::size_t max = 100) {
  Validator validator = compiled(schema);
  std::vector<std::string> out;
  for (const Issue& issue : validator.validate(instance, max)) {
    out.push_back("#" + issue.instance_pointer + " #" + issue.schema_pointer + ": " + issue.message());
  }
  // The fast path must agree with the collecting one.
  CHECK(validator.is_valid(instance) == out.empty());
  return out;
}

std::string refusal_of(const json& schema) {
  auto result = Validator::compile(schema);
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().code == simmer::ExitCode::schema_unusable);
  return result.failure().message;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("schema: Issue::message joins expected and found", "[schema]") {
  Issue issue{"/a", "/properties/a/type", "a string", "a number (42)"};
  CHECK(issue.message() == "a string, found a number (42)");
}

TEST_CASE("schema: type names what was expected and what was found", "[schema]") {
  CHECK(issues_of(json::parse(R"({"type": "string"})"), 42) == Lines{"# #/type: a string, found a number (42)"});
  CHECK(issues_of(json::parse(R"({"type": ["string", "null"]})"), true) ==
        Lines{"# #/type: a string or null, found true"});
  CHECK(issues_of(json::parse(R"({"type": ["integer", "boolean", "array"]})"), 1.5) ==
        Lines{"# #/type: an array, an integer or a boolean, found a number (1.5)"});
  CHECK(issues_of(json::parse(R"({"type": "object"})"), json::array({1, 2})) ==
        Lines{"# #/type: an object, found an array of 2 items"});
  CHECK(issues_of(json::parse(R"({"type": "integer"})"), json::parse("1.0")).empty());
  CHECK(issues_of(json::parse(R"({"type": "integer"})"), json::parse("18446744073709551615")).empty());
}

TEST_CASE("schema: enum and const quote the allowed values", "[schema]") {
  json schema = json::parse(R"({"properties": {"verdict": {"enum": ["pass", "fail_retry", "fail_abort"]}}})");
  CHECK(issues_of(schema, json::parse(R"({"verdict": "maybe"})")) ==
        Lines{R"(#/verdict #/properties/verdict/enum: one of "pass", "fail_retry", "fail_abort", found "maybe")"});
  CHECK(issues_of(json::parse(R"({"const": 1})"), json::parse("1.0")).empty());
  CHECK(issues_of(json::parse(R"({"const": "x"})"), "y") == Lines{R"(# #/const: exactly "x", found "y")"});
  CHECK(issues_of(json::parse(R"({"enum": [false]})"), 0) == Lines{"# #/enum: exactly false, found a number (0)"});
}

TEST_CASE("schema: required and dependencies point at the object", "[schema]") {
  json schema = json::parse(R"({"properties": {"stories": {"items": {"required": ["id", "title"]}}}})");
  CHECK(issues_of(schema, json::parse(R"({"stories": [{"id": "S1", "title": "t"}, {}]})")) ==
        Lines{R"(#/stories/1 #/properties/stories/items/required: property "id", found nothing)",
              R"(#/stories/1 #/properties/stories/items/required: property "title", found nothing)"});
  json dependencies = json::parse(R"({"dependencies": {"a": ["b"], "c": {"required": ["d"]}}})");
  CHECK(issues_of(dependencies, json::parse(R"({"a": 1, "c": 2})")) ==
        Lines{R"(# #/dependencies/a: property "b" (required when "a" is present), found nothing)",
              R"(# #/dependencies/c/required: property "d", found nothing)"});
}

TEST_CASE("schema: additionalProperties names the stray property and the allowed ones", "[schema]") {
  json schema = json::parse(R"({"properties": {"id": {}, "title": {}}, "additionalProperties": false})");
  CHECK(issues_of(schema, json::parse(R"({"id": 1, "colour": "red"})")) ==
        Lines{R"(#/colour #/additionalProperties: only the properties "id", "title", found property "colour")"});
  json patterned = json::parse(R"({"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false})");
  CHECK(issues_of(patterned, json::parse(R"({"x-a": 1, "b": 2})")) ==
        Lines{"#/b #/additionalProperties: no additional properties, found property \"b\"",
              "#/x-a #/patternProperties/^x-/type: a string, found a number (1)"});
  json typed = json::parse(R"({"additionalProperties": {"type": "integer"}})");
  CHECK(issues_of(typed, json::parse(R"({"a~b/c": "no"})")) ==
        Lines{R"(#/a~0b~1c #/additionalProperties/type: an integer, found "no")"});
}

TEST_CASE("schema: propertyNames, minProperties and maxProperties", "[schema]") {
  CHECK(
      issues_of(json::parse(R"({"propertyNames": {"pattern": "^[a-z]+$"}})"), json::parse(R"({"ok": 1, "Bad": 2})")) ==
      Lines{R"(#/Bad #/propertyNames: a property name that is a string matching the pattern ^[a-z]+$, found "Bad")"});
  CHECK(issues_of(json::parse(R"({"minProperties": 2})"), json::parse(R"({"a": 1})")) ==
        Lines{"# #/minProperties: an object with at least 2 properties, found an object with 1 property"});
  CHECK(issues_of(json::parse(R"({"maxProperties": 0})"), json::parse(R"({"a": 1})")) ==
        Lines{"# #/maxProperties: an object with at most 0 properties, found an object with 1 property"});
}

TEST_CASE("schema: string lengths count code points, pattern and date-time", "[schema]") {
  CHECK(issues_of(json::parse(R"({"maxLength": 2})"), "h\xC3\xA9").empty());
  CHECK(issues_of(json::parse(R"({"minLength": 3})"), "\xF0\x9F\x92\xA9\xF0\x9F\x92\xA9") ==
        Lines{"# #/minLength: a string of at least 3 characters, found a string of 2 characters "
              "(\"\xF0\x9F\x92\xA9\xF0\x9F\x92\xA9\")"});
  CHECK(issues_of(json::parse(R"({"maxLength": 1})"), "ab") ==
        Lines{"# #/maxLength: a string of at most 1 character, found a string of 2 characters (\"ab\")"});
  CHECK(issues_of(json::parse(R"({"pattern": "^S[0-9]+$"})"), "story") ==
        Lines{R"(# #/pattern: a string matching the pattern ^S[0-9]+$, found "story")"});
  CHECK(issues_of(json::parse(R"({"pattern": "[0-9]"})"), "abc1").empty());
  json stamp = json::parse(R"({"format": "date-time"})");
  CHECK(issues_of(stamp, "2026-02-28T23:59:60Z").empty());
  CHECK(issues_of(stamp, "2024-02-29T10:00:00.5+01:30").empty());
  CHECK(issues_of(stamp, "2026-02-29T10:00:00Z") ==
        Lines{R"(# #/format: a date-time (RFC 3339, such as "2026-01-31T09:30:00Z"), found "2026-02-29T10:00:00Z")"});
  CHECK(issues_of(stamp, "2026-01-01T10:00:60Z").size() == 1);  // a leap second only at 23:59 UTC
  CHECK(issues_of(stamp, 5).empty());                           // format applies to strings only
}

TEST_CASE("schema: long strings are cut in messages at a character boundary", "[schema]") {
  std::string long_text(58, 'a');
  long_text += "\xC3\xA9\xC3\xA9zz";
  auto lines = issues_of(json::parse(R"({"const": "x"})"), long_text);
  REQUIRE(lines.size() == 1);
  // 60 bytes would end inside the first "é": the cut moves back before it.
  CHECK(lines[0] == "# #/const: exactly \"x\", found \"" + std::string(58, 'a') + "…\"");
}

TEST_CASE("schema: numeric limits, mixed integer and float, big numbers", "[schema]") {
  CHECK(issues_of(json::parse(R"({"minimum": 5})"), 4.5) == Lines{"# #/minimum: a number >= 5, found a number (4.5)"});
  CHECK(issues_of(json::parse(R"({"maximum": 5})"), 5).empty());
  CHECK(issues_of(json::parse(R"({"exclusiveMaximum": 5})"), 5.0) ==
        Lines{"# #/exclusiveMaximum: a number < 5, found a number (5.0)"});
  CHECK(issues_of(json::parse(R"({"exclusiveMinimum": -1})"), -1) ==
        Lines{"# #/exclusiveMinimum: a number > -1, found a number (-1)"});
  // uint64 beyond int64 against a signed limit, and the reverse.
  CHECK(issues_of(json::parse(R"({"maximum": 9223372036854775807})"), json::parse("9223372036854775808")).size() == 1);
  CHECK(issues_of(json::parse(R"({"minimum": -1})"), json::parse("18446744073709551615")).empty());
  // 2^53 + 1 is not representable as a double: the comparison must not round it down to 2^53.
  CHECK(issues_of(json::parse(R"({"maximum": 9007199254740992})"), json::parse("9007199254740993")).size() == 1);
  CHECK(issues_of(json::parse(R"({"maximum": 9007199254740992.0})"), json::parse("9007199254740993")).size() == 1);
}

TEST_CASE("schema: multipleOf with integers and decimals", "[schema]") {
  CHECK(issues_of(json::parse(R"({"multipleOf": 0.01})"), 19.99).empty());
  CHECK(issues_of(json::parse(R"({"multipleOf": 0.1})"), 0.3).empty());
  CHECK(issues_of(json::parse(R"({"multipleOf": 0.0001})"), 0.0075).empty());
  CHECK(issues_of(json::parse(R"({"multipleOf": 0.0001})"), 0.00751) ==
        Lines{"# #/multipleOf: a multiple of 0.0001, found a number (0.00751)"});
  CHECK(issues_of(json::parse(R"({"multipleOf": 7})"), json::parse("-9223372036854775807")).empty());
  CHECK(issues_of(json::parse(R"({"multipleOf": 7})"), json::parse("18446744073709551615")).size() == 1);
  CHECK(issues_of(json::parse(R"({"multipleOf": 2})"), 4.0).empty());
  CHECK(issues_of(json::parse(R"({"multipleOf": 0.123456789})"), 1e308).size() == 1);
}

TEST_CASE("schema: array keywords", "[schema]") {
  CHECK(issues_of(json::parse(R"({"minItems": 2})"), json::array({1})) ==
        Lines{"# #/minItems: an array of at least 2 items, found an array of 1 item"});
  CHECK(issues_of(json::parse(R"({"maxItems": 1})"), json::array({1, 2})) ==
        Lines{"# #/maxItems: an array of at most 1 item, found an array of 2 items"});
  CHECK(issues_of(json::parse(R"({"uniqueItems": true})"), json::parse(R"([1, "a", 1.0, "a"])")) ==
        Lines{"# #/uniqueItems: unique items, found items 0 and 2 both a number (1.0)"});
  CHECK(issues_of(json::parse(R"({"items": {"type": "string"}})"), json::parse(R"(["a", 2, "c", null])")) ==
        Lines{"#/1 #/items/type: a string, found a number (2)", "#/3 #/items/type: a string, found null"});
  json tuple = json::parse(R"({"items": [{"type": "integer"}, {"type": "string"}], "additionalItems": false})");
  CHECK(issues_of(tuple, json::parse(R"([1, "x"])")).empty());
  CHECK(
      issues_of(tuple, json::parse(R"(["1", "x", 3])")) ==
      Lines{
          R"(# #/additionalItems: an array of at most 2 items (additional items are not allowed), found an array of 3 items)",
          R"(#/0 #/items/0/type: an integer, found "1")"});
  CHECK(issues_of(json::parse(R"({"items": [{}], "additionalItems": {"type": "null"}})"), json::parse("[1, 2]")) ==
        Lines{"#/1 #/additionalItems/type: null, found a number (2)"});
  CHECK(
      issues_of(json::parse(R"({"contains": {"const": 3}})"), json::array({1, 2})) ==
      Lines{
          R"(# #/contains: an array with at least one item matching the "contains" schema, found an array of 2 items, none matching)"});
  CHECK(issues_of(json::parse(R"({"contains": true})"), json::array()) ==
        Lines{R"(# #/contains: an array with at least one item matching the "contains" schema, found an empty array)"});
}

TEST_CASE("schema: anyOf and oneOf say which branches failed and why", "[schema]") {
  json any = json::parse(R"({"anyOf": [{"type": "string"}, {"required": ["id"]}]})");
  CHECK(
      issues_of(any, json::object()) ==
      Lines{
          R"(# #/anyOf: a value matching at least one of the 2 anyOf schemas, found none: branch 0: a string, found an empty object; branch 1: property "id", found nothing)"});
  json nested = json::parse(
      R"({"properties": {"a": {"oneOf": [{"properties": {"b": {"type": "integer"}}}, {"type": "string"}]}}})");
  CHECK(
      issues_of(nested, json::parse(R"({"a": {"b": "x"}})")) ==
      Lines{
          R"(#/a #/properties/a/oneOf: a value matching exactly one of the 2 oneOf schemas, found none: branch 0 at /b: an integer, found "x"; branch 1: a string, found an object with 1 property)"});
  json both = json::parse(R"({"oneOf": [{"type": "integer"}, {"minimum": 0}, {"type": "number"}]})");
  CHECK(issues_of(both, 3) == Lines{"# #/oneOf: a value matching exactly one of the 3 oneOf schemas, found a value "
                                    "matching branches 0, 1 and 2"});
  CHECK(issues_of(both, -1.5).empty());
}

TEST_CASE("schema: allOf, not, if/then/else and boolean schemas", "[schema]") {
  CHECK(issues_of(json::parse(R"({"allOf": [{"type": "integer"}, {"minimum": 2}]})"), 1) ==
        Lines{"# #/allOf/1/minimum: a number >= 2, found a number (1)"});
  CHECK(issues_of(json::parse(R"({"not": {"type": "null"}})"), nullptr) ==
        Lines{R"(# #/not: a value that does not match the "not" schema, found null)"});
  json conditional = json::parse(
      R"({"if": {"properties": {"status": {"const": "blocked"}}}, "then": {"required": ["reason"]}, "else": {"not": {"required": ["reason"]}}})");
  CHECK(issues_of(conditional, json::parse(R"({"status": "blocked"})")) ==
        Lines{R"(# #/then/required: property "reason", found nothing)"});
  CHECK(issues_of(conditional, json::parse(R"({"status": "pending", "reason": "x"})")) ==
        Lines{R"(# #/else/not: a value that does not match the "not" schema, found an object with 2 properties)"});
  CHECK(issues_of(false, 1) == Lines{"# #: no value here (the schema is false), found a number (1)"});
  CHECK(issues_of(true, 1).empty());
  CHECK(issues_of(json::parse(R"({"properties": {"gone": false}})"), json::parse(R"({"gone": 1})")) ==
        Lines{"#/gone #/properties/gone: no value here (the schema is false), found a number (1)"});
}

TEST_CASE("schema: $ref to the root, to definitions, to escaped pointers, recursively", "[schema]") {
  json tree = json::parse(R"({
    "definitions": {"node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/node"}}, "name": {"type": "string"}}}},
    "$ref": "#/definitions/node"})");
  CHECK(issues_of(tree, json::parse(R"({"children": [{"children": [{"name": 7}]}]})")) ==
        Lines{"#/children/0/children/0/name #/definitions/node/properties/name/type: a string, found a number (7)"});
  json escaped = json::parse(R"({"definitions": {"a/b": {"type": "integer"}, "c%d": {"type": "null"}},
    "properties": {"x": {"$ref": "#/definitions/a~1b"}, "y": {"$ref": "#/definitions/c%25d"}}})");
  CHECK(issues_of(escaped, json::parse(R"({"x": "1", "y": 1})")) ==
        Lines{R"(#/x #/definitions/a~1b/type: an integer, found "1")",
              "#/y #/definitions/c%d/type: null, found a number (1)"});
  json with_id = json::parse(R"({"$id": "https://example.com/prd.json", "definitions": {"s": {"type": "string"}},
    "properties": {"a": {"$ref": "https://example.com/prd.json#/definitions/s"}}})");
  CHECK(issues_of(with_id, json::parse(R"({"a": 1})")) ==
        Lines{"#/a #/definitions/s/type: a string, found a number (1)"});
}

TEST_CASE("schema: issues come in document order and stop at max_issues", "[schema]") {
  json schema = json::parse(R"({"properties": {"b": {"type": "string"}, "a": {"type": "string"}}, "required": ["z"],
    "items": {"type": "string"}})");
  CHECK(issues_of(schema, json::parse(R"({"a": 1, "b": 2})")) ==
        Lines{R"(# #/required: property "z", found nothing)", "#/a #/properties/a/type: a string, found a number (1)",
              "#/b #/properties/b/type: a string, found a number (2)"});
  json array(json::value_t::array);
  for (int i = 0; i < 12; ++i) {
    array.push_back(i);
  }
  auto lines = issues_of(schema, array);
  REQUIRE(lines.size() == 12);
  CHECK(lines[2] == "#/2 #/items/type: a string, found a number (2)");
  CHECK(lines[11] == "#/11 #/items/type: a string, found a number (11)");  // 11 after 2: indices sort numerically
  CHECK(issues_of(schema, array, 3).size() == 3);
}

TEST_CASE("schema: 10,000 levels of nesting stop at the depth guard", "[schema]") {
  std::string text;
  for (int i = 0; i < 10000; ++i) {
    text += '[';
  }
  for (int i = 0; i < 10000; ++i) {
    text += ']';
  }
  json deep = json::parse(text);
  Validator recursive = compiled(json::parse(R"({"type": "array", "items": {"$ref": "#"}})"));
  CHECK_FALSE(recursive.is_valid(deep));
  auto issues = recursive.validate(deep);
  REQUIRE(issues.size() == 1);
  // "/0" per array level; each level costs two schema levels (items, then the $ref hop to the root), so the guard
  // trips at level 501, or earlier where the stack budget is reached first (sanitizer builds have huge frames).
  CHECK(issues[0].instance_pointer.size() <= 501 * 2);
  CHECK(issues[0].instance_pointer.size() >= 50 * 2);
  CHECK(issues[0].instance_pointer.find_first_not_of("/0") == std::string::npos);
  CHECK(issues[0].message() ==
        "nesting at most 1000 schema levels deep, found deeper nesting (validation stopped here)");
  // A schema that does not recurse does not care how deep the instance goes.
  CHECK(compiled(json::parse(R"({"type": "array"})")).is_valid(deep));
  // A $ref cycle that never consumes the instance trips the same guard instead of looping.
  Validator loop = compiled(json::parse(
      R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}, "$ref": "#/definitions/a"})"));
  CHECK_FALSE(loop.is_valid(1));
}

TEST_CASE("schema: unsupported keywords are refused at load, naming keyword and pointer", "[schema]") {
  CHECK(refusal_of(json::parse(R"({"properties": {"a": {"unevaluatedProperties": false}}})")) ==
        "unsupported keyword \"unevaluatedProperties\" at #/properties/a/unevaluatedProperties");
  CHECK(refusal_of(json::parse(R"({"properties": {"mail": {"format": "email"}}})")) ==
        "unsupported format \"email\" at #/properties/mail/format: simmer implements only the \"date-time\" format");
  CHECK(refusal_of(json::parse(R"({"items": {"$ref": "other.json#/definitions/x"}})")) ==
        "unsupported $ref \"other.json#/definitions/x\" at #/items/$ref: only references inside the document "
        "(\"#...\") are supported");
  CHECK(refusal_of(json::parse(R"({"$ref": "#/definitions/missing"})")) ==
        "unresolvable $ref \"#/definitions/missing\" at #/$ref: nothing at #/definitions/missing");
  CHECK(refusal_of(json::parse(R"({"$ref": "#anchor"})")) ==
        "unsupported $ref \"#anchor\" at #/$ref: anchors are not supported, use a JSON pointer such as "
        "\"#/definitions/name\"");
  CHECK(refusal_of(json::parse(R"({"$schema": "https://json-schema.org/draft/2020-12/schema"})")) ==
        "unsupported $schema \"https://json-schema.org/draft/2020-12/schema\" at #/$schema: simmer implements JSON "
        "Schema draft-07 (\"http://json-schema.org/draft-07/schema#\")");
  CHECK(refusal_of(json::parse(R"({"definitions": {"a": {"$id": "#a"}}})")) ==
        "unsupported keyword \"$id\" at #/definitions/a/$id: simmer accepts $id only at the root of the document");
  CHECK(refusal_of(json::parse(R"({"minLength": -1})")) ==
        "invalid value of \"minLength\" at #/minLength: expected a non-negative integer, found a number (-1)");
  CHECK(refusal_of(json::parse(R"({"type": "text"})")) ==
        "invalid value of \"type\" at #/type: expected one of \"null\", \"boolean\", \"object\", \"array\", "
        "\"number\", \"integer\", \"string\", found \"text\"");
  CHECK(refusal_of(json::parse(R"({"items": 3})")) ==
        "invalid schema at #/items: expected an object or a boolean, found a number (3)");
  CHECK(refusal_of(json::parse(R"({"pattern": "(unclosed"})"))
            .rfind("unsupported regular expression \"(unclosed\" at #/pattern: ", 0) == 0);
  CHECK(refusal_of(json::parse(R"({"multipleOf": 0})")) ==
        "invalid value of \"multipleOf\" at #/multipleOf: expected a number greater than 0, found a number (0)");
}

TEST_CASE("schema: annotations are accepted, and an unknown key is allowed only as a $ref container", "[schema]") {
  json annotated = json::parse(R"({"$schema": "http://json-schema.org/draft-07/schema#", "$id": "https://x/y",
    "title": "t", "description": "d", "default": 1, "examples": [1], "$comment": "c", "readOnly": true,
    "writeOnly": false, "definitions": {}})");
  CHECK(Validator::compile(annotated).ok());
  CHECK(issues_of(json::parse(R"({"schemas": {"a": {"type": "integer"}}, "$ref": "#/schemas/a"})"), "1") ==
        Lines{R"(# #/schemas/a/type: an integer, found "1")"});
  CHECK(refusal_of(json::parse(R"({"schemas": {"a": {"type": "integer"}}})")) ==
        "unsupported keyword \"schemas\" at #/schemas");
  // An unreferenced definition is still checked.
  CHECK(refusal_of(json::parse(R"({"definitions": {"a": {"oneOf": []}}})")) ==
        "invalid value of \"oneOf\" at #/definitions/a/oneOf: expected a non-empty array of schemas, found an array");
}

#include <regex>

#include "core/schema_regex.hpp"

TEST_CASE("schema: the simple-pattern fast path agrees with std::regex", "[schema]") {
  const std::vector<std::string> patterns = {"^[A-Za-z][A-Za-z0-9_-]*$",
                                             "^r[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$",
                                             "^a*$",
                                             "^a*a$",
                                             "^\\d+\\.\\d{1,2}$",
                                             "^[^a-c]?x{2,}$",
                                             "^\\w+@\\w+$",
                                             "^$",
                                             "^[-a]+$",
                                             "^a{0}b$",
                                             "^[a\\]]+$"};
  const std::vector<std::string> texts = {"",
                                          "a",
                                          "aa",
                                          "aaa",
                                          "US-001",
                                          "9-bad id",
                                          "r20261122T100000Z-4f2a",
                                          "r2026112T100000Z-4f2a",
                                          "12.5",
                                          "12.",
                                          "1.234",
                                          "dxx",
                                          "axx",
                                          "xx",
                                          "x",
                                          "me@host",
                                          "me@",
                                          "b",
                                          "-a-",
                                          "a]a",
                                          "\xC3\xA9xx",
                                          "US-001\n"};
  for (const auto& pattern : patterns) {
    simmer::schema::detail::Regex fast(pattern);
    std::regex reference(pattern, std::regex::ECMAScript);
    for (const auto& text : texts) {
      INFO(pattern << " on " << text);
      CHECK(fast.search(text) == std::regex_search(text, reference));
    }
  }
}
