// Implementation notes: the machine folds journal events (docs/events.md) into core::State.
// - Events are folded in their typed form (core/events.hpp): apply(Event) parses the line once (a damaged one is
//   journal_corrupt with its seq and pointer) and visits one apply_event() overload per kind; no field is read
//   by name here.
// - apply() never reads anything but its arguments; next_effect() is a function of the state alone. Both are
//   total: an event the machine does not act on still advances seq, runId and meta.updatedAt.
// - Counters that must survive restarts (spend, per-story attempts and cost, iterations, retry counters, the
//   pending retry time) change only here, so `replay` reproduces them byte for byte.
// - Decisions that need no I/O (select a story as the harness, halt on a budget, block a story, finish the run)
//   come back as `emit` effects, built as typed events: the executor journals them as they are and folds them in
//   like any other event.

#include "core/machine.hpp"

#include "core/lanes.hpp"
#include "core/select.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace simmer::core {

using nlohmann::json;

namespace {

namespace ev = events;

[[noreturn]] void corrupt(std::int64_t seq, const std::string& why) {
  throw Error(ExitCode::journal_corrupt,
              fmt::format("cannot apply the journal (.simmer/events.jsonl seq {}): {}", seq, why));
}

constexpr double k_max_spend_usd = 1e300;

bool is_agent_phase(Phase phase) { return role_of(phase).has_value(); }

// This run is one lane's (limits.lane): RECORD belongs to the coordinator.
bool lane_run(const State& s) { return s.limits.lane.value_or(false); }

// The event belongs to the story and attempt the cursor is on (orchestrator events have no story).
bool on_cursor(const State& s, const std::optional<std::string>& story, std::int64_t attempt) {
  return story == s.story_id && attempt == s.attempt;
}

void reset_phase_counters(State& s) {
  s.step = Step::launch;
  s.phase_seq = 0;
  s.repairs = 0;
  s.transient_retries = 0;
  s.usage_waits = 0;
  s.handoff_errors.clear();
  s.not_before_ms.reset();
  s.retry_reason.reset();
  s.reset_at_ms.reset();
}

void clear_story(State& s) {
  s.story_id.reset();
  s.attempt = 0;
  reset_phase_counters(s);
  s.gate_index = 0;
  s.sessions.clear();
  s.last_failure.reset();
  s.commit.reset();
  s.record.reset();
  s.guidance.clear();
  s.story_commits.clear();
}

std::string story_title(const State& s) {
  if (!s.story_id) {
    return {};
  }
  auto it = s.stories.find(*s.story_id);
  return it == s.stories.end() ? std::string() : it->second.title;
}

void to_record(State& s, const TypedEvent& e, StoryState result, std::string reason, std::string summary) {
  s.phase = Phase::record;
  reset_phase_counters(s);
  // A lane's run writes no record: the story is recorded on the integration branch once it is merged.
  s.record = RecordPlan{result, std::move(reason), std::move(summary), lane_run(s)};
  s.commit.reset();
  if (!lane_run(s)) {
    s.commit = CommitPlan{CommitKind::record,
                          fmt::format("{}: {} (record {})", s.story_id.value_or(""), story_title(s), to_string(result)),
                          e.run_id, e.seq};
  }
}

// The current attempt failed: FIX when attempts remain, else the story is blocked.
void fail_attempt(State& s, const TypedEvent& e, FailureNote note) {
  if (s.attempt < s.limits.fix) {
    s.phase = Phase::fix;
    s.attempt += 1;
    reset_phase_counters(s);
    s.gate_index = 0;
    s.commit.reset();
    if (s.story_id) {
      s.stories[*s.story_id].attempts += 1;
    }
    s.last_failure = std::move(note);
    return;
  }
  std::string reason = fmt::format("gave up after {} attempt{}: {}", s.attempt + 1, s.attempt == 0 ? "" : "s",
                                   note.summary);
  std::string summary = note.summary;
  s.last_failure = std::move(note);
  to_record(s, e, StoryState::blocked, std::move(reason), std::move(summary));
}

void halt(State& s, HaltReason reason, std::string detail) {
  s.halt = HaltInfo{reason, std::move(detail), s.phase};
  s.phase = Phase::halt;
}

void apply_event(State& s, const TypedEvent& at, const ev::RunStarted& e) {
  s.running = true;
  s.paused = false;  // a cook started by hand means go
  s.result.reset();
  s.exit_code.reset();
  s.run_started_at = at.ts;
  s.pid = e.pid;
  s.iterations_run = 0;
  s.isolated.reset();
  if (e.started_from && e.head) {
    s.isolated = IsolatedInfo{e.head->branch, e.started_from->branch, e.started_from->sha};
  }
  if (e.limits) {
    s.limits = *e.limits;
  }
  if (e.stories) {
    std::map<std::string, StoryView> stories;
    std::vector<std::string> order;
    for (const auto& item : *e.stories) {
      StoryView v;
      if (auto old = s.stories.find(item.id); old != s.stories.end()) {
        v.attempts = old->second.attempts;
        v.cost_usd = old->second.cost_usd;
      }
      v.title = item.title;
      v.priority = item.priority;
      v.dependencies = item.dependencies;
      v.epic = item.epic;
      v.status = item.status;
      v.reason = item.reason;
      v.touches = item.touches;
      order.push_back(item.id);
      stories[item.id] = std::move(v);
    }
    s.stories = std::move(stories);
    s.order = std::move(order);
  }
  // A story the PRD no longer has cannot be continued: start over at ORCHESTRATE.
  if (s.story_id && s.stories.count(*s.story_id) == 0) {
    clear_story(s);
    s.phase = Phase::orchestrate;
  }
  if (s.phase == Phase::halt) {
    s.phase = s.halt ? s.halt->resume_phase : Phase::orchestrate;
    s.halt.reset();
  }
  if (s.phase == Phase::done) {
    s.phase = Phase::orchestrate;
  }
  if (s.phase == Phase::gates && s.gate_index >= static_cast<int>(s.limits.gates.size())) {
    s.phase = Phase::verify;
    reset_phase_counters(s);
  }
  // The session that was running when the last run died is gone: launch it again.
  if (s.step == Step::running) {
    s.step = Step::launch;
  }
}

void apply_event(State& s, const TypedEvent&, const ev::RunFinished& e) {
  s.running = false;
  s.result = e.result;
  s.exit_code = static_cast<int>(e.exit_code);
}

void apply_event(State& s, const TypedEvent& at, const ev::PhaseStarted& e) {
  if (e.phase == Phase::done) {
    clear_story(s);
    s.phase = Phase::done;
  } else if (e.phase == s.phase && is_agent_phase(s.phase) && on_cursor(s, e.story_id, e.attempt)) {
    s.step = Step::running;
    s.phase_seq = at.seq;
    s.not_before_ms.reset();
  }
}

void apply_event(State& s, const TypedEvent& at, const ev::StorySelected& e) {
  if (s.stories.count(e.story_id) == 0) {
    corrupt(at.seq, fmt::format("story_selected names \"{}\", which the PRD snapshot does not have", e.story_id));
  }
  auto pending = std::move(s.feedback_pending);
  clear_story(s);
  s.feedback_pending.clear();
  s.guidance = std::move(pending);
  s.story_id = e.story_id;
  s.phase = Phase::build;
  s.iterations_total += 1;
  s.iterations_run += 1;
  s.stories[e.story_id].attempts += 1;
}

void apply_event(State& s, const TypedEvent&, const ev::FeedbackClaimed& e) {
  for (const auto& note : e.files) {
    s.feedback_pending.push_back(note);
    s.feedback_claimed += 1;
  }
}

// Spend saturates here: two sessions of 1e308 would sum to an infinity, which state.json can only write as null.
double add_spend(double total, double cost) { return std::min(total + cost, k_max_spend_usd); }

void apply_event(State& s, const TypedEvent& at, const ev::Session& e) {
  s.spend_total_usd = add_spend(s.spend_total_usd, e.cost_usd);
  if (e.story_id) {
    if (auto it = s.stories.find(*e.story_id); it != s.stories.end()) {
      it->second.cost_usd = add_spend(it->second.cost_usd, e.cost_usd);
    }
  }
  const std::string role(to_string(e.role));
  if (role_of(s.phase) != e.role || !on_cursor(s, e.story_id, e.attempt)) {
    return;
  }
  if (!e.session_id.empty()) {
    s.sessions[role] = e.session_id;
  }
  const std::string& error = e.error;
  switch (e.outcome) {
    case SessionOutcome::success:
      s.step = Step::validate;
      return;
    case SessionOutcome::transient:
      s.transient_retries += 1;
      if (s.transient_retries > s.limits.transient) {
        std::string detail = fmt::format("the {} failed {} times in a row: {}", role, s.transient_retries, error);
        reset_phase_counters(s);
        halt(s, HaltReason::transient, detail);
      } else {
        s.step = Step::retry_wait;
        s.retry_reason = RetryReason::transient;
        s.not_before_ms.reset();
      }
      return;
    case SessionOutcome::usage_limit:
      s.usage_waits += 1;
      s.step = Step::retry_wait;
      s.retry_reason = RetryReason::usage_limit;
      s.not_before_ms.reset();
      s.reset_at_ms = e.reset_at_ms;
      return;
    case SessionOutcome::interrupted:
      s.step = Step::launch;
      return;
    case SessionOutcome::cannot_start: {
      // The agent cannot work at all (missing binary, bad flags, not logged in): every attempt of every story
      // would fail the same way, so the run stops here, with nothing blocked and no attempt spent, and resumes
      // this very session once the user has fixed it.
      std::string detail = fmt::format(
          "the {} ({}) cannot start: {}; fix simmer.json#/agents/{} or the agent's installation or login "
          "(`simmer doctor --probe` tries it), then run `simmer cook` to resume",
          role, e.agent, error.empty() ? "no reason given" : error, role);
      reset_phase_counters(s);
      halt(s, HaltReason::agent_cannot_start, detail);
      return;
    }
    case SessionOutcome::timeout:
    case SessionOutcome::fatal:
      break;
  }
  // timeout or fatal: retrying the same session will not help.
  const FailureKind kind = e.outcome == SessionOutcome::timeout ? FailureKind::timeout : FailureKind::fatal;
  std::string summary = fmt::format("{} {}{}", role, e.outcome == SessionOutcome::timeout ? "timed out" : "failed",
                                    error.empty() ? "" : ": " + error);
  if (s.phase == Phase::orchestrate) {
    s.step = Step::fallback;
    s.last_failure = FailureNote{kind, summary, "", "", json::array()};
  } else if (s.phase == Phase::verify) {
    to_record(s, at, StoryState::blocked, summary, summary);
  } else {
    fail_attempt(s, at, FailureNote{kind, summary, "", error, json::array()});
  }
}

void apply_event(State& s, const TypedEvent&, const ev::RetryScheduled& e) {
  if (s.step == Step::retry_wait) {
    s.not_before_ms = e.not_before_ms;
  }
}

void apply_event(State& s, const TypedEvent& at, const ev::HandoffInvalid& e) {
  if (role_of(s.phase) != e.role) {
    return;
  }
  if (e.repair <= e.max_repairs) {
    s.step = Step::repair;
    s.repairs = static_cast<int>(e.repair);
    s.handoff_errors = e.errors;
    return;
  }
  std::string summary = fmt::format("contract_violation: {} still invalid after {} repair{}", e.file, e.max_repairs,
                                    e.max_repairs == 1 ? "" : "s");
  std::string detail;
  for (const auto& err : e.errors) {
    detail += err + "\n";
  }
  if (s.phase == Phase::orchestrate) {
    s.step = Step::fallback;
    s.last_failure = FailureNote{FailureKind::contract, summary, "", detail, json::array()};
  } else if (s.phase == Phase::verify) {
    to_record(s, at, StoryState::blocked, summary, summary);
  } else {
    fail_attempt(s, at, FailureNote{FailureKind::contract, summary, "", detail, json::array()});
  }
}

void apply_event(State& s, const TypedEvent& at, const ev::HandoffAccepted& e) {
  if ((s.phase == Phase::build || s.phase == Phase::fix) && on_cursor(s, e.story_id, e.attempt)) {
    s.step = Step::commit;
    s.handoff_errors.clear();
    CommitKind kind = s.phase == Phase::build ? CommitKind::build : CommitKind::fix;
    std::string what = s.phase == Phase::build ? "build" : fmt::format("fix {}", s.attempt);
    s.commit = CommitPlan{kind, fmt::format("{}: {} ({})", s.story_id.value_or(""), story_title(s), what), at.run_id,
                          at.seq};
  }
}

void apply_event(State& s, const TypedEvent&, const ev::Commit& e) {
  if (e.sha && s.story_id == e.story_id) {
    s.story_commits.push_back(*e.sha);
  }
  if (e.kind == CommitKind::record) {
    if (s.phase == Phase::record && s.record) {
      s.record->committed = true;
      s.commit.reset();
    }
  } else if ((s.phase == Phase::build || s.phase == Phase::fix) && s.step == Step::commit &&
             on_cursor(s, e.story_id, e.attempt)) {
    s.commit.reset();
    s.gate_index = 0;
    s.phase = s.limits.gates.empty() ? Phase::verify : Phase::gates;
    reset_phase_counters(s);
  }
}

// What FIX is told about a failed gate: its name, how it failed, the end of its output.
FailureNote gate_failure(const ev::Gate& e) {
  std::string summary = e.timed_out ? fmt::format("gate \"{}\" timed out", e.name)
                                    : fmt::format("gate \"{}\" failed (exit {})", e.name, e.exit_code);
  return FailureNote{FailureKind::gate, summary, e.name, e.output_tail, json::array()};
}

void apply_event(State& s, const TypedEvent& at, const ev::Gate& e) {
  // A commit hook that refused the BUILD or FIX commit is journaled as a failed gate with "hook": true: the
  // attempt fails and FIX gets the hook's output, exactly as for a configured gate.
  if (e.hook.value_or(false)) {
    if ((s.phase == Phase::build || s.phase == Phase::fix) && s.step == Step::commit &&
        on_cursor(s, e.story_id, e.attempt) && !e.passed) {
      fail_attempt(s, at, gate_failure(e));
    }
    return;
  }
  if (s.phase != Phase::gates || !on_cursor(s, e.story_id, e.attempt)) {
    return;
  }
  if (e.passed) {
    s.gate_index += 1;
    if (s.gate_index >= static_cast<int>(s.limits.gates.size())) {
      s.phase = Phase::verify;
      reset_phase_counters(s);
    }
    return;
  }
  fail_attempt(s, at, gate_failure(e));
}

void apply_event(State& s, const TypedEvent& at, const ev::Verdict& e) {
  if (s.phase != Phase::verify || !on_cursor(s, e.story_id, e.attempt)) {
    return;
  }
  switch (e.verdict) {
    case VerdictKind::pass:
      to_record(s, at, StoryState::passed, "", e.summary);
      return;
    case VerdictKind::fail_abort:
      to_record(s, at, StoryState::blocked, "fail_abort: " + e.summary, e.summary);
      return;
    case VerdictKind::fail_retry:
      fail_attempt(s, at,
                   FailureNote{FailureKind::verdict, "verifier: " + e.summary, "", "", criteria_to_json(e.criteria)});
      return;
  }
}

// The merge queue's cursor takes story `id` to RECORD (a coordinator): merged, or blocked in its lane.
void record_lane(State& s, const TypedEvent& at, const std::string& id) {
  const LaneState& lane = s.lanes.at(id);
  clear_story(s);
  s.story_id = id;
  s.story_commits = lane.commits;
  s.merge_queue.erase(std::remove(s.merge_queue.begin(), s.merge_queue.end(), id), s.merge_queue.end());
  to_record(s, at, lane.result, lane.result == StoryState::blocked ? lane.reason : "", lane.summary);
}

// A coordinator whose cursor is free takes the merge queue's head when its lane was blocked: there is nothing to
// merge, only the record to write.
void take_blocked_head(State& s, const TypedEvent& at) {
  if (s.phase != Phase::orchestrate) {
    return;
  }
  const std::optional<std::string> id = merge_pick(s);
  if (id && s.lanes.at(*id).result == StoryState::blocked) {
    record_lane(s, at, *id);
  }
}

void story_outcome(State& s, const TypedEvent& at, const std::string& id, StoryState status,
                   const std::string& reason) {
  if (auto it = s.stories.find(id); it != s.stories.end()) {
    it->second.status = status;
    it->second.reason = reason;
  }
  s.lanes.erase(id);
  s.merge_queue.erase(std::remove(s.merge_queue.begin(), s.merge_queue.end(), id), s.merge_queue.end());
  if (s.story_id == id) {
    clear_story(s);
    s.phase = Phase::orchestrate;
    take_blocked_head(s, at);
  }
}

void apply_event(State& s, const TypedEvent& at, const ev::StoryPassed& e) {
  story_outcome(s, at, e.story_id, StoryState::passed, "");
}

void apply_event(State& s, const TypedEvent& at, const ev::StoryBlocked& e) {
  story_outcome(s, at, e.story_id, StoryState::blocked, e.reason);
}

void apply_event(State& s, const TypedEvent&, const ev::Halted& e) {
  if (e.reason == HaltReason::checkpoint) {
    s.checkpoints.push_back(e.epic.value_or(e.detail));
  }
  halt(s, e.reason, e.detail);
}

void apply_event(State& s, const TypedEvent& at, const ev::TamperDetected& e) {
  // Most tampering is undone and the story goes on; one that erased the run's record stops the story.
  if (e.stops_story.value_or(false) && s.story_id && s.phase != Phase::record && s.phase != Phase::orchestrate &&
      s.phase != Phase::halt && s.phase != Phase::done) {
    std::string reason = fmt::format("tampered: the {} changed {}", e.role.value_or("agent"), e.file);
    to_record(s, at, StoryState::blocked, reason, reason);
  }
}

// --- lanes ---------------------------------------------------------------------------------------------------

// The lane in flight that an event names, when it is in `status`; nullptr otherwise (an event the state has
// moved past, which only advances seq).
LaneState* lane_in(State& s, const std::string& id, LaneStatus status) {
  auto it = s.lanes.find(id);
  return it != s.lanes.end() && it->second.status == status ? &it->second : nullptr;
}

void apply_event(State& s, const TypedEvent& at, const ev::LaneStarted& e) {
  auto story = s.stories.find(e.story_id);
  if (story == s.stories.end()) {
    corrupt(at.seq, fmt::format("lane_started names \"{}\", which the PRD snapshot does not have", e.story_id));
  }
  if (s.lanes.count(e.story_id) != 0) {
    return;
  }
  LaneState lane;
  lane.branch = e.branch;
  lane.worktree = e.worktree;
  lane.base = e.base;
  lane.head = e.base;
  lane.started_at = at.ts;
  // Notes claimed since the last lane started are this story's, as they would be the next pick's in one lane.
  lane.guidance = std::move(s.feedback_pending);
  s.feedback_pending.clear();
  s.lanes[e.story_id] = std::move(lane);
  s.iterations_total += 1;
  s.iterations_run += 1;
}

void apply_event(State& s, const TypedEvent& at, const ev::LaneFinished& e) {
  LaneState* lane = lane_in(s, e.story_id, LaneStatus::running);
  if (!lane) {
    return;
  }
  if (auto it = s.stories.find(e.story_id); it != s.stories.end()) {
    // The lane's figures are its run's, cumulative: the story's are replaced, the total moves by the difference.
    s.spend_total_usd = add_spend(std::max(0.0, s.spend_total_usd - it->second.cost_usd), e.cost_usd);
    it->second.cost_usd = e.cost_usd;
    it->second.attempts = e.attempts;
  }
  lane->head = e.head;
  lane->summary = e.summary;
  lane->reason = e.reason;
  lane->failure.reset();
  if (e.result == RunResult::halted) {
    halt(s, e.halt.value_or(HaltReason::transient), fmt::format("lane {}: {}", e.story_id, e.reason));
    return;
  }
  lane->status = LaneStatus::queued;
  lane->result = e.result == RunResult::passed ? StoryState::passed : StoryState::blocked;
  s.merge_queue.push_back(e.story_id);
  take_blocked_head(s, at);
}

// What the lane's diff touched widens its write set: the union, sorted. A blocked entry the wider set lets the
// queue take is taken.
void apply_event(State& s, const TypedEvent& at, const ev::LaneTouched& e) {
  auto it = s.lanes.find(e.story_id);
  if (it == s.lanes.end()) {
    return;
  }
  std::vector<std::string>& touched = it->second.touched;
  touched.insert(touched.end(), e.paths.begin(), e.paths.end());
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  take_blocked_head(s, at);
}

// The merge queue sends its head back to FIX in its lane with `note` (the lane's run bounds the attempts).
void back_to_lane(State& s, const TypedEvent& at, const std::string& id, FailureNote note) {
  LaneState& lane = s.lanes.at(id);
  lane.status = LaneStatus::running;
  lane.gate_index = 0;
  lane.commits.clear();
  lane.failure = std::move(note);
  lane.failure_key = at.seq;
  s.merge_queue.erase(std::remove(s.merge_queue.begin(), s.merge_queue.end(), id), s.merge_queue.end());
}

void apply_event(State& s, const TypedEvent&, const ev::MergeRebased& e) {
  if (LaneState* lane = lane_in(s, e.story_id, LaneStatus::queued)) {
    lane->status = LaneStatus::rebased;
    lane->base = e.onto;  // rebased (or merged) onto the tip: that is its base now, and the fast-forward's start
    lane->head = e.head;
    lane->commits = e.commits;
    lane->gate_index = 0;
  }
}

void apply_event(State& s, const TypedEvent& at, const ev::MergeConflicted& e) {
  if (!lane_in(s, e.story_id, LaneStatus::queued)) {
    return;
  }
  std::string files;
  for (const auto& f : e.files) {
    files += (files.empty() ? "" : ", ") + f;
  }
  std::string summary = fmt::format("merge conflict with the integration branch ({}) in {} file{}: {}",
                                    e.onto.substr(0, 12), e.files.size(), e.files.size() == 1 ? "" : "s", files);
  back_to_lane(s, at, e.story_id, FailureNote{FailureKind::merge, summary, "", e.hunks, json::array()});
}

void apply_event(State& s, const TypedEvent& at, const ev::MergeGate& e) {
  LaneState* lane = lane_in(s, e.story_id, LaneStatus::rebased);
  if (!lane) {
    return;
  }
  if (e.passed) {
    lane->gate_index += 1;
    return;
  }
  std::string summary = e.timed_out
                            ? fmt::format("gate \"{}\" timed out on the merged tree", e.name)
                            : fmt::format("gate \"{}\" failed on the merged tree (exit {})", e.name, e.exit_code);
  back_to_lane(s, at, e.story_id, FailureNote{FailureKind::gate, summary, e.name, e.output_tail, json::array()});
}

void apply_event(State& s, const TypedEvent& at, const ev::Merged& e) {
  if (LaneState* lane = lane_in(s, e.story_id, LaneStatus::rebased)) {
    lane->head = e.sha;
    record_lane(s, at, e.story_id);
  }
}

// A lane's run: the merge queue sent its passed story back. FIX, when attempts remain; else it is blocked.
void apply_event(State& s, const TypedEvent& at, const ev::MergeFailed& e) {
  if (!lane_run(s) || e.key <= s.merge_key || s.phase != Phase::record || !s.record ||
      s.record->result != StoryState::passed || s.story_id != e.story_id) {
    return;
  }
  s.merge_key = e.key;
  s.record.reset();
  fail_attempt(s, at, FailureNote{e.kind, e.summary, e.name, e.output, json::array()});
}

// A steering request, applied unless it was refused. prd.json already says what retry and skip changed (the shell
// writes it first), so the next run_started agrees.
void apply_event(State& s, const TypedEvent&, const ev::Steered& e) {
  if (e.refused) {
    return;
  }
  switch (e.action) {
    case SteerAction::pause:
      s.paused = true;
      return;
    case SteerAction::resume:
      s.paused = false;
      return;
    case SteerAction::stop:
      return;  // the interruption follows
    case SteerAction::retry:
    case SteerAction::skip:
      break;
  }
  auto it = e.story_id ? s.stories.find(*e.story_id) : s.stories.end();
  if (it == s.stories.end()) {
    return;
  }
  if (e.action == SteerAction::retry) {
    it->second.status = StoryState::pending;
    it->second.reason.clear();
    return;
  }
  if (s.story_id == e.story_id) {
    // The story the killed or stopped run was on: set aside where it stood (its commits stay on the branch).
    clear_story(s);
    s.phase = Phase::orchestrate;
  }
  it->second.status = StoryState::blocked;
  it->second.reason = skip_reason(e.by);
}

// phase_finished, session_launched, agents_stopped, warning, interrupted: facts for people and `stats`; no
// decision hangs on them.
void apply_event(State&, const TypedEvent&, const ev::PhaseFinished&) {}
void apply_event(State&, const TypedEvent&, const ev::SessionLaunched&) {}
void apply_event(State&, const TypedEvent&, const ev::AgentsStopped&) {}
void apply_event(State&, const TypedEvent&, const ev::Interrupted&) {}
void apply_event(State&, const TypedEvent&, const ev::Warning&) {}
void apply_event(State&, const TypedEvent&, const ev::LaneBootstrapped&) {}  // a record: its lane_started follows

// `simmer land` brought an isolated run onto its branch: the state no longer names it as one to land.
void apply_event(State& s, const TypedEvent&, const ev::Landed& e) {
  if (s.isolated && s.isolated->branch == e.branch) {
    s.isolated.reset();
  }
}

// The epic whose checkpoint is due: every story of it is settled, simmer worked on at least one of them, and its
// checkpoint was not taken yet. "" when none.
std::string due_checkpoint(const State& s) {
  if (s.limits.workflow != "epic-checkpoint") {
    return {};
  }
  for (const auto& id : s.order) {
    const auto& epic = s.stories.at(id).epic;
    if (epic.empty() || std::find(s.checkpoints.begin(), s.checkpoints.end(), epic) != s.checkpoints.end()) {
      continue;
    }
    bool settled = true;
    bool worked = false;
    for (const auto& [other_id, other] : s.stories) {
      if (other.epic == epic) {
        settled = settled && other.status != StoryState::pending;
        worked = worked || other.attempts > 0;
      }
    }
    if (settled && worked) {
      return epic;
    }
  }
  return {};
}

// A decision of the machine: the executor journals `event` as it is.
Effect emit(EventData event) { return effects::Emit{std::move(event)}; }

// The run's total budget is spent: the halt that says so.
std::optional<Effect> total_budget_halt(const State& s) {
  if (s.limits.budget_total > 0 && s.spend_total_usd >= s.limits.budget_total) {
    return emit(ev::Halted{.reason = HaltReason::budget_total,
                           .detail = fmt::format("spent ${:.4f} of the total budget ${:.4f}", s.spend_total_usd,
                                                 s.limits.budget_total)});
  }
  return std::nullopt;
}

// This run made its maxIterations story selections (a coordinator: lane starts): the halt that says so.
std::optional<Effect> iterations_halt(const State& s) {
  if (s.limits.max_iterations > 0 && s.iterations_run >= s.limits.max_iterations) {
    return emit(ev::Halted{.reason = HaltReason::max_iterations,
                           .detail = fmt::format("{} stor{} this run (maxIterations)", s.iterations_run,
                                                 s.iterations_run == 1 ? "y" : "ies")});
  }
  return std::nullopt;
}

std::optional<Effect> budget_halt(const State& s) {
  if (auto h = total_budget_halt(s)) {
    return h;
  }
  if (s.limits.budget_per_story > 0 && s.story_id) {
    double spent = s.stories.at(*s.story_id).cost_usd;
    if (spent >= s.limits.budget_per_story) {
      return emit(ev::Halted{.reason = HaltReason::budget_story,
                             .detail = fmt::format("story {} spent ${:.4f} of its budget ${:.4f}", *s.story_id, spent,
                                                   s.limits.budget_per_story)});
    }
  }
  return std::nullopt;
}

Effect agent_effect(const State& s) {
  const AgentRole role = *role_of(s.phase);
  const Handoff handoff = *handoff_of(s.phase);
  auto session = [&]() -> std::optional<std::string> {
    if (auto it = s.sessions.find(std::string(to_string(role))); it != s.sessions.end()) {
      return it->second;
    }
    return std::nullopt;
  };
  effects::RunAgent e{.role = role, .handoff = handoff};
  switch (s.step) {
    case Step::validate:
      return effects::ValidateHandoff{.role = role, .handoff = handoff};
    case Step::retry_wait:
      if (!s.not_before_ms) {
        effects::ScheduleRetry r{.reason = s.retry_reason.value_or(RetryReason::transient)};
        r.retry = r.reason == RetryReason::usage_limit ? s.usage_waits : s.transient_retries;
        r.delay_ms = transient_delay_ms(r.retry);
        r.reset_at_ms = s.reset_at_ms;
        return r;
      }
      e.not_before_ms = s.not_before_ms;
      break;
    default:
      break;
  }
  if (!s.handoff_errors.empty()) {
    // A repair resumes the session that wrote the invalid hand-off.
    e.repair_errors = s.handoff_errors;
    e.resume_session = session();
  } else if (s.phase == Phase::fix || s.step == Step::retry_wait) {
    // FIX resumes the builder's session; a retried session continues where it was, when it got an id.
    e.resume_session = session();
  }
  if (s.step == Step::retry_wait && s.retry_reason == RetryReason::transient && s.phase != Phase::fix &&
      s.handoff_errors.empty()) {
    // A session that failed transiently may not have started at all: a fresh launch is the safe retry.
    e.resume_session.reset();
  }
  return e;
}

}  // namespace

