// store/control: the steering request file, written and read back; every malformed form named with its pointer.
#include <catch2/catch.hpp>

#include "store/control.hpp"
#include "util/fs.hpp"

#include <filesystem>

#include <unistd.h>

using simmer::core::SteerAction;
using simmer::store::parse_steer_request;
using simmer::store::SteerRequest;

TEST_CASE("store control: a request written is read back the same") {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("simmer-control-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  auto paths = simmer::store::ProjectPaths::at(root);
  SteerRequest in{SteerAction::skip, std::string("US-4"), "dashboard", 1765000000000};
  const fs::path file = simmer::store::write_steer_request(paths, in, 4242, 77);
  CHECK(file == root / ".simmer" / "control" / "4242-77.json");
  auto text = simmer::util::read_file(file);
  REQUIRE(text.ok());
  auto back = parse_steer_request(*text, "r.json");
  REQUIRE(back.ok());
  CHECK(back->action == SteerAction::skip);
  CHECK(back->story_id == std::string("US-4"));
  CHECK(back->by == "dashboard");
  CHECK(back->requested_at_ms == 1765000000000);
  fs::remove_all(root);
}

TEST_CASE("store control: malformed requests are refused with their pointer") {
  auto error = [](const std::string& text) {
    auto r = parse_steer_request(text, "r.json");
    REQUIRE_FALSE(r.ok());
    return r.failure().message;
  };
  CHECK(error("not json") == "r.json#: expected a JSON object (a steering request)");
  CHECK(error(R"({"schemaVersion":2})") == "r.json#/schemaVersion: expected 1");
  CHECK(error(R"({"schemaVersion":1,"action":"halt"})") ==
        "r.json#/action: expected one of stop, pause, resume, retry, skip, found \"halt\"");
  CHECK(error(R"({"schemaVersion":1,"action":"retry","storyId":null})") ==
        "r.json#/storyId: expected the id of the story to retry, found null");
  CHECK(error(R"({"schemaVersion":1,"action":"pause","storyId":"S-1"})") ==
        "r.json#/storyId: expected null (pause names no story), found \"S-1\"");
  CHECK(error(R"({"schemaVersion":1,"action":"stop","storyId":null,"by":"agent"})") ==
        "r.json#/by: expected \"cli\" or \"dashboard\", found \"agent\"");
  CHECK(error(R"({"schemaVersion":1,"action":"stop","storyId":null,"by":"cli","requestedAtMs":"now"})") ==
        "r.json#/requestedAtMs: expected an integer (Unix ms), found \"now\"");
}
