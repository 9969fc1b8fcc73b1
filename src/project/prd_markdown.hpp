#pragma once
// The markdown PRD format (docs/project-commands.md "The markdown PRD format") parsed into simmer's prd.json.
// Deterministic: the same text always gives byte-identical JSON, stories in order of appearance.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::project {

// One problem found in a source document, pointing at the line a person must edit. `line` is 1-based; 0 means
// "the document as a whole" (then to_string() omits it).
struct SourceDiagnostic {
  std::string file;  // as the user named it ("PRD.md", "docs/PRD.md")
  int line = 0;
  std::string message;  // "US-007 depends on US-012, which does not exist"

  // "PRD.md:42: US-007 depends on US-012, which does not exist" (compiler style, what editors jump to).
  std::string to_string() const;
};

// What parse_prd_markdown() found. `prd` is complete and schema-shaped only when `errors` is empty; on errors it
// holds whatever could be read and must not be written anywhere.
struct MarkdownPrd {
  nlohmann::json prd = nlohmann::json::object();
  std::vector<SourceDiagnostic> errors;    // by line (document-wide ones last), in the order found; all fatal
  std::map<std::string, int> story_lines;  // story id -> line of its heading (for later diagnostics)
};

// Parses a markdown PRD. `file` only labels diagnostics. Every story gets status "pending" (progress lives in
// prd.json, never in the markdown). Validates what the format can promise: a `# Title`, at least one story,
// unique ids, a title and at least one acceptance criterion per story, whole-number priorities, dependencies that
// name existing stories and form no cycle, one title per epic id, `**Touches:**` globs that parse
// (core::glob_error), no unknown `**Field:**`. Empty text is an error ("no stories"), never an empty PRD.
MarkdownPrd parse_prd_markdown(std::string_view text, const std::string& file);

}  // namespace simmer::project
