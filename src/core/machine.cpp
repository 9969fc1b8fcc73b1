// Implementation notes: the machine folds journal events (docs/events.md) into core::State.
// - apply() never reads anything but its arguments; next_effect() is a function of the state alone. Both are
//   total: an event the machine does not act on still advances seq, runId and meta.updatedAt.
// - Counters that must survive restarts (spend, per-story attempts and cost, iterations, retry counters, the
//   pending retry time) change only here, so `replay` reproduces them byte for byte.
// - Decisions that need no I/O (select a story as the harness, halt on a budget, block a story, finish the run)
//   come back as `emit` effects: the executor journals them as they are and folds them in like any other event.

#include "core/machine.hpp"

#include "core/select.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace simmer::core {

using nlohmann::json;

namespace {

[[noreturn]] void corrupt(const Event& e, const std::string& why) {
  throw Error(ExitCode::journal_corrupt, fmt::format("cannot apply the journal (.simmer/events.jsonl seq {}): {}",
                                                    e.seq, why));
}

const json& field(const Event& e, const char* key) {
  if (!e.data.is_object() || !e.data.contains(key)) {
    corrupt(e, fmt::format("{} event without \"{}\"", e.kind, key));
  }
  return e.data.at(key);
}

std::string str_field(const Event& e, const char* key) {
  const json& v = field(e, key);
  if (!v.is_string()) {
    corrupt(e, fmt::format("{} event: \"{}\" is not a string", e.kind, key));
  }
  return v.get<std::string>();
}

std::optional<std::string> opt_str_field(const Event& e, const char* key) {
  if (!e.data.contains(key) || e.data.at(key).is_null()) {
    return std::nullopt;
  }
  return str_field(e, key);
}

std::int64_t int_field(const Event& e, const char* key) {
  const json& v = field(e, key);
  if (!v.is_number_integer()) {
    corrupt(e, fmt::format("{} event: \"{}\" is not an integer", e.kind, key));
  }
  return v.get<std::int64_t>();
}

constexpr double k_max_spend_usd = 1e300;

// An integer member, or `fallback` when it is missing or not stored as an integer. A draft-07 "integer" also
// admits a float with no fraction (1e300), which has no int64 value: converting it would be undefined behaviour.
std::int64_t int_or(const json& obj, const char* key, std::int64_t fallback) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

std::string_view role_of(Phase phase) {
  switch (phase) {
    case Phase::orchestrate:
      return "orchestrator";
    case Phase::build:
    case Phase::fix:
      return "builder";
    case Phase::verify:
      return "verifier";
    default:
      return "";
  }
}

std::string_view handoff_of(Phase phase) {
  switch (phase) {
    case Phase::orchestrate:
      return "task";
    case Phase::build:
    case Phase::fix:
      return "build";
    case Phase::verify:
      return "verdict";
    default:
      return "";
  }
}

bool is_agent_phase(Phase phase) { return !role_of(phase).empty(); }

// The event belongs to the story and attempt the cursor is on (orchestrator events have no story).
bool on_cursor(const State& s, const Event& e) {
  auto story = opt_str_field(e, "storyId");
  if (story != s.story_id) {
    return false;
  }
  if (e.data.contains("attempt") && e.data.at("attempt").is_number_integer()) {
    return e.data.at("attempt").get<std::int64_t>() == s.attempt;
  }
  return true;
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

void to_record(State& s, const Event& e, StoryState result, std::string reason, std::string summary) {
  s.phase = Phase::record;
  reset_phase_counters(s);
  s.record = RecordPlan{result, std::move(reason), std::move(summary), false};
  s.commit = CommitPlan{"record",
                        fmt::format("{}: {} (record {})", s.story_id.value_or(""), story_title(s), to_string(result)),
                        e.run_id, e.seq};
}

// The current attempt failed: FIX when attempts remain, else the story is blocked.
void fail_attempt(State& s, const Event& e, FailureNote note) {
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

void halt(State& s, std::string reason, std::string detail) {
  s.halt = HaltInfo{std::move(reason), std::move(detail), s.phase};
  s.phase = Phase::halt;
}

Limits limits_from_json(const Event& e, const json& l) {
  Limits out;
  auto get_int = [&](const char* key, auto fallback) {
    return l.contains(key) && l.at(key).is_number_integer() ? l.at(key).get<decltype(fallback)>() : fallback;
  };
  auto get_num = [&](const char* key) {
    return l.contains(key) && l.at(key).is_number() ? l.at(key).get<double>() : 0.0;
  };
  if (!l.is_object()) {
    corrupt(e, "run_started event: \"limits\" is not an object");
  }
  out.fix = get_int("fix", 3);
  out.contract = get_int("contract", 2);
  out.transient = get_int("transient", 5);
  out.budget_per_story = get_num("budgetPerStory");
  out.budget_total = get_num("budgetTotal");
  out.max_iterations = get_int("maxIterations", std::int64_t{0});
  out.harness_orchestrator = l.value("harnessOrchestrator", false);
  if (l.contains("gates") && l.at("gates").is_array()) {
    for (const auto& g : l.at("gates")) {
      out.gates.push_back(g.get<std::string>());
    }
  }
  out.workflow = l.value("workflow", std::string("one-shot"));
  return out;
}

void apply_run_started(State& s, const Event& e) {
  s.running = true;
  s.result.reset();
  s.exit_code.reset();
  s.run_started_at = e.ts;
  s.pid = int_or(e.data, "pid", 0);
  s.iterations_run = 0;
  if (e.data.contains("limits")) {
    s.limits = limits_from_json(e, e.data.at("limits"));
  }
  if (e.data.contains("stories")) {
    const json& list = e.data.at("stories");
    if (!list.is_array()) {
      corrupt(e, "run_started event: \"stories\" is not an array");
    }
    std::map<std::string, StoryView> stories;
    std::vector<std::string> order;
    for (const auto& item : list) {
      std::string id = item.at("id").get<std::string>();
      StoryView v;
      if (auto old = s.stories.find(id); old != s.stories.end()) {
        v.attempts = old->second.attempts;
        v.cost_usd = old->second.cost_usd;
      }
      v.title = item.value("title", std::string());
      v.priority = int_or(item, "priority", 0);
      v.dependencies = item.value("dependencies", std::vector<std::string>{});
      v.epic = item.value("epic", std::string());
      std::string status = item.value("status", std::string("pending"));
      v.status = status == "passed" ? StoryState::passed : status == "blocked" ? StoryState::blocked
                                                                                 : StoryState::pending;
      v.reason = item.value("reason", std::string());
      order.push_back(id);
      stories[id] = std::move(v);
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

// Spend saturates here: two sessions of 1e308 would sum to an infinity, which state.json can only write as null.
double add_spend(double total, double cost) { return std::min(total + cost, k_max_spend_usd); }

void apply_session(State& s, const Event& e) {
  double cost = e.data.value("costUsd", 0.0);
  s.spend_total_usd = add_spend(s.spend_total_usd, cost);
  auto story = opt_str_field(e, "storyId");
  if (story) {
    if (auto it = s.stories.find(*story); it != s.stories.end()) {
      it->second.cost_usd = add_spend(it->second.cost_usd, cost);
    }
  }
  std::string role = str_field(e, "role");
  if (!is_agent_phase(s.phase) || role != role_of(s.phase) || !on_cursor(s, e)) {
    return;
  }
  if (auto id = e.data.value("sessionId", std::string()); !id.empty()) {
    s.sessions[role] = id;
  }
  std::string outcome = str_field(e, "outcome");
  std::string error = e.data.value("error", std::string());
  if (outcome == "success") {
    s.step = Step::validate;
  } else if (outcome == "transient") {
    s.transient_retries += 1;
    if (s.transient_retries > s.limits.transient) {
      std::string detail = fmt::format("the {} failed {} times in a row: {}", role, s.transient_retries, error);
      reset_phase_counters(s);
      halt(s, "transient", detail);
    } else {
      s.step = Step::retry_wait;
      s.retry_reason = "transient";
      s.not_before_ms.reset();
    }
  } else if (outcome == "usage_limit") {
    s.usage_waits += 1;
    s.step = Step::retry_wait;
    s.retry_reason = "usage_limit";
    s.not_before_ms.reset();
    if (e.data.contains("resetAtMs") && e.data.at("resetAtMs").is_number_integer()) {
      s.reset_at_ms = e.data.at("resetAtMs").get<std::int64_t>();
    } else {
      s.reset_at_ms.reset();
    }
  } else if (outcome == "interrupted") {
    s.step = Step::launch;
  } else if (outcome == "cannot_start") {
    // The agent cannot work at all (missing binary, bad flags, not logged in): every attempt of every story would
    // fail the same way, so the run stops here, with nothing blocked and no attempt spent, and resumes this very
    // session once the user has fixed it.
    std::string agent = e.data.value("agent", std::string("agent"));
    std::string detail = fmt::format(
        "the {} ({}) cannot start: {}; fix simmer.json#/agents/{} or the agent's installation or login "
        "(`simmer doctor --probe` tries it), then run `simmer cook` to resume",
        role, agent, error.empty() ? "no reason given" : error, role);
    reset_phase_counters(s);
    halt(s, "agent_cannot_start", detail);
  } else {
    // timeout or fatal: retrying the same session will not help.
    std::string summary = fmt::format("{} {}{}", role, outcome == "timeout" ? "timed out" : "failed",
                                      error.empty() ? "" : ": " + error);
    if (s.phase == Phase::orchestrate) {
      s.step = Step::fallback;
      s.last_failure = FailureNote{outcome, summary, "", "", json::array()};
    } else if (s.phase == Phase::verify) {
      to_record(s, e, StoryState::blocked, summary, summary);
    } else {
      fail_attempt(s, e, FailureNote{outcome, summary, "", error, json::array()});
    }
  }
}

void apply_handoff_invalid(State& s, const Event& e) {
  std::string role = str_field(e, "role");
  if (!is_agent_phase(s.phase) || role != role_of(s.phase)) {
    return;
  }
  std::int64_t repair = int_field(e, "repair");
  std::int64_t max_repairs = int_field(e, "maxRepairs");
  std::vector<std::string> errors;
  for (const auto& err : field(e, "errors")) {
    errors.push_back(err.get<std::string>());
  }
  if (repair <= max_repairs) {
    s.step = Step::repair;
    s.repairs = static_cast<int>(repair);
    s.handoff_errors = std::move(errors);
    return;
  }
  std::string file = str_field(e, "file");
  std::string summary = fmt::format("contract_violation: {} still invalid after {} repair{}", file, max_repairs,
                                    max_repairs == 1 ? "" : "s");
  std::string detail;
  for (const auto& err : errors) {
    detail += err + "\n";
  }
  if (s.phase == Phase::orchestrate) {
    s.step = Step::fallback;
    s.last_failure = FailureNote{"contract", summary, "", detail, json::array()};
  } else if (s.phase == Phase::verify) {
    to_record(s, e, StoryState::blocked, summary, summary);
  } else {
    fail_attempt(s, e, FailureNote{"contract", summary, "", detail, json::array()});
  }
}

// What FIX is told about a failed gate: its name, how it failed, the end of its output.
FailureNote gate_failure(const Event& e) {
  std::string name = str_field(e, "name");
  std::string summary = e.data.value("timedOut", false)
                            ? fmt::format("gate \"{}\" timed out", name)
                            : fmt::format("gate \"{}\" failed (exit {})", name, int_field(e, "exitCode"));
  return FailureNote{"gate", summary, name, e.data.value("outputTail", std::string()), json::array()};
}

void apply_gate(State& s, const Event& e) {
  // A commit hook that refused the BUILD or FIX commit is journaled as a failed gate with "hook": true: the
  // attempt fails and FIX gets the hook's output, exactly as for a configured gate.
  if (e.data.value("hook", false)) {
    if ((s.phase == Phase::build || s.phase == Phase::fix) && s.step == Step::commit && on_cursor(s, e) &&
        !field(e, "passed").get<bool>()) {
      fail_attempt(s, e, gate_failure(e));
    }
    return;
  }
  if (s.phase != Phase::gates || !on_cursor(s, e)) {
    return;
  }
  if (field(e, "passed").get<bool>()) {
    s.gate_index += 1;
    if (s.gate_index >= static_cast<int>(s.limits.gates.size())) {
      s.phase = Phase::verify;
      reset_phase_counters(s);
    }
    return;
  }
  fail_attempt(s, e, gate_failure(e));
}

void apply_verdict(State& s, const Event& e) {
  if (s.phase != Phase::verify || !on_cursor(s, e)) {
    return;
  }
  std::string verdict = str_field(e, "verdict");
  std::string summary = e.data.value("summary", std::string());
  if (verdict == "pass") {
    to_record(s, e, StoryState::passed, "", summary);
  } else if (verdict == "fail_abort") {
    to_record(s, e, StoryState::blocked, "fail_abort: " + summary, summary);
  } else {
    json criteria = e.data.value("criteria", json::array());
    fail_attempt(s, e, FailureNote{"verdict", "verifier: " + summary, "", "", criteria});
  }
}

void apply_story_selected(State& s, const Event& e) {
  std::string id = str_field(e, "storyId");
  if (s.stories.count(id) == 0) {
    corrupt(e, fmt::format("story_selected names \"{}\", which the PRD snapshot does not have", id));
  }
  auto pending = std::move(s.feedback_pending);
  clear_story(s);
  s.feedback_pending.clear();
  s.guidance = std::move(pending);
  s.story_id = id;
  s.phase = Phase::build;
  s.iterations_total += 1;
  s.iterations_run += 1;
  s.stories[id].attempts += 1;
}

void apply_story_outcome(State& s, const Event& e, StoryState status) {
  std::string id = str_field(e, "storyId");
  if (auto it = s.stories.find(id); it != s.stories.end()) {
    it->second.status = status;
    it->second.reason = status == StoryState::blocked ? str_field(e, "reason") : std::string();
  }
  if (s.story_id == id) {
    clear_story(s);
    s.phase = Phase::orchestrate;
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

Effect emit(std::string kind, json data) {
  Effect e;
  e.kind = Effect::Kind::emit;
  e.event_kind = std::move(kind);
  e.event_data = std::move(data);
  return e;
}

json story_or_null(const State& s) { return s.story_id ? json(*s.story_id) : json(nullptr); }

std::optional<Effect> budget_halt(const State& s) {
  if (s.limits.budget_total > 0 && s.spend_total_usd >= s.limits.budget_total) {
    return emit("halted", {{"reason", "budget_total"},
                           {"detail", fmt::format("spent ${:.4f} of the total budget ${:.4f}", s.spend_total_usd,
                                                  s.limits.budget_total)}});
  }
  if (s.limits.budget_per_story > 0 && s.story_id) {
    double spent = s.stories.at(*s.story_id).cost_usd;
    if (spent >= s.limits.budget_per_story) {
      return emit("halted", {{"reason", "budget_story"},
                             {"detail", fmt::format("story {} spent ${:.4f} of its budget ${:.4f}", *s.story_id, spent,
                                                    s.limits.budget_per_story)}});
    }
  }
  return std::nullopt;
}

Effect agent_effect(const State& s) {
  Effect e;
  e.role = std::string(role_of(s.phase));
  e.handoff = std::string(handoff_of(s.phase));
  auto session = [&]() -> std::optional<std::string> {
    if (auto it = s.sessions.find(e.role); it != s.sessions.end()) {
      return it->second;
    }
    return std::nullopt;
  };
  switch (s.step) {
    case Step::validate:
      e.kind = Effect::Kind::validate_handoff;
      return e;
    case Step::retry_wait:
      if (!s.not_before_ms) {
        e.kind = Effect::Kind::schedule_retry;
        e.retry_reason = s.retry_reason.value_or("transient");
        e.retry = e.retry_reason == "usage_limit" ? s.usage_waits : s.transient_retries;
        e.delay_ms = transient_delay_ms(e.retry);
        e.reset_at_ms = s.reset_at_ms;
        return e;
      }
      e.not_before_ms = s.not_before_ms;
      break;
    default:
      break;
  }
  e.kind = Effect::Kind::run_agent;
  if (!s.handoff_errors.empty()) {
    // A repair resumes the session that wrote the invalid hand-off.
    e.repair_errors = s.handoff_errors;
    e.resume_session = session();
  } else if (s.phase == Phase::fix || s.step == Step::retry_wait) {
    // FIX resumes the builder's session; a retried session continues where it was, when it got an id.
    e.resume_session = session();
  }
  if (s.step == Step::retry_wait && s.retry_reason == std::string("transient") && s.phase != Phase::fix &&
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

State apply(State s, const Event& e) {
  if (e.seq != s.seq + 1) {
    corrupt(e, fmt::format("seq {} follows seq {}", e.seq, s.seq));
  }
  s.seq = e.seq;
  s.run_id = e.run_id;
  s.updated_at = e.ts;
  const std::string& k = e.kind;
  if (k == "run_started") {
    apply_run_started(s, e);
  } else if (k == "run_finished") {
    s.running = false;
    s.result = str_field(e, "result");
    s.exit_code = static_cast<int>(int_field(e, "exitCode"));
  } else if (k == "phase_started") {
    std::string phase = str_field(e, "phase");
    if (phase == "done") {
      clear_story(s);
      s.phase = Phase::done;
    } else if (phase_from_string(phase) == s.phase && is_agent_phase(s.phase) && on_cursor(s, e)) {
      s.step = Step::running;
      s.phase_seq = e.seq;
      s.not_before_ms.reset();
    }
  } else if (k == "story_selected") {
    apply_story_selected(s, e);
  } else if (k == "feedback_claimed") {
    for (const auto& f : field(e, "files")) {
      s.feedback_pending.push_back(
          {f.at("path").get<std::string>(), int_or(f, "bytes", 0), f.value("preview", std::string())});
      s.feedback_claimed += 1;
    }
  } else if (k == "session") {
    apply_session(s, e);
  } else if (k == "retry_scheduled") {
    if (s.step == Step::retry_wait) {
      s.not_before_ms = int_field(e, "notBeforeMs");
    }
  } else if (k == "handoff_invalid") {
    apply_handoff_invalid(s, e);
  } else if (k == "handoff_accepted") {
    if ((s.phase == Phase::build || s.phase == Phase::fix) && on_cursor(s, e)) {
      s.step = Step::commit;
      s.handoff_errors.clear();
      std::string what = s.phase == Phase::build ? "build" : fmt::format("fix {}", s.attempt);
      s.commit = CommitPlan{s.phase == Phase::build ? "build" : "fix",
                            fmt::format("{}: {} ({})", s.story_id.value_or(""), story_title(s), what), e.run_id, e.seq};
    }
  } else if (k == "commit") {
    std::string kind = str_field(e, "kind");
    if (auto sha = opt_str_field(e, "sha"); sha && s.story_id == opt_str_field(e, "storyId")) {
      s.story_commits.push_back(*sha);
    }
    if (kind == "record") {
      if (s.phase == Phase::record && s.record) {
        s.record->committed = true;
        s.commit.reset();
      }
    } else if ((s.phase == Phase::build || s.phase == Phase::fix) && s.step == Step::commit && on_cursor(s, e)) {
      s.commit.reset();
      s.gate_index = 0;
      s.phase = s.limits.gates.empty() ? Phase::verify : Phase::gates;
      reset_phase_counters(s);
    }
  } else if (k == "gate") {
    apply_gate(s, e);
  } else if (k == "verdict") {
    apply_verdict(s, e);
  } else if (k == "story_passed") {
    apply_story_outcome(s, e, StoryState::passed);
  } else if (k == "story_blocked") {
    apply_story_outcome(s, e, StoryState::blocked);
  } else if (k == "halted") {
    std::string reason = str_field(e, "reason");
    std::string detail = e.data.value("detail", std::string());
    if (reason == "checkpoint") {
      s.checkpoints.push_back(e.data.value("epic", detail));
    }
    halt(s, reason, detail);
  } else if (k == "tamper_detected") {
    // Most tampering is undone and the story goes on; one that erased the run's record stops the story.
    const json& stops = e.data.contains("stopsStory") ? e.data.at("stopsStory") : json();
    if (stops.is_boolean() && stops.get<bool>() && s.story_id && s.phase != Phase::record &&
        s.phase != Phase::orchestrate && s.phase != Phase::halt && s.phase != Phase::done) {
      std::string reason = fmt::format("tampered: the {} changed {}", opt_str_field(e, "role").value_or("agent"),
                                       str_field(e, "file"));
      to_record(s, e, StoryState::blocked, reason, reason);
    }
  }
  // phase_finished, warning, interrupted: facts for people and `stats`; no decision hangs on them.
  return s;
}

Effect next_effect(const State& s) {
  if (!s.running) {
    return Effect{};
  }
  switch (s.phase) {
    case Phase::halt: {
      return emit("run_finished", {{"result", "halted"}, {"exitCode", to_int(ExitCode::halted)}});
    }
    case Phase::done: {
      ExitCode code = final_exit_code(s);
      return emit("run_finished",
                  {{"result", code == ExitCode::ok ? "passed" : "blocked"}, {"exitCode", to_int(code)}});
    }
    case Phase::orchestrate: {
      if (auto epic = due_checkpoint(s); !epic.empty()) {
        return emit("halted", {{"reason", "checkpoint"},
                               {"detail", fmt::format("epic {} is complete: review, then run cook again", epic)},
                               {"epic", epic}});
      }
      auto pick = harness_pick(s);
      if (!pick) {
        return emit("phase_started", {{"phase", "done"}, {"storyId", nullptr}, {"attempt", 0}});
      }
      if (auto h = budget_halt(s)) {
        return *h;
      }
      if (s.limits.max_iterations > 0 && s.iterations_run >= s.limits.max_iterations) {
        return emit("halted", {{"reason", "max_iterations"},
                               {"detail", fmt::format("{} stor{} this run (maxIterations)", s.iterations_run,
                                                      s.iterations_run == 1 ? "y" : "ies")}});
      }
      if (s.limits.harness_orchestrator) {
        return emit("story_selected", {{"storyId", *pick}, {"by", "harness"}});
      }
      if (s.step == Step::fallback) {
        std::string why = s.last_failure ? s.last_failure->summary : std::string("the orchestrator failed");
        return emit("story_selected",
                    {{"storyId", *pick}, {"by", "harness"}, {"warning", fmt::format("{}; the harness picked", why)}});
      }
      return agent_effect(s);
    }
    case Phase::build:
    case Phase::fix:
    case Phase::verify: {
      if (s.step == Step::commit && s.phase != Phase::verify) {
        Effect e;
        e.kind = Effect::Kind::commit;
        e.commit = s.commit;
        return e;
      }
      if (s.step != Step::validate) {
        if (auto h = budget_halt(s)) {
          return *h;
        }
      }
      return agent_effect(s);
    }
    case Phase::gates: {
      Effect e;
      e.kind = Effect::Kind::run_gate;
      e.gate_index = s.gate_index;
      e.gate_name = s.gate_index < static_cast<int>(s.limits.gates.size()) ? s.limits.gates[s.gate_index] : "";
      return e;
    }
    case Phase::record: {
      if (s.record && !s.record->committed) {
        Effect e;
        e.kind = Effect::Kind::record;
        e.commit = s.commit;
        return e;
      }
      if (s.record && s.record->result == StoryState::passed) {
        return emit("story_passed", {{"storyId", story_or_null(s)},
                                     {"attempts", s.attempt + 1},
                                     {"costUsd", s.story_id ? s.stories.at(*s.story_id).cost_usd : 0.0}});
      }
      return emit("story_blocked",
                  {{"storyId", story_or_null(s)}, {"reason", s.record ? s.record->reason : std::string("blocked")}});
    }
  }
  return Effect{};
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
