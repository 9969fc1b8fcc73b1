// Implementation notes: the loop's order of work.
// - One event at a time: perform the machine's effect, append its event to .simmer/events.jsonl (one write +
//   fdatasync), fold it into the state. A crash between any two of these steps is repaired on the next start:
//   the state is re-folded from the journal (the journal wins), and the effect whose event never reached the
//   journal is performed again.
// - Side effects are made idempotent where repeating them would show: commits carry Simmer-Run/Simmer-Seq
//   trailers and a commit that HEAD already is is found, not made again (run/commit_phase.hpp); RECORD rewrites
//   prd.json/progress.json to the same content; feedback claims are numbered (run/feedback.hpp).
// - state.json is written lazily (run/state_cache.hpp), and on every way out of the loop.

#include "run/loop.hpp"

#include "run/agent_phase.hpp"
#include "run/commit_phase.hpp"
#include "run/feedback.hpp"
#include "run/gate_phase.hpp"
#include "run/handoff_phase.hpp"
#include "store/documents.hpp"
#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <type_traits>

#include <unistd.h>

namespace simmer::run {

using nlohmann::json;

namespace {

std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGUSR1:
      return "simmer stop";  // a verified stop request (run/control.hpp)
    default:
      return sig == 0 ? "SIGINT" : fmt::format("signal {}", sig);
  }
}

std::vector<core::events::StorySnapshot> prd_snapshot(const core::Prd& prd) {
  std::vector<core::events::StorySnapshot> stories;
  for (const auto& s : prd.stories) {
    stories.push_back({.id = s.id,
                       .title = s.title,
                       .priority = s.priority,
                       .dependencies = s.dependencies,
                       .epic = s.epic,
                       .status = core::from_string<core::StoryState>(core::to_string(s.status)).value(),
                       .reason = s.blocked_reason.value_or(""),
                       .touches = s.touches});
  }
  return stories;
}

core::Limits limits_from(const core::Config& config, const CookOptions& options) {
  core::Limits l;
  l.fix = config.retries.fix;
  l.contract = config.retries.contract;
  l.transient = config.retries.transient;
  l.budget_per_story = config.budget.per_story;
  l.budget_total = config.budget.total;
  l.max_iterations = config.max_iterations;
  l.harness_orchestrator = config.orchestrator.agent == core::AgentKind::harness;
  for (const auto& g : config.gates) {
    l.gates.push_back(g.name);
  }
  l.workflow = std::string(core::to_string(config.workflow));
  if (!options.lane.empty()) {
    // One lane's run (docs/lanes.md): its one story, picked by the harness; the run's total budget and its
    // maxIterations are the coordinator's to keep.
    l.lane = true;
    l.harness_orchestrator = true;
    l.budget_total = 0.0;
    l.max_iterations = 0;
  } else if (config.parallel.lanes > 1) {
    l.parallel = core::Parallel{.lanes = config.parallel.lanes,
                                .serial = config.parallel.serial,
                                .untouched = config.parallel.untouched,
                                .integrate = config.parallel.integrate};
    const std::string builder(core::to_string(config.builder.agent));
    if (auto cap = config.parallel.sessions.find(builder); cap != config.parallel.sessions.end()) {
      l.parallel->agent = builder;
      l.parallel->sessions = cap->second;
    }
  }
  return l;
}

}  // namespace

std::string make_run_id(std::int64_t now_ms) {
  std::string iso = util::iso8601_utc_s(now_ms);  // 2026-11-22T10:00:00Z
  std::string compact;
  for (char c : iso) {
    if (c != '-' && c != ':') {
      compact.push_back(c);
    }
  }
  return fmt::format("r{}-{:04x}", compact, static_cast<unsigned>(::getpid() ^ (now_ms & 0xffff)) & 0xffff);
}

