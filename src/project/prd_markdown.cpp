// Implementation notes: the markdown PRD format (docs/project-commands.md has the user-facing description).
//
// - The first `# Title` names the project ("PRD:" prefix dropped). The first prose paragraph outside any story
//   is the project description.
// - A heading of level 2-4 whose text is `<ID>: <Title>` (also `<ID> — <Title>`, `<ID> - <Title>`) starts a story,
//   where ID is letters/digits/underscores, a dash and digits (US-001, STORY-12). IDs starting with EP- or EPIC-
//   start an epic instead: the stories under it belong to it until the next epic heading or a non-story heading
//   of the epic's level or above.
// - Inside a story, `**Field:** value` lines (also `- **Field:** value`, `**Field**: value`, or a deeper heading
//   named like a field) set Description, Acceptance Criteria, Priority, Dependencies, Epic, Notes, Touches. Any
//   other bold field is an error: a typo would silently lose data.
// - Touches are globs separated by commas (a glob may hold spaces, never a comma), or a list below, one pair of
//   backticks around each dropped; each is checked with core::glob_error(). A Touches field that lists no glob
//   (empty, `None`) is an error rather than an empty list: a story without touches runs alone, which is said by
//   leaving the field out.
// - Every `- [ ]` / `- [x]` item in a story is an acceptance criterion; under Acceptance Criteria any list item
//   is. Indented lines continue the item above. Prose not under a field joins the description.
// - Fenced code blocks are kept as text where they appear, never parsed as structure.
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

struct Heading {
  int level = 0;
  std::string text;
};

