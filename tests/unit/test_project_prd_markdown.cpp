// The markdown PRD parser: golden outputs, the malformed corpus with its exact messages, and the format's rules.
#include "project/prd_markdown.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using simmer::project::parse_prd_markdown;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path corpus() { return fs::path(SIMMER_SOURCE_DIR) / "tests" / "fixtures" / "prd_md"; }

std::string rendered_errors(const simmer::project::MarkdownPrd& parsed) {
  std::string out;
  for (const auto& e : parsed.errors) {
    out += "simmer: error: " + e.to_string() + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("prd_markdown: the good fixtures parse to their golden prd.json", "[project][prd_markdown]") {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(corpus() / "good")) {
    if (entry.path().extension() != ".md") {
      continue;
    }
    INFO(entry.path().filename().string());
    auto parsed = parse_prd_markdown(slurp(entry.path()), entry.path().filename().string());
    CHECK(rendered_errors(parsed).empty());
    fs::path golden = entry.path();
    golden.replace_extension(".json");
    CHECK(parsed.prd.dump(2) + "\n" == slurp(golden));
    ++checked;
  }
  CHECK(checked == 2);
}

TEST_CASE("prd_markdown: every malformed PRD gives exactly its expected messages", "[project][prd_markdown]") {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(corpus() / "bad")) {
    if (entry.path().extension() != ".md") {
      continue;
    }
    INFO(entry.path().filename().string());
    auto parsed = parse_prd_markdown(slurp(entry.path()), entry.path().filename().string());
    fs::path expected = entry.path();
    expected.replace_extension(".expected");
    CHECK(rendered_errors(parsed) == slurp(expected));
    ++checked;
  }
  CHECK(checked >= 14);
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
        "nothing is escaped)\n");
  auto empty = parse_prd_markdown("# P\n\n### A-1: one\n- [ ] x\n**Touches:**\n\nText.\n", "PRD.md");
  CHECK(rendered_errors(empty) ==
        "simmer: error: PRD.md:5: A-1: the Touches field lists no glob (list globs such as src/api/**, or leave the "
        "field out and the story runs alone)\n");
  auto typo = parse_prd_markdown("# P\n\n### A-1: one\n- [ ] x\n**Touchs:** a\n", "PRD.md");
  CHECK(rendered_errors(typo) ==
        "simmer: error: PRD.md:5: A-1: unknown field \"Touchs\" (did you mean \"Touches\"?)\n");
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
