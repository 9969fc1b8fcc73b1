#pragma once
// The dashboard's steering buttons (POST /api/steer; docs/loop.md "Steering a run"): the request body checked,
// the command line of the `simmer stop|pause|resume|retry|skip` child that performs it, and that child's answer
// turned into an HTTP status and body. Pure functions: the server runs the child (util::run_process) between
// them, so this layer never reaches into src/run/ and the request never reaches a shell.

#include "core/vocabulary.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::web {

// One checked steering request: stop, pause and resume name no story; retry and skip name one whose id matches
// the PRD's id pattern (^[A-Za-z][A-Za-z0-9_-]*$), so it can never be read as a flag by the child.
struct SteerCall {
  core::SteerAction action = core::SteerAction::stop;
  std::optional<std::string> story_id;
};

// Reads the body of POST /api/steer: a JSON object {"action": "stop"|"pause"|"resume"|"retry"|"skip",
// "storyId": "<id>"} with storyId required for retry and skip, absent or null otherwise, and no other member.
// Each refusal is a Failure (invalid_input) whose message names the field, for a 400:
//   not a JSON object  -> steering takes a JSON object: {"action": "pause", "storyId": null}
//   a member not known -> unknown field "<name>": steering takes "action" and "storyId"
//   no or bad action   -> "action" must be one of stop, pause, resume, retry, skip
//   retry/skip without -> "storyId" is required for retry and skip
//   not a string       -> "storyId" must be a string
//   not an id          -> "storyId" is not a story id: a letter, then letters, digits, '_' or '-'
//   stop/pause/resume  -> "storyId" is only for retry and skip: stop, pause and resume act on the whole run
Result<SteerCall> parse_steer_body(std::string_view body);

// The child's argv: exe, the action, the story id (retry and skip), then "--by dashboard --json --wait <seconds>".
std::vector<std::string> steer_argv(const std::filesystem::path& exe, const SteerCall& call, int wait_seconds);

// An HTTP answer for the page.
struct SteerReply {
  int status = 500;
  std::string body;  // JSON, with a trailing newline
};

// Maps how the child ended (`result`) and what it printed on stdout (`out`) to the answer. The child's JSON
// object ({action, storyId, state, message}) is passed on as it is, with 200 for the states applied, asked and
// none, and 409 for refused. Otherwise the answer is {"error": ...}: 423 when another simmer command holds the
// project lock (exit 5), else 500: the child could not start ("cannot run the steering command: <why>"), was
// cancelled ("the dashboard is stopping"), ran past its time ("the steering command did not answer within <n>
// s"), or failed another way (its last stderr line without "simmer: error: ", or "the steering command failed
// (exit <n>)" when it printed none).
SteerReply steer_reply(const util::ProcessResult& result, const std::string& out, int timeout_ms);

}  // namespace simmer::web
