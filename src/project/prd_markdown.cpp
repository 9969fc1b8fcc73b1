// Implementation notes: the markdown PRD format (docs/project-commands.md has the user-facing description, with
// examples of every accepted spelling).
//
// - The first `# Title` names the project ("PRD:" or "Product Requirements Document:" prefix dropped). The first
//   prose paragraph outside any story is the project description (bold `**Label:** value` metadata lines, lists,
//   tables, quotes and code are skipped).
// - A story starts at a heading of level 2-4 that reads `<ID>: <Title>` (also `<ID> — <Title>`, `<ID> - <Title>`),
//   where ID is letters/digits/underscores, a dash and digits (US-001, STORY-12); or `Story 7: Title` / `User story
//   7 - Title` anywhere; or `7. Title` under a heading that names stories ("## User Stories"). The last two have
//   no written id: the number becomes US-007 (three digits at least), the spelling Ralph and marmite use, so
//   `Depends on: US-007` and `Depends on story 7` name the same story. A numbered heading elsewhere ("## 1.
//   Overview") is an ordinary section: numbered sections are too common in PRDs to be read as stories.
//   IDs starting with EP- or EPIC- start an epic instead: the stories under it belong to it until the next epic
//   heading or a non-story heading of the epic's level or above.
// - Inside a story, labels set Description, Acceptance Criteria, Priority, Dependencies, Epic, Notes, Touches:
//   `**Field:** value`, `**Field**: value`, `**Field**` alone, `Field: value` (plain, known names only), a known
//   multi-line field name alone on its line, or a deeper heading named like a field. Any other bold `**Label:**`
//   is an error: a typo would silently lose data. A plain `Word:` that names no field is prose.
// - A line starting "Depends on", "Requires" or "Blocked by" followed by story references ("story 1", "stories 2
//   and 3", "US-004") is a dependency; followed by anything else ("Requires a database") it is prose.
// - A table whose header has a story column (ID, Story, #) and a Priority column gives priorities, wherever it is.
//   A story given a priority both by its field and by the table must be given the same one: simmer cannot know
//   which of the two was edited last, so a difference is an error rather than a silent choice.
// - Touches are globs separated by commas (a glob may hold spaces, never a comma), or a list below, one pair of
//   backticks around each dropped; each is checked with core::glob_error(). A Touches field that lists no glob
//   (empty, `None`) is an error rather than an empty list: a story without touches runs alone, which is said by
//   leaving the field out.
// - Every `- [ ]` / `- [x]` item in a story is an acceptance criterion; under Acceptance Criteria any list item
//   is. Indented lines continue the item above. Prose not under a field joins the description. Labels never do.
// - Fenced code blocks are kept as text where they appear, never parsed as structure; HTML comments are dropped.
// - When anything cannot be read, the last diagnostic points to `simmer to-prd --example` (the format) and
//   `simmer to-prd --agent` (an agent reads the document as written).
// The output is a simmer prd.json object (schemaVersion 1); all stories are "pending".

#include "project/prd_markdown.hpp"

#include "core/lanes.hpp"
#include "project/prd_checks.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <optional>
#include <set>

namespace simmer::project {

namespace {

using nlohmann::json;

// How many lines with bytes that are not UTF-8 are listed before the rest is summed up in one line.
constexpr std::size_t k_max_encoding_errors = 10;

// A story number or priority longer than this is not one a person wrote; refusing it keeps stoll in range.
constexpr std::size_t k_max_number_digits = 9;

constexpr std::string_view k_story_heading_examples =
    "\"### US-001: Title\", \"## Story 1: Title\" or \"### 1. Title\" under a \"## User Stories\" heading";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == lower(prefix);
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

// `**` is emphasis wherever it is in a heading or a cell ("### 1. **Sign up**"), never part of a title.
std::string without_bold(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '*') {
      ++i;
      continue;
    }
    out += s[i];
  }
  return std::string(util::trim(out));
}

struct Heading {
  int level = 0;
  std::string text;
};

std::optional<Heading> parse_heading(std::string_view line) {
  std::size_t level = 0;
  while (level < line.size() && line[level] == '#') {
    ++level;
  }
  if (level == 0 || level > 6 || level >= line.size() || !is_blank_char(line[level])) {
    return std::nullopt;
  }
  std::string_view text = util::trim(line.substr(level));
  // A closing run of #s ("## Title ##") is decoration.
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '#') {
    --end;
  }
  if (end < text.size() && (end == 0 || text[end - 1] == ' ')) {
    text = util::trim(text.substr(0, end));
  }
  return Heading{static_cast<int>(level), std::string(text)};
}

// "US-001" at the start of `s`: letters, then letters/digits/underscores, a dash, digits. Returns its length.
std::size_t id_length(std::string_view s) {
  std::size_t i = 0;
  if (i >= s.size() || !std::isalpha(static_cast<unsigned char>(s[i]))) {
    return 0;
  }
  while (i < s.size() && is_word_char(s[i])) {
    ++i;
  }
  if (i >= s.size() || s[i] != '-') {
    return 0;
  }
  ++i;
  std::size_t digits = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    ++i;
  }
  if (i == digits) {
    return 0;
  }
  // "US-001a" or "US-1.2" is not an id followed by a separator; refuse rather than cut it.
  if (i < s.size() &&
      (is_word_char(s[i]) || (s[i] == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))))) {
    return 0;
  }
  return i;
}

bool is_story_id(std::string_view s) { return !s.empty() && id_length(s) == s.size(); }

// The digits at the start of `s` (at most k_max_number_digits of them, else none). Returns their count.
std::size_t number_length(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
    ++n;
  }
  return n > k_max_number_digits ? 0 : n;
}

// The id of a story a person numbered ("Story 7", "### 7.", "depends on story 7"): US-007.
std::string derived_id(std::string_view digits) { return fmt::format("US-{:03d}", std::stoll(std::string(digits))); }

// Takes a separator (":", "—", "–", "-") with its spaces from the front of `rest`; false when there is none.
bool take_separator(std::string_view& rest) {
  std::string_view r = util::trim(rest);
  for (std::string_view sep : {std::string_view(":"), std::string_view("\xE2\x80\x94"),
                               std::string_view("\xE2\x80\x93"), std::string_view("-")}) {
    if (r.substr(0, sep.size()) == sep) {
      rest = util::trim(r.substr(sep.size()));
      return true;
    }
  }
  return false;
}

// Like take_separator(), but an empty `rest` needs none.
bool strip_separator(std::string_view& rest) {
  if (util::trim(rest).empty()) {
    rest = util::trim(rest);
    return true;
  }
  return take_separator(rest);
}

