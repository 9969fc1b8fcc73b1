#pragma once
// Reading an agent CLI's error text into an Outcome the loop's retry rules act on. The CLIs report failures as
// free text ("API Error: 529 {...overloaded_error...}", "stream disconnected before completion", "Claude AI usage
// limit reached|1767225600"), so this is pattern matching, kept in one place and tested on the real messages.

#include "agents/agent.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace simmer::agents {

struct Classification {
  Outcome outcome = Outcome::fatal;
  std::optional<std::int64_t> reset_at_ms;  // usage_limit: when it resets (Unix ms), when the text says
};

// Classifies an error message:
// - usage_limit: HTTP 429, "rate limit", "usage limit", "quota", RESOURCE_EXHAUSTED; the reset time is read from
//   "limit reached|<unix seconds>", "resets at <unix seconds|ISO-8601>", "try again in <n>s|ms|seconds|minutes"
//   or "retry after <n>" (relative times are added to `now_ms`);
// - transient: HTTP 5xx, 529/overloaded, connection errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, "fetch failed",
//   "socket hang up", "stream disconnected", "Connection error", "network error");
// - cannot_start: the agent cannot work at all, whatever the prompt: authentication (HTTP 401, "invalid api key",
//   "not logged in", "please run /login", "authentication_error"), invalid flags ("unknown option",
//   "unexpected argument", "unrecognized option"); run_session() adds a CLI that could not be spawned and a `command`
//   agent exiting 126/127;
// - fatal: anything else, including "prompt is too long".
// Empty text is fatal.
Classification classify_error(std::string_view text, std::int64_t now_ms);

// Now, in Unix milliseconds (the one clock call of the agents area, so the rest stays testable).
std::int64_t unix_now_ms();

}  // namespace simmer::agents
