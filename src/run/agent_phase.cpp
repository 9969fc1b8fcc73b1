#include "run/agent_phase.hpp"

#include "agents/config_map.hpp"
#include "agents/pricing.hpp"
#include "agents/session.hpp"
#include "core/select.hpp"
#include "run/feedback.hpp"
#include "run/prompts.hpp"
#include "run/session_slots.hpp"
#include "run/tamper.hpp"
#include "store/resources.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_gate_tail_kib = 64;

const core::RoleConfig& role_config(const core::Config& config, core::AgentRole role) {
  switch (role) {
    case core::AgentRole::orchestrator:
      return config.orchestrator;
    case core::AgentRole::verifier:
      return config.verifier;
    case core::AgentRole::builder:
      break;
  }
  return config.builder;
}

fs::path handoff_path(const RunContext& cx, core::Handoff handoff) {
  return cx.paths.dir / (std::string(core::to_string(handoff)) + ".json");
}

bool is_link(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::symlink;
}

std::string criteria_text(const core::Story* story) {
  std::string out;
  if (!story) {
    return out;
  }
  int i = 1;
  for (const auto& c : story->acceptance_criteria) {
    out += fmt::format("{}. {}\n", i++, c);
  }
  return out;
}

std::string failure_text(const core::State& state) {
  if (!state.last_failure) {
    return "(nothing recorded)";
  }
  const auto& f = *state.last_failure;
  std::string out = f.summary + "\n";
  if (f.kind == core::FailureKind::gate) {
    out += fmt::format("\nOutput of gate \"{}\" (last {} KiB at most):\n```\n{}\n```\n", f.name, k_gate_tail_kib,
                       f.output);
  } else if (f.kind == core::FailureKind::verdict) {
    out += "\nThe verifier's judgement per criterion:\n";
    for (const auto& c : f.criteria) {
      out += fmt::format("- [{}] {}{}\n", c.value("passed", false) ? "met" : "NOT met",
                         c.value("criterion", std::string()),
                         c.contains("evidence") ? " — " + c.value("evidence", std::string()) : std::string());
    }
  } else if (f.kind == core::FailureKind::merge) {
    // run/lanes.hpp: the lane was moved onto the integration tip with this story's change on top, uncommitted.
    out += fmt::format(
        "\nThe merge queue could not rebase this story's commits onto the integration branch, which other stories "
        "changed meanwhile. This work tree now holds the integration branch's tip with this story's changes on top, "
        "uncommitted, and git's conflict markers (<<<<<<< ======= >>>>>>>) where the two collide. Resolve every "
        "marker so that both changes hold, then make the story work again. The conflicts as git saw them:\n```\n{}"
        "\n```\n",
        f.output);
  } else if (!f.output.empty()) {
    out += "\n" + f.output + "\n";
  }
  return out;
}