// "<ID>: Title" -> {id, title}; nothing when the text does not start with an id and a separator.
std::optional<std::pair<std::string, std::string>> split_id_title(std::string_view text) {
  std::size_t n = id_length(text);
  if (n == 0) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(n);
  if (!rest.empty() && rest[0] != ' ' && rest[0] != ':' && rest[0] != '\t') {
    return std::nullopt;
  }
  if (!strip_separator(rest)) {
    return std::nullopt;
  }
  return std::make_pair(std::string(text.substr(0, n)), std::string(rest));
}

bool is_epic_id(std::string_view id) { return starts_with_ci(id, "EP-") || starts_with_ci(id, "EPIC-"); }

// "story " or "user story " (any case) at the start of `s`: its length with the blanks after it, else 0.
std::size_t story_keyword_length(std::string_view s) {
  for (std::string_view keyword : {std::string_view("user story"), std::string_view("story")}) {
    if (starts_with_ci(s, keyword) && s.size() > keyword.size() && is_blank_char(s[keyword.size()])) {
      std::size_t i = keyword.size();
      while (i < s.size() && is_blank_char(s[i])) {
        ++i;
      }
      return i;
    }
  }
  return 0;
}

// Whether a numbered heading ("### 3. Export") is a story: only under a heading that names stories.
enum class NumberedHeadings { stories, sections };

struct StoryHeading {
  std::string id;
  std::string title;
  std::string numbered;  // "Story 7", "7.": the words the id was derived from; "" for a written id
};

std::optional<StoryHeading> story_heading(std::string_view text, NumberedHeadings numbered) {
  if (auto it = split_id_title(text)) {
    return StoryHeading{it->first, it->second, ""};
  }
  if (const std::size_t keyword = story_keyword_length(text)) {
    // "Story 7: Title", "Story #7 - Title", "Story 7. Title", "Story 7 Title", "Story 7".
    std::string_view rest = text.substr(keyword);
    if (!rest.empty() && rest[0] == '#') {
      rest.remove_prefix(1);
    }
    const std::size_t n = number_length(rest);
    if (n == 0) {
      return std::nullopt;
    }
    std::string_view after = rest.substr(n);
    if (!after.empty() && is_word_char(after[0])) {
      return std::nullopt;
    }
    if (!after.empty() && after[0] == '.') {
      if (after.size() > 1 && !is_blank_char(after[1])) {
        return std::nullopt;  // "Story 1.2": a sub-numbering, not a story number
      }
      after.remove_prefix(1);
    }
    if (!take_separator(after)) {
      after = util::trim(after);
    }
    // `rest` is a suffix of `text`: the words up to the number are "Story 7" or "User story #7".
    const auto words = text.substr(0, static_cast<std::size_t>(rest.data() - text.data()) + n);
    return StoryHeading{derived_id(rest.substr(0, n)), std::string(after), std::string(words)};
  }
  if (numbered == NumberedHeadings::sections) {
    return std::nullopt;
  }
  // "7. Title", "7) Title", "7: Title", "7 - Title"; "3.1 Title" is a sub-section number, not a story.
  const std::size_t n = number_length(text);
  if (n == 0 || n == text.size()) {
    return std::nullopt;
  }
  std::string_view after = text.substr(n);
  if (after[0] == '.' || after[0] == ')') {
    if (after.size() < 2 || !is_blank_char(after[1])) {
      return std::nullopt;
    }
    after = util::trim(after.substr(1));
  } else if (!is_blank_char(after[0]) && after[0] != ':') {
    return std::nullopt;
  } else if (!take_separator(after)) {
    return std::nullopt;
  }
  if (after.empty()) {
    return std::nullopt;
  }
  return StoryHeading{derived_id(text.substr(0, n)), std::string(after), std::string(text.substr(0, n + 1))};
}

// "## User Stories", "## 3. Stories and acceptance criteria": the numbered headings under it are stories.
bool names_stories(std::string_view heading) {
  const std::string l = lower(heading);
  for (std::size_t at = l.find("stories"); at != std::string::npos; at = l.find("stories", at + 1)) {
    const bool starts = at == 0 || !is_word_char(l[at - 1]);
    const bool ends = at + 7 == l.size() || !is_word_char(l[at + 7]);
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

std::string slug(std::string_view text) {
  std::string out;
  bool dash = false;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (dash && !out.empty()) {
        out += '-';
      }
      dash = false;
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      dash = true;
    }
  }
  return out;
}

enum class FieldKind { description, criteria, priority, dependencies, epic, notes, touches };

std::optional<FieldKind> field_kind(std::string_view name) {
  std::string n = lower(util::trim(name));
  // "Acceptance Criteria (must all pass)": a remark in parentheses does not change the field.
  if (!n.empty() && n.back() == ')') {
    const std::size_t open = n.rfind('(');
    if (open != std::string::npos && open > 0) {
      n = std::string(util::trim(std::string_view(n).substr(0, open)));
    }
  }
  if (n == "description" || n == "user story" || n == "story") {
    return FieldKind::description;
  }
  if (n == "acceptance criteria" || n == "acceptance criterion" || n == "criteria" || n == "ac") {
    return FieldKind::criteria;
  }
  if (n == "priority") {
    return FieldKind::priority;
  }
  if (n == "dependencies" || n == "dependency" || n == "depends on" || n == "blocked by") {
    return FieldKind::dependencies;
  }
  if (n == "epic") {
    return FieldKind::epic;
  }
  if (n == "notes" || n == "note" || n == "technical notes") {
    return FieldKind::notes;
  }
  if (n == "touches") {
    return FieldKind::touches;
  }
  return std::nullopt;
}

const std::vector<std::string>& field_names() {
  static const std::vector<std::string> k_names = {"Description", "Acceptance Criteria",
                                                   "Priority",    "Dependencies",
                                                   "Epic",        "Notes",
                                                   "Touches"};
  return k_names;
}

// A heading or label text reduced to the field name it may spell: "**Acceptance Criteria:**" -> "Acceptance
// Criteria".
std::string label_text(std::string_view text) {
  std::string t = without_bold(text);
  while (!t.empty() && (t.back() == ':' || t.back() == ' ')) {
    t.pop_back();
  }
  return t;
}

enum class LabelForm { bold, plain };

struct Label {
  std::string name;
  std::string value;
  LabelForm form = LabelForm::bold;
};