std::int64_t transient_delay_ms(int retry) {
  std::int64_t delay = 1000;
  for (int i = 1; i < retry && delay < 30000; ++i) {
    delay *= 2;
  }
  return std::min<std::int64_t>(delay, 30000);
}

State apply(State s, const TypedEvent& e) {
  if (e.seq != s.seq + 1) {
    corrupt(e.seq, fmt::format("seq {} follows seq {}", e.seq, s.seq));
  }
  s.seq = e.seq;
  s.run_id = e.run_id;
  s.updated_at = e.ts;
  std::visit([&](const auto& data) { apply_event(s, e, data); }, e.data);
  return s;
}

TypedEvent parse_next(const State& s, const Event& e) {
  if (e.seq != s.seq + 1) {
    corrupt(e.seq, fmt::format("seq {} follows seq {}", e.seq, s.seq));
  }
  return parse_event(e);
}

State apply(State s, const Event& e) {
  TypedEvent typed = parse_next(s, e);
  return apply(std::move(s), typed);
}

namespace {

// next_effect() of a run of one lane, and a coordinator's halt, finish and RECORD.
Effect next_effect_single(const State& s) {
  if (!s.running) {
    return effects::Idle{};
  }
  switch (s.phase) {
    case Phase::halt: {
      return emit(ev::RunFinished{.result = RunResult::halted, .exit_code = to_int(ExitCode::halted)});
    }
    case Phase::done: {
      ExitCode code = final_exit_code(s);
      return emit(ev::RunFinished{.result = code == ExitCode::ok ? RunResult::passed : RunResult::blocked,
                                  .exit_code = to_int(code)});
    }
    case Phase::orchestrate: {
      if (auto epic = due_checkpoint(s); !epic.empty()) {
        return emit(ev::Halted{.reason = HaltReason::checkpoint,
                               .detail = fmt::format("epic {} is complete: review, then run cook again", epic),
                               .epic = epic});
      }
      auto pick = harness_pick(s);
      if (!pick) {
        return emit(ev::PhaseStarted{.phase = Phase::done, .story_id = std::nullopt, .attempt = 0});
      }
      if (s.paused) {
        return effects::Paused{};
      }
      if (auto h = budget_halt(s)) {
        return *h;
      }
      if (auto h = iterations_halt(s)) {
        return *h;
      }
      if (s.limits.harness_orchestrator) {
        return emit(ev::StorySelected{.story_id = *pick, .by = PickedBy::harness});
      }
      if (s.step == Step::fallback) {
        std::string why = s.last_failure ? s.last_failure->summary : std::string("the orchestrator failed");
        return emit(ev::StorySelected{.story_id = *pick,
                                      .by = PickedBy::harness,
                                      .warning = fmt::format("{}; the harness picked", why)});
      }
      return agent_effect(s);
    }
    case Phase::build:
    case Phase::fix:
    case Phase::verify: {
      if (s.step == Step::commit && s.phase != Phase::verify && s.commit) {
        return effects::Commit{*s.commit};
      }
      if (s.step != Step::validate) {
        if (auto h = budget_halt(s)) {
          return *h;
        }
      }
      return agent_effect(s);
    }
    case Phase::gates: {
      return effects::RunGate{.index = s.gate_index,
                              .name = s.gate_index < static_cast<int>(s.limits.gates.size())
                                          ? s.limits.gates[s.gate_index]
                                          : ""};
    }
    case Phase::record: {
      if (s.record && !s.record->committed && s.commit) {
        return effects::Record{*s.commit};
      }
      if (lane_run(s)) {
        // The lane's part is done: the coordinator merges (or records) the story and may send it back.
        const bool passed = s.record && s.record->result == StoryState::passed;
        ExitCode code = passed ? ExitCode::ok : ExitCode::blocked;
        return emit(
            ev::RunFinished{.result = passed ? RunResult::passed : RunResult::blocked, .exit_code = to_int(code)});
      }
      if (s.record && s.record->result == StoryState::passed) {
        // A coordinator's cursor is on RECORD only: the attempts are the lane's.
        return emit(ev::StoryPassed{.story_id = s.story_id.value_or(""),
                                    .attempts = coordinating(s) && s.story_id ? s.stories.at(*s.story_id).attempts
                                                                              : s.attempt + 1,
                                    .cost_usd = s.story_id ? s.stories.at(*s.story_id).cost_usd : 0.0});
      }
      return emit(ev::StoryBlocked{.story_id = s.story_id.value_or(""),
                                   .reason = s.record ? s.record->reason : std::string("blocked")});
    }
  }
  return effects::Idle{};
}

}  // namespace