// What the agent is told: the pinned prompt of its role with the placeholders filled from the state.
std::string render(RunContext& cx, const core::effects::RunAgent& effect, const std::string& story_id,
                   std::string& warning) {
  const core::State& state = cx.state();
  const core::Story* story = cx.prd.find(story_id);
  std::map<std::string, std::string> v;
  v["project"] = cx.prd.project + (cx.prd.description.empty() ? "" : ": " + cx.prd.description);
  v["story_id"] = story_id;
  v["story_title"] = story ? story->title : "";
  v["story_description"] = story ? story->description : "";
  v["criteria"] = criteria_text(story);
  v["attempt"] = std::to_string(state.attempt);
  // Bounded per note (run/feedback.hpp).
  v["feedback"] = feedback_prompt_text(cx.paths, state.phase == core::Phase::orchestrate ? state.feedback_pending
                                                                                         : state.guidance);
  v["last_failure"] = failure_text(state);
  const std::string handoff(core::to_string(effect.handoff));
  v["handoff_path"] = handoff_path(cx, effect.handoff).string();
  auto schema = store::resource("schemas/" + handoff + ".json");
  v["handoff_schema"] = schema ? compact_schema(std::string(*schema)) : "{}";
  if (effect.handoff == core::Handoff::task) {
    v["handoff_binding"] = "`storyId` must be a story that can run now.";
  } else {
    v["handoff_binding"] = fmt::format("It must say `\"storyId\": \"{}\"` and `\"attempt\": {}`.", story_id,
                                       state.attempt);
  }
  // Guidance for the builder: the orchestrator's brief when it wrote one for this story.
  std::string guidance = "(none beyond the story)";
  if (auto task = util::read_if_readable(cx.paths.task)) {
    auto doc = json::parse(*task, nullptr, false);
    if (doc.is_object() && doc.value("storyId", std::string()) == story_id) {
      guidance = doc.value("guidance", guidance);
    }
  }
  v["guidance"] = guidance;
  std::string runnable;
  for (const auto& id : core::runnable_stories(state)) {
    const core::Story* s = cx.prd.find(id);
    runnable += fmt::format("- {} (priority {}): {}\n", id, s ? s->priority : 0, s ? s->title : "");
  }
  v["runnable_stories"] = runnable.empty() ? "(none)" : runnable;
  std::string progress;
  for (const auto& id : state.order) {
    const auto& s = state.stories.at(id);
    if (s.status != core::StoryState::pending) {
      progress += fmt::format("- {}: {}{}\n", id, core::to_string(s.status),
                              s.reason.empty() ? "" : " (" + s.reason + ")");
    }
  }
  v["progress"] = progress.empty() ? "(nothing yet)" : progress;
  std::string build_summary = "(no report)";
  if (auto build = util::read_if_readable(cx.paths.build)) {
    auto doc = json::parse(*build, nullptr, false);
    if (doc.is_object()) {
      build_summary = doc.value("summary", build_summary);
    }
  }
  v["build_summary"] = build_summary;
  std::string errors;
  for (const auto& e : effect.repair_errors) {
    errors += "- " + e + "\n";
  }
  v["repair_errors"] = errors;
  std::string name = effect.role != core::AgentRole::builder ? std::string(core::to_string(effect.role))
                     : state.phase == core::Phase::fix       ? "fix"
                                                             : "builder";
  if (!effect.repair_errors.empty()) {
    name = "repair";
  }
  RenderedPrompt p = render_prompt(cx.inputs.prompt_override(name), state.limits.workflow, name, v);
  warning = p.warning;
  return p.text;
}

// Sleeps until `until_ms` (Unix ms) unless cancelled. False when cancelled.
bool wait_until(RunContext& cx, std::int64_t until_ms) {
  while (cx.world.clock.now_ms() < until_ms) {
    if (cx.cancel) {
      return false;
    }
    cx.world.clock.sleep_ms(std::min<std::int64_t>(50, std::max<std::int64_t>(1, until_ms - cx.world.clock.now_ms())));
  }
  return true;
}

}  // namespace

