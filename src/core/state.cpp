// Implementation notes: state.json, schemaVersion 1.
// - Written only as canonical_text(): nlohmann's sorted keys, 2-space indent, trailing newline, so the same
//   journal always gives the same bytes (replay --check compares bytes).
// - Optional values are written as null, never omitted, so every key is always present and a diff of two states
//   shows a change of value rather than a key appearing.
// - Volatile fields (timestamps, pid) live under "meta".
// - The exception: what lanes added (limits.parallel and limits.lane, a story's touches, "lanes", "mergeQueue",
//   "mergeKey") and "isolated" are written only when they hold something, so a run of one lane on the checked-out
//   branch writes the bytes it always wrote.

#include "core/state.hpp"

#include "core/events.hpp"

#include <fmt/format.h>

#include <cmath>
#include <type_traits>
#include <utility>

namespace simmer::core {

using nlohmann::json;

namespace {

template <class T>
json opt(const std::optional<T>& value) {
  if constexpr (std::is_enum_v<T>) {
    return value ? json(to_string(*value)) : json(nullptr);
  } else {
    return value ? json(*value) : json(nullptr);
  }
}

json note_to_json(const std::optional<FailureNote>& note) {
  if (!note) {
    return nullptr;
  }
  return {{"kind", to_string(note->kind)},
          {"summary", note->summary},
          {"name", note->name},
          {"output", note->output},
          {"criteria", note->criteria}};
}

json feedback_to_json(const std::vector<FeedbackNote>& notes) {
  json out = json::array();
  for (const auto& note : notes) {
    out.push_back({{"path", note.path}, {"bytes", note.bytes}, {"preview", note.preview}});
  }
  return out;
}

// Reading: every accessor goes through Reader so a wrong document names the pointer of the bad value.
class Reader {
public:
  explicit Reader(std::string display) : m_display(std::move(display)) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& why) const {
    throw Failure{fmt::format("invalid state ({}#{}): {}", m_display, pointer, why), ExitCode::invalid_input};
  }

  const json& at(const json& obj, const std::string& ptr, const char* key) const {
    if (!obj.is_object() || !obj.contains(key)) {
      fail(ptr + "/" + key, "missing");
    }
    return obj.at(key);
  }
  std::string str(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (!v.is_string()) {
      fail(ptr + "/" + key, "expected a string");
    }
    return v.get<std::string>();
  }
  std::optional<std::string> opt_str(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (v.is_null()) {
      return std::nullopt;
    }
    return str(obj, ptr, key);
  }
  std::int64_t integer(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (!v.is_number_integer()) {
      fail(ptr + "/" + key, "expected an integer");
    }
    return v.get<std::int64_t>();
  }
  std::optional<std::int64_t> opt_int(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (v.is_null()) {
      return std::nullopt;
    }
    return integer(obj, ptr, key);
  }
  double number(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (!v.is_number()) {
      fail(ptr + "/" + key, "expected a number");
    }
    return v.get<double>();
  }
  bool boolean(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (!v.is_boolean()) {
      fail(ptr + "/" + key, "expected a boolean");
    }
    return v.get<bool>();
  }
  std::vector<std::string> strings(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (!v.is_array()) {
      fail(ptr + "/" + key, "expected an array");
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        fail(fmt::format("{}/{}/{}", ptr, key, i), "expected a string");
      }
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }
  // A value of one of the closed sets of core/vocabulary.hpp, by its name.
  template <class E>
  E value(const json& obj, const std::string& ptr, const char* key) const {
    auto name = str(obj, ptr, key);
    auto v = from_string<E>(name);
    if (!v) {
      std::string names;
      for (auto n : names_of<E>()) {
        names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", n);
      }
      fail(ptr + "/" + key, fmt::format("expected one of {}, found \"{}\"", names, name));
    }
    return *v;
  }
  template <class E>
  std::optional<E> opt_value(const json& obj, const std::string& ptr, const char* key) const {
    if (at(obj, ptr, key).is_null()) {
      return std::nullopt;
    }
    return value<E>(obj, ptr, key);
  }
  std::optional<FailureNote> note(const json& f, const std::string& ptr) const {
    if (f.is_null()) {
      return std::nullopt;
    }
    FailureNote note;
    note.kind = value<FailureKind>(f, ptr, "kind");
    note.summary = str(f, ptr, "summary");
    note.name = str(f, ptr, "name");
    note.output = str(f, ptr, "output");
    note.criteria = at(f, ptr, "criteria");
    return note;
  }
  std::vector<FeedbackNote> notes(const json& obj, const std::string& ptr, const char* key) const {
    const json& v = at(obj, ptr, key);
    if (!v.is_array()) {
      fail(ptr + "/" + key, "expected an array");
    }
    std::vector<FeedbackNote> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string p = fmt::format("{}/{}/{}", ptr, key, i);
      out.push_back({str(v[i], p, "path"), integer(v[i], p, "bytes"), str(v[i], p, "preview")});
    }
    return out;
  }

private:
  std::string m_display;
};

}  // namespace

