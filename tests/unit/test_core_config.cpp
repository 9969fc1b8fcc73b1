#include "core/config.hpp"
#include "core/jsonc.hpp"
#include "store/documents.hpp"
#include "test_fixture_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace simmer;

using simmer::test::good_fixture;
using simmer::test::read_existing;

namespace {

nlohmann::json jsonc(const std::string& text) {
  const auto parsed = core::parse_json(text, core::JsonDialect::jsonc);
  REQUIRE(parsed.ok);
  return parsed.value;
}

}  // namespace

TEST_CASE("config: the defaults are the documented ones", "[config]") {
  const core::Config c = core::default_config();
  for (const auto* role : {&c.orchestrator, &c.builder, &c.verifier}) {
    CHECK(role->agent == core::AgentKind::claude);
    CHECK(role->idle_timeout_s == 300);
    CHECK_FALSE(role->model.has_value());
  }
  CHECK(c.orchestrator.timeout_s == 600);
  CHECK(c.builder.timeout_s == 1800);
  CHECK(c.verifier.timeout_s == 900);
  CHECK(c.app == ".");
  CHECK(c.workflow == core::Workflow::one_shot);
  CHECK(c.retries.fix == 3);
  CHECK(c.retries.contract == 2);
  CHECK(c.retries.transient == 5);
  CHECK(c.max_iterations == 1000);
  CHECK(c.budget.per_story == 0.0);
  CHECK(c.budget.total == 0.0);
  CHECK(c.git.commit);
  CHECK(c.git.hooks);
  CHECK(c.git.hook_timeout_s == 600);
  CHECK(c.gates.empty());
}

TEST_CASE("config: git.hooks turns the commit hooks off, git.hookTimeout bounds them, both checked", "[config]") {
  auto off = core::resolve_config(store::config_schema(),
                                  nlohmann::json::parse(
                                      R"({"schemaVersion":1,"git":{"hooks":false,"hookTimeout":"2m"}})"),
                                  "simmer.json");
  REQUIRE(off.ok());
  CHECK_FALSE(off->git.hooks);
  CHECK(off->git.hook_timeout_s == 120);
  auto bad = core::resolve_config(store::config_schema(),
                                  nlohmann::json::parse(R"({"schemaVersion":1,"git":{"hooks":"no"}})"), "simmer.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().message.find("simmer.json#/git/hooks") != std::string::npos);
}

TEST_CASE("config: the full canonical fixture round-trips byte for byte", "[config]") {
  const std::string text = read_existing(good_fixture("simmer.json"));
  auto resolved = core::resolve_config(store::config_schema(), jsonc(text), "simmer.json");
  REQUIRE(resolved.ok());
  CHECK(core::canonical_json(nlohmann::json(*resolved)) == text);
}

TEST_CASE("config: precedence is defaults < file < overrides", "[config]") {
  const auto doc = jsonc(R"({"schemaVersion": 1, "budget": {"total": 10, "perStory": 1}, "retries": {"fix": 1}})");
  auto c = core::resolve_config(store::config_schema(), doc, "simmer.json", {{"budget", {{"total", 5}}}});
  REQUIRE(c.ok());
  CHECK(c->budget.total == 5.0);      // override
  CHECK(c->budget.per_story == 1.0);  // file
  CHECK(c->retries.fix == 1);         // file
  CHECK(c->retries.transient == 5);   // default
  auto no_file = core::resolve_config(store::config_schema(), nullptr, "simmer.json", {{"maxIterations", 7}});
  REQUIRE(no_file.ok());
  CHECK(no_file->max_iterations == 7);
}

TEST_CASE("config: an unknown key names its pointer and the nearest known key", "[config]") {
  auto c = core::resolve_config(store::config_schema(), jsonc(R"({"schemaVersion": 1, "retires": {"fix": 1}})"),
                                "simmer.json");
  REQUIRE_FALSE(c.ok());
  CHECK(c.failure().message == "unknown key \"retires\" (simmer.json#/retires): did you mean \"retries\"?");
  CHECK(c.failure().code == ExitCode::invalid_input);
  auto nested = core::resolve_config(store::config_schema(),
                                     jsonc(R"({"schemaVersion": 1, "agents": {"builder": {"timeuot": 5}}})"),
                                     "simmer.json");
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.failure().message ==
        "unknown key \"timeuot\" (simmer.json#/agents/builder/timeuot): did you mean \"timeout\"?");
}

