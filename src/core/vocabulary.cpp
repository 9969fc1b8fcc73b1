// Implementation notes: one table per enum, (value, name) in declaration order; to_string and from_string walk
// it, and the "expected one of" messages of core/events.cpp list it through from_string's names.

#include "core/vocabulary.hpp"

#include "core/contracts.hpp"

#include <array>
#include <utility>

namespace simmer::core {

namespace {

template <class E>
constexpr auto k_names = nullptr;

template <>
constexpr std::array<std::pair<Phase, std::string_view>, 8> k_names<Phase>{{
    {Phase::orchestrate, "orchestrate"},
    {Phase::build, "build"},
    {Phase::gates, "gates"},
    {Phase::verify, "verify"},
    {Phase::fix, "fix"},
    {Phase::record, "record"},
    {Phase::halt, "halt"},
    {Phase::done, "done"},
}};
template <>
constexpr std::array<std::pair<Step, std::string_view>, 7> k_names<Step>{{
    {Step::launch, "launch"},
    {Step::running, "running"},
    {Step::retry_wait, "retry_wait"},
    {Step::validate, "validate"},
    {Step::repair, "repair"},
    {Step::commit, "commit"},
    {Step::fallback, "fallback"},
}};
template <>
constexpr std::array<std::pair<StoryState, std::string_view>, 3> k_names<StoryState>{{
    {StoryState::pending, "pending"},
    {StoryState::passed, "passed"},
    {StoryState::blocked, "blocked"},
}};
template <>
constexpr std::array<std::pair<AgentRole, std::string_view>, 3> k_names<AgentRole>{{
    {AgentRole::orchestrator, "orchestrator"},
    {AgentRole::builder, "builder"},
    {AgentRole::verifier, "verifier"},
}};
template <>
constexpr std::array<std::pair<Handoff, std::string_view>, 3> k_names<Handoff>{{
    {Handoff::task, "task"},
    {Handoff::build, "build"},
    {Handoff::verdict, "verdict"},
}};
template <>
constexpr std::array<std::pair<RunResult, std::string_view>, 5> k_names<RunResult>{{
    {RunResult::passed, "passed"},
    {RunResult::halted, "halted"},
    {RunResult::blocked, "blocked"},
    {RunResult::interrupted, "interrupted"},
    {RunResult::failed, "failed"},
}};
template <>
constexpr std::array<std::pair<PickedBy, std::string_view>, 2> k_names<PickedBy>{{
    {PickedBy::orchestrator, "orchestrator"},
    {PickedBy::harness, "harness"},
}};
template <>
constexpr std::array<std::pair<SessionOutcome, std::string_view>, 7> k_names<SessionOutcome>{{
    {SessionOutcome::success, "success"},
    {SessionOutcome::timeout, "timeout"},
    {SessionOutcome::transient, "transient"},
    {SessionOutcome::usage_limit, "usage_limit"},
    {SessionOutcome::fatal, "fatal"},
    {SessionOutcome::interrupted, "interrupted"},
    {SessionOutcome::cannot_start, "cannot_start"},
}};
template <>
constexpr std::array<std::pair<RetryReason, std::string_view>, 3> k_names<RetryReason>{{
    {RetryReason::transient, "transient"},
    {RetryReason::usage_limit, "usage_limit"},
    {RetryReason::contract, "contract"},
}};
template <>
constexpr std::array<std::pair<CommitKind, std::string_view>, 3> k_names<CommitKind>{{
    {CommitKind::build, "build"},
    {CommitKind::fix, "fix"},
    {CommitKind::record, "record"},
}};
template <>
constexpr std::array<std::pair<HaltReason, std::string_view>, 6> k_names<HaltReason>{{
    {HaltReason::budget_story, "budget_story"},
    {HaltReason::budget_total, "budget_total"},
    {HaltReason::max_iterations, "max_iterations"},
    {HaltReason::checkpoint, "checkpoint"},
    {HaltReason::transient, "transient"},
    {HaltReason::agent_cannot_start, "agent_cannot_start"},
}};
template <>
constexpr std::array<std::pair<TamperChange, std::string_view>, 4> k_names<TamperChange>{{
    {TamperChange::changed, "changed"},
    {TamperChange::removed, "removed"},
    {TamperChange::created, "created"},
    {TamperChange::moved, "moved"},
}};
template <>
constexpr std::array<std::pair<FailureKind, std::string_view>, 6> k_names<FailureKind>{{
    {FailureKind::verdict, "verdict"},
    {FailureKind::gate, "gate"},
    {FailureKind::contract, "contract"},
    {FailureKind::timeout, "timeout"},
    {FailureKind::fatal, "fatal"},
    {FailureKind::merge, "merge"},
}};
template <>
constexpr std::array<std::pair<LaneStatus, std::string_view>, 3> k_names<LaneStatus>{{
    {LaneStatus::running, "running"},
    {LaneStatus::queued, "queued"},
    {LaneStatus::rebased, "rebased"},
}};

template <>
constexpr std::array<std::pair<SteerAction, std::string_view>, 5> k_names<SteerAction>{{
    {SteerAction::stop, "stop"},
    {SteerAction::pause, "pause"},
    {SteerAction::resume, "resume"},
    {SteerAction::retry, "retry"},
    {SteerAction::skip, "skip"},
}};
template <>
constexpr std::array<std::pair<LandMode, std::string_view>, 3> k_names<LandMode>{{
    {LandMode::ff, "ff"},
    {LandMode::merge, "merge"},
    {LandMode::squash, "squash"},
}};
template <>
constexpr std::array<std::pair<VerdictKind, std::string_view>, 3> k_names<VerdictKind>{{
    {VerdictKind::pass, "pass"},
    {VerdictKind::fail_retry, "fail_retry"},
    {VerdictKind::fail_abort, "fail_abort"},
}};

template <class E>
std::string_view name_of(E value) {
  for (const auto& [v, name] : k_names<E>) {
    if (v == value) {
      return name;
    }
  }
  return "?";
}

}  // namespace

std::string_view to_string(Phase value) { return name_of(value); }
std::string_view to_string(Step value) { return name_of(value); }
std::string_view to_string(StoryState value) { return name_of(value); }
std::string_view to_string(AgentRole value) { return name_of(value); }
std::string_view to_string(Handoff value) { return name_of(value); }
std::string_view to_string(RunResult value) { return name_of(value); }
std::string_view to_string(PickedBy value) { return name_of(value); }
std::string_view to_string(SessionOutcome value) { return name_of(value); }
std::string_view to_string(RetryReason value) { return name_of(value); }
std::string_view to_string(CommitKind value) { return name_of(value); }
std::string_view to_string(HaltReason value) { return name_of(value); }
std::string_view to_string(TamperChange value) { return name_of(value); }
std::string_view to_string(FailureKind value) { return name_of(value); }
std::string_view to_string(LaneStatus value) { return name_of(value); }
std::string_view to_string(SteerAction value) { return name_of(value); }
std::string_view to_string(LandMode value) { return name_of(value); }
std::string_view to_string(VerdictKind value) { return name_of(value); }

template <class E>
std::optional<E> from_string(std::string_view name) {
  for (const auto& [value, text] : k_names<E>) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

template <class E>
std::vector<std::string_view> names_of() {
  std::vector<std::string_view> out;
  for (const auto& [value, text] : k_names<E>) {
    out.push_back(text);
  }
  return out;
}

template std::optional<Phase> from_string<Phase>(std::string_view);
template std::optional<Step> from_string<Step>(std::string_view);
template std::optional<StoryState> from_string<StoryState>(std::string_view);
template std::optional<AgentRole> from_string<AgentRole>(std::string_view);
template std::optional<Handoff> from_string<Handoff>(std::string_view);
template std::optional<RunResult> from_string<RunResult>(std::string_view);
template std::optional<PickedBy> from_string<PickedBy>(std::string_view);
template std::optional<SessionOutcome> from_string<SessionOutcome>(std::string_view);
template std::optional<RetryReason> from_string<RetryReason>(std::string_view);
template std::optional<CommitKind> from_string<CommitKind>(std::string_view);
template std::optional<HaltReason> from_string<HaltReason>(std::string_view);
template std::optional<TamperChange> from_string<TamperChange>(std::string_view);
template std::optional<FailureKind> from_string<FailureKind>(std::string_view);
template std::optional<LaneStatus> from_string<LaneStatus>(std::string_view);
template std::optional<SteerAction> from_string<SteerAction>(std::string_view);
template std::optional<LandMode> from_string<LandMode>(std::string_view);
template std::optional<VerdictKind> from_string<VerdictKind>(std::string_view);
template std::vector<std::string_view> names_of<Phase>();
template std::vector<std::string_view> names_of<Step>();
template std::vector<std::string_view> names_of<StoryState>();
template std::vector<std::string_view> names_of<AgentRole>();
template std::vector<std::string_view> names_of<Handoff>();
template std::vector<std::string_view> names_of<RunResult>();
template std::vector<std::string_view> names_of<PickedBy>();
template std::vector<std::string_view> names_of<SessionOutcome>();
template std::vector<std::string_view> names_of<RetryReason>();
template std::vector<std::string_view> names_of<CommitKind>();
template std::vector<std::string_view> names_of<HaltReason>();
template std::vector<std::string_view> names_of<TamperChange>();
template std::vector<std::string_view> names_of<FailureKind>();
template std::vector<std::string_view> names_of<LaneStatus>();
template std::vector<std::string_view> names_of<SteerAction>();
template std::vector<std::string_view> names_of<LandMode>();
template std::vector<std::string_view> names_of<VerdictKind>();

std::optional<AgentRole> role_of(Phase phase) {
  switch (phase) {
    case Phase::orchestrate:
      return AgentRole::orchestrator;
    case Phase::build:
    case Phase::fix:
      return AgentRole::builder;
    case Phase::verify:
      return AgentRole::verifier;
    default:
      return std::nullopt;
  }
}

std::optional<Handoff> handoff_of(Phase phase) {
  switch (phase) {
    case Phase::orchestrate:
      return Handoff::task;
    case Phase::build:
    case Phase::fix:
      return Handoff::build;
    case Phase::verify:
      return Handoff::verdict;
    default:
      return std::nullopt;
  }
}

}  // namespace simmer::core