Effect next_effect(const State& s) { return coordinating(s) ? next_effects(s).front() : next_effect_single(s); }

bool coordinating(const State& s) { return s.limits.parallel && s.limits.parallel->lanes > 1; }

namespace {

UntouchedStories untouched_rule(const Parallel& p) {
  return p.untouched == "beside" ? UntouchedStories::run_beside : UntouchedStories::run_alone;
}

// A lane in flight as the scheduler sees it. The coordinator does not see its lane's inner steps, so a running
// lane counts as holding a live session of the builder's agent (whose sessions are capped) all along; the lane's
// own run keeps the exact cap on every session (run/session_slots.hpp).
RunningLane running_lane(const State& s, const std::string& id, const LaneState& lane) {
  auto it = s.stories.find(id);
  const Parallel& p = *s.limits.parallel;
  return RunningLane{id, it == s.stories.end() ? std::nullopt : it->second.touches, lane.touched,
                     lane.status == LaneStatus::running && p.sessions > 0 ? p.agent : ""};
}

// The scheduler's view of a coordinator's state (core/lanes.hpp).
LaneInput lane_input(const State& s) {
  LaneInput in;
  for (const auto& id : s.order) {
    const StoryView& v = s.stories.at(id);
    in.stories.push_back(LaneStory{id,
                                   v.status == StoryState::pending  ? StoryStatus::pending
                                   : v.status == StoryState::passed ? StoryStatus::passed
                                                                    : StoryStatus::blocked,
                                   v.priority, v.dependencies, v.touches,
                                   s.limits.parallel->sessions > 0 ? s.limits.parallel->agent : ""});
    if (v.status == StoryState::passed) {
      in.merged.push_back(id);  // a coordinator records a story passed only once it is merged
    }
  }
  for (const auto& [id, lane] : s.lanes) {
    in.running.push_back(running_lane(s, id, lane));
  }
  const Parallel& p = *s.limits.parallel;
  in.limits.lanes = static_cast<int>(std::min<std::int64_t>(p.lanes, 1 << 20));
  if (p.sessions > 0) {
    in.limits.agent_sessions[p.agent] = static_cast<int>(std::min<std::int64_t>(p.sessions, 1 << 20));
  }
  in.limits.serial_globs = p.serial;
  in.limits.untouched = untouched_rule(p);
  return in;
}

// The coordinator's one serial step, if any: a decision to journal, RECORD, or the merge queue's head.
std::optional<Effect> serial_step(const State& s) {
  switch (s.phase) {
    case Phase::halt:
    case Phase::done:
    case Phase::record:
      return next_effect_single(s);
    default:
      break;
  }
  const std::optional<std::string> pick = merge_pick(s);
  if (!pick) {
    return std::nullopt;
  }
  const std::string& id = *pick;
  const LaneState& lane = s.lanes.at(id);
  if (lane.status == LaneStatus::queued) {
    return effects::IntegrateLane{.story_id = id, .integrate = s.limits.parallel->integrate};
  }
  if (lane.gate_index < static_cast<int>(s.limits.gates.size())) {
    return effects::RunMergeGate{.story_id = id, .index = lane.gate_index, .name = s.limits.gates[lane.gate_index]};
  }
  return effects::FastForward{.story_id = id, .onto = lane.base, .sha = lane.head};
}

}  // namespace

