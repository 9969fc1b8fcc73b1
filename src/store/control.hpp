#pragma once
// Steering requests (docs/loop.md "Steering a run"): what `simmer stop|pause|resume|retry|skip` asks of a run,
// one small JSON file each in .simmer/control/, named after the asking process and a random nonce
// ("<pid>-<nonce>.json"). The running cook claims a request only when that very process signals it with that
// nonce (sigqueue), and only when the process is none of its own agents or gates: a file alone steers nothing.
//
//   {"schemaVersion": 1, "action": "retry", "storyId": "S-2", "by": "cli", "requestedAtMs": 1765000000000}

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/vocabulary.hpp"
#include "store/project.hpp"
#include "util/error.hpp"

namespace simmer::store {

struct SteerRequest {
  core::SteerAction action = core::SteerAction::stop;
  std::optional<std::string> story_id;  // retry and skip only
  std::string by = "cli";               // "cli" | "dashboard"
  std::int64_t requested_at_ms = 0;
};

// "<pid>-<nonce>.json".
std::string steer_request_name(int pid, std::uint32_t nonce);

// Writes `request` atomically as .simmer/control/<pid>-<nonce>.json (the folder is made when missing) and returns
// its path. Throws simmer::Error(unsafe_storage) when it cannot be written.
std::filesystem::path write_steer_request(const ProjectPaths& paths, const SteerRequest& request, int pid,
                                          std::uint32_t nonce);

// Reads a request file's text. Anything but the form above (not JSON, another schemaVersion, an unknown action or
// `by`, a story id on stop/pause/resume or none on retry/skip) is a Failure(invalid_input) naming `display` and
// the JSON pointer: "<display>#/action: expected one of stop, pause, resume, retry, skip, found \"halt\"".
Result<SteerRequest> parse_steer_request(std::string_view text, const std::string& display);

}  // namespace simmer::store