TEST_CASE("config: a role's tools are tool names, and a bad one names its pointer", "[config]") {
  auto c = core::resolve_config(
      store::config_schema(),
      jsonc(R"({"schemaVersion": 1, "agents": {"verifier": {"agent": "claude", "tools": ["Read", "Bash,Edit"]}}})"),
      "simmer.json");
  REQUIRE_FALSE(c.ok());
  // A comma would split claude's --tools list, a quote break gemini's policy file: neither is a tool name.
  CHECK(c.failure().message ==
        "invalid value (simmer.json#/agents/verifier/tools/1): expected a string matching the pattern "
        "^(default|[A-Za-z][A-Za-z0-9_]*)$, found \"Bash,Edit\"");
  CHECK(c.failure().code == ExitCode::invalid_input);
  auto ok = core::resolve_config(
      store::config_schema(),
      jsonc(R"({"schemaVersion": 1, "agents": {"verifier": {"agent": "claude", "tools": ["Read", "Grep"]}}})"),
      "simmer.json");
  REQUIRE(ok.ok());
  CHECK(ok.value().verifier.tools == std::vector<std::string>{"Read", "Grep"});
  CHECK_FALSE(ok.value().builder.tools.has_value());
}

TEST_CASE("config: problems in overrides are attributed to the command line", "[config]") {
  auto c = core::resolve_config(store::config_schema(), jsonc(R"({"schemaVersion": 1})"), "simmer.json",
                                {{"budget", {{"totl", 5}}}});
  REQUIRE_FALSE(c.ok());
  CHECK(c.failure().message == "unknown key \"totl\" (command line#/budget/totl): did you mean \"total\"?");
  auto typed = core::resolve_config(store::config_schema(), jsonc(R"({"schemaVersion": 1})"), "simmer.json",
                                    {{"budget", {{"total", "x"}}}});
  REQUIRE_FALSE(typed.ok());
  CHECK(typed.failure().message == "invalid value (command line#/budget/total): expected a number, found \"x\"");
}

