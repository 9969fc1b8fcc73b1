#pragma once
// The tamper check (docs/threat-model.md): an agent session or a gate runs code the harness does not trust, so
// before it the harness-owned files are snapshotted (prd.json and progress.json by content, events.jsonl by size
// and mtime; state.json is compared with what this process last wrote) and after it every difference, in those,
// in the run's pinned inputs (run/inputs.hpp) and in HEAD, is undone and journaled as tamper_detected before
// anything is committed. Lines appended to the journal are cut back through the harness's own handle; other
// journal edits are reported, not repaired.

#include <cstdint>
#include <optional>
#include <string>

#include "run/context.hpp"

namespace simmer::run {

// The harness-owned files as they were before an agent session or a gate.
struct Snapshot {
  std::optional<std::string> prd;
  std::optional<std::string> progress;
  std::int64_t journal_size = -1;
  std::int64_t journal_mtime_ns = 0;
};

Snapshot take_snapshot(RunContext& cx);
// The journal's stamp is taken again: the harness itself just appended to it (session_launched) while the agent
// runs, which must not look like tampering.
void restamp_journal(RunContext& cx, Snapshot& snapshot);

// Compares everything with `before` after `role` (orchestrator, builder, verifier or gate) ran, restores each
// difference and journals one tamper_detected per difference found.
void check_tamper(RunContext& cx, const Snapshot& before, const std::string& role);

}  // namespace simmer::run
