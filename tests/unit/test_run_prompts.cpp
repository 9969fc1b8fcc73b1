// Prompt rendering: placeholders, and the bound on what one value may put into a prompt.
#include "core/schema.hpp"
#include "run/prompts.hpp"
#include "store/resources.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

using simmer::run::bound_prompt_value;
using simmer::run::k_max_prompt_value_bytes;

TEST_CASE("prompts: a value within the limit goes in whole") {
  const std::string exact(k_max_prompt_value_bytes, 'x');
  CHECK(bound_prompt_value("guidance", exact) == exact);
  CHECK(bound_prompt_value("guidance", "") == "");
}

// A verifier's evidence, a build summary or a task's guidance is agent-written and had no bound in the prompt.
TEST_CASE("prompts: a longer value is cut at a UTF-8 boundary and names where the rest is") {
  const std::string value = std::string(k_max_prompt_value_bytes - 1, 'x') + "\xe2\x82\xac" + std::string(10, 'y');
  const std::string bounded = bound_prompt_value("build_summary", value);
  CHECK(bounded == std::string(k_max_prompt_value_bytes - 1, 'x') +
                       "\n[simmer: {{build_summary}} is cut here, 13 of its 262156 bytes are left out; all of it is "
                       "in .simmer/build.json]\n");
  CHECK(bound_prompt_value("last_failure", value).find("all of it is in the journal, .simmer/events.jsonl") !=
        std::string::npos);
}

TEST_CASE("prompts: render_prompt bounds every placeholder it fills") {
  std::map<std::string, std::string> values = {{"feedback", std::string(3 * k_max_prompt_value_bytes, 'f')},
                                               {"handoff_path", ".simmer/build.json"},
                                               {"handoff_schema", "{}"},
                                               {"handoff_binding", "bound"}};
  auto rendered = simmer::run::render_prompt(std::nullopt, "one-shot", "builder", values);
  CHECK(rendered.text.find(std::string(k_max_prompt_value_bytes, 'f')) != std::string::npos);
  CHECK(rendered.text.find(std::string(k_max_prompt_value_bytes + 1, 'f')) == std::string::npos);
  CHECK(rendered.text.find("[simmer: {{feedback}} is cut here, 524288 of its 786432 bytes are left out; all of it "
                           "is in the claimed notes under .simmer/feedback/claimed/]") != std::string::npos);
}

namespace {

std::string handoff_schema_text(const std::string& handoff) {
  auto text = simmer::store::resource("schemas/" + handoff + ".json");
  REQUIRE(text);
  return std::string(*text);
}

bool accepted_by(const std::string& schema_text, const nlohmann::json& doc) {
  auto validator = simmer::schema::Validator::compile(nlohmann::json::parse(schema_text));
  REQUIRE(validator.ok());
  return validator->is_valid(doc);
}

}  // namespace

