// The validator's fast path (simdjson documents, schema_fast.hpp) against the detailed one (nlohmann documents):
// the same answer on every case of the JSON-Schema-Test-Suite and on simmer's own schemas and fixtures; the
// strict reader's rules kept; and `simmer validate`'s journal check giving the same problems either way.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/contracts.hpp"
#include "core/jsonc.hpp"
#include "core/schema.hpp"
#include "core/schema_fast.hpp"
#include "store/documents.hpp"
#include "test_util_support.hpp"

using simmer::test::slurp;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using simmer::schema::FastReader;
using simmer::schema::Validator;

// A simdjson document as nlohmann, keeping integer/unsigned/float apart, to compare values exactly.
json to_json(const simdjson::dom::element& value) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return nullptr;
    case simdjson::dom::element_type::BOOL:
      return bool(value.get_bool());
    case simdjson::dom::element_type::INT64:
      return std::int64_t(value.get_int64());
    case simdjson::dom::element_type::UINT64:
      return std::uint64_t(value.get_uint64());
    case simdjson::dom::element_type::DOUBLE:
      return double(value.get_double());
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(value.get_string()));
    case simdjson::dom::element_type::ARRAY: {
      json out = json::array();
      for (const simdjson::dom::element item : simdjson::dom::array(value.get_array())) {
        out.push_back(to_json(item));
      }
      return out;
    }
    case simdjson::dom::element_type::OBJECT: {
      json out = json::object();
      for (const auto& member : simdjson::dom::object(value.get_object())) {
        out[std::string(member.key)] = to_json(member.value);
      }
      return out;
    }
  }
  return nullptr;
}

// Same value, same number categories: an integer never compares equal to a float here (signed and unsigned
// integers are one category: core::parse_json may store 5 as either, simdjson as int64).
bool same_value(const json& a, const json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    return a == b;
  }
  if (a.type() != b.type()) {
    return false;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_value(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !same_value(it.value(), b.at(it.key()))) {
        return false;
      }
    }
    return true;
  }
  if (a.is_number_float() && std::isnan(a.get<double>())) {
    return false;
  }
  return a == b;
}

// Compares both paths on one instance text; returns false (and says why) on a disagreement. `compared` counts the
// cases where both readers accepted the text.
bool agree(const Validator& validator, FastReader& reader, const std::string& text, std::size_t& compared,
           const std::string& what) {
  const auto strict = simmer::core::parse_json(text);
  const auto fast = reader.read(text);
  if (!fast) {
    return true;  // the product then takes the strict path, whatever it says
  }
  if (!strict.ok) {
    UNSCOPED_INFO(what << ": FastReader accepted what core::parse_json refuses: " << strict.error.message);
    return false;
  }
  if (!same_value(to_json(*fast), strict.value)) {
    UNSCOPED_INFO(what << ": the readers disagree on the value");
    return false;
  }
  ++compared;
  const bool slow_answer = validator.is_valid(strict.value);
  const bool fast_answer = validator.is_valid_simdjson(*fast);
  const bool detailed_answer = validator.validate(strict.value).empty();
  if (slow_answer != fast_answer || slow_answer != detailed_answer) {
    UNSCOPED_INFO(what << ": is_valid(nlohmann)=" << slow_answer << " is_valid(simdjson)=" << fast_answer
                       << " validate()=" << (detailed_answer ? "no issues" : "issues") << " on " << text);
    return false;
  }
  return true;
}

const fs::path k_suite = "/usr/share/json-schema-test-suite/tests/draft7";

}  // namespace

TEST_CASE("schema fast path: agrees with nlohmann on every JSON-Schema-Test-Suite case", "[schema][fast]") {
  if (!fs::is_directory(k_suite)) {
    WARN("json-schema-test-suite is not installed; nothing compared");
    return;
  }
  FastReader reader;
  std::size_t compared = 0;
  std::size_t disagreements = 0;
  for (const auto& entry : fs::recursive_directory_iterator(k_suite)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") {
      continue;
    }
    const json groups = json::parse(slurp(entry.path()));
    for (const auto& group : groups) {
      const auto validator = Validator::compile(group.at("schema"));
      if (!validator) {
        continue;  // refused at load: nothing to validate (schema_suite lists which)
      }
      for (const auto& test : group.at("tests")) {
        const std::string what = entry.path().filename().string() + " / " + group.at("description").get<std::string>() +
                                 " / " + test.at("description").get<std::string>();
        // Each case as text, as the product reads it (the suite file's own spelling is lost to nlohmann, so big
        // numbers arrive here as doubles, as core::parse_json would read them).
        if (!agree(*validator, reader, test.at("data").dump(), compared, what)) {
          ++disagreements;
        }
      }
    }
  }
  CHECK(disagreements == 0);
  // 421 cases of the covered files, plus the compiling groups of the others.
  CHECK(compared >= 421);
}