std::optional<Heading> parse_heading(std::string_view line) {
  std::size_t level = 0;
  while (level < line.size() && line[level] == '#') {
    ++level;
  }
  if (level == 0 || level > 6 || level >= line.size() || (line[level] != ' ' && line[level] != '\t')) {
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
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
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
  if (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
    return 0;
  }
  return i;
}

bool is_story_id(std::string_view s) { return !s.empty() && id_length(s) == s.size(); }

// Strips a separator (":", "—", "–", "-") with its spaces from the front of `rest`. Returns false when `rest`
// is not empty and starts with none of them.
bool strip_separator(std::string_view& rest) {
  std::string_view r = util::trim(rest);
  if (r.empty()) {
    rest = r;
    return true;
  }
  for (std::string_view sep : {std::string_view(":"), std::string_view("\xE2\x80\x94"),
                               std::string_view("\xE2\x80\x93"), std::string_view("-")}) {
    if (r.substr(0, sep.size()) == sep) {
      rest = util::trim(r.substr(sep.size()));
      return true;
    }
  }
  return false;
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
  const std::string n = lower(util::trim(name));
  if (n == "description") {
    return FieldKind::description;
  }
  if (n == "acceptance criteria" || n == "acceptance criterion" || n == "criteria") {
    return FieldKind::criteria;
  }
  if (n == "priority") {
    return FieldKind::priority;
  }
  if (n == "dependencies" || n == "dependency" || n == "depends on") {
    return FieldKind::dependencies;
  }
  if (n == "epic") {
    return FieldKind::epic;
  }
  if (n == "notes" || n == "note") {
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

// `**Name:** value`, `**Name**: value`, optionally as a list item. Returns {name, value}.
std::optional<std::pair<std::string, std::string>> parse_field(std::string_view line) {
  std::string_view s = util::trim(line);
  if (s.size() > 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') {
    s = util::trim(s.substr(2));
  }
  if (s.substr(0, 2) != "**") {
    return std::nullopt;
  }
  std::size_t close = s.find("**", 2);
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view inner = s.substr(2, close - 2);
  std::string_view after = s.substr(close + 2);
  bool colon_inside = !inner.empty() && inner.back() == ':';
  if (colon_inside) {
    inner.remove_suffix(1);
  } else if (!after.empty() && after[0] == ':') {
    after.remove_prefix(1);
  } else {
    return std::nullopt;  // bold text that is not a field label ("**Note** this")
  }
  inner = util::trim(inner);
  if (inner.empty() || inner.find("**") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::make_pair(std::string(inner), std::string(util::trim(after)));
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
  if (i >= s.size() || (s[i] != ' ' && s[i] != '\t')) {
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

bool is_indented(std::string_view line) { return !line.empty() && (line[0] == ' ' || line[0] == '\t'); }

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

struct DepRef {
  std::string id;
  int line = 0;
};

struct StoryDraft {
  std::string id;
  std::string title;
  int line = 0;
  std::vector<std::string> description;  // lines; "" separates paragraphs
  std::vector<std::string> criteria;
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

  void scan() {
    bool in_fence = false;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
      const int lineno = static_cast<int>(i) + 1;
      const std::string& raw = m_lines[i];
      if (is_fence(raw)) {
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
      if (auto h = parse_heading(raw)) {
        heading(*h, lineno);
        continue;
      }
      body_line(raw, lineno);
    }
  }

  void heading(const Heading& h, int lineno) {
    if (h.level == 1 && !m_title_seen) {
      m_title_seen = true;
      std::string_view t = h.text;
      if (starts_with_ci(t, "PRD")) {
        std::string_view rest = t.substr(3);
        if (!rest.empty() && (rest[0] == ':' || rest[0] == ' ')) {
          if (strip_separator(rest) && !rest.empty()) {
            t = rest;
          }
        }
      }
      m_project = std::string(util::trim(t));
      close_story();
      return;
    }
    if (h.level >= 2 && h.level <= 4) {
      if (auto it = split_id_title(h.text)) {
        if (is_epic_id(it->first)) {
          close_story();
          define_epic(it->first, it->second, lineno);
          m_current_epic = it->first;
          m_epic_level = h.level;
          return;
        }
        close_story();
        StoryDraft s;
        s.id = it->first;
        s.title = it->second;
        s.line = lineno;
        s.epic = m_current_epic;
        m_stories.push_back(std::move(s));
        m_story_level = h.level;
        m_in_story = true;
        m_open = Open::none;
        return;
      }
    }
    if (m_in_story && h.level > m_story_level) {
      // A sub-heading named like a field ("#### Acceptance Criteria") opens that field.
      if (auto kind = field_kind(h.text)) {
        open_field(*kind, "", lineno);
        return;
      }
      text_line(h.text, lineno);
      return;
    }
    close_story();
    if (!m_current_epic.empty() && h.level <= m_epic_level) {
      m_current_epic.clear();
    }
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
        s.priority_line = lineno;
        std::string v(util::trim(value));
        bool digits = !v.empty() && v.size() <= 9 && std::all_of(v.begin(), v.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        });
        if (!digits) {
          error(lineno, fmt::format("{}: priority \"{}\" is not a whole number >= 0", s.id, v));
          return;
        }
        s.priority = std::stoll(v);
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
        s.epic_line = lineno;
        std::string_view v = util::trim(value);
        if (v.empty()) {
          error(lineno, fmt::format("{}: the Epic field is empty", s.id));
          return;
        }
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
      // "US-001 and US-002", "US-001 US-002": split on spaces too; a part that is not all ids is one error.
      std::vector<std::string> words;
      std::string word;
      for (char c : part + " ") {
        if (c == ' ' || c == '\t') {
          std::string id = strip_markup(word);
          word.clear();
          if (!id.empty() && lower(id) != "and" && !is_none_value(id)) {
            words.push_back(id);
          }
        } else {
          word += c;
        }
      }
      const bool all_ids = std::all_of(words.begin(), words.end(), [](const auto& w) { return is_story_id(w); });
      if (!all_ids) {
        error(lineno, fmt::format("{}: dependency \"{}\" is not a story id (expected an id such as US-001)", story().id,
                                  strip_markup(part)));
        continue;
      }
      for (auto& id : words) {
        story().dependencies.push_back({id, lineno});
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
      intro_line(raw);
      return;
    }
    StoryDraft& s = story();
    std::string_view t = util::trim(raw);
    if (t.empty()) {
      if (m_open == Open::description) {
        s.description.emplace_back();
      } else if (m_open == Open::notes) {
        s.notes.emplace_back();
      } else if (m_open == Open::dependencies || m_open == Open::touches) {
        m_open = Open::none;
      }
      return;
    }
    if (auto f = parse_field(raw)) {
      if (auto kind = field_kind(f->first)) {
        open_field(*kind, f->second, lineno);
        return;
      }
      std::string message = fmt::format("{}: unknown field \"{}\"", s.id, f->first);
      if (auto near = util::nearest(f->first, field_names())) {
        message += fmt::format(" (did you mean \"{}\"?)", *near);
      } else {
        message += " (known: Description, Acceptance Criteria, Priority, Dependencies, Epic, Notes, Touches)";
      }
      error(lineno, message);
      return;
    }
    if (auto item = parse_list_item(raw)) {
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
        add_dependencies(item->text, lineno);
        return;
      }
      if (m_open == Open::touches) {
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

  MarkdownPrd finish() {
    if (!m_title_seen || m_project.empty()) {
      error(1, "missing the project title: the PRD must start with a \"# <Project name>\" heading");
    }
    if (m_stories.empty()) {
      error(0, "no stories found: a story starts with a heading such as \"### US-001: Title\"");
    }
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
        error(s.line, fmt::format("duplicate story id {} (first defined at line {})", s.id, it->second));
      } else {
        m_out.story_lines[s.id] = s.line;
      }
      if (util::trim(s.title).empty()) {
        error(s.line, fmt::format("{} has no title", s.id));
      }
      if (s.criteria.empty()) {
        error(s.line, fmt::format("{} has no acceptance criteria (add \"- [ ] ...\" items)", s.id));
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
      json story = {{"id", s.id},
                    {"title", s.title},
                    {"description", join_text(s.description)},
                    {"acceptanceCriteria", s.criteria},
                    {"priority", s.priority.value_or(position)},
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
          error(d.line, fmt::format("{} depends on {}, which does not exist", s.id, d.id));
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
      error(first->dependencies_line != 0 ? first->dependencies_line : first->line,
            fmt::format("dependency cycle: {}", path));
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
  std::string m_current_epic;
  int m_epic_level = 0;
  bool m_in_story = false;
  int m_story_level = 0;
  Open m_open = Open::none;
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
