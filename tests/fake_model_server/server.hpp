#pragma once
// The fake model server: Anthropic Messages, OpenAI Responses and Gemini generateContent APIs on loopback, all
// answering from one scenario (scenario.hpp), every request logged as one JSON line.

#include "scenario.hpp"

#include <string>

namespace fake {

// Serves `scenario` on 127.0.0.1:`port` (0: a free port), printing the chosen port on stdout as its first line,
// and appending one JSON object per request to `log_path`:
//   {"seq", "api": "anthropic"|"openai"|"gemini"|"other", "method", "path", "main", "conversation", "turn",
//    "status", "body"}
// Returns when SIGTERM or SIGINT arrives. Throws std::runtime_error when it cannot listen.
int serve(Scenario scenario, const std::string& log_path, int port);

}  // namespace fake
