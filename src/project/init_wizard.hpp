#pragma once
// The questions of `simmer init`, in order, each with its default preselected (Enter keeps it).

#include "project/init_plan.hpp"
#include "project/prompter.hpp"

#include <optional>
#include <set>
#include <string>

namespace simmer::project {

// Which answers were already given by flags: their questions are skipped.
using AnsweredFlags = std::set<std::string>;  // "project", "app", "workflow", "builder", "verifier",
                                              // "orchestrator", "preset", "gates", "budget-story", "budget-total"

// Asks every question not in `given`, starting from `defaults`. `agents` labels the agent choices with what was
// found on PATH; `reconfigure` adds the "keep current models" preset choice. Nothing when input ended early.
std::optional<InitAnswers> ask_init_questions(Prompter& prompter, const InitAnswers& defaults,
                                              const std::vector<AgentCli>& agents, const AnsweredFlags& given,
                                              bool reconfigure);

// "name=command" -> gate; nothing when there is no '=' or either side is empty.
std::optional<GateProposal> parse_gate_flag(const std::string& text);

// Problems with a set of answers that the schema cannot see (text that is not UTF-8, named with its byte and
// offset, and then nothing else; unknown agent names, a script role without a scenario, `harness` outside the
// orchestrator). Empty: fine.
std::vector<std::string> check_answers(const InitAnswers& answers);

}  // namespace simmer::project