JournalFold fold_journal(const std::vector<core::Event>& events, StateCache& cache) {
  JournalFold fold;
  for (const auto& e : events) {
    const core::TypedEvent typed = core::parse_next(fold.state, e);
    if (const auto* session = std::get_if<core::events::Session>(&typed.data)) {
      fold.session_tokens.add(*session);
      fold.open_launch.reset();
    } else if (const auto* launched = std::get_if<core::events::SessionLaunched>(&typed.data)) {
      fold.open_launch = *launched;
    } else if (const auto* started = std::get_if<core::events::RunStarted>(&typed.data)) {
      fold.last_run_id = e.run_id;
      fold.foreign = started->foreign.value_or(std::vector<std::string>{});
      fold.last_head = started->head;
      fold.last_started_from = started->started_from;
      fold.open_launch.reset();
    } else if (const auto* gate = std::get_if<core::events::Gate>(&typed.data); gate && gate->outputs) {
      core::note_outputs(fold.gate_outputs, *gate->outputs);
    } else if (const auto* merge_gate = std::get_if<core::events::MergeGate>(&typed.data);
               merge_gate && merge_gate->outputs) {
      core::note_outputs(fold.merge_gate_outputs[merge_gate->story_id], *merge_gate->outputs);
    }
    fold.state = core::apply(std::move(fold.state), typed);
    cache.note_fold(fold.state);
  }
  return fold;
}

void Loop::load(JournalFold fold) {
  m_cx.session_tokens = std::move(fold.session_tokens);
  m_last_run_id = std::move(fold.last_run_id);
  m_open_launch = std::move(fold.open_launch);
  m_cx.gate_outputs = std::move(fold.gate_outputs);
  m_cx.merge_gate_outputs = std::move(fold.merge_gate_outputs);
  if (auto warning = m_cx.cache().adopt(std::move(fold.state))) {
    add_warning(std::move(*warning));
  }
}

void Loop::stop_survivors() {
  if (!m_cx.state().running || m_last_run_id.empty()) {
    m_open_launch.reset();
    return;  // the last run ended normally: its sessions and their leftovers were stopped by it
  }
  std::optional<util::SpawnedProcess> journaled;
  if (m_open_launch) {
    journaled.emplace();
    journaled->pid = static_cast<int>(m_open_launch->pid);
    journaled->pgid = static_cast<int>(m_open_launch->pgid);
    journaled->start_time = m_open_launch->start_time;
    journaled->boot_id = m_open_launch->boot_id;
  }
  std::vector<int> pids = m_cx.world.processes.survivors(journaled, m_last_run_id);
  if (pids.empty()) {
    return;
  }
  bool forced = m_cx.world.processes.stop(pids);
  std::string list;
  for (int pid : pids) {
    list += (list.empty() ? "" : ", ") + std::to_string(pid);
  }
  m_survivors = core::events::AgentsStopped{.run_id = m_last_run_id, .pids = pids, .forced = forced};
  add_warning(fmt::format("stopped {} process{} left running by the killed run {} (pid{} {}){}", pids.size(),
                          pids.size() == 1 ? "" : "es", m_last_run_id, pids.size() == 1 ? "" : "s", list,
                          forced ? "; SIGKILL was needed" : ""));
}

void Loop::journal_survivors() {
  if (m_survivors) {
    m_cx.append(*m_survivors);
    m_survivors.reset();
  }
  if (m_open_launch) {
    const core::events::SessionLaunched launched = *m_open_launch;
    m_open_launch.reset();
    journal_recovered_session(m_cx, launched);
  }
}