// `**Name:** value`, `**Name**: value` (either optionally a list item), `**Name**` alone; `Name: value` or `Name`
// alone when Name is a known field (never as a list item: "- Note: ..." is a criterion). A value may also start
// on the next line.
std::optional<Label> parse_label(std::string_view line) {
  std::string_view s = util::trim(line);
  bool list_item = false;
  if (s.size() > 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ') {
    s = util::trim(s.substr(2));
    list_item = true;
  }
  for (std::string_view mark : {std::string_view("**"), std::string_view("__")}) {
    if (s.substr(0, 2) != mark) {
      continue;
    }
    const std::size_t close = s.find(mark, 2);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    std::string_view inner = s.substr(2, close - 2);
    std::string_view after = s.substr(close + 2);
    if (!inner.empty() && inner.back() == ':') {
      inner.remove_suffix(1);
    } else if (!after.empty() && after[0] == ':') {
      after.remove_prefix(1);
    } else if (!util::trim(after).empty()) {
      return std::nullopt;  // bold text that is not a label ("**Note** this")
    } else {
      if (!field_kind(inner)) {
        return std::nullopt;  // a bold line of prose ("**Important**")
      }
    }
    inner = util::trim(inner);
    if (inner.empty() || inner.find(mark) != std::string_view::npos) {
      return std::nullopt;
    }
    return Label{std::string(inner), std::string(util::trim(after)), LabelForm::bold};
  }
  if (list_item) {
    return std::nullopt;
  }
  const std::size_t colon = s.find(':');
  const std::string_view name = util::trim(colon == std::string_view::npos ? s : s.substr(0, colon));
  const auto kind = field_kind(name);
  if (!kind) {
    return std::nullopt;
  }
  const std::string_view value = colon == std::string_view::npos ? std::string_view() : s.substr(colon + 1);
  return Label{std::string(name), std::string(util::trim(value)), LabelForm::plain};
}

struct ListItem {
  bool checkbox = false;
  std::string text;
};

// `- text`, `* text`, `+ text`, `1. text`, `1) text`, with an optional `[ ]` / `[x]` box.
std::optional<ListItem> parse_list_item(std::string_view line) {
  std::string_view s = util::trim(line);
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '*' || s[0] == '+')) {
    i = 1;
  } else {
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
    }
    if (i == 0 || i >= s.size() || (s[i] != '.' && s[i] != ')')) {
      return std::nullopt;
    }
    ++i;
  }
  if (i >= s.size() || !is_blank_char(s[i])) {
    return std::nullopt;
  }
  std::string_view rest = util::trim(s.substr(i));
  ListItem item;
  if (rest.size() >= 3 && rest[0] == '[' && rest[2] == ']' && (rest[1] == ' ' || rest[1] == 'x' || rest[1] == 'X')) {
    item.checkbox = true;
    rest = util::trim(rest.substr(3));
  }
  item.text = std::string(rest);
  return item;
}

bool is_indented(std::string_view line) { return !line.empty() && is_blank_char(line[0]); }

bool is_fence(std::string_view line) {
  std::string_view s = util::trim(line);
  return s.substr(0, 3) == "```" || s.substr(0, 3) == "~~~";
}

bool is_none_value(std::string_view v) {
  const std::string n = lower(util::trim(v));
  return n.empty() || n == "none" || n == "-" || n == "n/a" || n == "\xE2\x80\x94" || n == "(none)" || n == "none.";
}

std::string strip_markup(std::string_view item) {
  std::string_view s = util::trim(item);
  while (!s.empty() && (s.front() == '`' || s.front() == '[' || s.front() == '(' || s.front() == '*')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == '`' || s.back() == ']' || s.back() == ')' || s.back() == '*' || s.back() == '.')) {
    s.remove_suffix(1);
  }
  return std::string(util::trim(s));
}

// A whole number >= 0, or a level "P0", "P1", ...: lower runs first either way.
std::optional<std::int64_t> parse_priority(std::string_view value) {
  std::string_view v = util::trim(value);
  if (!v.empty() && (v[0] == 'P' || v[0] == 'p')) {
    v.remove_prefix(1);
  }
  if (v.empty() || number_length(v) != v.size()) {
    return std::nullopt;
  }
  return std::stoll(std::string(v));
}

// A reference to a story as written: `written` is what a message quotes when the id was derived ("story 12").
struct Ref {
  std::string id;
  std::string written;
};

// The words of a list of story references: link targets and parenthesised remarks dropped ("US-001 (login)",
// "[US-001](#us-001)"), backticks and emphasis removed, commas, semicolons, ampersands and slashes as spaces,
// trailing punctuation and a possessive "'s" cut.
std::vector<std::string> reference_words(std::string_view text) {
  std::string flat;
  int depth = 0;
  for (char c : text) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      depth = std::max(0, depth - 1);
    } else if (depth > 0 || c == '`' || c == '*' || c == '[' || c == ']') {
      continue;
    } else if (c == ',' || c == ';' || c == '&' || c == '/') {
      flat += ' ';
    } else {
      flat += c;
    }
  }
  std::vector<std::string> words;
  std::string word;
  for (char c : flat + " ") {
    if (!is_blank_char(c)) {
      word += c;
      continue;
    }
    for (std::string_view possessive : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")}) {
      if (word.size() > possessive.size() && word.substr(word.size() - possessive.size()) == possessive) {
        word.resize(word.size() - possessive.size());
      }
    }
    while (!word.empty() && std::string_view(".:!?_").find(word.back()) != std::string_view::npos) {
      word.pop_back();
    }
    if (!word.empty()) {
      words.push_back(word);
    }
    word.clear();
  }
  return words;
}

// Where references are read: in a Dependencies field every word must be one (and a bare number is a story
// number); in a sentence ("Depends on story 2 for the export") they are read up to the first other word, and a
// number counts only after "story".
enum class RefContext { field, sentence };

struct RefScan {
  std::vector<Ref> refs;
  bool complete = true;  // every word was a reference or a joining word
};

RefScan read_references(const std::vector<std::string>& words, RefContext context) {
  RefScan scan;
  bool after_keyword = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string w = lower(words[i]);
    if (w == "story" || w == "stories") {
      after_keyword = true;
      continue;
    }
    if (w == "user" && i + 1 < words.size() && (lower(words[i + 1]) == "story" || lower(words[i + 1]) == "stories")) {
      continue;
    }
    if (w == "and" || (context == RefContext::field && is_none_value(w))) {
      continue;
    }
    if (is_story_id(words[i])) {
      scan.refs.push_back({words[i], ""});
      continue;
    }
    std::string_view number = words[i];
    if (!number.empty() && number[0] == '#') {
      number.remove_prefix(1);
    }
    const bool is_number = !number.empty() && number_length(number) == number.size();
    if (is_number && (context == RefContext::field || after_keyword)) {
      const std::string id = derived_id(number);
      scan.refs.push_back({id, fmt::format("story {}", std::stoll(std::string(number)))});
      continue;
    }
    scan.complete = false;
    break;
  }
  return scan;
}