TEST_CASE("schema fast path: agrees with nlohmann on simmer's schemas against every fixture", "[schema][fast]") {
  const fs::path root = SIMMER_SOURCE_DIR;
  std::vector<std::pair<std::string, Validator>> validators;
  for (const auto& entry : fs::recursive_directory_iterator(root / "schemas")) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      auto validator = Validator::compile(json::parse(slurp(entry.path())));
      REQUIRE(validator);
      validators.emplace_back(entry.path().lexically_relative(root).string(), std::move(validator.value()));
    }
  }
  REQUIRE(validators.size() >= 20);
  // Every document of the fixtures: whole .json files, every line of .jsonl files, and each line's `data`.
  std::vector<std::pair<std::string, std::string>> documents;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests" / "fixtures")) {
    if (!entry.is_regular_file()) {
      continue;
    }
    const std::string name = entry.path().lexically_relative(root).string();
    const std::string text = slurp(entry.path());
    if (entry.path().extension() == ".json") {
      documents.emplace_back(name, text);
    } else if (entry.path().extension() == ".jsonl") {
      std::istringstream lines(text);
      std::string line;
      for (int number = 1; std::getline(lines, line); ++number) {
        documents.emplace_back(name + ":" + std::to_string(number), line);
        const auto parsed = simmer::core::parse_json(line);
        if (parsed.ok && parsed.value.is_object() && parsed.value.contains("data")) {
          documents.emplace_back(name + ":" + std::to_string(number) + "#/data", parsed.value["data"].dump());
        }
      }
    }
  }
  REQUIRE(documents.size() >= 50);
  FastReader reader;
  std::size_t compared = 0;
  std::size_t disagreements = 0;
  for (const auto& [schema_name, validator] : validators) {
    for (const auto& [document_name, text] : documents) {
      if (!agree(validator, reader, text, compared, schema_name + " on " + document_name)) {
        ++disagreements;
      }
    }
  }
  CHECK(disagreements == 0);
  CHECK(compared >= 1000);
}

TEST_CASE("schema fast path: FastReader keeps the strict reader's rules", "[schema][fast]") {
  FastReader reader;
  // Refused by both readers.
  const std::vector<std::string> refused = {
      "\xEF\xBB\xBF{}",                               // byte order mark
      "{\"a\":1,\"a\":2}",                            // duplicate key
      "{\"x\":[{\"b\":1,\"c\":{\"d\":0,\"d\":0}}]}",  // nested duplicate key
      "\"\\ud800\"",
      "\"\\udc00\"",
      "\"\\ud800\\u0041\"",  // lone surrogates
      "\"a\x01\"",           // control character
      "\"\xed\xa0\x80\"",    // invalid UTF-8 (an encoded surrogate)
      "\xff",                // invalid UTF-8
      "1e400",
      "-1e400",  // outside double's range
      "18446744073709551616",
      "-9223372036854775809",  // outside 64 bits
      "",
      " ",
      "[1,]",
      "01",
      "1 2",
      "nul",
      "{}x",
      "{'a':1}",
      "// c\n{}",
      std::string(513, '[') + std::string(513, ']'),  // deeper than 512
  };
  for (const auto& text : refused) {
    INFO(text.substr(0, 40));
    CHECK_FALSE(simmer::core::parse_json(text).ok);
    CHECK_FALSE(reader.read(text).has_value());
  }
  // A duplicate among many members (the sorted check) is refused too.
  std::string wide = "{";
  for (int i = 0; i < 40; ++i) {
    wide += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  }
  CHECK(reader.read(wide + "\"k7\":0}") == std::nullopt);
  // Accepted by both, with the same value and number categories.
  const std::vector<std::string> accepted = {
      wide + "\"k40\":0}",
      "{}",
      "[]",
      "-0",
      "-0.0",
      "1.0",
      "1E2",
      "1e-400",
      "4.9e-324",
      "18446744073709551615",
      "-9223372036854775808",
      "9223372036854775807",
      "9007199254740993",
      "\"\\u0000\"",
      "\"\\ud83d\\ude00\"",
      "\"h\xc3\xa9llo \xf0\x9f\x98\x80\"",
      " {\"b\":[1,2.5,true,null,\"x\"],\"a\":{}} ",
      std::string(512, '[') + std::string(512, ']'),
  };
  for (const auto& text : accepted) {
    INFO(text.substr(0, 40));
    const auto strict = simmer::core::parse_json(text);
    REQUIRE(strict.ok);
    const auto fast = reader.read(text);
    REQUIRE(fast.has_value());
    CHECK(same_value(to_json(*fast), strict.value));
  }
}

