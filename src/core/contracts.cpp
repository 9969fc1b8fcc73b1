// Implementation notes: the typed views are plain structs; the schemas in schemas/<kind>.json are the source of
// truth for what a valid document is, and these conversions assume it was checked. Field names map camelCase
// (JSON) <-> snake_case (C++) one to one. Optional fields are written only when present, so canonical documents
// round-trip byte for byte; numbers keep their JSON type (integers stay integers, costUsd is always a double).

#include "core/contracts.hpp"

#include "core/lanes.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace simmer::core {
namespace {

using nlohmann::json;

[[noreturn]] void wrong(const char* key, const char* expected) {
  throw Error(ExitCode::invalid_input, fmt::format("invalid contract field \"{}\": expected {}", key, expected));
}

const json& field(const json& in, const char* key) {
  if (!in.is_object()) {
    wrong(key, "an enclosing object");
  }
  const auto it = in.find(key);
  if (it == in.end()) {
    wrong(key, "it to be present");
  }
  return *it;
}

std::string get_string(const json& in, const char* key) {
  const json& v = field(in, key);
  if (!v.is_string()) {
    wrong(key, "a string");
  }
  return v.get<std::string>();
}

std::optional<std::string> get_optional_string(const json& in, const char* key) {
  if (!in.contains(key)) {
    return std::nullopt;
  }
  return get_string(in, key);
}

std::int64_t get_integer(const json& in, const char* key) {
  const json& v = field(in, key);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    return v.get<std::int64_t>();
  }
  wrong(key, "an integer");
}

double get_number(const json& in, const char* key) {
  const json& v = field(in, key);
  if (!v.is_number()) {
    wrong(key, "a number");
  }
  return v.get<double>();
}

bool get_bool(const json& in, const char* key) {
  const json& v = field(in, key);
  if (!v.is_boolean()) {
    wrong(key, "a boolean");
  }
  return v.get<bool>();
}