int Loop::run() {
  const core::State& state = m_cx.state();
  // Start: the run_started event carries the PRD snapshot and the limits in force, so the fold stays pure.
  const bool resumed = state.running || state.story_id.has_value() || state.phase == core::Phase::halt;
  m_cx.run_id = make_run_id(m_cx.world.clock.now_ms());
  m_cx.append(core::events::RunStarted{
      .version = SIMMER_VERSION,
      .pid = static_cast<std::int64_t>(::getpid()),
      .resumed = resumed,
      .phase = state.phase == core::Phase::halt && state.halt ? state.halt->resume_phase : state.phase,
      .story_id = state.story_id,
      .stories = prd_snapshot(m_cx.prd),
      .limits = limits_from(m_cx.config, m_cx.options),
      .inputs = m_cx.inputs.hashes(),
      .head = core::events::Head{.branch = m_cx.head.branch, .sha = m_cx.head.sha},
      .foreign = m_cx.foreign.empty() ? std::nullopt : std::optional<std::vector<std::string>>(m_cx.foreign),
      .started_from = m_cx.options.started_from});
  for (auto& w : m_pending_warnings) {
    m_cx.append(core::events::Warning{.message = w});
  }
  m_pending_warnings.clear();
  journal_survivors();
  if (m_cx.options.steer) {
    take_steering(m_cx.options.steer->take());
  }
  if (core::coordinating(state)) {
    m_lanes = std::make_unique<Lanes>(m_cx);
    m_lanes->sweep();
  } else if (auto failed = lane_failure(m_cx.paths, state)) {
    m_cx.append(*failed);
  }

  try {
    // An isolated run's worktree is as fresh as a lane's (cook --branch): set up like one, between stories.
    if (m_cx.options.started_from && !m_lanes && !state.story_id) {
      bootstrap_worktree(m_cx, "", m_cx.paths.root);
    }
    for (;;) {
      if (m_cx.cancel) {
        return interrupt();
      }
      if (m_cx.options.steer && m_cx.options.steer->pending()) {
        take_steering(m_cx.options.steer->take());
        continue;
      }
      if (m_lanes) {
        if (!coordinate()) {
          break;
        }
        if (m_cx.interrupted) {
          return interrupt();
        }
        continue;
      }
      if (core::feedback_due(state)) {
        claim_feedback_notes();
      }
      core::Effect effect = core::next_effect(state);
      if (std::holds_alternative<core::effects::Idle>(effect)) {
        break;
      }
      perform(effect);
      if (m_cx.interrupted) {
        return interrupt();
      }
    }
  } catch (...) {
    // An error ends the run: leave state.json agreeing with the journal for `simmer status`, unless writing it is
    // what failed.
    try {
      m_cx.flush_state();
    } catch (...) {
    }
    throw;
  }
  m_cx.flush_state();
  if (m_cx.options.lane.empty()) {
    m_cx.report.summary(state);  // a lane's is its coordinator's
  }
  m_cx.profile.print(state);
  return state.exit_code.value_or(to_int(ExitCode::failure));
}

void Loop::perform(const core::Effect& effect) {
  namespace fx = core::effects;
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, fx::Emit>) {
          emit(e.event);
        } else if constexpr (std::is_same_v<E, fx::ScheduleRetry>) {
          schedule_retry(e);
        } else if constexpr (std::is_same_v<E, fx::RunAgent>) {
          run_agent_phase(m_cx, e);
        } else if constexpr (std::is_same_v<E, fx::ValidateHandoff>) {
          validate_handoff_phase(m_cx, e);
        } else if constexpr (std::is_same_v<E, fx::RunGate>) {
          run_gate_phase(m_cx, e);
        } else if constexpr (std::is_same_v<E, fx::Commit>) {
          commit_attempt_phase(m_cx, e);
        } else if constexpr (std::is_same_v<E, fx::Record>) {
          record_phase(m_cx, e);
        } else if constexpr (std::is_same_v<E, fx::Paused>) {
          wait_paused();
        } else if constexpr (std::is_same_v<E, fx::Idle>) {
        } else if (!m_lanes) {
          // The machine returns lane effects to a coordinator only.
          throw Error(ExitCode::failure, "internal error: a lane effect reached a run of one lane");
        } else if constexpr (std::is_same_v<E, fx::StartLane>) {
          m_lanes->start(e);
        } else if constexpr (std::is_same_v<E, fx::RunLane>) {
          m_lanes->ensure_live(e);
        } else if constexpr (std::is_same_v<E, fx::IntegrateLane>) {
          m_lanes->integrate(e);
        } else if constexpr (std::is_same_v<E, fx::RunMergeGate>) {
          m_lanes->merge_gate(e);
        } else if constexpr (std::is_same_v<E, fx::FastForward>) {
          m_lanes->fast_forward(e);
        } else if constexpr (std::is_same_v<E, fx::AwaitLanes>) {
          m_lanes->reap(true);
        }
      },
      effect);
}