TEST_CASE("schema fast path: numbers, lengths and key order give the same answers", "[schema][fast]") {
  FastReader reader;
  std::size_t compared = 0;
  const std::vector<std::pair<json, std::vector<std::string>>> cases = {
      {json{{"type", "integer"}}, {"1", "1.0", "1.5", "-0", "18446744073709551615", "1e300", "-9223372036854775808"}},
      {json{{"maximum", 9007199254740992.0}}, {"9007199254740993", "9007199254740992", "18446744073709551615"}},
      {json{{"minimum", -1}}, {"18446744073709551615", "-1", "-1.0000001", "-9223372036854775808"}},
      {json{{"exclusiveMaximum", 18446744073709551615ULL}}, {"18446744073709551615", "1.8446744073709552e19", "0"}},
      {json{{"multipleOf", 0.01}}, {"19.99", "19.999", "0"}},
      {json{{"multipleOf", 3}}, {"9", "9.0", "18446744073709551615", "-9223372036854775808", "10"}},
      {json{{"const", 1}}, {"1", "1.0", "true", "[1]"}},
      {json{{"enum", json::array({json{{"a", 1}, {"b", json::array({1, 2})}}, nullptr})}},
       {"{\"b\":[1,2.0],\"a\":1.0}", "{\"a\":1,\"b\":[2,1]}", "null", "{\"a\":1}", "{\"a\":1,\"b\":[1,2],\"c\":0}"}},
      {json{{"uniqueItems", true}},
       {"[{\"a\":1,\"b\":2},{\"b\":2,\"a\":1.0}]", "[1,1.0]", "[[1],[true]]", "[{\"a\":1},{\"a\":2}]", "[]"}},
      {json{{"minLength", 2}, {"maxLength", 3}},
       {"\"\xc3\xa9\xc3\xa9\"", "\"\xf0\x9f\x98\x80\"", "\"abcd\"", "\"\\u00e9\\u00e9\\u00e9\""}},
      {json{{"properties", {{"a", {{"type", "string"}}}, {"m", {{"type", "integer"}}}, {"z", {{"type", "null"}}}}},
            {"patternProperties", {{"^x", {{"minimum", 3}}}}},
            {"additionalProperties", false}},
       {"{\"z\":null,\"m\":1,\"a\":\"\"}", "{\"z\":null,\"x1\":5,\"a\":\"\"}", "{\"x1\":2}", "{\"b\":1}",
        "{\"z\":1,\"a\":\"\"}"}},
      {json{{"propertyNames", {{"maxLength", 2}}}, {"required", {"ab"}}, {"dependencies", {{"ab", {"cd"}}}}},
       {"{\"ab\":1,\"cd\":2}", "{\"ab\":1}", "{\"abc\":1,\"ab\":1,\"cd\":1}", "{}"}},
      {json{{"items", json::array({{{"type", "integer"}}, {{"type", "string"}}})}, {"additionalItems", false}},
       {"[1,\"a\"]", "[1,\"a\",null]", "[1]", "[\"a\"]"}},
      {json{{"contains", {{"const", 2}}}, {"minItems", 2}}, {"[1,2]", "[2.0,3]", "[1,3]", "[2]"}},
  };
  for (const auto& [schema, instances] : cases) {
    const auto validator = Validator::compile(schema);
    REQUIRE(validator);
    for (const auto& text : instances) {
      CHECK(agree(*validator, reader, text, compared, schema.dump() + " on " + text));
    }
  }
  CHECK(compared > 50);
}

