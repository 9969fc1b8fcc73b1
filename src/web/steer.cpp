#include "web/steer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace simmer::web {

namespace {

using nlohmann::json;

Failure bad(std::string message) { return Failure{std::move(message), ExitCode::invalid_input}; }

// schemas/prd.json's story id pattern, ^[A-Za-z][A-Za-z0-9_-]*$: never empty, never a flag ("-x", "--by").
bool is_story_id(const std::string& id) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (id.empty() || !letter(id[0])) {
    return false;
  }
  for (char c : id) {
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string error_body(const std::string& message) {
  // The child's stderr need not be UTF-8: replaced, never thrown on.
  return json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

// The last non-empty line of a command's stderr, without the "simmer: error: " every diagnostic starts with.
std::string last_error_line(const std::string& err) {
  std::string_view text = err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  auto nl = text.rfind('\n');
  std::string_view line = nl == std::string_view::npos ? text : text.substr(nl + 1);
  constexpr std::string_view k_prefix = "simmer: error: ";
  if (line.substr(0, k_prefix.size()) == k_prefix) {
    line.remove_prefix(k_prefix.size());
  }
  return std::string(line);
}

}  // namespace

Result<SteerCall> parse_steer_body(std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return bad(R"(steering takes a JSON object: {"action": "pause", "storyId": null})");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key != "action" && key != "storyId") {
      return bad(fmt::format(R"(unknown field "{}": steering takes "action" and "storyId")", key));
    }
  }
  std::optional<core::SteerAction> action;
  if (doc.contains("action") && doc["action"].is_string()) {
    action = core::from_string<core::SteerAction>(doc["action"].get<std::string>());
  }
  if (!action) {
    return bad(R"("action" must be one of stop, pause, resume, retry, skip)");
  }
  const bool names_story = *action == core::SteerAction::retry || *action == core::SteerAction::skip;
  const bool has_story = doc.contains("storyId") && !doc["storyId"].is_null();
  if (!names_story) {
    if (has_story) {
      return bad(R"("storyId" is only for retry and skip: stop, pause and resume act on the whole run)");
    }
    return SteerCall{*action, std::nullopt};
  }
  if (!has_story) {
    return bad(R"("storyId" is required for retry and skip)");
  }
  if (!doc["storyId"].is_string()) {
    return bad(R"("storyId" must be a string)");
  }
  std::string id = doc["storyId"];
  if (!is_story_id(id)) {
    return bad(R"("storyId" is not a story id: a letter, then letters, digits, '_' or '-')");
  }
  return SteerCall{*action, std::move(id)};
}

std::vector<std::string> steer_argv(const std::filesystem::path& exe, const SteerCall& call, int wait_seconds) {
  std::vector<std::string> argv = {exe.string(), std::string(core::to_string(call.action))};
  if (call.story_id) {
    argv.push_back(*call.story_id);
  }
  for (std::string arg : {"--by", "dashboard", "--json", "--wait"}) {
    argv.push_back(std::move(arg));
  }
  argv.push_back(std::to_string(wait_seconds));
  return argv;
}

SteerReply steer_reply(const util::ProcessResult& result, const std::string& out, int timeout_ms) {
  if (!result.spawned) {
    return {500, error_body(fmt::format("cannot run the steering command: {}", result.spawn_error))};
  }
  if (result.cancelled) {
    return {500, error_body("the dashboard is stopping")};
  }
  if (result.timed_out) {
    return {500, error_body(fmt::format("the steering command did not answer within {} s", timeout_ms / 1000))};
  }
  json answer = json::parse(out, nullptr, false);
  if (answer.is_object() && answer.contains("state") && answer["state"].is_string()) {
    const std::string state = answer["state"];
    if (state == "applied" || state == "asked" || state == "none") {
      return {200, answer.dump() + "\n"};
    }
    if (state == "refused") {
      return {409, answer.dump() + "\n"};
    }
  }
  std::string message = last_error_line(result.stderr_tail);
  if (result.exit_code == to_int(ExitCode::lock_held)) {
    return {423, error_body(message.empty() ? "another simmer command holds the project lock" : message)};
  }
  if (message.empty()) {
    message = fmt::format("the steering command failed (exit {})", result.exit_code);
  }
  return {500, error_body(message)};
}

}  // namespace simmer::web