void run_agent_phase(RunContext& cx, const core::effects::RunAgent& effect) {
  if (effect.not_before_ms) {
    // A retry wait: status and the dashboard show the scheduled retry meanwhile.
    cx.flush_state();
    if (!wait_until(cx, *effect.not_before_ms)) {
      cx.interrupted = true;
      return;
    }
  }
  const core::RoleConfig& rc = role_config(cx.config, effect.role);
  const std::string role(core::to_string(effect.role));
  if (rc.agent == core::AgentKind::harness) {
    throw Error(ExitCode::invalid_input, fmt::format("agent 'harness' (simmer.json#/agents/{}): only the "
                                                     "orchestrator can be the harness",
                                                     role));
  }
  // A lane's session counts against parallel.sessions with every other lane's (run/session_slots.hpp): it waits
  // for a free slot first, held until the session ends.
  std::optional<SessionSlot> slot;
  if (cx.state().limits.lane.value_or(false)) {
    const std::string kind(core::to_string(rc.agent));
    if (auto cap = cx.config.parallel.sessions.find(kind); cap != cx.config.parallel.sessions.end()) {
      const int slots = static_cast<int>(std::min<std::int64_t>(cap->second, 1 << 16));
      const fs::path& dir = cx.paths.session_slots;
      if (!(slot = try_session_slot(dir, kind, slots))) {
        cx.report.begin_activity(
            fmt::format("waiting for a {} session to end (parallel.sessions caps it at {})", kind, slots));
        while (!(slot = try_session_slot(dir, kind, slots)) && !cx.cancel) {
          cx.world.clock.sleep_ms(100);
        }
        cx.report.end_activity();
        if (!slot) {
          cx.interrupted = true;
          return;
        }
      }
    }
  }
  const core::State& state = cx.state();
  std::string story_id = state.story_id.value_or("");
  if (effect.role == core::AgentRole::orchestrator) {
    story_id = core::harness_pick(state).value_or("");
  }
  // The file this phase writes: a stale one from an earlier phase must not pass for the new one.
  const fs::path handoff = handoff_path(cx, effect.handoff);
  std::error_code ec;
  fs::remove(handoff, ec);
  cx.append(core::events::PhaseStarted{.phase = state.phase, .story_id = state.story_id, .attempt = state.attempt});
  std::string warning;
  std::string prompt = render(cx, effect, story_id, warning);
  if (!warning.empty() && cx.prompt_warned.insert(warning).second) {
    cx.append(core::events::Warning{.message = warning});
  }
  // The one mapping of simmer.json to an agent (agents/config_map.hpp): doctor --probe and to-prd use it too.
  agents::LaunchRequest req = agents::launch_request(cx.config, rc, effect.role, cx.paths.root);
  req.prompt = prompt;
  req.resume_session = effect.resume_session;
  if (req.resume_session) {
    // A CLI that reports the thread's running totals (Codex) records only what this session added to them.
    req.resume_baseline = cx.session_tokens.of(*req.resume_session);
    // A CLI whose cost covers the whole conversation (Claude Code 2.1.300+) records only this session's share.
    req.resume_cost_baseline = cx.session_tokens.cost_of(*req.resume_session);
  }
  // The transcripts' folder is the harness's: a symlink an agent put in its place is removed, not followed.
  for (const fs::path& dir : {cx.paths.sessions, cx.paths.sessions / cx.run_id}) {
    if (is_link(dir)) {
      std::error_code link_ec;
      fs::remove(dir, link_ec);
    }
  }
  req.transcript = cx.paths.sessions / cx.run_id / fmt::format("{}-{}-{}.jsonl", state.seq, role, state.attempt);
  // A fresh name each session: whatever is already there was planted (a symlink to a file the agent wants
  // overwritten), and is removed, never written through.
  std::error_code planted_ec;
  if (fs::symlink_status(req.transcript, planted_ec).type() != fs::file_type::not_found) {
    fs::remove_all(req.transcript, planted_ec);
    cx.append(core::events::TamperDetected{.file = cx.paths.display(req.transcript),
                                           .restored = !planted_ec,
                                           .role = cx.actor,
                                           .change = core::TamperChange::created});
  }
  // What the agent is told is kept beside its transcript and its hash journaled with the launch, so a replay can
  // show it and tell whether the file still holds it (`simmer replay --prompts`).
  fs::path prompt_file = req.transcript;
  prompt_file.replace_extension(".prompt.md");
  util::ensure_dir(prompt_file.parent_path());
  if (int err = util::write_new_file(prompt_file, prompt); err != 0) {
    throw Error(ExitCode::unsafe_storage,
                fmt::format("cannot write {}: {}", cx.paths.display(prompt_file), util::errno_text(err)));
  }
  const core::events::PromptRecord prompt_record{.file = cx.paths.display(prompt_file),
                                                 .sha256 = util::sha256_hex(prompt),
                                                 .bytes = static_cast<std::int64_t>(prompt.size())};
  req.env = {{"SIMMER_ROLE", role},
             {"SIMMER_STORY_ID", story_id},
             {"SIMMER_ATTEMPT", std::to_string(state.attempt)},
             {"SIMMER_HANDOFF", fs::absolute(handoff).string()},
             {"SIMMER_RUN_ID", cx.run_id},
             {"SIMMER_PROJECT", fs::absolute(cx.paths.root).string()},
             {"SIMMER_REPAIR", std::to_string(effect.repair_errors.empty() ? 0 : state.repairs)},
             {"SIMMER_RETRY", std::to_string(state.transient_retries)}};
  const std::string agent = agents::agent_name(rc.agent);
  const agents::AgentOptions options = agents::agent_options(cx.config, rc, cx.paths.root, cx.options.simmer_exe);
  const std::optional<std::vector<std::string>> tools = agents::make_adapter(agent, options)->offered_tools(req);
  // The agent may read state.json, and check_tamper compares it with what this process wrote.
  cx.flush_state();
  Snapshot before = take_snapshot(cx);
  cx.actor = role;
  // Who the agent is goes into the journal before it does anything we read: if simmer is killed during the
  // session, the next start finds the group by it and stops it (run/loop.cpp, stop_survivors).
  req.on_spawn = [&](const util::SpawnedProcess& p) {
    cx.append(core::events::SessionLaunched{.role = effect.role,
                                            .story_id = cx.state().story_id,
                                            .attempt = cx.state().attempt,
                                            .agent = agent,
                                            .pid = p.pid,
                                            .pgid = p.pgid,
                                            .start_time = p.start_time,
                                            .boot_id = p.boot_id,
                                            .transcript = cx.paths.display(req.transcript),
                                            .prompt = prompt_record,
                                            .tools = tools});
    // state.json is current whenever the loop waits; and that append is ours, not the agent's.
    cx.flush_state();
    restamp_journal(cx, before);
  };
  cx.report.begin_activity(
      fmt::format("{} {} ({})", story_id.empty() ? "-" : story_id, core::to_string(state.phase), role));
  // What the agent is doing, as it does it: the live line's tool call and cost, every event with `cook -v`.
  req.on_progress = [&](const agents::StreamEvent& event, const agents::SessionProgress& progress) {
    cx.report.agent_event(event, progress);
  };
  agents::SessionRecord rec;
  {
    auto t = cx.profile.time("agent");
    rec = cx.world.agents.run(agent, options, req, cx.cancel);
  }
  cx.report.end_activity();
  check_tamper(cx, before, role);
  // Read once: the session event can move the state on (to FIX's attempt) before phase_finished is written.
  const core::Phase phase = cx.state().phase;
  const std::optional<std::string> story = cx.state().story_id;
  const std::int64_t attempt = cx.state().attempt;
  cx.append(session_event(cx, effect.role, story, attempt, rec));
  cx.append(core::events::PhaseFinished{.phase = phase,
                                        .story_id = story,
                                        .attempt = attempt,
                                        .duration_ms = rec.duration_ms,
                                        .outcome = std::string(core::to_string(rec.outcome))});
  if (rec.outcome == agents::Outcome::interrupted) {
    cx.interrupted = true;
  }
}