bool Loop::coordinate() {
  namespace fx = core::effects;
  m_lanes->reap(false);
  const std::vector<core::Effect> effects = core::next_effects(m_cx.state());
  if (effects.size() == 1 && std::holds_alternative<fx::Idle>(effects.front())) {
    m_lanes->stop_all();
    m_lanes->sweep();
    return false;
  }
  for (const auto& effect : effects) {
    if (const auto* run_lane = std::get_if<fx::RunLane>(&effect)) {
      m_lanes->ensure_live(*run_lane);
    }
  }
  // New lanes open before the serial step, so a merge (its gates can take minutes) never keeps a free lane idle:
  // the plan that starts them already counts the lanes waiting in the queue. Then the serial step, or AwaitLanes.
  bool started = false;
  for (const auto& effect : effects) {
    if (std::holds_alternative<fx::StartLane>(effect)) {
      if (!started) {
        claim_feedback_notes();  // a note waiting in the inbox goes to the next story that starts
      }
      perform(effect);
      started = true;
    }
  }
  if (started) {
    return true;  // asked again: their RunLanes launch them
  }
  for (const auto& effect : effects) {
    if (!std::holds_alternative<fx::RunLane>(effect)) {
      perform(effect);
      return true;
    }
  }
  m_lanes->reap(true);
  return true;
}

void Loop::emit(const core::EventData& event) {
  if (!m_lanes) {
    m_cx.append(event);
    return;
  }
  if (std::holds_alternative<core::events::RunFinished>(event)) {
    m_lanes->stop_all();  // halting or finishing waits for no lane: each resumes with the next cook
  }
  std::optional<std::string> closing;
  bool passed = false;
  if (const auto* p = std::get_if<core::events::StoryPassed>(&event)) {
    closing = p->story_id;
    passed = true;
  } else if (const auto* b = std::get_if<core::events::StoryBlocked>(&event)) {
    closing = b->story_id;
  }
  std::optional<core::LaneState> lane;
  if (closing) {
    if (auto it = m_cx.state().lanes.find(*closing); it != m_cx.state().lanes.end()) {
      lane = it->second;
    }
  }
  m_cx.append(event);
  if (lane) {
    m_lanes->close(*closing, lane->worktree, lane->branch, passed);
  }
}

void Loop::claim_feedback_notes() {
  // A lane's run takes the notes its coordinator claimed for it; the inbox is the coordinator's.
  auto notes = m_cx.state().limits.lane.value_or(false)
                   ? lane_guidance(m_cx.paths, m_cx.state())
                   : claim_feedback(m_cx.paths, m_cx.state().feedback_claimed, m_cx.world.clock.now_ms());
  if (notes.empty()) {
    return;
  }
  m_cx.append(core::events::FeedbackClaimed{.files = std::move(notes)});
}

void Loop::schedule_retry(const core::effects::ScheduleRetry& effect) {
  std::int64_t now = m_cx.world.clock.now_ms();
  std::int64_t not_before = now + effect.delay_ms;
  if (effect.reason == core::RetryReason::usage_limit) {
    // Unknown reset: wait as long as the longest transient backoff, then try again.
    not_before = effect.reset_at_ms ? std::max(now, *effect.reset_at_ms) : now + 30000;
  }
  m_cx.append(core::events::RetryScheduled{.phase = m_cx.state().phase,
                                           .reason = effect.reason,
                                           .delay_ms = not_before - now,
                                           .retry = effect.retry,
                                           .not_before_ms = not_before});
}