// "Depends on story 1", "- Requires stories 2 and 3.", "Blocked by US-004": a line that starts with one of these
// verbs and then names stories. Nothing when what follows the verb is not a story ("Requires a database"), so
// such a line stays prose; words after the references ("... for the export") are the sentence's, not ids.
std::optional<std::vector<Ref>> prose_dependencies(std::string_view line) {
  std::string_view s = util::trim(line);
  if (auto item = parse_list_item(s)) {
    if (item->checkbox) {
      return std::nullopt;  // "- [ ] ..." is a criterion, whatever it says
    }
    s = util::trim(s.substr(s.find_first_of(" \t")));
  }
  std::string text = without_bold(s);
  while (!text.empty() && (text.front() == '_' || text.front() == '*')) {
    text.erase(0, 1);
  }
  for (std::string_view verb : {std::string_view("depends on"), std::string_view("depends upon"),
                                std::string_view("requires"), std::string_view("blocked by")}) {
    if (!starts_with_ci(text, verb) || (text.size() > verb.size() && is_word_char(text[verb.size()]))) {
      continue;
    }
    std::string_view rest = util::trim(std::string_view(text).substr(verb.size()));
    if (!rest.empty() && rest[0] == ':') {
      rest.remove_prefix(1);
    }
    RefScan scan = read_references(reference_words(rest), RefContext::sentence);
    if (scan.refs.empty()) {
      return std::nullopt;
    }
    return scan.refs;
  }
  return std::nullopt;
}

// Tables: `| a | b |` rows; the second row of a table is `|---|:--:|`.
bool is_table_row(std::string_view line) {
  std::string_view s = util::trim(line);
  return !s.empty() && s[0] == '|';
}

std::vector<std::string> table_cells(std::string_view line) {
  std::string_view s = util::trim(line);
  if (!s.empty() && s.front() == '|') {
    s.remove_prefix(1);
  }
  if (!s.empty() && s.back() == '|') {
    s.remove_suffix(1);
  }
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t bar = s.find('|', start);
    const std::size_t end = bar == std::string_view::npos ? s.size() : bar;
    cells.emplace_back(util::trim(s.substr(start, end - start)));
    start = end + 1;
  }
  return cells;
}

bool is_table_separator(std::string_view line) {
  if (!is_table_row(line)) {
    return false;
  }
  for (const auto& cell : table_cells(line)) {
    if (cell.find('-') == std::string::npos || cell.find_first_not_of("-: ") != std::string::npos) {
      return false;
    }
  }
  return true;
}

// A cell's text without emphasis, backticks or a link's target: "**[US-001](#us-001)**" -> "US-001".
std::string cell_text(std::string_view cell) {
  std::string out;
  int depth = 0;
  bool after_bracket = false;
  for (char c : without_bold(cell)) {
    if (c == '(' && (after_bracket || depth > 0)) {
      ++depth;
      continue;
    }
    if (depth > 0) {
      depth -= c == ')' ? 1 : 0;
      continue;
    }
    after_bracket = c == ']';
    if (c != '`' && c != '[' && c != ']') {
      out += c;
    }
  }
  return std::string(util::trim(out));
}

// The columns of a priority table: a story column ("ID", "Story ID", "#"; else "Story", "User story") and a
// "Priority" column. Any other table is not one.
struct PriorityColumns {
  std::size_t story = 0;
  std::size_t priority = 0;
  std::string story_header;
};

std::optional<PriorityColumns> priority_columns(const std::vector<std::string>& header) {
  std::optional<std::size_t> id;
  std::optional<std::size_t> story;
  std::optional<std::size_t> priority;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = lower(cell_text(header[i]));
    if (!id && (name == "id" || name == "story id" || name == "#")) {
      id = i;
    } else if (!story && (name == "story" || name == "user story" || name == "stories")) {
      story = i;
    } else if (!priority && (name == "priority" || name == "prio")) {
      priority = i;
    }
  }
  if (!priority || (!id && !story)) {
    return std::nullopt;
  }
  const std::size_t column = id ? *id : *story;
  return PriorityColumns{column, *priority, cell_text(header[column])};
}

struct DepRef {
  std::string id;
  int line = 0;
  std::string written;  // "story 12" when the id was derived, else ""
};

struct StoryDraft {
  std::string id;
  std::string title;
  std::string numbered;  // "Story 7" when the id was derived from the heading's number
  int line = 0;
  std::vector<std::string> description;  // lines; "" separates paragraphs
  std::vector<std::string> criteria;
  int criteria_label_line = 0;         // the first Acceptance Criteria label, for "no criteria" messages
  bool criteria_heading_left = false;  // a same-level "### Acceptance criteria" ended the story (reported there)
  std::optional<std::int64_t> priority;
  int priority_line = 0;
  std::vector<DepRef> dependencies;
  int dependencies_line = 0;
  std::string epic;
  int epic_line = 0;
  std::vector<std::string> notes;
  std::vector<std::string> touches;
  int touches_line = 0;          // 0: no Touches field (the story runs alone)
  bool touches_refused = false;  // a glob was refused (then an empty list is not reported again)
};

struct EpicDraft {
  std::string id;
  std::string title;
  int line = 0;
};

struct TableRow {
  int line = 0;
  std::string story;     // the story cell as written
  std::string priority;  // the priority cell as written
  std::string story_header;
};

// The last heading that was not a story's: what a label outside any story was found under.
struct Section {
  std::string text;
  int line = 0;
  int level = 0;
};

std::string join_text(const std::vector<std::string>& lines) {
  std::string out;
  bool pending_break = false;
  for (const auto& l : lines) {
    if (l.empty()) {
      pending_break = !out.empty();
      continue;
    }
    if (!out.empty()) {
      out += pending_break ? "\n\n" : "\n";
    }
    pending_break = false;
    out += l;
  }
  return out;
}

class Parser {
public:
  Parser(std::string_view text, std::string file) : m_file(std::move(file)) {
    for (auto line : util::split_lines(text)) {
      m_lines.emplace_back(line);
    }
  }

  MarkdownPrd run() {
    scan();
    return finish();
  }

private:
  enum class Open { none, description, criteria, notes, dependencies, touches };

  void error(int line, std::string message) { m_out.errors.push_back({m_file, line, std::move(message)}); }

  // A Priority or Epic label with nothing after it takes the next line as its value; anything else first (a
  // heading, another label, a table, the end) leaves the field empty, which is an error.
  void flush_pending() {
    if (!m_pending) {
      return;
    }
    const auto [kind, line] = *m_pending;
    m_pending.reset();
    if (kind == FieldKind::priority) {
      error(line, fmt::format("{}: the Priority field is empty (expected a whole number >= 0 or a level P0, P1, ... "
                              "after it or on the next line)",
                              story().id));
    } else {
      error(line, fmt::format("{}: the Epic field is empty", story().id));
    }
  }

