#pragma once
// What `simmer status` and the dashboard show of a run with lanes (docs/lanes.md, "Seeing it"): each story in
// flight with its lane's own phase, attempt, elapsed time and spend, and the merge queue with what each entry waits
// for. Pure: the caller reads the coordinator's state and each lane's state.json (.simmer/lanes/<id>/state.json).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/lanes.hpp"
#include "core/state.hpp"

namespace simmer::core {

struct LaneRow {
  std::string story_id;
  std::string status;  // "running" (its run builds, checks or fixes), "queued" (passed or blocked, in the merge
                       // queue), "merging" (rebased onto the tip, its gates on the merged tree running)
  std::string phase;   // the lane's own phase (build, gates, verify, fix...); "" when its state is not readable
  std::int64_t attempt = 0;
  std::string started_at;        // lane_started's ts
  std::int64_t elapsed_ms = -1;  // since started_at; -1 when unknown
  double cost_usd = 0.0;         // the story's spend so far (its lane's, live)
  std::string branch;
  std::string worktree;
  std::string result;              // queued: "passed" or "blocked"
  int merge_gate = 0;              // merging: gates done on the merged tree
  std::optional<Stray> waits_for;  // queued: the lane it waits to see merged first, and why
};

struct LanesView {
  std::int64_t lanes = 0;                // the run's lane count (limits.parallel.lanes)
  std::vector<LaneRow> rows;             // by story id
  std::vector<std::string> merge_queue;  // in queue order
  std::optional<std::string> next;       // the queue's entry merged now or next (core::merge_pick)
};

// `lane_states`: each lane's own state by story id (absent: not readable yet). `now_ms`: for elapsed times.
LanesView lanes_view(const State& coordinator, const std::map<std::string, State>& lane_states, std::int64_t now_ms);

// The view as JSON: {lanes, mergeQueue, next, rows: [{storyId, status, phase, attempt, startedAt, elapsedMs,
// costUsd, branch, worktree, result, mergeGate, waitsFor: {lane, path, pattern, serial} | null}]}.
nlohmann::json lanes_view_json(const LanesView& view);

// One line saying why a queued story waits: `waits for S-B to merge first: its diff touched b/x.txt, which S-B
// may write (b/**)`.
std::string describe_wait(const Stray& stray);

}  // namespace simmer::core