int Loop::interrupt() {
  m_cx.report.end_activity();
  if (m_lanes) {
    m_lanes->stop_all();  // each lane journals its own interruption first
  }
  if (m_cx.options.steer) {
    take_steering(m_cx.options.steer->take());  // a stop request says who stopped the run
  }
  m_cx.append(core::events::Interrupted{.signal = signal_name(m_cx.signal_number.load())});
  m_cx.append(
      core::events::RunFinished{.result = core::RunResult::interrupted, .exit_code = to_int(ExitCode::interrupted)});
  m_cx.flush_state();
  if (m_cx.options.lane.empty()) {
    m_cx.report.summary(m_cx.state());  // where the run stood, and how to resume
  }
  m_cx.profile.print(m_cx.state());
  return to_int(ExitCode::interrupted);
}

namespace {

// prd.json with `story` set to `status` (and its blockedReason), written atomically; the new PRD.
core::Prd write_story_status(const store::ProjectPaths& paths, const std::string& story, core::StoryStatus status,
                             const std::optional<std::string>& reason) {
  auto loaded = store::load_prd(paths.prd, paths.display(paths.prd));
  if (!std::holds_alternative<core::Prd>(loaded)) {
    throw Error(ExitCode::invalid_input, store::to_failure(std::get<1>(loaded)).message);
  }
  core::Prd prd = std::get<core::Prd>(std::move(loaded));
  for (auto& s : prd.stories) {
    if (s.id == story) {
      s.status = status;
      s.blocked_reason = reason;
    }
  }
  util::write_file_atomic(paths.prd, core::canonical_json(json(prd)));
  return prd;
}

}  // namespace

std::optional<std::string> Loop::take_steering(const std::vector<SteerSignal>& signals) {
  namespace ev = core::events;
  const bool live = m_cx.options.steer_only.empty();
  std::optional<std::string> last;
  for (SteerClaim& claim : claim_steer_requests(m_cx.paths, signals)) {
    const std::string where = m_cx.paths.display(claim.file);
    if (!claim.request) {
      m_cx.append(ev::Warning{.message = fmt::format("a steering request could not be read and was set aside as {}: {}",
                                                     where, claim.error)});
      last = claim.error;
      continue;
    }
    const store::SteerRequest& r = *claim.request;
    std::optional<std::string> refused = claim.refused;
    if (!refused) {
      // A project no cook has folded yet: its stories are prd.json's.
      refused = m_cx.state().stories.empty()
                    ? core::steer_refusal(core::state_from_prd(m_cx.prd), r.action, r.story_id, live)
                    : core::steer_refusal(m_cx.state(), r.action, r.story_id, live);
    }
    if (!refused && r.story_id) {
      if (r.action == core::SteerAction::retry) {
        m_cx.prd = write_story_status(m_cx.paths, *r.story_id, core::StoryStatus::pending, std::nullopt);
      } else if (r.action == core::SteerAction::skip) {
        m_cx.prd = write_story_status(m_cx.paths, *r.story_id, core::StoryStatus::blocked, core::skip_reason(r.by));
      }
    }
    m_cx.append(
        ev::Steered{.action = r.action, .story_id = r.story_id, .by = r.by, .request = where, .refused = refused});
    last = refused;
  }
  return last;
}

int Loop::steer_only() {
  SteerSignal mine{m_cx.options.steer_only, std::nullopt};
  m_cx.run_id = make_run_id(m_cx.world.clock.now_ms());
  for (auto& w : m_pending_warnings) {
    m_cx.append(core::events::Warning{.message = std::move(w)});  // a torn tail cut, a stale lock taken over
  }
  m_pending_warnings.clear();
  std::optional<std::string> refused = take_steering({mine});
  m_cx.flush_state();
  return to_int(refused ? ExitCode::invalid_input : ExitCode::ok);
}

void Loop::wait_paused() {
  m_cx.flush_state();
  m_cx.report.begin_activity("paused: `simmer resume` (or the dashboard) goes on, `simmer stop` stops");
  while (!m_cx.cancel && !(m_cx.options.steer && m_cx.options.steer->pending())) {
    m_cx.world.clock.sleep_ms(100);
  }
  m_cx.report.end_activity();
}

}  // namespace simmer::run
