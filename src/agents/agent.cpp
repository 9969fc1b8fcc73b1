#include "agents/agent.hpp"

namespace simmer::agents {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::orchestrator:
      return "orchestrator";
    case Role::builder:
      return "builder";
    case Role::verifier:
      return "verifier";
  }
  return "builder";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::success:
      return "success";
    case Outcome::timeout:
      return "timeout";
    case Outcome::transient:
      return "transient";
    case Outcome::usage_limit:
      return "usage_limit";
    case Outcome::fatal:
      return "fatal";
    case Outcome::interrupted:
      return "interrupted";
    case Outcome::cannot_start:
      return "cannot_start";
  }
  return "fatal";
}

}  // namespace simmer::agents