TEST_CASE("config: durations accept seconds and units", "[config]") {
  CHECK(*core::parse_timeout(90) == 90);
  CHECK(*core::parse_timeout("90s") == 90);
  CHECK(*core::parse_timeout("10m") == 600);
  CHECK(*core::parse_timeout("1h") == 3600);
  CHECK_FALSE(core::parse_timeout(-1).ok());
  CHECK_FALSE(core::parse_timeout("soon").ok());
  CHECK_FALSE(core::parse_timeout(1.5).ok());
  auto c = core::resolve_config(
      store::config_schema(),
      jsonc(R"({"schemaVersion": 1, "agents": {"builder": {"timeout": "45m", "idleTimeout": "2m"}},
               "gates": [{"name": "t", "run": "true", "timeout": "90s"}]})"),
      "simmer.json");
  REQUIRE(c.ok());
  CHECK(c->builder.timeout_s == 2700);
  CHECK(c->builder.idle_timeout_s == 120);
  CHECK(c->verifier.timeout_s == 900);
  CHECK(c->gates.at(0).timeout_s == 90);
  auto bad = core::resolve_config(store::config_schema(),
                                  jsonc(R"({"schemaVersion": 1, "agents": {"builder": {"timeout": "soon"}}})"),
                                  "simmer.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().message.rfind("invalid value (simmer.json#/agents/builder/timeout): expected ", 0) == 0);
}

TEST_CASE("config: role rules the schema cannot say", "[config]") {
  auto harness = core::resolve_config(store::config_schema(),
                                      jsonc(R"({"schemaVersion": 1, "agents": {"verifier": {"agent": "harness"}}})"),
                                      "simmer.json");
  REQUIRE_FALSE(harness.ok());
  CHECK(harness.failure().message ==
        "invalid value (simmer.json#/agents/verifier/agent): expected one of \"claude\", \"codex\", \"gemini\", "
        "\"command\", \"script\" (\"harness\" is for the orchestrator only), found \"harness\"");
  auto command = core::resolve_config(store::config_schema(),
                                      jsonc(R"({"schemaVersion": 1, "agents": {"builder": {"agent": "command"}}})"),
                                      "simmer.json");
  REQUIRE_FALSE(command.ok());
  CHECK(command.failure().message ==
        "invalid value (simmer.json#/agents/builder): expected \"command\" (the program agent \"command\" runs), "
        "found nothing");
  auto orchestrator = core::resolve_config(
      store::config_schema(), jsonc(R"({"schemaVersion": 1, "agents": {"orchestrator": {"agent": "harness"}}})"),
      "simmer.json");
  REQUIRE(orchestrator.ok());
  CHECK(orchestrator->orchestrator.agent == core::AgentKind::harness);
}

TEST_CASE("config: the JSONC fixture loads from disk with comments and trailing commas", "[config]") {
  auto loaded = store::load_config(good_fixture("jsonc/simmer.json"), nullptr, "simmer.json");
  REQUIRE(std::holds_alternative<core::Config>(loaded));
  const auto& c = std::get<core::Config>(loaded);
  CHECK(c.builder.agent == core::AgentKind::codex);
  CHECK(c.builder.sandbox.value() == "workspace-write");
  CHECK(c.builder.timeout_s == 2700);
  CHECK(c.verifier.idle_timeout_s == 120);
  CHECK(c.orchestrator.scenario.value() == "demo/orchestrator.json");
  CHECK(c.gates.at(0).run == "curl -s http://127.0.0.1/* not a comment */ // nor this");
}

TEST_CASE("config: a missing simmer.json gives the defaults plus overrides", "[config]") {
  auto loaded = store::load_config("/nonexistent/simmer.json", {{"retries", {{"fix", 9}}}});
  REQUIRE(std::holds_alternative<core::Config>(loaded));
  CHECK(std::get<core::Config>(loaded).retries.fix == 9);
  CHECK(std::get<core::Config>(loaded).builder.timeout_s == 1800);
}

TEST_CASE("config: parallel lanes default to 1, and a lane count below 1 or a bad serial glob is refused by pointer",
          "[config]") {
  auto none = core::resolve_config(store::config_schema(), nullptr, "simmer.json");
  REQUIRE(none.ok());
  CHECK(none->parallel.lanes == 1);
  CHECK(none->parallel.integrate == "rebase");
  auto three = core::resolve_config(store::config_schema(), nullptr, "simmer.json", {{"parallel", {{"lanes", 3}}}});
  REQUIRE(three.ok());
  CHECK(three->parallel.lanes == 3);
  auto zero = core::resolve_config(store::config_schema(), nullptr, "simmer.json", {{"parallel", {{"lanes", 0}}}});
  REQUIRE_FALSE(zero.ok());
  CHECK_THAT(zero.failure().message, Catch::Contains("#/parallel/lanes"));
  auto glob = core::resolve_config(store::config_schema(),
                                   nlohmann::json::parse(
                                       R"({"schemaVersion":1,"parallel":{"serial":["ok/**","/abs"]}})"),
                                   "simmer.json");
  REQUIRE_FALSE(glob.ok());
  CHECK_THAT(glob.failure().message,
             Catch::Contains("simmer.json#/parallel/serial/1") && Catch::Contains("starts with \"/\""));
  auto mode = core::resolve_config(store::config_schema(),
                                   nlohmann::json::parse(R"({"schemaVersion":1,"parallel":{"integrate":"squash"}})"),
                                   "simmer.json");
  REQUIRE_FALSE(mode.ok());
  CHECK_THAT(mode.failure().message, Catch::Contains("#/parallel/integrate"));
  auto caps = core::resolve_config(store::config_schema(),
                                   nlohmann::json::parse(R"({"schemaVersion":1,"parallel":{"sessions":{"claude":2}}})"),
                                   "simmer.json");
  REQUIRE(caps.ok());
  CHECK(caps->parallel.sessions == std::map<std::string, std::int64_t>{{"claude", 2}});
  for (const char* bad : {R"({"copy":["../x"]})", R"({"copy":["*.env"]})", R"({"copy":["/etc/passwd"]})",
                          R"({"setup":3})", R"({"setupTimeout":"soon"})"}) {
    auto refused = core::resolve_config(store::config_schema(),
                                        nlohmann::json::parse(std::string(R"({"schemaVersion":1,"parallel":)") + bad +
                                                              "}"),
                                        "simmer.json");
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.failure().message, Catch::Contains("simmer.json#/parallel"));
  }
  for (const char* bad : {R"({"claude":0})", R"({"harness":1})", R"({"clade":1})", R"({"codex":"2"})", "[2]"}) {
    auto refused = core::resolve_config(store::config_schema(),
                                        nlohmann::json::parse(
                                            std::string(R"({"schemaVersion":1,"parallel":{"sessions":)") + bad + "}}"),
                                        "simmer.json");
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.failure().message, Catch::Contains("simmer.json#/parallel/sessions"));
  }
}