double round_usd(double usd) { return std::round(usd * 1e6) / 1e6; }

json to_json(const State& s) {
  json stories = json::object();
  for (const auto& [id, story] : s.stories) {
    stories[id] = {
        {"title", story.title},       {"priority", story.priority},          {"dependencies", story.dependencies},
        {"epic", story.epic},         {"status", to_string(story.status)},   {"reason", story.reason},
        {"attempts", story.attempts}, {"costUsd", round_usd(story.cost_usd)}};
    if (story.touches) {
      stories[id]["touches"] = *story.touches;
    }
  }
  json failure = note_to_json(s.last_failure);
  json commit = nullptr;
  if (s.commit) {
    commit = {{"kind", to_string(s.commit->kind)},
              {"subject", s.commit->subject},
              {"runId", s.commit->run_id},
              {"keySeq", s.commit->key_seq}};
  }
  json record = nullptr;
  if (s.record) {
    record = {{"result", to_string(s.record->result)},
              {"reason", s.record->reason},
              {"summary", s.record->summary},
              {"committed", s.record->committed}};
  }
  json halt = nullptr;
  if (s.halt) {
    halt = {{"reason", to_string(s.halt->reason)},
            {"detail", s.halt->detail},
            {"resumePhase", to_string(s.halt->resume_phase)}};
  }
  json out{
      {"schemaVersion", s.schema_version},
      {"runId", s.run_id},
      {"seq", s.seq},
      {"running", s.running},
      {"result", opt(s.result)},
      {"exitCode", opt(s.exit_code)},
      {"phase", to_string(s.phase)},
      {"storyId", opt(s.story_id)},
      {"attempt", s.attempt},
      {"step", to_string(s.step)},
      {"phaseSeq", s.phase_seq},
      {"repairs", s.repairs},
      {"transientRetries", s.transient_retries},
      {"usageWaits", s.usage_waits},
      {"handoffErrors", s.handoff_errors},
      {"notBeforeMs", opt(s.not_before_ms)},
      {"retryReason", opt(s.retry_reason)},
      {"resetAtMs", opt(s.reset_at_ms)},
      {"gateIndex", s.gate_index},
      {"sessions", s.sessions},
      {"lastFailure", failure},
      {"commit", commit},
      {"record", record},
      {"halt", halt},
      {"spend", {{"totalUsd", round_usd(s.spend_total_usd)}}},
      {"iterations", {{"total", s.iterations_total}, {"run", s.iterations_run}}},
      {"limits", limits_to_json(s.limits)},
      {"stories", stories},
      {"order", s.order},
      {"feedback",
       {{"pending", feedback_to_json(s.feedback_pending)},
        {"guidance", feedback_to_json(s.guidance)},
        {"claimed", s.feedback_claimed}}},
      {"storyCommits", s.story_commits},
      {"checkpoints", s.checkpoints},
      {"meta", {{"updatedAt", s.updated_at}, {"runStartedAt", s.run_started_at}, {"pid", s.pid}}},
  };
  if (!s.lanes.empty()) {
    json lanes = json::object();
    for (const auto& [id, lane] : s.lanes) {
      lanes[id] = {{"branch", lane.branch},
                   {"worktree", lane.worktree},
                   {"base", lane.base},
                   {"status", to_string(lane.status)},
                   {"result", to_string(lane.result)},
                   {"head", lane.head},
                   {"summary", lane.summary},
                   {"reason", lane.reason},
                   {"commits", lane.commits},
                   {"gateIndex", lane.gate_index},
                   {"failure", note_to_json(lane.failure)},
                   {"failureKey", lane.failure_key}};
      if (!lane.touched.empty()) {
        lanes[id]["touched"] = lane.touched;
      }
      if (!lane.started_at.empty()) {
        lanes[id]["startedAt"] = lane.started_at;
      }
      if (!lane.guidance.empty()) {
        lanes[id]["guidance"] = feedback_to_json(lane.guidance);
      }
    }
    out["lanes"] = std::move(lanes);
  }
  if (!s.merge_queue.empty()) {
    out["mergeQueue"] = s.merge_queue;
  }
  if (s.merge_key != 0) {
    out["mergeKey"] = s.merge_key;
  }
  if (s.isolated) {
    out["isolated"] = {{"branch", s.isolated->branch},
                       {"startedFrom", {{"branch", s.isolated->from_branch}, {"sha", s.isolated->from_sha}}}};
  }
  if (s.paused) {
    out["paused"] = true;
  }
  return out;
}