std::vector<std::string> get_strings(const json& in, const char* key) {
  const json& v = field(in, key);
  if (!v.is_array()) {
    wrong(key, "an array of strings");
  }
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& item : v) {
    if (!item.is_string()) {
      wrong(key, "an array of strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

const json& get_array(const json& in, const char* key) {
  const json& v = field(in, key);
  if (!v.is_array()) {
    wrong(key, "an array");
  }
  return v;
}

int get_schema_version(const json& in) {
  const std::int64_t version = get_integer(in, "schemaVersion");
  if (version != k_schema_version) {
    wrong("schemaVersion", "1");
  }
  return static_cast<int>(version);
}

template <class Enum, std::size_t N>
Enum get_enum(const json& in, const char* key, const std::pair<const char*, Enum> (&names)[N], const char* expected) {
  const std::string text = get_string(in, key);
  for (const auto& [name, value] : names) {
    if (text == name) {
      return value;
    }
  }
  wrong(key, expected);
}

constexpr std::pair<const char*, StoryStatus> k_story_status[] = {{"pending", StoryStatus::pending},
                                                                  {"passed", StoryStatus::passed},
                                                                  {"blocked", StoryStatus::blocked}};
constexpr std::pair<const char*, VerdictKind> k_verdicts[] = {{"pass", VerdictKind::pass},
                                                              {"fail_retry", VerdictKind::fail_retry},
                                                              {"fail_abort", VerdictKind::fail_abort}};
constexpr std::pair<const char*, StoryOutcome> k_outcomes[] = {{"passed", StoryOutcome::passed},
                                                               {"blocked", StoryOutcome::blocked}};

json quoted(std::string_view s) { return json(std::string(s)); }

}  // namespace

std::string canonical_json(const nlohmann::json& doc) { return doc.dump(2) + "\n"; }

std::string Problem::to_line() const {
  if (line > 0) {
    return fmt::format("{}:{}:{}: {}", file, line, column, message);
  }
  if (line < 0) {
    return fmt::format("{}: {}", file, message);
  }
  std::string text = fmt::format("{}#{}: ", file, pointer);
  if (!subject.empty()) {
    text += subject + ": ";
  }
  return text + message;
}

std::string Problem::to_error() const {
  if (line > 0) {
    return fmt::format("{} ({}:{}:{}): {}", subject.empty() ? "invalid JSON" : subject, file, line, column, message);
  }
  if (line < 0) {
    return fmt::format("{} ({}): {}", subject.empty() ? "cannot use file" : subject, file, message);
  }
  return fmt::format("{} ({}#{}): {}", subject.empty() ? "invalid value" : subject, file, pointer, message);
}

std::string_view to_string(StoryStatus status) {
  for (const auto& [name, value] : k_story_status) {
    if (value == status) {
      return name;
    }
  }
  return "pending";
}

std::string_view to_string(StoryOutcome outcome) { return outcome == StoryOutcome::passed ? "passed" : "blocked"; }

const Story* Prd::find(std::string_view id) const {
  const auto it = std::find_if(stories.begin(), stories.end(), [&](const Story& s) { return s.id == id; });
  return it == stories.end() ? nullptr : &*it;
}

Story* Prd::find(std::string_view id) {
  const auto it = std::find_if(stories.begin(), stories.end(), [&](const Story& s) { return s.id == id; });
  return it == stories.end() ? nullptr : &*it;
}

void to_json(nlohmann::json& out, const Epic& value) { out = json{{"id", value.id}, {"title", value.title}}; }

void from_json(const nlohmann::json& in, Epic& value) {
  value.id = get_string(in, "id");
  value.title = get_string(in, "title");
}

void to_json(nlohmann::json& out, const Story& value) {
  out = json{{"id", value.id},
             {"title", value.title},
             {"description", value.description},
             {"acceptanceCriteria", value.acceptance_criteria},
             {"priority", value.priority},
             {"dependencies", value.dependencies},
             {"epic", value.epic},
             {"notes", value.notes},
             {"status", quoted(to_string(value.status))}};
  if (value.blocked_reason) {
    out["blockedReason"] = *value.blocked_reason;
  }
  if (value.touches) {
    out["touches"] = *value.touches;
  }
}

void from_json(const nlohmann::json& in, Story& value) {
  value.id = get_string(in, "id");
  value.title = get_string(in, "title");
  value.description = get_string(in, "description");
  value.acceptance_criteria = get_strings(in, "acceptanceCriteria");
  value.priority = get_integer(in, "priority");
  value.dependencies = get_strings(in, "dependencies");
  value.epic = get_string(in, "epic");
  value.notes = get_string(in, "notes");
  value.status = get_enum(in, "status", k_story_status, "pending, passed or blocked");
  value.blocked_reason = get_optional_string(in, "blockedReason");
  if (in.contains("touches")) {
    value.touches = get_strings(in, "touches");
  } else {
    value.touches.reset();
  }
}

void to_json(nlohmann::json& out, const Prd& value) {
  out = json{{"schemaVersion", value.schema_version},
             {"project", value.project},
             {"description", value.description},
             {"stories", value.stories}};
  if (value.epics) {
    out["epics"] = *value.epics;
  }
}

void from_json(const nlohmann::json& in, Prd& value) {
  value.schema_version = get_schema_version(in);
  value.project = get_string(in, "project");
  value.description = get_string(in, "description");
  if (in.contains("epics")) {
    value.epics = get_array(in, "epics").get<std::vector<Epic>>();
  } else {
    value.epics.reset();
  }
  value.stories = get_array(in, "stories").get<std::vector<Story>>();
}

void to_json(nlohmann::json& out, const Task& value) {
  out = json{{"schemaVersion", value.schema_version},
             {"storyId", value.story_id},
             {"title", value.title},
             {"guidance", value.guidance},
             {"reasoning", value.reasoning}};
  if (value.halt) {
    out["halt"] = json{{"kind", value.halt->kind}, {"epic", value.halt->epic}};
  }
}

void from_json(const nlohmann::json& in, Task& value) {
  value.schema_version = get_schema_version(in);
  value.story_id = get_string(in, "storyId");
  value.title = get_string(in, "title");
  value.guidance = get_string(in, "guidance");
  value.reasoning = get_string(in, "reasoning");
  if (in.contains("halt")) {
    const json& halt = field(in, "halt");
    value.halt = TaskHalt{get_string(halt, "kind"), get_string(halt, "epic")};
  } else {
    value.halt.reset();
  }
}

void to_json(nlohmann::json& out, const Build& value) {
  json patterns = json::array();
  for (const auto& p : value.patterns) {
    patterns.push_back(json{{"name", p.name}, {"description", p.description}});
  }
  out = json{{"schemaVersion", value.schema_version},
             {"storyId", value.story_id},
             {"attempt", value.attempt},
             {"summary", value.summary},
             {"filesChanged", value.files_changed},
             {"testsAdded", value.tests_added},
             {"patterns", std::move(patterns)}};
  if (value.notes) {
    out["notes"] = *value.notes;
  }
}

void from_json(const nlohmann::json& in, Build& value) {
  value.schema_version = get_schema_version(in);
  value.story_id = get_string(in, "storyId");
  value.attempt = get_integer(in, "attempt");
  value.summary = get_string(in, "summary");
  value.files_changed = get_strings(in, "filesChanged");
  value.tests_added = get_strings(in, "testsAdded");
  value.patterns.clear();
  for (const auto& p : get_array(in, "patterns")) {
    value.patterns.push_back(Pattern{get_string(p, "name"), get_string(p, "description")});
  }
  value.notes = get_optional_string(in, "notes");
}

void to_json(nlohmann::json& out, const Verdict& value) {
  json criteria = json::array();
  for (const auto& c : value.criteria) {
    criteria.push_back(json{{"criterion", c.criterion}, {"passed", c.passed}, {"evidence", c.evidence}});
  }
  out = json{
      {"schemaVersion", value.schema_version},       {"storyId", value.story_id}, {"attempt", value.attempt},
      {"verdict", quoted(to_string(value.verdict))}, {"summary", value.summary},  {"criteria", std::move(criteria)}};
}

void from_json(const nlohmann::json& in, Verdict& value) {
  value.schema_version = get_schema_version(in);
  value.story_id = get_string(in, "storyId");
  value.attempt = get_integer(in, "attempt");
  value.verdict = get_enum(in, "verdict", k_verdicts, "pass, fail_retry or fail_abort");
  value.summary = get_string(in, "summary");
  value.criteria.clear();
  for (const auto& c : get_array(in, "criteria")) {
    value.criteria.push_back(
        CriterionResult{get_string(c, "criterion"), get_bool(c, "passed"), get_string(c, "evidence")});
  }
}

void to_json(nlohmann::json& out, const Progress& value) {
  json patterns = json::array();
  for (const auto& p : value.patterns) {
    patterns.push_back(json{{"name", p.name}, {"description", p.description}, {"storyId", p.story_id}});
  }
  json timeline = json::array();
  for (const auto& t : value.timeline) {
    json entry{{"storyId", t.story_id},          {"outcome", quoted(to_string(t.outcome))},
               {"attempts", t.attempts},         {"costUsd", t.cost_usd},
               {"summary", t.summary},           {"commits", t.commits},
               {"meta", json{{"ts", t.meta.ts}}}};
    if (t.reason) {
      entry["reason"] = *t.reason;
    }
    timeline.push_back(std::move(entry));
  }
  out = json{{"schemaVersion", value.schema_version},
             {"patterns", std::move(patterns)},
             {"timeline", std::move(timeline)}};
}

void from_json(const nlohmann::json& in, Progress& value) {
  value.schema_version = get_schema_version(in);
  value.patterns.clear();
  for (const auto& p : get_array(in, "patterns")) {
    value.patterns.push_back(
        LearnedPattern{get_string(p, "name"), get_string(p, "description"), get_string(p, "storyId")});
  }
  value.timeline.clear();
  for (const auto& t : get_array(in, "timeline")) {
    TimelineEntry entry;
    entry.story_id = get_string(t, "storyId");
    entry.outcome = get_enum(t, "outcome", k_outcomes, "passed or blocked");
    entry.attempts = get_integer(t, "attempts");
    entry.cost_usd = get_number(t, "costUsd");
    entry.summary = get_string(t, "summary");
    entry.reason = get_optional_string(t, "reason");
    entry.commits = get_strings(t, "commits");
    entry.meta.ts = get_string(field(t, "meta"), "ts");
    value.timeline.push_back(std::move(entry));
  }
}

std::vector<Problem> check_prd(const nlohmann::json& doc, const std::string& file) {
  std::vector<Problem> problems;
  if (!doc.is_object() || !doc.contains("stories") || !doc["stories"].is_array()) {
    return problems;
  }
  const json& stories = doc["stories"];
  auto problem = [&](std::string pointer, std::string subject, std::string message) {
    Problem p;
    p.file = file;
    p.pointer = std::move(pointer);
    p.subject = std::move(subject);
    p.message = std::move(message);
    problems.push_back(std::move(p));
  };

  // Ids first: every later check refers to stories by id, so the first occurrence of an id is the one that counts.
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < stories.size(); ++i) {
    const json& story = stories[i];
    if (!story.is_object() || !story.contains("id") || !story["id"].is_string()) {
      continue;
    }
    const std::string id = story["id"].get<std::string>();
    const auto [it, inserted] = index_of.emplace(id, i);
    if (!inserted) {
      problem(fmt::format("/stories/{}/id", i), "duplicate story id",
              fmt::format("expected an id no other story has, found \"{}\" (also at /stories/{}/id)", id, it->second));
    }
  }

  std::set<std::string> epic_ids;
  const bool epics_given = doc.contains("epics") && doc["epics"].is_array();
  if (epics_given) {
    for (const auto& epic : doc["epics"]) {
      if (epic.is_object() && epic.contains("id") && epic["id"].is_string()) {
        epic_ids.insert(epic["id"].get<std::string>());
      }
    }
  }

  // Edges of the dependency graph, by story index; unknown ids are reported and left out of it.
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> edges(stories.size());  // (target, dep index)
  for (std::size_t i = 0; i < stories.size(); ++i) {
    const json& story = stories[i];
    if (!story.is_object()) {
      continue;
    }
    if (epics_given && story.contains("epic") && story["epic"].is_string()) {
      const std::string epic = story["epic"].get<std::string>();
      if (!epic.empty() && epic_ids.count(epic) == 0) {
        problem(fmt::format("/stories/{}/epic", i), "unknown epic",
                fmt::format("expected the id of an epic listed in \"epics\" (or \"\"), found \"{}\"", epic));
      }
    }
    if (story.contains("touches") && story["touches"].is_array()) {
      const json& touches = story["touches"];
      for (std::size_t j = 0; j < touches.size(); ++j) {
        if (!touches[j].is_string()) {
          continue;
        }
        const std::string glob = touches[j].get<std::string>();
        const std::string why = glob_error(glob);
        if (!why.empty()) {
          problem(fmt::format("/stories/{}/touches/{}", i, j), "invalid touches glob",
                  fmt::format("\"{}\" {}", glob, why));
        }
      }
    }
    if (!story.contains("dependencies") || !story["dependencies"].is_array()) {
      continue;
    }
    const json& deps = story["dependencies"];
    for (std::size_t j = 0; j < deps.size(); ++j) {
      if (!deps[j].is_string()) {
        continue;
      }
      const std::string dep = deps[j].get<std::string>();
      const auto it = index_of.find(dep);
      if (it == index_of.end()) {
        problem(fmt::format("/stories/{}/dependencies/{}", i, j), "unknown dependency",
                fmt::format("expected the id of a story in this PRD, found \"{}\"", dep));
      } else {
        edges[i].emplace_back(it->second, j);
      }
    }
  }

  // Cycles: iterative depth-first search (a PRD may be long and chains deep), reporting each cycle once at the
  // dependency that closes it.
  enum class Mark { unvisited, on_stack, done };
  std::vector<Mark> mark(stories.size(), Mark::unvisited);
  auto id_of = [&](std::size_t i) { return stories[i]["id"].get<std::string>(); };
  for (std::size_t root = 0; root < stories.size(); ++root) {
    if (mark[root] != Mark::unvisited) {
      continue;
    }
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};  // (story, next edge)
    mark[root] = Mark::on_stack;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == edges[node].size()) {
        mark[node] = Mark::done;
        stack.pop_back();
        continue;
      }
      const auto [target, dep_index] = edges[node][next];
      ++next;
      if (mark[target] == Mark::on_stack) {
        std::vector<std::string> cycle;
        bool in_cycle = false;
        for (const auto& frame : stack) {
          in_cycle = in_cycle || frame.first == target;
          if (in_cycle) {
            cycle.push_back(id_of(frame.first));
          }
        }
        cycle.push_back(id_of(target));
        // A long cycle is shown by its ends: the message must stay one readable line.
        constexpr std::size_t k_shown = 4;
        std::string path;
        for (std::size_t k = 0; k < cycle.size(); ++k) {
          if (cycle.size() > 2 * k_shown + 1 && k == k_shown) {
            path += fmt::format(" -> ... ({} more)", cycle.size() - 2 * k_shown);
            k = cycle.size() - k_shown - 1;
            continue;
          }
          path += (k == 0 ? "" : " -> ") + cycle[k];
        }
        problem(fmt::format("/stories/{}/dependencies/{}", node, dep_index), "dependency cycle",
                fmt::format("expected no cycle, found {}", path));
      } else if (mark[target] == Mark::unvisited) {
        mark[target] = Mark::on_stack;
        stack.emplace_back(target, 0);
      }
    }
  }
  return problems;
}

}  // namespace simmer::core

