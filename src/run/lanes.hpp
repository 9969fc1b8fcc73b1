#pragma once
// The shell of a coordinator (docs/lanes.md): a `simmer cook` whose limits have more than one lane performs the
// lane effects of core::next_effects here. Each lane's story runs as a run of its own, a child
// `simmer cook --lane ID --worktree DIR` (hidden flags) with its journal, state and hand-off files in
// .simmer/lanes/ID/ and the lane's git worktree as the directory its agents and gates work in. The coordinator's
// journal records what it launched (lane_started) and what came back (lane_finished, read from the lane's own
// journal when its process ends), and every step of the merge queue.
//
// Each child is supervised by util::run_process on a thread of its own, so it is in the process registry (the
// orphan sweeps after every gate or git call leave it alone), its output is read line by line (printed with the
// story id in front), and a cancel stops its process group. A child asks the kernel for SIGTERM when the
// coordinator dies, so a killed coordinator leaves no lane running on: each lane journals its interruption, and
// the next cook launches it again from its journal.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/machine.hpp"
#include "run/context.hpp"
#include "util/process.hpp"

namespace simmer::run {

// A lane's run, at its start: the failure the merge queue handed it (.simmer/lanes/ID/merge-failed.json, written
// by Lanes::ensure_live) when its key is newer than the last one it folded; nothing otherwise. A file that does
// not parse is the coordinator's bug, not the agent's: simmer::Error(failure) naming it.
std::optional<core::events::MergeFailed> lane_failure(const store::ProjectPaths& paths, const core::State& state);

// A lane's run, at its first ORCHESTRATE: the feedback notes the coordinator claimed for its story
// (.simmer/lanes/ID/guidance.json, written by Lanes::ensure_live, each path absolute), to journal as its own
// feedback_claimed; nothing when it has claimed notes already or there are none. A file that does not parse is the
// coordinator's bug: simmer::Error(failure) naming it.
std::vector<core::FeedbackNote> lane_guidance(const store::ProjectPaths& paths, const core::State& state);

class Lanes {
public:
  explicit Lanes(RunContext& cx) : m_cx(cx) {}
  Lanes(const Lanes&) = delete;
  Lanes& operator=(const Lanes&) = delete;
  // Stops every live lane (each journals its interruption) and waits for it.
  ~Lanes();

  // StartLane: the lane's worktree on simmer/<run>/<story> from the integration tip, then lane_started.
  void start(const core::effects::StartLane& effect);
  // RunLane: launches the lane's run unless it is live; a failure from the merge queue is handed to it first
  // (.simmer/lanes/ID/merge-failed.json, folded once by its key).
  void ensure_live(const core::effects::RunLane& effect);
  // IntegrateLane, RunMergeGate, FastForward: the merge queue's serial steps, each journaled.
  void integrate(const core::effects::IntegrateLane& effect);
  void merge_gate(const core::effects::RunMergeGate& effect);
  void fast_forward(const core::effects::FastForward& effect);
  // Journals lane_finished for each lane whose run has ended with a result; one that ended without (killed,
  // crashed) is left for the next RunLane to launch again, at most k_max_relaunches times in a row. `wait`: blocks
  // until at least one lane has ended, or the run is cancelled.
  void reap(bool wait);
  // Journals lane_touched when lane `id`'s branch moved and its diff (since it forked from the integration tip)
  // names paths not journaled for it yet. Past 1,000 paths a lane's are journaled as their top folders (`dir/**`),
  // or as `**` when even those are too many: a wider write set, never a narrower one.
  void observe(const std::string& id);
  // After the record of a story: its worktree is removed when clean (a passed story's branch too, merged).
  void close(const std::string& story_id, const std::string& worktree, const std::string& branch, bool passed);
  // Removes from a merged lane's worktree what its gates created (gate.outputs, merge_gate.outputs).
  void remove_gate_outputs(const std::string& id, const std::string& worktree);
  // Closes the lanes of passed stories that a killed coordinator recorded but did not close: each lane branch
  // simmer/<run>/<story> (and its worktree) whose story is passed and not in flight.
  void sweep();
  // Stops every live lane and waits for each to end (a halt, the end of the run, a cancel).
  void stop_all();
  bool any_live() const { return !m_live.empty(); }

private:
  struct Child {
    std::thread thread;
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    util::ProcessResult result;
  };

  void launch(const std::string& id, const std::string& worktree);
  void finished(const std::string& id, Child& child);
  void print_line(const std::string& id, std::string_view line);

  RunContext& m_cx;
  std::map<std::string, std::unique_ptr<Child>> m_live;
  std::map<std::string, int> m_relaunches;        // by story: launches in a row that ended without a result
  std::map<std::string, std::string> m_observed;  // by story: the lane tip observe() last looked at
  std::map<std::string, std::string> m_trees;     // a rebased lane's tip -> its tree, for the fast-forward's hint
  std::int64_t m_observed_at = 0;                 // when reap() last looked at every live lane (Unix ms)
  std::mutex m_print;
};

// parallel.copy (from the project, cx.paths.project()) and parallel.setup in the fresh `worktree` of lane `id` (or,
// `id` "", of an isolated run), journaled as lane_bootstrapped (nothing when neither is configured). A setup that
// fails is simmer::Error(failure) with its output: the cook stops, and the next one sets the worktree up again.
void bootstrap_worktree(RunContext& cx, const std::string& id, const std::filesystem::path& worktree);

}  // namespace simmer::run
