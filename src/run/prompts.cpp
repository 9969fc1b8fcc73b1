#include "run/prompts.hpp"

#include "store/resources.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string_view>
#include <utility>

namespace simmer::run {

namespace {

constexpr const char* k_marker = "{{handoff_instructions}}";

std::string builtin(const std::string& workflow, const std::string& name, std::string& source) {
  for (const std::string& dir :
       {std::string("prompts/") + workflow + "/", std::string("prompts/one-shot/"), std::string("prompts/")}) {
    if (auto text = store::resource(dir + name + ".md")) {
      source = "built-in " + dir + name + ".md";
      return std::string(*text);
    }
  }
  source = "built-in (none)";
  return k_marker;
}

// Where the whole of a placeholder's value can still be read when the prompt carries only its head.
std::string_view source_of(const std::string& key) {
  static const std::pair<std::string_view, std::string_view> k_sources[] = {
      {"feedback", "the claimed notes under .simmer/feedback/claimed/"},
      {"last_failure", "the journal, .simmer/events.jsonl (the gate or verdict event before this session)"},
      {"guidance", ".simmer/task.json"},
      {"build_summary", ".simmer/build.json"},
      {"repair_errors", "the output of `simmer validate` on the hand-off file"},
      {"progress", ".simmer/prd.json and .simmer/progress.json"},
  };
  for (const auto& [name, where] : k_sources) {
    if (name == key) {
      return where;
    }
  }
  return ".simmer/prd.json";  // the story's own fields: id, title, description, criteria, the project
}

void strip_for_prompt(nlohmann::ordered_json& node, bool root) {
  if (node.is_array()) {
    for (auto& item : node) {
      strip_for_prompt(item, false);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  for (const char* key : {"$schema", "$id", "title", "$comment", "examples", "default"}) {
    node.erase(key);
  }
  if (root || node.contains("const")) {
    node.erase("description");
  }
  for (auto& [key, value] : node.items()) {
    // The names under `properties` are field names, never keywords: a field called "title" stays.
    if (key == "properties" && value.is_object()) {
      for (auto& [name, field] : value.items()) {
        strip_for_prompt(field, false);
      }
    } else {
      strip_for_prompt(value, false);
    }
  }
}

}  // namespace

std::string compact_schema(const std::string& schema_text) {
  // ordered: the fields keep the order their author gave them (type and required before properties).
  auto doc = nlohmann::ordered_json::parse(schema_text, nullptr, false);
  if (!doc.is_object()) {
    return schema_text;
  }
  strip_for_prompt(doc, true);
  return doc.dump();
}

std::string bound_prompt_value(const std::string& key, const std::string& value) {
  if (value.size() <= k_max_prompt_value_bytes) {
    return value;
  }
  std::string out = util::truncate_utf8(value, k_max_prompt_value_bytes);
  out += fmt::format("\n[simmer: {{{{{}}}}} is cut here, {} of its {} bytes are left out; all of it is in {}]\n", key,
                     value.size() - out.size(), value.size(), source_of(key));
  return out;
}

std::string substitute(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find("{{", pos);
    if (open == std::string::npos) {
      out.append(text, pos, std::string::npos);
      break;
    }
    auto close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      out.append(text, pos, std::string::npos);
      break;
    }
    out.append(text, pos, open - pos);
    std::string key = text.substr(open + 2, close - open - 2);
    if (auto it = values.find(key); it != values.end()) {
      out += it->second;
    } else {
      out.append(text, open, close + 2 - open);
    }
    pos = close + 2;
  }
  return out;
}

RenderedPrompt render_prompt(const std::optional<std::string>& override_text, const std::string& workflow,
                             const std::string& name, std::map<std::string, std::string> values) {
  RenderedPrompt out;
  for (auto& [key, value] : values) {
    value = bound_prompt_value(key, value);
  }
  std::string handoff_source;
  values["handoff_instructions"] = substitute(builtin(workflow, "handoff", handoff_source), values);
  std::string tmpl;
  if (override_text) {
    tmpl = *override_text;
    out.source = ".simmer/prompts/" + name + ".md";
    if (tmpl.find(k_marker) == std::string::npos) {
      out.warning = fmt::format(
          "prompt override {} has no {{{{handoff_instructions}}}}: the hand-off "
          "instructions were appended",
          out.source);
      tmpl += "\n\n## Your hand-off\n\n";
      tmpl += k_marker;
      tmpl += "\n";
    }
  } else {
    tmpl = builtin(workflow, name, out.source);
  }
  out.text = substitute(tmpl, values);
  return out;
}

}  // namespace simmer::run