namespace simmer::core {
namespace {

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Walks `instance` beside `schema_node` following properties, additionalProperties, items and local $refs, and
// reports keys that an `"additionalProperties": false` refuses. Composition keywords (allOf, oneOf...) are not
// followed: what they refuse is still reported by the validator, just without a suggestion.
class UnknownKeys {
public:
  UnknownKeys(const nlohmann::json& root, std::string file, std::vector<Problem>& out)
      : m_root(root), m_file(std::move(file)), m_out(out) {}

  void walk(const nlohmann::json& instance, const nlohmann::json& node, const std::string& pointer, std::size_t depth) {
    // $ref chains are bounded too: a schema may (wrongly) refer to itself.
    const nlohmann::json* schema = &node;
    for (int hops = 0; schema->is_object() && schema->contains("$ref") && hops < 32; ++hops) {
      schema = resolve((*schema)["$ref"]);
      if (schema == nullptr) {
        return;
      }
    }
    if (!schema->is_object() || depth > 1000) {
      return;
    }
    if (instance.is_object()) {
      walk_object(instance, *schema, pointer, depth);
    } else if (instance.is_array()) {
      const auto items = schema->find("items");
      if (items != schema->end() && items->is_object()) {
        for (std::size_t i = 0; i < instance.size(); ++i) {
          walk(instance[i], *items, pointer + "/" + std::to_string(i), depth + 1);
        }
      }
    }
  }

private:
  const nlohmann::json& m_root;
  std::string m_file;
  std::vector<Problem>& m_out;