std::vector<Stray> lane_strays(const State& s, const std::string& id) {
  auto it = s.lanes.find(id);
  if (it == s.lanes.end() || !s.limits.parallel) {
    return {};
  }
  std::vector<RunningLane> others;
  for (const auto& [other, lane] : s.lanes) {
    const bool blocked = lane.status != LaneStatus::running && lane.result == StoryState::blocked;
    if (other != id && !blocked) {
      others.push_back(running_lane(s, other, lane));
    }
  }
  return strayed_into(running_lane(s, id, it->second), others, s.limits.parallel->serial,
                      untouched_rule(*s.limits.parallel));
}

std::optional<Stray> merge_wait(const State& s, const std::string& id) {
  auto it = s.lanes.find(id);
  if (it == s.lanes.end() || it->second.status == LaneStatus::running || it->second.result == StoryState::blocked) {
    return std::nullopt;  // not in the queue, or a blocked lane: nothing to merge, only its record
  }
  for (const Stray& stray : lane_strays(s, id)) {
    if (s.lanes.at(stray.lane).status == LaneStatus::running) {
      return stray;
    }
    const std::vector<Stray> back = lane_strays(s, stray.lane);
    if (std::none_of(back.begin(), back.end(), [&](const Stray& b) { return b.lane == id; })) {
      return stray;  // queued too: it goes first, since it did not stray into this one in turn
    }
  }
  return std::nullopt;
}

