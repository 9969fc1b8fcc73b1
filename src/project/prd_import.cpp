// Implementation notes: the source format is marmite's / Ralph's prd.json:
//   {project, branchName?, description, userStories: [{id, title, description, acceptanceCriteria[], priority,
//    passes, notes?, dependencies?[], epic?}]}
// Unknown keys are reported as notes and dropped (simmer's schema is strict). A story's position maps 1:1, so a
// problem found in the converted document points back at /userStories/<n> of the source.

#include "project/prd_import.hpp"

#include "project/prd_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace simmer::project {

namespace {

using nlohmann::json;

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a number";
  }
}

std::string epic_title(const std::string& slug) {
  std::string out;
  bool start = true;
  for (char c : slug) {
    if (c == '-' || c == '_') {
      out += ' ';
      start = true;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  return out;
}

class Importer {
public:
  Importer(const json& source, std::string file) : m_src(source), m_file(std::move(file)) {}

  ImportedPrd run() {
    if (!m_src.is_object()) {
      error("", fmt::format("expected a prd.json object, found {}", type_name(m_src)));
      return std::move(m_out);
    }
    if (!m_src.contains("userStories")) {
      error("", m_src.contains("stories")
                    ? "no \"userStories\" array: this looks like simmer's own prd.json already (copy it to "
                      ".simmer/prd.json instead)"
                    : "no \"userStories\" array: not a marmite or Ralph prd.json");
      return std::move(m_out);
    }
    const json& stories = m_src["userStories"];
    if (!stories.is_array()) {
      error("/userStories", fmt::format("expected an array, found {}", type_name(stories)));
      return std::move(m_out);
    }
    if (stories.empty()) {
      error("/userStories", "no stories to import");
    }
    for (const auto& [key, value] : m_src.items()) {
      if (key == "branchName" && value.is_string()) {
        m_out.notes.push_back(
            fmt::format("branchName \"{}\" is not used by simmer (dropped): simmer works on the "
                        "branch you run it on",
                        value.get<std::string>()));
      } else if (key != "project" && key != "description" && key != "userStories") {
        m_out.notes.push_back(fmt::format("top-level key \"{}\" is not part of simmer's prd.json (dropped)", key));
      }
    }
    json out_stories = json::array();
    std::vector<std::string> epic_order;
    for (std::size_t i = 0; i < stories.size(); ++i) {
      out_stories.push_back(story(stories[i], i, epic_order));
    }
    json prd = {{"schemaVersion", 1},
                {"project", text_field(m_src, "", "project")},
                {"description", text_field(m_src, "", "description")},
                {"stories", out_stories}};
    if (!epic_order.empty()) {
      json epics = json::array();
      for (const auto& e : epic_order) {
        epics.push_back({{"id", e}, {"title", epic_title(e)}});
      }
      prd["epics"] = epics;
    }
    if (prd["project"] == "") {
      error("/project", "missing or empty project name");
    }
    if (m_out.errors.empty()) {
      for (const auto& p : check_prd_semantics(prd)) {
        std::string pointer = p.index < 0 ? "/userStories" : fmt::format("/userStories/{}", p.index);
        if (p.index >= 0 && !p.field.empty()) {
          pointer += "/" + p.field;
        }
        error(pointer, p.message);
      }
    }
    m_out.prd = std::move(prd);
    return std::move(m_out);
  }

private:
  void error(const std::string& pointer, const std::string& message) {
    m_out.errors.push_back(fmt::format("{}#{}: {}", m_file, pointer, message));
  }

  // A string field that may be absent (then ""); anything but a string is an error.
  std::string text_field(const json& obj, const std::string& base, const char* key) {
    if (!obj.contains(key) || obj[key].is_null()) {
      return "";
    }
    if (!obj[key].is_string()) {
      error(base + "/" + key, fmt::format("expected a string, found {}", type_name(obj[key])));
      return "";
    }
    return obj[key].get<std::string>();
  }

  std::vector<std::string> string_list(const json& obj, const std::string& base, const char* key) {
    std::vector<std::string> out;
    if (!obj.contains(key) || obj[key].is_null()) {
      return out;
    }
    const json& v = obj[key];
    if (!v.is_array()) {
      error(base + "/" + key, fmt::format("expected an array of strings, found {}", type_name(v)));
      return out;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        error(fmt::format("{}/{}/{}", base, key, i), fmt::format("expected a string, found {}", type_name(v[i])));
        continue;
      }
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

  json story(const json& s, std::size_t index, std::vector<std::string>& epic_order) {
    const std::string base = fmt::format("/userStories/{}", index);
    if (!s.is_object()) {
      error(base, fmt::format("expected a story object, found {}", type_name(s)));
      return json::object();
    }
    const std::string id = text_field(s, base, "id");
    if (id.empty() && (!s.contains("id") || s["id"].is_string() || s["id"].is_null())) {
      error(base + "/id", "missing or empty story id");
    }
    const std::string title = text_field(s, base, "title");
    if (title.empty() && (!s.contains("title") || s["title"].is_string() || s["title"].is_null())) {
      error(base + "/title", fmt::format("{} has no title", id.empty() ? "the story" : id));
    }
    if (!s.contains("acceptanceCriteria")) {
      error(base + "/acceptanceCriteria", fmt::format("{} has no acceptance criteria", id));
    }
    std::int64_t priority = static_cast<std::int64_t>(index) + 1;
    if (s.contains("priority") && !s["priority"].is_null()) {
      const json& p = s["priority"];
      if (p.is_number_integer() && p.get<std::int64_t>() >= 0) {
        priority = p.get<std::int64_t>();
      } else if (p.is_number_float() && p.get<double>() >= 0 &&
                 p.get<double>() == static_cast<double>(static_cast<std::int64_t>(p.get<double>()))) {
        priority = static_cast<std::int64_t>(p.get<double>());
      } else {
        error(base + "/priority", fmt::format("expected a whole number >= 0, found {}", p.dump()));
      }
    }
    std::string status = "pending";
    if (s.contains("passes") && !s["passes"].is_null()) {
      if (!s["passes"].is_boolean()) {
        error(base + "/passes", fmt::format("expected true or false, found {}", s["passes"].dump()));
      } else if (s["passes"].get<bool>()) {
        status = "passed";
        ++m_out.passed;
      }
    }
    const std::string epic = text_field(s, base, "epic");
    if (!epic.empty() && std::find(epic_order.begin(), epic_order.end(), epic) == epic_order.end()) {
      epic_order.push_back(epic);
    }
    for (const auto& [key, value] : s.items()) {
      static const std::set<std::string> k_known = {"id",       "title",  "description", "acceptanceCriteria",
                                                    "priority", "passes", "notes",       "dependencies",
                                                    "epic"};
      if (k_known.count(key) == 0) {
        m_out.notes.push_back(
            fmt::format("{}: key \"{}\" is not part of simmer's prd.json (dropped)", id.empty() ? base : id, key));
      }
      (void)value;
    }
    return {{"id", id},
            {"title", title},
            {"description", text_field(s, base, "description")},
            {"acceptanceCriteria", string_list(s, base, "acceptanceCriteria")},
            {"priority", priority},
            {"dependencies", string_list(s, base, "dependencies")},
            {"epic", epic},
            {"notes", text_field(s, base, "notes")},
            {"status", status}};
  }

  const json& m_src;
  std::string m_file;
  ImportedPrd m_out;
};

}  // namespace

ImportedPrd import_prd(const json& source, const std::string& file) { return Importer(source, file).run(); }

}  // namespace simmer::project