std::string canonical_text(const State& state) { return to_json(state).dump(2) + "\n"; }

Result<State> state_from_json(const json& doc, const std::string& display) {
  Reader r(display);
  try {
    if (!doc.is_object()) {
      r.fail("", "expected an object");
    }
    State s;
    s.schema_version = static_cast<int>(r.integer(doc, "", "schemaVersion"));
    if (s.schema_version != k_state_schema_version) {
      r.fail("/schemaVersion", fmt::format("version {} is not supported (this simmer reads {})", s.schema_version,
                                           k_state_schema_version));
    }
    s.run_id = r.str(doc, "", "runId");
    s.seq = r.integer(doc, "", "seq");
    s.running = r.boolean(doc, "", "running");
    s.result = r.opt_value<RunResult>(doc, "", "result");
    if (auto code = r.opt_int(doc, "", "exitCode")) {
      s.exit_code = static_cast<int>(*code);
    }
    s.phase = r.value<Phase>(doc, "", "phase");
    s.story_id = r.opt_str(doc, "", "storyId");
    s.attempt = r.integer(doc, "", "attempt");
    s.step = r.value<Step>(doc, "", "step");
    s.phase_seq = r.integer(doc, "", "phaseSeq");
    s.repairs = static_cast<int>(r.integer(doc, "", "repairs"));
    s.transient_retries = static_cast<int>(r.integer(doc, "", "transientRetries"));
    s.usage_waits = static_cast<int>(r.integer(doc, "", "usageWaits"));
    s.handoff_errors = r.strings(doc, "", "handoffErrors");
    s.not_before_ms = r.opt_int(doc, "", "notBeforeMs");
    s.retry_reason = r.opt_value<RetryReason>(doc, "", "retryReason");
    s.reset_at_ms = r.opt_int(doc, "", "resetAtMs");
    s.gate_index = static_cast<int>(r.integer(doc, "", "gateIndex"));
    const json& sessions = r.at(doc, "", "sessions");
    if (!sessions.is_object()) {
      r.fail("/sessions", "expected an object");
    }
    for (const auto& [role, id] : sessions.items()) {
      if (!id.is_string()) {
        r.fail("/sessions/" + role, "expected a string");
      }
      s.sessions[role] = id.get<std::string>();
    }
    s.last_failure = r.note(r.at(doc, "", "lastFailure"), "/lastFailure");
    if (const json& c = r.at(doc, "", "commit"); !c.is_null()) {
      s.commit = CommitPlan{r.value<CommitKind>(c, "/commit", "kind"), r.str(c, "/commit", "subject"),
                            r.str(c, "/commit", "runId"), r.integer(c, "/commit", "keySeq")};
    }
    if (const json& rec = r.at(doc, "", "record"); !rec.is_null()) {
      RecordPlan plan;
      auto result = from_string<StoryState>(r.str(rec, "/record", "result"));
      if (!result || *result == StoryState::pending) {
        r.fail("/record/result", "expected \"passed\" or \"blocked\"");
      }
      plan.result = *result;
      plan.reason = r.str(rec, "/record", "reason");
      plan.summary = r.str(rec, "/record", "summary");
      plan.committed = r.boolean(rec, "/record", "committed");
      s.record = plan;
    }
    if (const json& h = r.at(doc, "", "halt"); !h.is_null()) {
      s.halt = HaltInfo{r.value<HaltReason>(h, "/halt", "reason"), r.str(h, "/halt", "detail"),
                        r.value<Phase>(h, "/halt", "resumePhase")};
    }
    s.spend_total_usd = r.number(r.at(doc, "", "spend"), "/spend", "totalUsd");
    const json& it = r.at(doc, "", "iterations");
    s.iterations_total = r.integer(it, "/iterations", "total");
    s.iterations_run = r.integer(it, "/iterations", "run");
    const json& l = r.at(doc, "", "limits");
    s.limits.fix = static_cast<int>(r.integer(l, "/limits", "fix"));
    s.limits.contract = static_cast<int>(r.integer(l, "/limits", "contract"));
    s.limits.transient = static_cast<int>(r.integer(l, "/limits", "transient"));
    s.limits.budget_per_story = r.number(l, "/limits", "budgetPerStory");
    s.limits.budget_total = r.number(l, "/limits", "budgetTotal");
    s.limits.max_iterations = r.integer(l, "/limits", "maxIterations");
    s.limits.harness_orchestrator = r.boolean(l, "/limits", "harnessOrchestrator");
    s.limits.gates = r.strings(l, "/limits", "gates");
    s.limits.workflow = r.str(l, "/limits", "workflow");
    if (l.contains("parallel")) {
      const json& p = l.at("parallel");
      s.limits.parallel = Parallel{r.integer(p, "/limits/parallel", "lanes"),
                                   r.strings(p, "/limits/parallel", "serial"),
                                   r.str(p, "/limits/parallel", "untouched"),
                                   r.str(p, "/limits/parallel", "integrate")};
      if (p.contains("agent")) {
        s.limits.parallel->agent = r.str(p, "/limits/parallel", "agent");
      }
      if (p.contains("sessions")) {
        s.limits.parallel->sessions = r.integer(p, "/limits/parallel", "sessions");
      }
    }
    if (l.contains("lane")) {
      s.limits.lane = r.boolean(l, "/limits", "lane");
    }
    const json& stories = r.at(doc, "", "stories");
    if (!stories.is_object()) {
      r.fail("/stories", "expected an object");
    }
    for (const auto& [id, v] : stories.items()) {
      std::string p = "/stories/" + id;
      StoryView story;
      story.title = r.str(v, p, "title");
      story.priority = r.integer(v, p, "priority");
      story.dependencies = r.strings(v, p, "dependencies");
      story.epic = r.str(v, p, "epic");
      story.status = r.value<StoryState>(v, p, "status");
      story.reason = r.str(v, p, "reason");
      story.attempts = r.integer(v, p, "attempts");
      story.cost_usd = r.number(v, p, "costUsd");
      if (v.contains("touches")) {
        story.touches = r.strings(v, p, "touches");
      }
      s.stories[id] = std::move(story);
    }
    s.order = r.strings(doc, "", "order");
    // Readers look each ordered id up in `stories` (the status table, story selection): an edited state.json
    // that lists an unknown id is refused here rather than failing there.
    for (std::size_t i = 0; i < s.order.size(); ++i) {
      if (s.stories.count(s.order[i]) == 0) {
        r.fail(fmt::format("/order/{}", i), fmt::format("story \"{}\" is not in /stories", s.order[i]));
      }
    }
    const json& fb = r.at(doc, "", "feedback");
    s.feedback_pending = r.notes(fb, "/feedback", "pending");
    s.guidance = r.notes(fb, "/feedback", "guidance");
    s.feedback_claimed = r.integer(fb, "/feedback", "claimed");
    s.story_commits = r.strings(doc, "", "storyCommits");
    s.checkpoints = r.strings(doc, "", "checkpoints");
    if (doc.contains("lanes")) {
      const json& lanes = doc.at("lanes");
      if (!lanes.is_object()) {
        r.fail("/lanes", "expected an object");
      }
      for (const auto& [id, v] : lanes.items()) {
        std::string p = "/lanes/" + id;
        LaneState lane;
        lane.branch = r.str(v, p, "branch");
        lane.worktree = r.str(v, p, "worktree");
        lane.base = r.str(v, p, "base");
        lane.status = r.value<LaneStatus>(v, p, "status");
        lane.result = r.value<StoryState>(v, p, "result");
        lane.head = r.str(v, p, "head");
        lane.summary = r.str(v, p, "summary");
        lane.reason = r.str(v, p, "reason");
        lane.commits = r.strings(v, p, "commits");
        lane.gate_index = static_cast<int>(r.integer(v, p, "gateIndex"));
        lane.failure = r.note(r.at(v, p, "failure"), p + "/failure");
        lane.failure_key = r.integer(v, p, "failureKey");
        if (v.contains("touched")) {
          lane.touched = r.strings(v, p, "touched");
        }
        if (v.contains("startedAt")) {
          lane.started_at = r.str(v, p, "startedAt");
        }
        if (v.contains("guidance")) {
          lane.guidance = r.notes(v, p, "guidance");
        }
        s.lanes[id] = std::move(lane);
      }
    }
    if (doc.contains("mergeQueue")) {
      s.merge_queue = r.strings(doc, "", "mergeQueue");
    }
    if (doc.contains("mergeKey")) {
      s.merge_key = r.integer(doc, "", "mergeKey");
    }
    if (doc.contains("isolated")) {
      const json& iso = r.at(doc, "", "isolated");
      const json& from = r.at(iso, "/isolated", "startedFrom");
      s.isolated = IsolatedInfo{r.str(iso, "/isolated", "branch"), r.str(from, "/isolated/startedFrom", "branch"),
                                r.str(from, "/isolated/startedFrom", "sha")};
    }
    if (doc.contains("paused")) {
      s.paused = r.boolean(doc, "", "paused");
    }
    const json& meta = r.at(doc, "", "meta");
    s.updated_at = r.str(meta, "/meta", "updatedAt");
    s.run_started_at = r.str(meta, "/meta", "runStartedAt");
    s.pid = r.integer(meta, "/meta", "pid");
    return s;
  } catch (const Failure& failure) {
    return failure;
  }
}

}  // namespace simmer::core
