#include "run/gate_phase.hpp"

#include "run/tamper.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace simmer::run {

std::string gate_tail(const std::string& output) {
  std::string tail = output.size() > k_gate_tail ? output.substr(output.size() - k_gate_tail) : output;
  return util::truncate_utf8(tail, k_gate_tail);
}

std::vector<core::events::GateOutput> take_gate_outputs(RunContext& cx, const Repository& repo,
                                                        const std::vector<core::DirtyEntry>& before,
                                                        const std::string& name, core::GateOutputs& known) {
  auto outputs = core::gate_outputs(before, repo.dirty_entries());
  if (outputs.size() > k_max_gate_outputs) {
    cx.append(core::events::Warning{
        .message = fmt::format("gate \"{}\" wrote {} paths outside .gitignore; the first {} stay out of simmer's "
                               "commits, the other {} will be committed: add the gate's output to .gitignore",
                               name, outputs.size(), k_max_gate_outputs, outputs.size() - k_max_gate_outputs)});
    outputs.resize(k_max_gate_outputs);
  }
  core::note_outputs(known, outputs);
  return outputs;
}

const core::Gate& configured_gate(const core::Config& config, const std::string& name) {
  const core::Gate* gate = nullptr;
  for (const auto& g : config.gates) {
    if (g.name == name) {
      gate = &g;
    }
  }
  if (!gate) {
    throw Error(ExitCode::invalid_input, fmt::format("gate \"{}\" (simmer.json#/gates): no longer configured", name));
  }
  return *gate;
}

void run_gate_phase(RunContext& cx, const core::effects::RunGate& effect) {
  const core::Gate* gate = &configured_gate(cx.config, effect.name);
  // Read once: a failing gate's event moves the state on to FIX's attempt before phase_finished is written.
  const std::optional<std::string> story = cx.state().story_id;
  const std::int64_t attempt = cx.state().attempt;
  if (effect.index == 0) {
    cx.append(core::events::PhaseStarted{.phase = core::Phase::gates, .story_id = story, .attempt = attempt});
  }
  cx.flush_state();
  Snapshot before = take_snapshot(cx);
  const std::vector<core::DirtyEntry> dirty_before = cx.world.repository.dirty_entries();
  cx.actor = "gate";
  cx.report.begin_activity(fmt::format("{} gate {}", cx.state().story_id.value_or("-"), gate->name));
  util::ProcessResult r;
  {
    auto t = cx.profile.time("gates");
    r = cx.world.processes.run_shell(gate->run, cx.paths.root, gate->timeout_s * 1000, cx.cancel);
  }
  cx.report.end_activity();
  check_tamper(cx, before, "gate");
  if (r.cancelled) {
    cx.interrupted = true;
    return;
  }
  const bool passed = r.succeeded();
  auto outputs = take_gate_outputs(cx, cx.world.repository, dirty_before, gate->name, cx.gate_outputs);
  cx.append(core::events::Gate{.name = gate->name,
                               .story_id = story,
                               .attempt = attempt,
                               .exit_code = r.exit_code,
                               .passed = passed,
                               .timed_out = r.timed_out,
                               .duration_ms = r.duration_ms,
                               .output_tail = r.spawned ? gate_tail(r.output_tail) : r.spawn_error,
                               .outputs = outputs.empty() ? std::nullopt : std::optional(std::move(outputs))});
  if (!passed || effect.index + 1 >= static_cast<int>(cx.config.gates.size())) {
    cx.append(core::events::PhaseFinished{.phase = core::Phase::gates,
                                          .story_id = story,
                                          .attempt = attempt,
                                          .duration_ms = r.duration_ms,
                                          .outcome = passed ? "passed" : "failed"});
  }
}

}  // namespace simmer::run
