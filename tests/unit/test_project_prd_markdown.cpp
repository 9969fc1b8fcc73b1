// The markdown PRD parser: golden outputs, the malformed corpus with its exact messages, and the format's rules.
#include "project/prd_markdown.hpp"
#include "test_util_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using simmer::test::slurp;

namespace {

namespace fs = std::filesystem;
using simmer::project::parse_prd_markdown;

fs::path corpus() { return fs::path(SIMMER_SOURCE_DIR) / "tests" / "fixtures" / "prd_md"; }

// The line that closes every list of format problems.
std::string pointer(const std::string& file) {
  return "simmer: error: " + file +
         ": not converted: fix the problems above (`simmer to-prd --example` prints a template of the format), or "
         "let the builder agent read the document as written: simmer to-prd --agent " +
         file + "\n";
}

std::string rendered_errors(const simmer::project::MarkdownPrd& parsed) {
  std::string out;
  for (const auto& e : parsed.errors) {
    out += "simmer: error: " + e.to_string() + "\n";
  }
  return out;
}

// The .md files of a fixture folder, each with its expectation beside it (`expected_ext`). A folder with fewer
// than `at_least` cases, a case without its expectation, or an expectation without its case fails the test:
// a corpus that shrank or lost a file would otherwise pass by testing less.
std::vector<fs::path> fixture_cases(const fs::path& folder, const std::string& expected_ext, std::size_t at_least) {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const fs::path& p = entry.path();
    fs::path twin = p;
    if (p.extension() == ".md") {
      cases.push_back(p);
      twin.replace_extension(expected_ext);
      if (!fs::exists(twin)) {
        FAIL("fixture " << p.filename() << " has no expectation " << twin.filename());
      }
    } else if (p.extension() == expected_ext) {
      twin.replace_extension(".md");
      if (!fs::exists(twin)) {
        FAIL("expectation " << p.filename() << " has no fixture " << twin.filename());
      }
    } else {
      FAIL("unexpected file in " << folder << ": " << p.filename());
    }
  }
  std::sort(cases.begin(), cases.end());
  if (cases.size() < at_least) {
    FAIL(folder << " holds " << cases.size() << " fixtures, expected at least " << at_least);
  }
  return cases;
}

