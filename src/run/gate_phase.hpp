#pragma once
// GATES: one configured gate (a shell command in the project) run through World::processes with the same tamper
// check as an agent session, since it runs code the agent wrote; journaled as phase_started (first gate), gate,
// and phase_finished (a failure or the last gate). Hook refusals are reported in the same gate form.

#include <nlohmann/json.hpp>

#include "run/context.hpp"

namespace simmer::run {

// The journal keeps the last 64 KiB of a gate's (or hook's) output.
inline constexpr std::size_t k_gate_tail = 64 * 1024;

void run_gate_phase(RunContext& cx, const core::effects::RunGate& effect);

// The gate of simmer.json named `name` (the last one so named); simmer::Error(invalid_input) when none is, since
// the journal named a gate the configuration no longer has.
const core::Gate& configured_gate(const core::Config& config, const std::string& name);

// The last k_gate_tail bytes of `output`, cut at a UTF-8 boundary.
std::string gate_tail(const std::string& output);

// A gate's outputs journaled at most: a gate that writes a million files into tracked folders must not make a
// journal line of tens of MiB. The rest are committed like any change, and the run warns.
inline constexpr std::size_t k_max_gate_outputs = 1000;

// What the gate `name` wrote in `repo`'s work tree, `before` being its dirty entries before the gate ran (core::
// gate_outputs), cut to k_max_gate_outputs with a journaled warning naming how many were left out; noted in
// `known`.
std::vector<core::events::GateOutput> take_gate_outputs(RunContext& cx, const Repository& repo,
                                                        const std::vector<core::DirtyEntry>& before,
                                                        const std::string& name, core::GateOutputs& known);

}  // namespace simmer::run
