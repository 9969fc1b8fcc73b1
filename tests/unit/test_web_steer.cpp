// web/steer: the dashboard's steering requests checked, the child's argv, and its answer mapped to HTTP.
#include "web/steer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using nlohmann::json;
using simmer::core::SteerAction;
using simmer::util::ProcessResult;
using simmer::web::parse_steer_body;
using simmer::web::steer_argv;
using simmer::web::steer_reply;

namespace {

// The message of a refused body ("" when it was taken).
std::string refusal(std::string_view body) {
  auto call = parse_steer_body(body);
  return call ? std::string() : call.failure().message;
}

ProcessResult exited(int code, std::string err = "") {
  ProcessResult r;
  r.spawned = true;
  r.exit_code = code;
  r.stderr_tail = std::move(err);
  return r;
}

}  // namespace

TEST_CASE("steer: each action is taken, retry and skip with their story", "[web]") {
  auto pause = parse_steer_body(R"({"action":"pause"})");
  REQUIRE(pause);
  CHECK(pause->action == SteerAction::pause);
  CHECK(!pause->story_id);
  auto stop = parse_steer_body(R"({"action":"stop","storyId":null})");
  REQUIRE(stop);
  CHECK(stop->action == SteerAction::stop);
  CHECK(parse_steer_body(R"({"action":"resume"})")->action == SteerAction::resume);
  auto retry = parse_steer_body(R"({"storyId":"US-1_b","action":"retry"})");
  REQUIRE(retry);
  CHECK(retry->action == SteerAction::retry);
  CHECK(retry->story_id == "US-1_b");
  CHECK(parse_steer_body(R"({"action":"skip","storyId":"x"})")->story_id == "x");
}

TEST_CASE("steer: a body that is not a steering request is refused, naming the field", "[web]") {
  const std::string object = R"(steering takes a JSON object: {"action": "pause", "storyId": null})";
  CHECK(refusal("") == object);
  CHECK(refusal("pause") == object);
  CHECK(refusal(R"(["pause"])") == object);
  CHECK(refusal(R"({"action":"pause")") == object);
  const std::string action = R"("action" must be one of stop, pause, resume, retry, skip)";
  CHECK(refusal("{}") == action);
  CHECK(refusal(R"({"action":"Pause"})") == action);
  CHECK(refusal(R"({"action":"unblock","storyId":"US-1"})") == action);
  CHECK(refusal(R"({"action":["pause"]})") == action);
  CHECK(refusal(R"({"action":null})") == action);
  CHECK(refusal(R"({"action":"pause","by":"cli"})") == R"(unknown field "by": steering takes "action" and "storyId")");
  CHECK(refusal(R"({"action":"retry"})") == R"("storyId" is required for retry and skip)");
  CHECK(refusal(R"({"action":"skip","storyId":null})") == R"("storyId" is required for retry and skip)");
  CHECK(refusal(R"({"action":"skip","storyId":7})") == R"("storyId" must be a string)");
  CHECK(refusal(R"({"action":"pause","storyId":"US-1"})") ==
        R"("storyId" is only for retry and skip: stop, pause and resume act on the whole run)");
}

TEST_CASE("steer: a story id must match the PRD's pattern before it reaches argv", "[web]") {
  const std::string not_id = R"("storyId" is not a story id: a letter, then letters, digits, '_' or '-')";
  for (const char* id : {"", "-x", "--by", "--json", "1abc", "_a", "a b", "a;rm -rf /", "a/b", "a\u00e9", "a\\nb",
                         "$(id)", "a.b", "a\\u0000"}) {
    INFO(id);
    CHECK(refusal(json{{"action", "retry"}, {"storyId", id}}.dump()) == not_id);
  }
  for (const char* id : {"a", "Z9", "US-12", "t_1-x"}) {
    INFO(id);
    CHECK(refusal(json{{"action", "skip"}, {"storyId", id}}.dump()).empty());
  }
}

TEST_CASE("steer: argv is the action, the story, then the dashboard's flags", "[web]") {
  using V = std::vector<std::string>;
  CHECK(steer_argv("/bin/simmer", {SteerAction::pause, std::nullopt}, 5) ==
        V{"/bin/simmer", "pause", "--by", "dashboard", "--json", "--wait", "5"});
  CHECK(steer_argv("/bin/simmer", {SteerAction::skip, "US-1"}, 3) ==
        V{"/bin/simmer", "skip", "US-1", "--by", "dashboard", "--json", "--wait", "3"});
}

TEST_CASE("steer: the child's answer becomes the HTTP status", "[web]") {
  const std::string applied = R"({"action":"pause","message":"paused","state":"applied","storyId":null})";
  auto ok = steer_reply(exited(0), applied + "\n", 30000);
  CHECK(ok.status == 200);
  CHECK(ok.body == applied + "\n");
  CHECK(steer_reply(exited(0), R"({"state":"asked","message":"m"})", 30000).status == 200);
  CHECK(steer_reply(exited(0), R"({"state":"none","message":"m"})", 30000).status == 200);
  auto refused = steer_reply(exited(2, "unused\n"), R"({"state":"refused","message":"the run is not paused"})", 30000);
  CHECK(refused.status == 409);
  CHECK(refused.body == "{\"message\":\"the run is not paused\",\"state\":\"refused\"}\n");
  auto locked = steer_reply(
      exited(5, "simmer: error: project is locked (.simmer/lock) by simmer gc (pid 7): try again when it is done\n"),
      "", 30000);
  CHECK(locked.status == 423);
  CHECK(locked.body ==
        "{\"error\":\"project is locked (.simmer/lock) by simmer gc (pid 7): try again when it is done\"}\n");
  auto no_project = steer_reply(exited(2, "simmer: error: no simmer project here (/p): run `simmer init`\n"), "",
                                30000);
  CHECK(no_project.status == 500);
  CHECK(no_project.body == "{\"error\":\"no simmer project here (/p): run `simmer init`\"}\n");
  CHECK(steer_reply(exited(1), "", 30000).body == "{\"error\":\"the steering command failed (exit 1)\"}\n");
  CHECK(steer_reply(exited(0, "\xff\n"), "not json", 30000).body == "{\"error\":\"\xEF\xBF\xBD\"}\n");
  CHECK(steer_reply(exited(0), R"({"state":"exploded"})", 30000).status == 500);
  ProcessResult slow = exited(-1);
  slow.timed_out = true;
  CHECK(steer_reply(slow, "", 30000).body == "{\"error\":\"the steering command did not answer within 30 s\"}\n");
  ProcessResult stopped = exited(-1);
  stopped.cancelled = true;
  CHECK(steer_reply(stopped, "", 30000).body == "{\"error\":\"the dashboard is stopping\"}\n");
  ProcessResult missing;
  missing.spawn_error = "cannot start '/x': No such file or directory";
  CHECK(steer_reply(missing, "", 30000).body ==
        "{\"error\":\"cannot run the steering command: cannot start '/x': No such file or directory\"}\n");
}
