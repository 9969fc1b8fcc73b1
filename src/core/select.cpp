#include "core/select.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace simmer::core {

bool is_runnable(const State& state, std::string_view id) {
  auto it = state.stories.find(std::string(id));
  if (it == state.stories.end() || it->second.status != StoryState::pending) {
    return false;
  }
  for (const auto& dep : it->second.dependencies) {
    auto d = state.stories.find(dep);
    if (d == state.stories.end() || d->second.status != StoryState::passed) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> runnable_stories(const State& state) {
  std::vector<std::string> out;
  for (const auto& [id, story] : state.stories) {
    if (is_runnable(state, id)) {
      out.push_back(id);
    }
  }
  // std::map iterates ids in byte order already, so a stable sort by priority breaks ties by id.
  std::stable_sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
    return state.stories.at(a).priority < state.stories.at(b).priority;
  });
  return out;
}

std::optional<std::string> harness_pick(const State& state) {
  auto runnable = runnable_stories(state);
  if (runnable.empty()) {
    return std::nullopt;
  }
  return runnable.front();
}

std::string refuse_pick(const State& state, std::string_view id) {
  auto it = state.stories.find(std::string(id));
  if (it == state.stories.end()) {
    return fmt::format("story \"{}\" does not exist", id);
  }
  if (it->second.status != StoryState::pending) {
    return fmt::format("story \"{}\" is {}", id, to_string(it->second.status));
  }
  for (const auto& dep : it->second.dependencies) {
    auto d = state.stories.find(dep);
    if (d == state.stories.end()) {
      return fmt::format("story \"{}\" depends on \"{}\", which does not exist", id, dep);
    }
    if (d->second.status != StoryState::passed) {
      return fmt::format("story \"{}\" waits for \"{}\" ({})", id, dep, to_string(d->second.status));
    }
  }
  return {};
}

namespace {

// The blocked story that keeps `id` from ever running, or "" when none does. `seen` guards against cycles (the
// PRD checks refuse them, but a state must never make this loop).
std::string blocker_of(const State& state, const std::string& id, std::set<std::string>& seen) {
  if (!seen.insert(id).second) {
    return {};
  }
  auto it = state.stories.find(id);
  if (it == state.stories.end()) {
    return {};
  }
  for (const auto& dep : it->second.dependencies) {
    auto d = state.stories.find(dep);
    if (d == state.stories.end()) {
      return dep;
    }
    if (d->second.status == StoryState::blocked) {
      return dep;
    }
    if (d->second.status == StoryState::pending) {
      auto deeper = blocker_of(state, dep, seen);
      if (!deeper.empty()) {
        return deeper;
      }
    }
  }
  return {};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> stuck_stories(const State& state) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, story] : state.stories) {
    if (story.status != StoryState::pending) {
      continue;
    }
    std::set<std::string> seen;
    auto blocker = blocker_of(state, id, seen);
    if (!blocker.empty()) {
      out.emplace_back(id, blocker);
    }
  }
  return out;
}

PickOutcome accept_pick(const State& state, std::string_view picked) {
  std::string why = refuse_pick(state, picked);
  if (why.empty()) {
    return {std::string(picked), true, ""};
  }
  return {harness_pick(state).value_or(""), false, "the orchestrator's pick was refused: " + why};
}

}  // namespace simmer::core