TEST_CASE("schema fast path: simmer validate's journal check gives the same problems either way", "[schema][fast]") {
  using simmer::store::DocKind;
  using simmer::store::JournalReader;
  const fs::path root = SIMMER_SOURCE_DIR;
  std::vector<std::pair<std::string, std::string>> journals;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests" / "fixtures")) {
    if (entry.is_regular_file() && entry.path().filename() == "events.jsonl") {
      journals.emplace_back(entry.path().lexically_relative(root).string(), slurp(entry.path()));
    }
  }
  // A journal that exercises every branch: valid lines of several kinds, invalid envelopes and data, a kind
  // without a data schema, duplicate keys (valid otherwise), seq gaps, repeats and odd seq types, big numbers,
  // a BOM, a lone surrogate, a blank line and a torn last line.
  const std::string ok1 =
      R"({"data":{"message":"hello"},"kind":"warning","runId":"r1","seq":1,"ts":"2026-11-22T10:00:00.123Z"})";
  const std::vector<std::string> lines = {
      ok1,
      R"({"data":{"message":"again"},"kind":"warning","runId":"r1","seq":2,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"gap"},"kind":"warning","runId":"r1","seq":5,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"repeat"},"kind":"warning","runId":"r1","seq":5,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":7},"kind":"warning","runId":"r1","seq":6,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"x"},"kind":"warning","runId":"r1","seq":7,"ts":"2026-02-30T10:00:01Z"})",
      R"({"data":{"message":"x"},"kind":"warning","runId":"r1","seq":8,"ts":"2026-11-22T10:00:01Z","extra":1})",
      R"({"data":{"message":"dup"},"kind":"warning","runId":"r1","seq":9,"seq":9,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"x","message":"y"},"kind":"warning","runId":"r1","seq":10,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{},"kind":"gate","runId":"r1","seq":11,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{},"kind":"no_such_kind","runId":"r1","seq":12,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{},"kind":"../x","runId":"r1","seq":13,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"x"},"kind":"warning","runId":"r1","seq":14.0,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"x"},"kind":"warning","runId":"r1","seq":18446744073709551615,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"x"},"kind":"warning","runId":"r1","seq":"16","ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"x"},"kind":"warning","runId":"r1","seq":99999999999999999999,"ts":"2026-11-22T10:00:01Z"})",
      "\xEF\xBB\xBF" + ok1,
      R"({"data":{"message":"\ud800"},"kind":"warning","runId":"r1","seq":17,"ts":"2026-11-22T10:00:01Z"})",
      "",
      "[1,2]",
      R"({"data":{"message":"x"},"kind":"warning","runId":"","seq":0,"ts":"2026-11-22T10:00:01Z"})",
      R"({"data":{"message":"last"},"kind":"warning","runId":"r1","seq":1,"ts":"2026-11-22T10:00:01Z"})",
  };
  std::string mixed;
  for (const auto& line : lines) {
    mixed += line + "\n";
  }
  journals.emplace_back("mixed", mixed);
  journals.emplace_back("mixed, torn", mixed + R"({"data":{"message":"torn"},"kind":"warning")");
  journals.emplace_back("mixed, unterminated valid", mixed + ok1);
  std::string many;
  for (int seq = 1; seq <= 300; ++seq) {
    many += R"({"data":{"message":"m"},"kind":"warning","runId":"r1","seq":)" +
            std::to_string(seq % 97 == 0 ? seq + 1 : seq) + R"(,"ts":"2026-11-22T10:00:01Z"})" + "\n";
  }
  journals.emplace_back("many lines (more than 100 problems would be cut)",
                        many + mixed + mixed + mixed + mixed + mixed);

  // Every field `simmer validate` prints, in text or --json.
  auto lines_of = [](const std::vector<simmer::core::Problem>& problems) {
    std::string out;
    for (const auto& p : problems) {
      out += p.to_line() + " | " + p.file + " | " + std::to_string(p.line) + ":" + std::to_string(p.column) + " | " +
             p.pointer + " | " + p.schema_pointer + " | " + p.subject + " | " + p.message + "\n";
    }
    return out;
  };
  std::size_t with_problems = 0;
  for (const auto& [name, text] : journals) {
    INFO(name);
    const auto fast = simmer::store::check_text(text, DocKind::events, "events.jsonl", JournalReader::fast);
    const auto strict = simmer::store::check_text(text, DocKind::events, "events.jsonl", JournalReader::strict_only);
    CHECK(lines_of(fast) == lines_of(strict));
    with_problems += strict.empty() ? 0 : 1;
  }
  CHECK(with_problems >= 4);
  // The default is the fast path; a valid journal has no problems.
  CHECK(simmer::store::check_text(ok1 + "\n", DocKind::events, "events.jsonl").empty());
}
