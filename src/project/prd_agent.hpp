#pragma once
// `to-prd --agent`: a free-form document handed to the configured builder agent, which writes a draft prd.json;
// simmer validates the draft (schema + semantic checks) and, while problems remain, asks the same agent session
// to repair them with the exact messages, a bounded number of times.

#include "store/project.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace simmer::project {

// Runs the agent and returns the validated PRD (every story forced to "pending": progress is never taken from an
// agent). The draft lives in .simmer/to-prd.draft.json and is removed afterwards. Failures: no usable config or a
// builder without an agent (exit 2), the agent session failing (exit 1), the draft still invalid after
// `max_repairs` repairs (exit 2, the message lists the remaining problems). Nothing is written to prd.json here.
Result<nlohmann::json> prd_from_agent(const store::ProjectPaths& paths, const std::string& input_display,
                                      const std::string& document, int max_repairs);

// The problems of a draft prd.json text, one line each ("<file>#<pointer>: <why>"): JSON syntax, schema, then
// dependency/id checks. Empty: valid.
std::vector<std::string> draft_problems(const std::string& text, const std::string& display);

}  // namespace simmer::project