std::optional<std::string> merge_pick(const State& s) {
  for (const auto& id : s.merge_queue) {
    if (s.lanes.at(id).status == LaneStatus::rebased) {
      return id;  // being merged: its steps finish before another starts
    }
  }
  for (const auto& id : s.merge_queue) {
    if (!merge_wait(s, id)) {
      return id;
    }
  }
  const bool any_running = std::any_of(s.lanes.begin(), s.lanes.end(),
                                       [](const auto& lane) { return lane.second.status == LaneStatus::running; });
  if (!any_running && !s.merge_queue.empty()) {
    return s.merge_queue.front();
  }
  return std::nullopt;
}

std::vector<Effect> next_effects(const State& s) {
  if (!coordinating(s)) {
    return {next_effect(s)};
  }
  if (!s.running) {
    return {effects::Idle{}};
  }
  // Halting or finishing waits for nothing: the shell stops the live lanes (they resume with the run).
  if (s.phase == Phase::halt || s.phase == Phase::done) {
    return {*serial_step(s)};
  }
  std::vector<Effect> out;
  if (auto step = serial_step(s)) {
    out.push_back(*step);
  }
  const bool serial = !out.empty();
  for (const auto& [id, lane] : s.lanes) {
    if (lane.status == LaneStatus::running) {
      out.push_back(effects::RunLane{.story_id = id, .failure = lane.failure, .failure_key = lane.failure_key});
    }
  }
  std::optional<Effect> limit = total_budget_halt(s);
  if (!limit) {
    limit = iterations_halt(s);
  }
  const LanePlan plan = plan_lanes(lane_input(s));
  if (!limit && !s.paused) {
    for (const auto& id : plan.start) {
      out.push_back(effects::StartLane{.story_id = id});
    }
  }
  if (!out.empty()) {
    if (!serial && (limit || s.paused || plan.start.empty())) {
      out.push_back(effects::AwaitLanes{});  // only lanes are running
    }
    return out;
  }
  if (s.paused && !plan.start.empty()) {
    return {effects::Paused{}};
  }
  // Nothing in flight, nothing queued, nothing to record: the run halts on a limit that kept a story from
  // starting, or is done.
  if (limit && !plan.start.empty()) {
    return {*limit};
  }
  return {emit(ev::PhaseStarted{.phase = Phase::done, .story_id = std::nullopt, .attempt = 0})};
}

