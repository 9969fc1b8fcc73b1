#include "project/prd_output.hpp"

#include "core/contracts.hpp"
#include "util/atomic_file.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <set>

namespace simmer::project {

namespace {

using nlohmann::json;

// What a person wrote for a story: when all of it is unchanged, progress on the story still means something.
bool same_text(const json& a, const json& b) {
  for (const char* key : {"title", "description", "acceptanceCriteria", "dependencies"}) {
    if (a.value(key, json()) != b.value(key, json())) {
      return false;
    }
  }
  return true;
}

std::string progress_summary(const json& prd) {
  int passed = 0;
  int blocked = 0;
  for (const auto& s : prd.value("stories", json::array())) {
    if (!s.is_object()) {
      continue;
    }
    const std::string status = s.value("status", json("")).is_string() ? s["status"].get<std::string>() : "";
    passed += status == "passed" ? 1 : 0;
    blocked += status == "blocked" ? 1 : 0;
  }
  std::string out;
  if (passed > 0) {
    out = fmt::format("{} {} passed", passed, passed == 1 ? "story" : "stories");
  }
  if (blocked > 0) {
    out += fmt::format("{}{} {} blocked", out.empty() ? "" : ", ", blocked, blocked == 1 ? "story" : "stories");
  }
  return out;
}

}  // namespace

bool prd_has_progress(const json& prd) {
  if (!prd.is_object() || !prd.contains("stories") || !prd["stories"].is_array()) {
    return false;
  }
  for (const auto& s : prd["stories"]) {
    if (s.is_object() && s.contains("status") && (s["status"] == "passed" || s["status"] == "blocked")) {
      return true;
    }
  }
  return false;
}

json merge_prd(const json& existing, const json& fresh, MergeReport& report) {
  report = MergeReport{};
  // value() returns a copy: keep pointers into `existing` itself.
  static const json k_none = json::array();
  const json& old_stories = existing.contains("stories") && existing["stories"].is_array() ? existing["stories"]
                                                                                           : k_none;
  std::map<std::string, const json*> old_by_id;
  for (const auto& s : old_stories) {
    if (s.is_object() && s.contains("id") && s["id"].is_string()) {
      old_by_id.emplace(s["id"].get<std::string>(), &s);
    }
  }
  json merged = fresh;
  std::set<std::string> fresh_ids;
  for (auto& story : merged["stories"]) {
    const std::string id = story["id"].get<std::string>();
    fresh_ids.insert(id);
    auto it = old_by_id.find(id);
    if (it == old_by_id.end()) {
      report.added.push_back(id);
      continue;
    }
    const json& old = *it->second;
    if (!same_text(old, story)) {
      report.changed.push_back(id);
      continue;
    }
    report.kept.push_back(id);
    if (old.contains("status") && old["status"].is_string()) {
      story["status"] = old["status"];
    }
    if (story["status"] == "blocked" && old.contains("blockedReason")) {
      story["blockedReason"] = old["blockedReason"];
    } else {
      story.erase("blockedReason");
    }
  }
  for (const auto& s : old_stories) {
    if (s.is_object() && s.contains("id") && s["id"].is_string() && fresh_ids.count(s["id"].get<std::string>()) == 0) {
      report.removed.push_back(s["id"].get<std::string>());
    }
  }
  return merged;
}

Result<PrdWrite> write_prd_output(const json& prd, const std::filesystem::path& output, const std::string& display,
                                  ExistingPolicy policy) {
  PrdWrite result;
  if (output == "-") {
    result.action = PrdWrite::Action::printed;
    result.text = core::canonical_json(prd);
    return result;
  }
  result.path = output;
  json to_write = prd;
  if (util::exists(output)) {
    auto existing_text = util::read_file(output);
    if (!existing_text) {
      return Failure{existing_text.failure().message, ExitCode::failure};
    }
    json existing = json::parse(*existing_text, nullptr, false);
    const bool readable = !existing.is_discarded() && existing.is_object() && existing.contains("stories") &&
                          existing["stories"].is_array();
    if (!readable && policy != ExistingPolicy::force) {
      return Failure{fmt::format("refusing to replace the PRD ({}): the existing file is not a readable prd.json, so "
                                 "its progress cannot be kept; use --force to replace it",
                                 display),
                     ExitCode::failure};
    }
    // Writing the very same bytes loses nothing, whatever the progress.
    if (core::canonical_json(prd) == *existing_text) {
      result.action = PrdWrite::Action::unchanged;
      result.text = *existing_text;
      return result;
    }
    if (policy == ExistingPolicy::refuse_progress && prd_has_progress(existing)) {
      return Failure{fmt::format("refusing to replace the PRD ({}): it has progress ({}); use --merge to keep the "
                                 "progress of unchanged stories or --force to discard it",
                                 display, progress_summary(existing)),
                     ExitCode::failure};
    }
    if (policy == ExistingPolicy::merge) {
      to_write = merge_prd(existing, prd, result.merge);
      result.action = PrdWrite::Action::merged;
    } else {
      result.action = PrdWrite::Action::replaced;
    }
    result.text = core::canonical_json(to_write);
    if (result.text == *existing_text) {
      result.action = PrdWrite::Action::unchanged;
      return result;
    }
  } else {
    result.action = PrdWrite::Action::created;
    result.text = core::canonical_json(to_write);
  }
  if (output.has_parent_path()) {
    util::ensure_dir(output.parent_path());
  }
  util::write_file_atomic(output, result.text);
  return result;
}

}  // namespace simmer::project