  void scan() {
    bool in_fence = false;
    bool in_comment = false;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
      const int lineno = static_cast<int>(i) + 1;
      const std::string& raw = m_lines[i];
      if (in_comment) {
        in_comment = raw.find("-->") == std::string::npos;
        continue;
      }
      if (!in_fence && util::trim(raw).substr(0, 4) == "<!--") {
        in_comment = raw.find("-->", raw.find("<!--") + 4) == std::string::npos;
        continue;
      }
      if (is_fence(raw)) {
        flush_pending();
        if (!in_fence && m_open == Open::criteria && !is_indented(raw)) {
          // A code block after the criteria list is prose of the story, not part of the last criterion.
          m_open = Open::none;
        }
        in_fence = !in_fence;
        text_line(raw, lineno);
        continue;
      }
      if (in_fence) {
        text_line(raw, lineno);
        continue;
      }
      if (is_table_row(raw) && i + 1 < m_lines.size() && is_table_separator(m_lines[i + 1])) {
        if (auto columns = priority_columns(table_cells(raw))) {
          i = priority_table(*columns, i + 2) - 1;
          continue;
        }
      }
      if (auto h = parse_heading(raw)) {
        heading(*h, lineno);
        continue;
      }
      body_line(raw, lineno);
    }
  }

  // Reads the rows of a priority table starting at index `first`; returns the index of the first line after it.
  // The rows are matched to stories in finish(), once every story is known.
  std::size_t priority_table(const PriorityColumns& columns, std::size_t first) {
    flush_pending();
    if (m_open == Open::criteria || m_open == Open::dependencies || m_open == Open::touches) {
      m_open = Open::none;
    }
    std::size_t i = first;
    for (; i < m_lines.size() && is_table_row(m_lines[i]); ++i) {
      const auto cells = table_cells(m_lines[i]);
      const auto cell = [&](std::size_t at) { return at < cells.size() ? cells[at] : std::string(); };
      m_table_rows.push_back(
          {static_cast<int>(i) + 1, cell(columns.story), cell(columns.priority), columns.story_header});
    }
    return i;
  }

  void heading(const Heading& h, int lineno) {
    flush_pending();
    if (h.level == 1 && !m_title_seen) {
      m_title_seen = true;
      std::string_view t = h.text;
      for (std::string_view prefix : {std::string_view("PRD"), std::string_view("Product Requirements Document"),
                                      std::string_view("Product Requirements")}) {
        if (!starts_with_ci(t, prefix)) {
          continue;
        }
        std::string_view rest = t.substr(prefix.size());
        if (!rest.empty() && (rest[0] == ':' || rest[0] == ' ')) {
          if (strip_separator(rest) && !rest.empty()) {
            t = rest;
            break;
          }
        }
      }
      m_project = std::string(util::trim(t));
      close_story();
      return;
    }
    const std::string text = without_bold(h.text);
    const bool under_stories = m_stories_level != 0 && h.level > m_stories_level;
    if (h.level >= 2 && h.level <= 4) {
      if (auto it = split_id_title(text); it && is_epic_id(it->first)) {
        close_story();
        define_epic(it->first, it->second, lineno);
        m_current_epic = it->first;
        m_epic_level = h.level;
        m_section = {text, lineno, h.level};
        return;
      }
      if (auto found = story_heading(text, under_stories ? NumberedHeadings::stories : NumberedHeadings::sections)) {
        close_story();
        StoryDraft s;
        s.id = found->id;
        s.title = found->title;
        s.numbered = found->numbered;
        s.line = lineno;
        s.epic = m_current_epic;
        m_stories.push_back(std::move(s));
        m_story_level = h.level;
        m_in_story = true;
        m_open = Open::none;
        return;
      }
    }
    const auto kind = field_kind(label_text(text));
    if (m_in_story && h.level > m_story_level) {
      // A sub-heading named like a field ("#### Acceptance Criteria") opens that field.
      if (kind) {
        open_field(*kind, "", lineno);
        m_open_by_heading = true;
        return;
      }
      // Any other sub-heading is text of the description, never the tail of a list item above it.
      if (m_open == Open::criteria || m_open == Open::dependencies || m_open == Open::touches) {
        m_open = Open::none;
      }
      text_line(h.text, lineno);
      return;
    }
    if (kind == FieldKind::criteria && h.level >= 2) {
      if (m_in_story && story().criteria.empty()) {
        const std::string hashes(static_cast<std::size_t>(m_story_level) + 1, '#');
        error(lineno, fmt::format("\"{} {}\" is at the level of the story heading of {} (line {}), so it ends the "
                                  "story: expected a deeper heading (\"{} {}\") or a label (\"**Acceptance "
                                  "criteria:**\")",
                                  std::string(static_cast<std::size_t>(h.level), '#'), text, story().id, story().line,
                                  hashes, text));
        story().criteria_heading_left = true;
      } else if (!m_in_story && m_section.level != 0 && h.level > m_section.level) {
        criteria_outside_story(lineno);
      }
    }
    close_story();
    if (!m_current_epic.empty() && h.level <= m_epic_level) {
      m_current_epic.clear();
    }
    if (m_stories_level != 0 && h.level <= m_stories_level) {
      m_stories_level = 0;
    }
    if (h.level >= 2 && names_stories(text)) {
      m_stories_level = h.level;
    }
    m_section = {text, lineno, h.level};
  }

  // An Acceptance Criteria label where no story is open: most likely a story heading simmer does not read.
  void criteria_outside_story(int lineno) {
    const std::string where = m_section.line == 0 ? std::string("outside any story")
                                                  : fmt::format("under \"{}\" (line {}), which is not a story heading",
                                                                m_section.text, m_section.line);
    error(lineno, fmt::format("acceptance criteria {}: expected a story heading above them such as {}", where,
                              k_story_heading_examples));
  }

  void close_story() {
    m_in_story = false;
    m_open = Open::none;
    m_intro_done = m_intro_done || !m_intro.empty();
  }

  void define_epic(const std::string& id, const std::string& title, int lineno) {
    for (auto& e : m_epics) {
      if (e.id == id) {
        if (!title.empty() && e.title.empty()) {
          e.title = title;
          e.line = lineno;
        } else if (!title.empty() && e.title != title) {
          error(lineno, fmt::format("epic {} is titled \"{}\" here but \"{}\" at line {}", id, title, e.title, e.line));
        }
        return;
      }
    }
    m_epics.push_back({id, title, lineno});
  }

  StoryDraft& story() { return m_stories.back(); }

  void open_field(FieldKind kind, const std::string& value, int lineno) {
    StoryDraft& s = story();
    m_open_values = util::trim(value).empty() ? 0 : 1;
    m_open_by_heading = false;
    switch (kind) {
      case FieldKind::description:
        m_open = Open::description;
        if (!value.empty()) {
          if (!s.description.empty()) {
            s.description.emplace_back();
          }
          s.description.push_back(value);
        }
        break;
      case FieldKind::notes:
        m_open = Open::notes;
        if (!value.empty()) {
          if (!s.notes.empty()) {
            s.notes.emplace_back();
          }
          s.notes.push_back(value);
        }
        break;
      case FieldKind::criteria:
        m_open = Open::criteria;
        if (s.criteria_label_line == 0) {
          s.criteria_label_line = lineno;
        }
        if (!value.empty()) {
          s.criteria.push_back(value);
        }
        break;
      case FieldKind::priority: {
        m_open = Open::none;
        if (s.priority_line != 0) {
          error(lineno, fmt::format("{}: second Priority field (the first is at line {})", s.id, s.priority_line));
          return;
        }
        if (util::trim(value).empty()) {
          m_pending = std::make_pair(kind, lineno);
          return;
        }
        s.priority_line = lineno;
        const auto priority = parse_priority(strip_markup(value));
        if (!priority) {
          error(lineno, fmt::format("{}: priority \"{}\" is not a whole number >= 0 or a level P0, P1, ...", s.id,
                                    util::trim(value)));
          return;
        }
        s.priority = *priority;
        break;
      }
      case FieldKind::dependencies:
        if (s.dependencies_line != 0) {
          error(lineno,
                fmt::format("{}: second Dependencies field (the first is at line {})", s.id, s.dependencies_line));
          m_open = Open::none;
          return;
        }
        s.dependencies_line = lineno;
        m_open = Open::dependencies;
        add_dependencies(value, lineno);
        break;
      case FieldKind::epic: {
        m_open = Open::none;
        if (s.epic_line != 0) {
          error(lineno, fmt::format("{}: second Epic field (the first is at line {})", s.id, s.epic_line));
          return;
        }
        std::string_view v = util::trim(value);
        if (v.empty()) {
          m_pending = std::make_pair(kind, lineno);
          return;
        }
        s.epic_line = lineno;
        std::string id;
        std::string title;
        std::size_t n = id_length(v);
        if (n > 0) {
          std::string_view rest = v.substr(n);
          if (strip_separator(rest)) {
            id = std::string(v.substr(0, n));
            title = std::string(rest);
          }
        }
        if (id.empty()) {
          // A bare epic name: its slug is the id, so the same name always lands in the same epic.
          id = slug(v);
          title = std::string(v);
        }
        define_epic(id, title, lineno);
        s.epic = id;
        break;
      }
      case FieldKind::touches:
        if (s.touches_line != 0) {
          error(lineno, fmt::format("{}: second Touches field (the first is at line {})", s.id, s.touches_line));
          m_open = Open::none;
          return;
        }
        s.touches_line = lineno;
        m_open = Open::touches;
        add_touches(value, lineno);
        break;
    }
  }

  // `src/api/**, docs/api.md`: each glob trimmed, one pair of backticks around it dropped (`src/**`); nothing
  // else is markup here, since `*` is part of a glob.
  void add_touches(std::string_view value, int lineno) {
    if (is_none_value(value)) {
      return;  // the globs may follow as a list; a field without any is reported at the end of the story
    }
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t comma = value.find(',', start);
      std::string_view glob = util::trim(
          value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      start = comma == std::string_view::npos ? value.size() + 1 : comma + 1;
      if (glob.size() >= 2 && glob.front() == '`' && glob.back() == '`') {
        glob = util::trim(glob.substr(1, glob.size() - 2));
      }
      const std::string why = core::glob_error(glob);
      if (!why.empty()) {
        error(lineno, fmt::format("{}: touches glob \"{}\" {}", story().id, glob, why));
        story().touches_refused = true;
        continue;
      }
      if (std::find(story().touches.begin(), story().touches.end(), glob) == story().touches.end()) {
        story().touches.emplace_back(glob);
      }
    }
  }

  // A Dependencies field's value: references separated by commas, semicolons, "and" or spaces ("US-001, US-002",
  // "story 1 and story 2", "1, 2"). A comma-separated part that is not all references is one error.
  void add_dependencies(std::string_view value, int lineno) {
    if (is_none_value(value)) {
      return;
    }
    std::string v(value);
    std::replace(v.begin(), v.end(), ';', ',');
    std::size_t start = 0;
    while (start <= v.size()) {
      std::size_t comma = v.find(',', start);
      std::string part = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      start = comma == std::string::npos ? v.size() + 1 : comma + 1;
      const RefScan scan = read_references(reference_words(part), RefContext::field);
      if (!scan.complete) {
        error(lineno, fmt::format("{}: dependency \"{}\" is not a story id (expected an id such as US-001, or "
                                  "\"story 1\")",
                                  story().id, strip_markup(part)));
        continue;
      }
      for (const auto& ref : scan.refs) {
        story().dependencies.push_back({ref.id, lineno, ref.written});
      }
    }
  }

  void text_line(std::string_view raw, int lineno) {
    if (!m_in_story) {
      intro_line(raw);
      return;
    }
    (void)lineno;
    std::string t(util::trim(raw));
    StoryDraft& s = story();
    switch (m_open) {
      case Open::notes:
        s.notes.push_back(t);
        break;
      case Open::criteria:
        if (!s.criteria.empty() && !t.empty()) {
          s.criteria.back() += " " + t;
        }
        break;
      default:
        s.description.push_back(t);
        break;
    }
  }

  void intro_line(std::string_view raw) {
    if (m_intro_done || !m_title_seen) {
      return;
    }
    std::string t(util::trim(raw));
    if (t.empty()) {
      if (!m_intro.empty()) {
        m_intro_done = true;
      }
      return;
    }
    if (auto label = parse_label(raw); label && label->form == LabelForm::bold) {
      return;  // document metadata ("**Status:** Draft", "**Owner:** Ana") is not the description
    }
    if (parse_list_item(raw) || t[0] == '|' || t[0] == '>' || is_fence(t)) {
      if (!m_intro.empty()) {
        m_intro_done = true;
      }
      return;
    }
    m_intro.push_back(t);
  }

  void body_line(const std::string& raw, int lineno) {
    if (!m_in_story) {
      if (auto label = parse_label(raw); label && field_kind(label->name) == FieldKind::criteria) {
        criteria_outside_story(lineno);
        return;
      }
      intro_line(raw);
      return;
    }
    StoryDraft& s = story();
    std::string_view t = util::trim(raw);
    if (t.empty()) {
      if (m_open == Open::description || m_open == Open::none) {
        s.description.emplace_back();  // paragraphs of the description stay paragraphs, labelled or not
      } else if (m_open == Open::notes) {
        s.notes.emplace_back();
      } else if ((m_open == Open::dependencies || m_open == Open::touches) &&
                 (m_open_values > 0 || !m_open_by_heading)) {
        m_open = Open::none;  // only a heading label ("#### Dependencies") is followed by a blank line
      }
      return;
    }
    if (m_pending) {
      if (!parse_label(raw)) {
        const auto [kind, line] = *m_pending;
        m_pending.reset();
        open_field(kind, std::string(t), line);
        return;
      }
      flush_pending();
    }
    if (auto label = parse_label(raw)) {
      if (auto kind = field_kind(label->name)) {
        open_field(*kind, label->value, lineno);
        return;
      }
      std::string message = fmt::format("{}: unknown field \"{}\"", s.id, label->name);
      if (auto near = util::nearest(label->name, field_names())) {
        message += fmt::format(" (did you mean \"{}\"?)", *near);
      } else {
        message += " (known: Description, Acceptance Criteria, Priority, Dependencies, Epic, Notes, Touches)";
      }
      error(lineno, message);
      return;
    }
    const auto item = parse_list_item(raw);
    if (!item && m_open_values == 0 && (m_open == Open::dependencies || m_open == Open::touches)) {
      // The value of a label that stood alone ("Dependencies:" then "US-001, US-002").
      ++m_open_values;
      if (m_open == Open::dependencies) {
        add_dependencies(t, lineno);
      } else {
        add_touches(t, lineno);
      }
      return;
    }
    if (auto refs = prose_dependencies(raw)) {
      for (auto& ref : *refs) {
        s.dependencies.push_back({ref.id, lineno, ref.written});
      }
      // A sentence ends an open list; a list item ("- Depends on story 1") leaves it open for the next item.
      if (!item && (m_open == Open::criteria || m_open == Open::dependencies || m_open == Open::touches)) {
        m_open = Open::none;
      }
      return;
    }
    if (item) {
      if (item->checkbox || m_open == Open::criteria) {
        if (!item->checkbox && is_indented(raw) && !s.criteria.empty()) {
          // A nested bullet under a criterion elaborates it.
          s.criteria.back() += " " + item->text;
          return;
        }
        m_open = Open::criteria;
        s.criteria.push_back(item->text);
        return;
      }
      if (m_open == Open::dependencies) {
        ++m_open_values;
        add_dependencies(item->text, lineno);
        return;
      }
      if (m_open == Open::touches) {
        ++m_open_values;
        add_touches(item->text, lineno);
        return;
      }
    }
    if (m_open == Open::criteria) {
      if (is_indented(raw) && !s.criteria.empty()) {
        s.criteria.back() += " " + std::string(t);
        return;
      }
      // Prose after the criteria list belongs to the description (documented).
      m_open = Open::none;
    }
    if (m_open == Open::dependencies || m_open == Open::touches) {
      m_open = Open::none;
    }
    text_line(raw, lineno);
  }

  // The story a priority table's cell names: an id ("US-001", "US-001: Sign up"), a number ("Story 1", "#1",
  // "1"), or a story's exact title (any case).
  std::optional<std::string> table_story(std::string_view cell) const {
    const std::string text = cell_text(cell);
    if (text.empty()) {
      return std::nullopt;
    }
    if (const std::size_t n = id_length(text)) {
      return text.substr(0, n);
    }
    std::string_view rest = text;
    rest.remove_prefix(story_keyword_length(rest));
    if (!rest.empty() && rest[0] == '#') {
      rest.remove_prefix(1);
    }
    if (const std::size_t n = number_length(rest); n > 0 && (n == rest.size() || !is_word_char(rest[n]))) {
      return derived_id(rest.substr(0, n));
    }
    for (const auto& s : m_stories) {
      if (lower(util::trim(s.title)) == lower(text)) {
        return s.id;
      }
    }
    return std::nullopt;
  }

  struct TablePriority {
    std::int64_t value = 0;
    int line = 0;
  };

  // The priority table's rows matched to stories: each row names one existing story, once, with a priority (or
  // none: "-", "—", empty).
  std::map<std::string, TablePriority> table_priorities() {
    std::set<std::string> ids;
    for (const auto& s : m_stories) {
      ids.insert(s.id);
    }
    std::map<std::string, TablePriority> out;
    std::map<std::string, int> row_of;
    for (const auto& row : m_table_rows) {
      const auto id = table_story(row.story);
      if (!id) {
        const std::string found = cell_text(row.story).empty() ? std::string("an empty cell")
                                                               : fmt::format("\"{}\"", cell_text(row.story));
        error(row.line, fmt::format("priority table row names no story: expected a story id such as US-001, "
                                    "\"Story 1\" or a story's title in the \"{}\" column, found {}",
                                    row.story_header, found));
        continue;
      }
      if (ids.count(*id) == 0) {
        error(row.line, fmt::format("priority table row names {}, which is not a story", *id));
        continue;
      }
      if (auto [it, inserted] = row_of.emplace(*id, row.line); !inserted) {
        error(row.line, fmt::format("priority table lists {} again (first at line {})", *id, it->second));
        continue;
      }
      const std::string value = cell_text(row.priority);
      if (is_none_value(value)) {
        continue;
      }
      const auto priority = parse_priority(value);
      if (!priority) {
        error(row.line, fmt::format("priority table: {}: priority \"{}\" is not a whole number >= 0 or a level P0, "
                                    "P1, ...",
                                    *id, value));
        continue;
      }
      out[*id] = {*priority, row.line};
    }
    return out;
  }

  std::string no_criteria_message(const StoryDraft& s) const {
    if (s.criteria_label_line != 0) {
      return fmt::format(
          "{} has no acceptance criteria: expected list items (\"- ...\", \"1. ...\") under the "
          "label at line {}, found none",
          s.id, s.criteria_label_line);
    }
    return fmt::format(
        "{} has no acceptance criteria: expected \"- [ ] ...\" items or a list under an \"Acceptance "
        "criteria:\" label, found neither",
        s.id);
  }

  MarkdownPrd finish() {
    flush_pending();
    if (!m_title_seen || m_project.empty()) {
      error(1, "missing the project title: the PRD must start with a \"# <Project name>\" heading");
    }
    if (m_stories.empty()) {
      error(0, fmt::format("no stories found: expected a story heading such as {}", k_story_heading_examples));
    }
    const auto from_table = table_priorities();
    // Every epic named only by id gets its id as its title, so `epics` is always complete.
    json epics = json::array();
    for (auto& e : m_epics) {
      epics.push_back({{"id", e.id}, {"title", e.title.empty() ? e.id : e.title}});
    }
    std::map<std::string, int> first_line;
    json stories = json::array();
    int position = 0;
    for (const auto& s : m_stories) {
      ++position;
      auto [it, inserted] = first_line.emplace(s.id, s.line);
      if (!inserted) {
        const std::string derived = s.numbered.empty() ? std::string()
                                                       : fmt::format("\"{}\" reads as {}; ", s.numbered, s.id);
        error(s.line, fmt::format("duplicate story id {} ({}first defined at line {})", s.id, derived, it->second));
      } else {
        m_out.story_lines[s.id] = s.line;
      }
      if (util::trim(s.title).empty()) {
        error(s.line, fmt::format("{} has no title", s.id));
      }
      if (s.criteria.empty() && !s.criteria_heading_left) {
        error(s.line, no_criteria_message(s));
      }
      for (const auto& c : s.criteria) {
        if (util::trim(c).empty()) {
          error(s.line, fmt::format("{} has an empty acceptance criterion", s.id));
          break;
        }
      }
      json deps = json::array();
      for (const auto& d : s.dependencies) {
        if (std::find(deps.begin(), deps.end(), d.id) == deps.end()) {
          deps.push_back(d.id);
        }
      }
      // The story's own field or the priority table, which must agree; else the position.
      std::int64_t priority = position;
      const auto table = from_table.find(s.id);
      if (s.priority) {
        priority = *s.priority;
        if (table != from_table.end() && table->second.value != *s.priority) {
          error(s.priority_line, fmt::format("{}: priority {} here but {} in the priority table at line {} (give it "
                                             "once, or the same in both)",
                                             s.id, *s.priority, table->second.value, table->second.line));
        }
      } else if (table != from_table.end()) {
        priority = table->second.value;
      }
      json story = {{"id", s.id},
                    {"title", s.title},
                    {"description", join_text(s.description)},
                    {"acceptanceCriteria", s.criteria},
                    {"priority", priority},
                    {"dependencies", deps},
                    {"epic", s.epic},
                    {"notes", join_text(s.notes)},
                    {"status", "pending"}};
      if (s.touches_line != 0) {
        if (s.touches.empty() && !s.touches_refused) {
          error(s.touches_line,
                fmt::format("{}: the Touches field lists no glob (list globs such as src/api/**, or leave the field "
                            "out and the story runs alone)",
                            s.id));
        }
        story["touches"] = s.touches;
      }
      stories.push_back(std::move(story));
    }
    check_dependencies();

    json prd = {{"schemaVersion", 1},
                {"project", m_project},
                {"description", join_text(m_intro)},
                {"stories", stories}};
    if (!epics.empty()) {
      prd["epics"] = epics;
    }
    m_out.prd = std::move(prd);
    // By line, document-wide problems (line 0) last; problems of one line keep the order they were found in.
    std::stable_sort(m_out.errors.begin(), m_out.errors.end(), [](const auto& a, const auto& b) {
      const int la = a.line == 0 ? INT_MAX : a.line;
      const int lb = b.line == 0 ? INT_MAX : b.line;
      return la < lb;
    });
    m_out.errors.erase(std::unique(m_out.errors.begin(), m_out.errors.end(),
                                   [](const auto& a, const auto& b) {
                                     return a.line == b.line && a.message == b.message;
                                   }),
                       m_out.errors.end());
    if (!m_out.errors.empty()) {
      error(0, fmt::format("not converted: fix the problems above (`simmer to-prd --example` prints a template of "
                           "the format), or let the builder agent read the document as written: simmer to-prd "
                           "--agent {}",
                           m_file));
    }
    return std::move(m_out);
  }

  // Dependencies point at lines, so these checks run here rather than through check_prd_semantics (which only
  // knows JSON positions); the cycle search itself is shared.
  void check_dependencies() {
    std::map<std::string, const StoryDraft*> by_id;
    for (const auto& s : m_stories) {
      by_id.emplace(s.id, &s);
    }
    DependencyGraph graph;
    std::set<std::string> in_graph;
    for (const auto& s : m_stories) {
      std::vector<std::string> deps;
      for (const auto& d : s.dependencies) {
        if (d.id == s.id) {
          error(d.line, fmt::format("{} depends on itself", s.id));
        } else if (by_id.count(d.id) == 0) {
          const std::string named = d.written.empty() ? d.id : fmt::format("{} ({})", d.written, d.id);
          error(d.line, fmt::format("{} depends on {}, which does not exist", s.id, named));
        } else {
          deps.push_back(d.id);
        }
      }
      if (in_graph.insert(s.id).second) {
        graph.emplace_back(s.id, std::move(deps));
      }
    }
    if (auto cycle = find_dependency_cycle(graph)) {
      const StoryDraft* first = by_id.at(cycle->front());
      std::string path;
      for (const auto& id : *cycle) {
        path += (path.empty() ? "" : " -> ") + id;
      }
      const int line = first->dependencies_line != 0  ? first->dependencies_line
                       : !first->dependencies.empty() ? first->dependencies.front().line
                                                      : first->line;
      error(line, fmt::format("dependency cycle: {}", path));
    }
  }

  std::string m_file;
  std::vector<std::string> m_lines;
  MarkdownPrd m_out;
  bool m_title_seen = false;
  std::string m_project;
  std::vector<std::string> m_intro;
  bool m_intro_done = false;
  std::vector<StoryDraft> m_stories;
  std::vector<EpicDraft> m_epics;
  std::vector<TableRow> m_table_rows;
  std::string m_current_epic;
  int m_epic_level = 0;
  int m_stories_level = 0;  // level of the open "## User Stories" heading; 0: none
  Section m_section;
  bool m_in_story = false;
  int m_story_level = 0;
  Open m_open = Open::none;
  int m_open_values = 0;           // values the open field has received (on its label's line or below)
  bool m_open_by_heading = false;  // the open field's label is a heading
  std::optional<std::pair<FieldKind, int>> m_pending;  // a Priority or Epic label waiting for its value's line
};

}  // namespace

std::string SourceDiagnostic::to_string() const {
  if (line > 0) {
    return fmt::format("{}:{}: {}", file, line, message);
  }
  return fmt::format("{}: {}", file, message);
}

MarkdownPrd parse_prd_markdown(std::string_view text, const std::string& file) {
  // prd.json is UTF-8 JSON: a byte that is not UTF-8 could only be dropped or replaced, silently changing the
  // text, so it is refused with its line and column before anything is parsed.
  MarkdownPrd invalid;
  int line_number = 0;
  for (std::string_view line : util::split_lines(text)) {
    ++line_number;
    const std::size_t at = util::utf8_error_offset(line);
    if (at == std::string_view::npos) {
      continue;
    }
    if (invalid.errors.size() == k_max_encoding_errors) {
      invalid.errors.push_back({file, 0, "more lines are not UTF-8: only the first ones are listed"});
      break;
    }
    invalid.errors.push_back({file, line_number,
                              fmt::format("invalid UTF-8 (byte 0x{:02x} at column {}): save the file as UTF-8",
                                          static_cast<unsigned char>(line[at]), at + 1)});
  }
  if (!invalid.errors.empty()) {
    return invalid;
  }
  return Parser(text, file).run();
}

}  // namespace simmer::project