std::optional<std::string> steer_refusal(const State& s, SteerAction action, const std::optional<std::string>& story,
                                         bool live) {
  switch (action) {
    case SteerAction::stop:
      return std::nullopt;
    case SteerAction::pause:
      return s.paused ? std::optional<std::string>("the run is paused already") : std::nullopt;
    case SteerAction::resume:
      return s.paused ? std::nullopt : std::optional<std::string>("the run is not paused");
    case SteerAction::retry:
    case SteerAction::skip:
      break;
  }
  if (!story) {
    return fmt::format("{} names a story", to_string(action));
  }
  auto it = s.stories.find(*story);
  if (it == s.stories.end()) {
    return fmt::format("the PRD has no story \"{}\"", *story);
  }
  const StoryState status = it->second.status;
  if (s.lanes.count(*story) != 0) {
    return fmt::format(
        "story {} is in a lane of the run (it is merged or recorded first); steering a story in a "
        "lane is not supported yet",
        *story);
  }
  if (action == SteerAction::retry) {
    if (status != StoryState::blocked) {
      return fmt::format("story {} is {}, not blocked: retry brings a blocked story back to pending", *story,
                         to_string(status));
    }
    return std::nullopt;
  }
  if (status != StoryState::pending) {
    return fmt::format("story {} is {} already: skip sets a pending story aside", *story, to_string(status));
  }
  if (s.story_id == story) {
    if (live) {
      return fmt::format(
          "story {} is in progress: `simmer stop`, then `simmer skip {}` (its commits so far stay on "
          "the branch)",
          *story, *story);
    }
    if (s.phase == Phase::record) {
      return fmt::format("story {} is being recorded ({}): run `simmer cook` to finish recording it", *story,
                         s.record && s.record->result == StoryState::passed ? "it passed" : "it is blocked");
    }
  }
  return std::nullopt;
}