  const nlohmann::json* resolve(const nlohmann::json& ref) const {
    if (!ref.is_string()) {
      return nullptr;
    }
    const std::string text = ref.get<std::string>();
    if (text.empty() || text[0] != '#') {
      return nullptr;
    }
    try {
      const nlohmann::json::json_pointer target(text.substr(1));
      return m_root.contains(target) ? &m_root.at(target) : nullptr;
    } catch (const nlohmann::json::exception&) {
      return nullptr;
    }
  }

  void walk_object(const nlohmann::json& instance, const nlohmann::json& schema, const std::string& pointer,
                   std::size_t depth) {
    static const nlohmann::json k_empty = nlohmann::json::object();
    const auto props_it = schema.find("properties");
    const nlohmann::json& properties = (props_it != schema.end() && props_it->is_object()) ? *props_it : k_empty;
    const auto extra_it = schema.find("additionalProperties");
    const bool has_patterns = schema.contains("patternProperties");
    for (const auto& [key, value] : instance.items()) {
      const std::string child = pointer + "/" + escape_pointer_token(key);
      const auto known = properties.find(key);
      if (known != properties.end()) {
        walk(value, *known, child, depth + 1);
      } else if (has_patterns || extra_it == schema.end()) {
        continue;
      } else if (extra_it->is_boolean() && !extra_it->get<bool>()) {
        report(key, child, properties);
      } else if (extra_it->is_object()) {
        walk(value, *extra_it, child, depth + 1);
      }
    }
  }