// A line of a description, a note or a criterion that reads as a label or a dependency sentence: something the
// parser should have taken as structure.
bool looks_like_label(std::string line) {
  std::string l;
  for (char c : line) {
    if (c != '*' && c != '_') {
      l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!l.empty() && (l.front() == ' ' || l.front() == '-' || l.front() == '#')) {
    l.erase(0, 1);
  }
  // A field name alone or before a colon ("Priority", "Notes: ..."), never as the first word of a sentence.
  for (const char* name :
       {"acceptance criteria", "acceptance criterion", "criteria", "ac", "description", "user story", "priority",
        "dependencies", "dependency", "depends on", "blocked by", "notes", "note", "epic", "touches"}) {
    const std::string n(name);
    if (l == n || l.rfind(n + ":", 0) == 0) {
      return true;
    }
  }
  for (const char* sentence : {"depends on story", "depends on stories", "depends on us-", "requires story",
                               "requires stories", "blocked by story", "blocked by us-", "| story", "| id", "| #"}) {
    if (l.rfind(sentence, 0) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("prd_markdown: the good fixtures parse to their golden prd.json", "[project][prd_markdown]") {
  const auto cases = fixture_cases(corpus() / "good", ".json", 18);
  for (const auto& md : cases) {
    INFO(md.filename().string());
    auto parsed = parse_prd_markdown(slurp(md), md.filename().string());
    CHECK(rendered_errors(parsed).empty());
    fs::path golden = md;
    golden.replace_extension(".json");
    CHECK(parsed.prd.dump(2) + "\n" == slurp(golden));
  }
}

TEST_CASE("prd_markdown: no label or dependency sentence of the corpus leaks into a story's text",
          "[project][prd_markdown]") {
  int lines = 0;
  for (const auto& md : fixture_cases(corpus() / "good", ".json", 18)) {
    const auto parsed = parse_prd_markdown(slurp(md), md.filename().string());
    REQUIRE(parsed.errors.empty());
    for (const auto& story : parsed.prd["stories"]) {
      std::vector<std::string> texts = {story["description"], story["notes"]};
      for (const auto& c : story["acceptanceCriteria"]) {
        texts.push_back(c);
      }
      for (const auto& text : texts) {
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) {
          INFO(md.filename().string() << " " << story["id"].get<std::string>() << ": " << line);
          CHECK_FALSE(looks_like_label(line));
          ++lines;
        }
      }
    }
  }
  CHECK(lines > 150);
  // The check itself must be able to fail.
  CHECK(looks_like_label("**Acceptance Criteria:**"));
  CHECK(looks_like_label("Depends on story 1"));
  CHECK(looks_like_label("Priority"));
  CHECK_FALSE(looks_like_label("Priority badges are red, yellow or gray"));
}

TEST_CASE("prd_markdown: every malformed PRD gives exactly its expected messages", "[project][prd_markdown]") {
  for (const auto& md : fixture_cases(corpus() / "bad", ".expected", 22)) {
    INFO(md.filename().string());
    auto parsed = parse_prd_markdown(slurp(md), md.filename().string());
    fs::path expected = md;
    expected.replace_extension(".expected");
    CHECK(rendered_errors(parsed) == slurp(expected));
  }
}

TEST_CASE("prd_markdown: the same text gives byte-identical output", "[project][prd_markdown]") {
  const std::string text = slurp(corpus() / "good" / "marmite-style.md");
  CHECK(parse_prd_markdown(text, "a.md").prd.dump(2) == parse_prd_markdown(text, "b.md").prd.dump(2));
}

TEST_CASE("prd_markdown: priority defaults to the order of appearance", "[project][prd_markdown]") {
  auto parsed = parse_prd_markdown(
      "# P\n\n### A-1: one\n- [ ] x\n\n### A-2: two\n**Priority:** 0\n- [ ] y\n\n"
      "### A-3: three\n- [ ] z\n",
      "p.md");
  REQUIRE(parsed.errors.empty());
  const auto& s = parsed.prd["stories"];
  CHECK(s[0]["priority"] == 1);
  CHECK(s[1]["priority"] == 0);
  CHECK(s[2]["priority"] == 3);
}

TEST_CASE("prd_markdown: an epic heading groups the stories under it until the next section",
          "[project][prd_markdown]") {
  auto parsed = parse_prd_markdown(
      "# P\n\n## EP-7: Billing\n\n### B-1: invoice\n- [ ] x\n\n## Misc\n\n"
      "### B-2: other\n- [ ] y\n",
      "p.md");
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.prd["epics"] == nlohmann::json::parse(R"([{"id":"EP-7","title":"Billing"}])"));
  CHECK(parsed.prd["stories"][0]["epic"] == "EP-7");
  CHECK(parsed.prd["stories"][1]["epic"] == "");
}

TEST_CASE("prd_markdown: without epics the epics key is absent", "[project][prd_markdown]") {
  auto parsed = parse_prd_markdown("# P\n\n### A-1: one\n- [ ] x\n", "p.md");
  REQUIRE(parsed.errors.empty());
  CHECK_FALSE(parsed.prd.contains("epics"));
  CHECK(parsed.prd["stories"][0]["status"] == "pending");
  CHECK(parsed.story_lines.at("A-1") == 3);
}

TEST_CASE("prd_markdown: field sub-headings and dependency lists", "[project][prd_markdown]") {
  auto parsed = parse_prd_markdown(
      "# P\n\n### A-1: one\n- [ ] x\n\n### A-2: two\n#### Acceptance Criteria\n"
      "- first\n- second\n#### Dependencies\n- A-1\n",
      "p.md");
  REQUIRE(parsed.errors.empty());
  CHECK(parsed.prd["stories"][1]["acceptanceCriteria"] == nlohmann::json::parse(R"(["first","second"])"));
  CHECK(parsed.prd["stories"][1]["dependencies"] == nlohmann::json::parse(R"(["A-1"])"));
}

TEST_CASE("prd_markdown: touches are globs, comma separated or listed, absent when the field is",
          "[project][prd_markdown]") {
  auto parsed = parse_prd_markdown(
      "# P\n\n### A-1: one\n**Touches:** src/api/**, `docs/api.md` ,My Docs/*.md, src/api/**\n- [ ] x\n\n"
      "### A-2: two\n- [ ] y\n#### Touches\n- **/*.lock\n- `db/migrations/**`\n\nProse after the list.\n\n"
      "### A-3: three\n- [ ] z\n",
      "p.md");
  REQUIRE(parsed.errors.empty());
  const auto& s = parsed.prd["stories"];
  CHECK(s[0]["touches"] == nlohmann::json::parse(R"(["src/api/**", "docs/api.md", "My Docs/*.md"])"));
  CHECK(s[1]["touches"] == nlohmann::json::parse(R"(["**/*.lock", "db/migrations/**"])"));
  CHECK(s[1]["description"] == "Prose after the list.");
  CHECK_FALSE(s[2].contains("touches"));
}

TEST_CASE("prd_markdown: a bad touches glob is an error naming its line", "[project][prd_markdown]") {
  auto parsed = parse_prd_markdown("# P\n\n### A-1: one\n- [ ] x\n**touches:** a, , b\\c\n", "PRD.md");
  CHECK(rendered_errors(parsed) ==
        "simmer: error: PRD.md:5: A-1: touches glob \"\" is empty\n"
        "simmer: error: PRD.md:5: A-1: touches glob \"b\\c\" holds a backslash (segments are separated by \"/\", and "
        "nothing is escaped)\n" +
            pointer("PRD.md"));
  auto empty = parse_prd_markdown("# P\n\n### A-1: one\n- [ ] x\n**Touches:**\n\nText.\n", "PRD.md");
  CHECK(rendered_errors(empty) ==
        "simmer: error: PRD.md:5: A-1: the Touches field lists no glob (list globs such as src/api/**, or leave the "
        "field out and the story runs alone)\n" +
            pointer("PRD.md"));
  auto typo = parse_prd_markdown("# P\n\n### A-1: one\n- [ ] x\n**Touchs:** a\n", "PRD.md");
  CHECK(rendered_errors(typo) ==
        "simmer: error: PRD.md:5: A-1: unknown field \"Touchs\" (did you mean \"Touches\"?)\n" + pointer("PRD.md"));
}

TEST_CASE("prd_markdown: a document-wide diagnostic has no line number", "[project][prd_markdown]") {
  simmer::project::SourceDiagnostic d{"PRD.md", 0, "no stories found"};
  CHECK(d.to_string() == "PRD.md: no stories found");
  d.line = 42;
  CHECK(d.to_string() == "PRD.md:42: no stories found");
}

// prd.json is UTF-8 JSON: this text reached nlohmann's dump() and came out as `internal error ... invalid UTF-8
// byte` (exit 1). Now each line with a bad byte is named, with its column and the byte.
TEST_CASE("prd_markdown: bytes that are not UTF-8 are refused with their line and column", "[project][prd_markdown]") {
  const std::string text = "# Project\n\n## US-001: Title\n- [ ] caf\xe9 works\n- [ ] ok \xff\xfe\n";
  const auto parsed = parse_prd_markdown(text, "PRD.md");
  CHECK(rendered_errors(parsed) ==
        "simmer: error: PRD.md:4: invalid UTF-8 (byte 0xe9 at column 10): save the file as UTF-8\n"
        "simmer: error: PRD.md:5: invalid UTF-8 (byte 0xff at column 10): save the file as UTF-8\n");
  std::string many;
  for (int i = 0; i < 12; ++i) {
    many += "\x80\n";
  }
  const auto flood = parse_prd_markdown(many, "PRD.md");
  REQUIRE(flood.errors.size() == 11);
  CHECK(flood.errors.back().to_string() == "PRD.md: more lines are not UTF-8: only the first ones are listed");
}

namespace {

// The one story of `text`, which must parse without problems.
nlohmann::json only_story(const std::string& text) {
  const auto parsed = parse_prd_markdown(text, "p.md");
  INFO(text);
  REQUIRE(rendered_errors(parsed).empty());
  REQUIRE(parsed.prd["stories"].size() == 1);
  return parsed.prd["stories"][0];
}

}  // namespace

TEST_CASE("prd_markdown: story headings in every accepted spelling", "[project][prd_markdown]") {
  struct Case {
    const char* heading;
    const char* id;
    const char* title;
  };
  for (const auto& c : std::vector<Case>{{"### US-001: Sign up", "US-001", "Sign up"},
                                         {"## US-001 \xE2\x80\x94 Sign up", "US-001", "Sign up"},
                                         {"#### T-7 - Sign up", "T-7", "Sign up"},
                                         {"## Story 1 - Sign up", "US-001", "Sign up"},
                                         {"## Story 1: Sign up", "US-001", "Sign up"},
                                         {"## Story 1. Sign up", "US-001", "Sign up"},
                                         {"## story #12 Sign up", "US-012", "Sign up"},
                                         {"### User Story 3 \xE2\x80\x93 Sign up", "US-003", "Sign up"},
                                         {"## Story 1234: Sign up", "US-1234", "Sign up"},
                                         {"## **Story 01:** Sign up", "US-001", "Sign up"}}) {
    const auto story = only_story(std::string("# P\n\n") + c.heading + "\n- [ ] works\n");
    CHECK(story["id"] == c.id);
    CHECK(story["title"] == c.title);
  }
}

TEST_CASE("prd_markdown: numbered headings are stories only under a heading that names stories",
          "[project][prd_markdown]") {
  const std::string text =
      "# P\n\n## 1. Overview\n\nThe overview.\n\n## 2. User Stories\n\n### 1. Sign up\n- [ ] a\n\n"
      "### 2) Log in\n- [ ] b\n\n### 3 - Log out\n- [ ] c\n\n#### 3.1 Details\n\nMore on log out.\n\n"
      "## 3. Rollout\n\n### 4. Not a story\n\nA section.\n";
  const auto parsed = parse_prd_markdown(text, "p.md");
  REQUIRE(rendered_errors(parsed).empty());
  const auto& s = parsed.prd["stories"];
  REQUIRE(s.size() == 3);
  CHECK(s[0]["id"] == "US-001");
  CHECK(s[1]["id"] == "US-002");
  CHECK(s[2]["id"] == "US-003");
  CHECK(s[2]["acceptanceCriteria"] == nlohmann::json::parse(R"(["c"])"));
  CHECK(s[2]["description"] == "3.1 Details\n\nMore on log out.");
  CHECK(parsed.prd["description"] == "The overview.");
}

TEST_CASE("prd_markdown: the acceptance criteria label in every accepted form", "[project][prd_markdown]") {
  for (const char* label :
       {"Acceptance criteria:", "Acceptance criteria", "**Acceptance criteria**", "**Acceptance Criteria:**",
        "**Acceptance Criteria**:", "### Acceptance criteria", "#### Acceptance Criteria:", "AC:", "__Criteria__",
        "Acceptance criteria (all must pass):", "- **Acceptance Criteria:**"}) {
    for (const char* bullets :
         {"- one\n- two\n", "* one\n* two\n", "1. one\n2. two\n", "- [ ] one\n- [x] two\n", "+ one\n\n+ two\n"}) {
      const auto story = only_story(std::string("# P\n\n## Story 1: S\n\nSome prose.\n\n") + label + "\n\n" + bullets +
                                    "\nMore prose.\n");
      CHECK(story["acceptanceCriteria"] == nlohmann::json::parse(R"(["one", "two"])"));
      CHECK(story["description"] == "Some prose.\n\nMore prose.");
    }
  }
}

TEST_CASE("prd_markdown: dependencies as a field or as a sentence", "[project][prd_markdown]") {
  const std::string head = "# P\n\n## Story 1: A\n- [ ] a\n\n## Story 2: B\n- [ ] b\n\n## Story 3: C\n- [ ] c\n";
  for (const char* deps :
       {"Depends on story 1 and story 2", "Depends on stories 1 and 2.", "Depends on: US-001, US-002",
        "**Dependencies:** US-001 US-002", "Dependencies: 1, 2", "**Depends on:** story 1; story 2",
        "Requires story 1 and story 2 to be deployed", "Blocked by US-001 & US-002",
        "- Depends on story 1 (the store)\n- Requires story 2", "Dependencies:\n- Story 1\n- US-002",
        "#### Dependencies\n\nUS-001, [US-002](#us-002)", "_Depends on `US-001` and `US-002`._"}) {
    INFO(deps);
    const auto parsed = parse_prd_markdown(head + deps + "\n", "p.md");
    REQUIRE(rendered_errors(parsed).empty());
    CHECK(parsed.prd["stories"][2]["dependencies"] == nlohmann::json::parse(R"(["US-001", "US-002"])"));
    CHECK(parsed.prd["stories"][2]["description"] == "");
  }
}

TEST_CASE("prd_markdown: a sentence that starts like a dependency but names no story is prose",
          "[project][prd_markdown]") {
  const auto story = only_story(
      "# P\n\n## Story 1: A\n- [ ] a\n\nRequires a running Postgres.\nDepends on the billing team.\n"
      "Requires 2 GB of memory.\n");
  CHECK(story["dependencies"].empty());
  CHECK(story["description"] == "Requires a running Postgres.\nDepends on the billing team.\nRequires 2 GB of memory.");
}

TEST_CASE("prd_markdown: priority comes from the field or the priority table, which must agree, else the position",
          "[project][prd_markdown]") {
  const auto parsed = parse_prd_markdown(
      "# P\n\n## Story 1: A\nPriority: P2\n- [ ] a\n\n## Story 2: B\n- [ ] b\n\n"
      "## Story 3: C\n**Priority:** 0\n- [ ] c\n\n## Story 4: D\n- [ ] d\n\n"
      "| Story | Owner | Priority |\n|---|---|---|\n| Story 2 | Ana | P5 |\n| US-003 | Bo | 0 |\n| D | Cy | - |\n",
      "p.md");
  REQUIRE(rendered_errors(parsed).empty());
  const auto& s = parsed.prd["stories"];
  CHECK(s[0]["priority"] == 2);  // field only
  CHECK(s[1]["priority"] == 5);  // table only
  CHECK(s[2]["priority"] == 0);  // both, the same
  CHECK(s[3]["priority"] == 4);  // a dash in the table: the position
  const auto conflict = parse_prd_markdown(
      "# P\n\n## Story 1: A\nPriority: 1\n- [ ] a\n\n| ID | Priority |\n|--|--|\n| US-001 | 2 |\n", "p.md");
  CHECK(rendered_errors(conflict) ==
        "simmer: error: p.md:4: US-001: priority 1 here but 2 in the priority table at line 9 (give it once, or the "
        "same in both)\n" +
            pointer("p.md"));
}

TEST_CASE("prd_markdown: a table without a story and a priority column is prose, not priorities",
          "[project][prd_markdown]") {
  const auto story = only_story(
      "# P\n\n## Story 1: A\n- [ ] a\n\n| Metric | Priority |\n|---|---|\n| Latency | high |\n");
  CHECK(story["priority"] == 1);
  CHECK(story["description"] == "| Metric | Priority |\n|---|---|\n| Latency | high |");
}

TEST_CASE("prd_markdown: HTML comments and bold metadata are neither description nor structure",
          "[project][prd_markdown]") {
  const auto parsed = parse_prd_markdown(
      "# P\n\n**Owner:** Ana\n**Status:** Draft\n<!-- template help\n### US-009: not a story\n-->\n"
      "The real description.\n\n## Story 1: A\n<!-- - [ ] not a criterion -->\n- [ ] a\n",
      "p.md");
  REQUIRE(rendered_errors(parsed).empty());
  CHECK(parsed.prd["description"] == "The real description.");
  CHECK(parsed.prd["stories"].size() == 1);
  CHECK(parsed.prd["stories"][0]["acceptanceCriteria"] == nlohmann::json::parse(R"(["a"])"));
}

TEST_CASE("prd_markdown: a Priority or Epic label takes its value from the next line", "[project][prd_markdown]") {
  const auto story = only_story("# P\n\n## Story 1: A\n#### Priority\n\nP3\n\nEpic\nBilling\n- [ ] a\n");
  CHECK(story["priority"] == 3);
  CHECK(story["epic"] == "billing");
}
