// Prompt rendering: placeholders, and the bound on what one value may put into a prompt.
#include "run/prompts.hpp"

#include <catch2/catch.hpp>

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
