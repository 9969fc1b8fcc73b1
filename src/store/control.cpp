#include "store/control.hpp"

#include "util/atomic_file.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace simmer::store {

using nlohmann::json;

std::string steer_request_name(int pid, std::uint32_t nonce) { return fmt::format("{}-{}.json", pid, nonce); }

std::filesystem::path write_steer_request(const ProjectPaths& paths, const SteerRequest& request, int pid,
                                          std::uint32_t nonce) {
  util::ensure_dir(paths.control);
  const std::filesystem::path file = paths.control / steer_request_name(pid, nonce);
  json doc = {{"schemaVersion", 1},
              {"action", std::string(core::to_string(request.action))},
              {"storyId", request.story_id ? json(*request.story_id) : json(nullptr)},
              {"by", request.by},
              {"requestedAtMs", request.requested_at_ms}};
  util::write_file_atomic(file, doc.dump() + "\n");
  return file;
}

Result<SteerRequest> parse_steer_request(std::string_view text, const std::string& display) {
  auto fail = [&](const std::string& pointer, const std::string& what) {
    return Failure{fmt::format("{}#{}: {}", display, pointer, what), ExitCode::invalid_input};
  };
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail("", "expected a JSON object (a steering request)");
  }
  if (!doc.contains("schemaVersion") || doc["schemaVersion"] != 1) {
    return fail("/schemaVersion", "expected 1");
  }
  SteerRequest out;
  const json& action = doc.contains("action") ? doc["action"] : json();
  auto parsed = action.is_string() ? core::from_string<core::SteerAction>(action.get<std::string>()) : std::nullopt;
  if (!parsed) {
    return fail("/action", fmt::format("expected one of stop, pause, resume, retry, skip, found {}", action.dump()));
  }
  out.action = *parsed;
  const bool names_story = out.action == core::SteerAction::retry || out.action == core::SteerAction::skip;
  const json& story = doc.contains("storyId") ? doc["storyId"] : json();
  if (names_story && !(story.is_string() && !story.get<std::string>().empty())) {
    return fail("/storyId",
                fmt::format("expected the id of the story to {}, found {}", action.get<std::string>(), story.dump()));
  }
  if (!names_story && !story.is_null()) {
    return fail("/storyId",
                fmt::format("expected null ({} names no story), found {}", action.get<std::string>(), story.dump()));
  }
  if (names_story) {
    out.story_id = story.get<std::string>();
  }
  const json& by = doc.contains("by") ? doc["by"] : json();
  if (!(by == "cli" || by == "dashboard")) {
    return fail("/by", fmt::format("expected \"cli\" or \"dashboard\", found {}", by.dump()));
  }
  out.by = by.get<std::string>();
  const json& at = doc.contains("requestedAtMs") ? doc["requestedAtMs"] : json();
  if (!at.is_number_integer()) {
    return fail("/requestedAtMs", fmt::format("expected an integer (Unix ms), found {}", at.dump()));
  }
  out.requested_at_ms = at.get<std::int64_t>();
  return out;
}

}  // namespace simmer::store