core::events::Session session_event(const RunContext& cx, core::AgentRole role, std::optional<std::string> story,
                                    std::int64_t attempt, const agents::SessionRecord& rec) {
  return {.role = role,
          .story_id = std::move(story),
          .attempt = attempt,
          .agent = rec.agent,
          .model = rec.model,
          .session_id = rec.session_id,
          .tokens = {.input = rec.tokens.input,
                     .output = rec.tokens.output,
                     .cache_read = rec.tokens.cache_read,
                     .cache_write = rec.tokens.cache_write},
          .turns = rec.turns,
          .duration_ms = rec.duration_ms,
          .cost_usd = rec.cost_usd,
          .cost_reported = rec.cost_reported,
          .outcome = rec.outcome,
          .error = rec.error,
          .transcript = cx.paths.display(rec.transcript),
          .reset_at_ms = rec.reset_at_ms};
}

void journal_recovered_session(RunContext& cx, const core::events::SessionLaunched& launched) {
  agents::SessionRecord rec;
  rec.agent = launched.agent;
  rec.transcript = cx.paths.root / launched.transcript;
  bool finished = false;
  try {
    const core::RoleConfig& rc = role_config(cx.config, launched.role);
    rec.model = rc.model.value_or("");
    finished = cx.world.agents.recover(rec.agent,
                                       agents::agent_options(cx.config, rc, cx.paths.root, cx.options.simmer_exe), rec);
    if (!rec.cost_reported) {
      if (auto price = agents::find_price(agents::prices_from(cx.config), rec.model)) {
        rec.cost_usd = agents::cost_usd(*price, rec.tokens);
      }
    }
  } catch (const Error&) {
    // The config no longer names a usable agent for this role: the session is recorded without its spend.
  }
  if (!finished) {
    rec.outcome = agents::Outcome::interrupted;
    rec.error = "simmer was killed during this session; its spend is what its transcript shows";
  }
  core::events::Session session = session_event(cx, launched.role, launched.story_id, launched.attempt, rec);
  session.recovered = true;
  cx.append(session);
}

}  // namespace simmer::run