  void report(const std::string& key, const std::string& pointer, const nlohmann::json& properties) {
    std::vector<std::string> candidates;
    for (const auto& [name, unused] : properties.items()) {
      candidates.push_back(name);
    }
    Problem p;
    p.file = m_file;
    p.pointer = pointer;
    p.subject = fmt::format("unknown key \"{}\"", key);
    if (const auto suggestion = util::nearest(key, candidates)) {
      p.message = fmt::format("did you mean \"{}\"?", *suggestion);
    } else if (candidates.empty()) {
      p.message = "no keys are allowed here";
    } else {
      std::string list;
      for (const auto& name : candidates) {
        list += (list.empty() ? "\"" : ", \"") + name + "\"";
      }
      p.message = fmt::format("expected one of {}", list);
    }
    m_out.push_back(std::move(p));
  }
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string parent_pointer(const std::string& pointer) {
  const auto slash = pointer.rfind('/');
  return slash == std::string::npos ? std::string() : pointer.substr(0, slash);
}

bool pointer_less(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const auto a_end = a.find('/', 1);
    const auto b_end = b.find('/', 1);
    const std::string_view a_token = a.substr(1, a_end == std::string_view::npos ? a.npos : a_end - 1);
    const std::string_view b_token = b.substr(1, b_end == std::string_view::npos ? b.npos : b_end - 1);
    if (a_token != b_token) {
      const auto numeric = [](std::string_view t) {
        return !t.empty() && t.size() < 19 && t.find_first_not_of("0123456789") == std::string_view::npos;
      };
      if (numeric(a_token) && numeric(b_token)) {
        return std::stoll(std::string(a_token)) < std::stoll(std::string(b_token));
      }
      return a_token < b_token;
    }
    a = a_end == std::string_view::npos ? std::string_view() : a.substr(a_end);
    b = b_end == std::string_view::npos ? std::string_view() : b.substr(b_end);
  }
  return a.empty() && !b.empty();
}

}  // namespace

std::vector<Problem> check_schema(const nlohmann::json& doc, const schema::Validator& validator,
                                  const nlohmann::json& schema, const std::string& file, std::size_t max_problems) {
  std::vector<Problem> unknown;
  UnknownKeys(schema, file, unknown).walk(doc, schema, "", 0);
  std::set<std::string> covered;
  for (const auto& p : unknown) {
    covered.insert(p.pointer);
    covered.insert(parent_pointer(p.pointer));
  }

  std::vector<Problem> problems = std::move(unknown);
  for (const auto& issue : validator.validate(doc, max_problems)) {
    if (ends_with(issue.schema_pointer, "/additionalProperties") && covered.count(issue.instance_pointer) != 0) {
      continue;
    }
    Problem p;
    p.file = file;
    p.pointer = issue.instance_pointer;
    p.schema_pointer = issue.schema_pointer;
    // Our problems all read "expected <what>, found <what>"; the validator's phrases fill that sentence.
    p.message = fmt::format("expected {}, found {}", issue.expected, issue.found);
    problems.push_back(std::move(p));
  }
  // Stable output order: by pointer, array indices compared as numbers (/stories/2 before /stories/10), each
  // pointer's problems in the order they were found.
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return pointer_less(a.pointer, b.pointer); });
  if (max_problems != 0 && problems.size() > max_problems) {
    problems.resize(max_problems);
  }
  return problems;
}

}  // namespace simmer::core
