#include "core/lane_view.hpp"

#include "core/machine.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

namespace simmer::core {

LanesView lanes_view(const State& s, const std::map<std::string, State>& lane_states, std::int64_t now_ms) {
  LanesView view;
  view.lanes = s.limits.parallel ? s.limits.parallel->lanes : 1;
  view.merge_queue = s.merge_queue;
  view.next = merge_pick(s);
  for (const auto& [id, lane] : s.lanes) {
    LaneRow row;
    row.story_id = id;
    row.status = lane.status == LaneStatus::running  ? "running"
                 : lane.status == LaneStatus::queued ? "queued"
                                                     : "merging";
    row.started_at = lane.started_at;
    if (auto started = util::parse_iso8601(lane.started_at); started.ok()) {
      row.elapsed_ms = std::max<std::int64_t>(0, now_ms - *started);
    }
    row.branch = lane.branch;
    row.worktree = lane.worktree;
    if (auto story = s.stories.find(id); story != s.stories.end()) {
      row.cost_usd = story->second.cost_usd;
      row.attempt = story->second.attempts > 0 ? story->second.attempts - 1 : 0;
    }
    if (auto own = lane_states.find(id); own != lane_states.end()) {
      const State& ls = own->second;
      row.phase = std::string(to_string(ls.phase));
      row.attempt = ls.attempt;
      if (auto story = ls.stories.find(id); story != ls.stories.end()) {
        row.cost_usd = story->second.cost_usd;  // live: the coordinator learns it when the lane ends
      }
    }
    if (lane.status != LaneStatus::running) {
      row.result = std::string(to_string(lane.result));
    }
    if (lane.status == LaneStatus::rebased) {
      row.merge_gate = lane.gate_index;
    }
    if (lane.status == LaneStatus::queued) {
      row.waits_for = merge_wait(s, id);
    }
    view.rows.push_back(std::move(row));
  }
  return view;
}

std::string describe_wait(const Stray& stray) {
  if (stray.serial) {
    return fmt::format(
        "waits for {} to merge first: its diff touched {}, under the serial glob \"{}\" that {} "
        "touches too",
        stray.lane, stray.path, stray.pattern, stray.lane);
  }
  if (stray.source == WriteSource::touched) {
    return fmt::format("waits for {} to merge first: its diff touched {}, which {}'s diff touched too", stray.lane,
                       stray.path, stray.lane);
  }
  return fmt::format("waits for {} to merge first: its diff touched {}, which {} may write ({})", stray.lane,
                     stray.path, stray.lane, stray.pattern);
}

nlohmann::json lanes_view_json(const LanesView& view) {
  nlohmann::json rows = nlohmann::json::array();
  for (const LaneRow& r : view.rows) {
    nlohmann::json wait;
    if (r.waits_for) {
      wait = {{"lane", r.waits_for->lane},
              {"path", r.waits_for->path},
              {"pattern", r.waits_for->pattern},
              {"serial", r.waits_for->serial},
              {"text", describe_wait(*r.waits_for)}};
    }
    rows.push_back({{"storyId", r.story_id},
                    {"status", r.status},
                    {"phase", r.phase},
                    {"attempt", r.attempt},
                    {"startedAt", r.started_at},
                    {"elapsedMs", r.elapsed_ms < 0 ? nlohmann::json() : nlohmann::json(r.elapsed_ms)},
                    {"costUsd", round_usd(r.cost_usd)},
                    {"branch", r.branch},
                    {"worktree", r.worktree},
                    {"result", r.result},
                    {"mergeGate", r.merge_gate},
                    {"waitsFor", wait}});
  }
  return {{"lanes", view.lanes},
          {"mergeQueue", view.merge_queue},
          {"next", view.next ? nlohmann::json(*view.next) : nlohmann::json()},
          {"rows", rows}};
}

}  // namespace simmer::core