State state_from_prd(const Prd& prd) {
  State s;
  for (const auto& story : prd.stories) {
    StoryView v;
    v.title = story.title;
    v.priority = story.priority;
    v.dependencies = story.dependencies;
    v.epic = story.epic;
    v.status = story.status == StoryStatus::passed    ? StoryState::passed
               : story.status == StoryStatus::blocked ? StoryState::blocked
                                                      : StoryState::pending;
    v.reason = story.blocked_reason.value_or("");
    v.touches = story.touches;
    if (s.stories.count(story.id) == 0) {
      s.order.push_back(story.id);
    }
    s.stories[story.id] = v;
  }
  return s;
}

std::string skip_reason(std::string_view by) {
  return fmt::format("skipped by a person ({})", by == "dashboard" ? "the dashboard" : "simmer skip");
}

bool feedback_due(const State& state) {
  return state.phase == Phase::orchestrate && state.running &&
         (state.step == Step::launch || state.step == Step::fallback);
}

Transition step(const State& state, const Event& event) {
  State next = apply(state, event);
  Effect effect = next_effect(next);
  return {std::move(next), std::move(effect)};
}

State fold(const std::vector<Event>& events) {
  State s;
  for (const auto& e : events) {
    s = apply(std::move(s), e);
  }
  return s;
}

ExitCode final_exit_code(const State& s) {
  if (s.phase == Phase::halt) {
    return ExitCode::halted;
  }
  for (const auto& [id, story] : s.stories) {
    if (story.status != StoryState::passed) {
      return ExitCode::blocked;
    }
  }
  return ExitCode::ok;
}

}  // namespace simmer::core