// Issue 14: the schema an agent is shown costs tokens in every request of every session; the compact form must
// still be the same contract.
TEST_CASE("prompts: the compact hand-off schema is one line, without the prose a const makes redundant") {
  const std::string full = handoff_schema_text("build");
  const std::string compact = simmer::run::compact_schema(full);
  CHECK(compact.find('\n') == std::string::npos);
  CHECK(compact.size() * 10 < full.size() * 7);  // at least 30 % smaller
  CHECK(compact.rfind(R"({"type":"object","additionalProperties":false,"required":["schemaVersion",)", 0) == 0);
  CHECK(compact.find("$schema") == std::string::npos);
  CHECK(compact.find("simmer build report") == std::string::npos);                   // the title
  CHECK(compact.find("What the builder did for one attempt") == std::string::npos);  // the root's description
  CHECK(compact.find("Always 1.") == std::string::npos);                             // a const's description
  CHECK(compact.find(R"("attempt":{"description":"0 for the first build, n for the n-th fix.")") != std::string::npos);
  // A field named like a keyword is a field: task.json's `title` stays a property.
  const std::string task = simmer::run::compact_schema(handoff_schema_text("task"));
  CHECK(task.find(R"("title":{"description":"The story's title, repeated for the builder.","type":"string"})") !=
        std::string::npos);
  CHECK(task.find(R"("description":"Instructions for the builder)") != std::string::npos);
  CHECK(simmer::run::compact_schema("not json") == "not json");
  CHECK(simmer::run::compact_schema("[1]") == "[1]");
}

TEST_CASE("prompts: a compact hand-off schema accepts and refuses exactly what the full one does") {
  const nlohmann::json build = {{"schemaVersion", 1},
                                {"storyId", "S-1"},
                                {"attempt", 0},
                                {"summary", "did"},
                                {"filesChanged", {"a"}},
                                {"testsAdded", nlohmann::json::array()},
                                {"patterns", {{{"name", "n"}, {"description", "d"}}}}};
  const nlohmann::json verdict = {{"schemaVersion", 1},
                                  {"storyId", "S-1"},
                                  {"attempt", 1},
                                  {"verdict", "fail_retry"},
                                  {"summary", "no"},
                                  {"criteria", {{{"criterion", "c"}, {"passed", false}, {"evidence", "ran it"}}}}};
  const nlohmann::json task = {{"schemaVersion", 1}, {"storyId", "S-1"},
                               {"title", "t"},       {"guidance", "g"},
                               {"reasoning", "r"},   {"halt", {{"kind", "epic_checkpoint"}, {"epic", "E"}}}};
  for (const auto& [name, good] : {std::pair{std::string("build"), build}, std::pair{std::string("verdict"), verdict},
                                   std::pair{std::string("task"), task}}) {
    const std::string full = handoff_schema_text(name);
    const std::string compact = simmer::run::compact_schema(full);
    std::vector<nlohmann::json> docs = {good};
    for (const auto& [key, value] : good.items()) {
      nlohmann::json without = good;
      without.erase(key);
      docs.push_back(without);
      nlohmann::json wrong = good;
      wrong[key] = value.is_string() ? nlohmann::json(7) : nlohmann::json("x");
      docs.push_back(wrong);
      nlohmann::json empty = good;
      empty[key] = value.is_array() ? nlohmann::json::array() : value.is_string() ? nlohmann::json("") : value;
      docs.push_back(empty);
    }
    nlohmann::json extra = good;
    extra["extra"] = true;
    docs.push_back(extra);
    nlohmann::json pass_without_summary = verdict;
    pass_without_summary["verdict"] = "pass";
    pass_without_summary["summary"] = "";
    docs.push_back(pass_without_summary);
    int accepted = 0;
    for (const auto& doc : docs) {
      INFO(name << ": " << doc.dump());
      CHECK(accepted_by(compact, doc) == accepted_by(full, doc));
      accepted += accepted_by(full, doc) ? 1 : 0;
    }
    CHECK(accepted > 1);  // the set holds documents of both kinds
    CHECK(accepted < static_cast<int>(docs.size()));
  }
}

// Issue 14: a model service caches a request's prefix; what every session of a role shares (role, rules, the
// hand-off contract) comes before what changes (the story, its failure, feedback).
TEST_CASE("prompts: every built-in prompt puts the hand-off contract before what changes between sessions") {
  const std::string schema = simmer::run::compact_schema(handoff_schema_text("build"));
  auto values_for = [&](const std::string& id, const std::string& attempt) {
    return std::map<std::string, std::string>{{"story_id", id},
                                              {"story_title", "Title of " + id},
                                              {"story_description", "About " + id},
                                              {"criteria", "- " + id},
                                              {"attempt", attempt},
                                              {"feedback", "note on " + id},
                                              {"guidance", "brief " + id},
                                              {"last_failure", "failed " + id},
                                              {"build_summary", "built " + id},
                                              {"project", "demo"},
                                              {"runnable_stories", "- " + id},
                                              {"progress", "- done before " + id},
                                              {"handoff_path", "/p/.simmer/build.json"},
                                              {"handoff_schema", schema},
                                              {"handoff_binding", "It must say `\"storyId\": \"" + id + "\"`."}};
  };
  for (const std::string name : {"orchestrator", "builder", "fix", "verifier"}) {
    const std::string a = simmer::run::render_prompt(std::nullopt, "one-shot", name, values_for("S-1", "1")).text;
    const std::string b = simmer::run::render_prompt(std::nullopt, "one-shot", name, values_for("T-22", "2")).text;
    std::size_t common = 0;
    while (common < a.size() && common < b.size() && a[common] == b[common]) {
      ++common;
    }
    INFO(name << ": the prompts part at byte " << common << ": " << a.substr(common, 80));
    const auto schema_at = a.find(schema);
    REQUIRE(schema_at != std::string::npos);
    CHECK(common >= schema_at + schema.size());
  }
}
