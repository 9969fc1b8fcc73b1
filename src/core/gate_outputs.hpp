#pragma once
// What gates leave in the work tree (a build folder, a coverage report, a formatter's rewrite) is theirs, not the
// story's: it is found by comparing git's view of the tree before and after each gate, journaled with the gate
// (gate.outputs), and kept out of simmer's commits (commit.keptOut). Pure: the shell lists the entries and hashes
// the files (run/gate_phase.cpp, run/commit_phase.cpp).
//
// The rule, per path:
// - created (untracked before the gate, a folder git lists whole ends in '/'): kept out for good; a build folder
//   an agent rebuilds later is still the build's;
// - changed or deleted (a tracked file): kept out while it is as the gate left it; once something else changes
//   it (the next FIX edits the file the formatter rewrote), it is committed like any change.

#include "core/events.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace simmer::core {

// One path of `git status` (outside .simmer/), with untracked folders listed whole.
struct DirtyEntry {
  std::string path;
  bool untracked = false;
  std::optional<std::string> sha256;  // tracked: the file's content; nullopt when it is gone
  bool operator==(const DirtyEntry&) const = default;
};

// The outputs of one gate: what is dirty after it and was not dirty, or not with that content, before it.
// Sorted by path.
std::vector<events::GateOutput> gate_outputs(const std::vector<DirtyEntry>& before,
                                             const std::vector<DirtyEntry>& after);

// Every gate output known to the run, by path; a later gate's word on a path replaces an earlier one's.
using GateOutputs = std::map<std::string, events::GateOutput>;
void note_outputs(GateOutputs& known, const std::vector<events::GateOutput>& outputs);

// Whether `output` is still the gate's: created ones always; a changed file while `current_sha256` is the content
// the gate left; a deleted file while it is gone (`current_sha256` nullopt).
bool still_gate_output(const events::GateOutput& output, const std::optional<std::string>& current_sha256);

// Whether the file-level `path` (git status with every untracked file listed) is `entry` or lies under it.
bool covers(const std::string& entry, const std::string& path);

}  // namespace simmer::core
