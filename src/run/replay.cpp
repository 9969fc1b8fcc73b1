#include "run/replay.hpp"

#include "core/machine.hpp"
#include "store/journal_events.hpp"
#include "util/fs.hpp"
#include "util/journal.hpp"
#include "util/sha256.hpp"

#include <fmt/format.h>

#include <vector>

namespace simmer::run {

using nlohmann::json;

namespace {

// Every line is checked against its schemas before it is folded (store/journal_events.hpp).
std::vector<core::Event> read_events(const store::ProjectPaths& paths) { return store::read_checked_events(paths); }

// The first pointer at which `a` and `b` differ (depth first, keys in order); "" when equal.
std::string first_difference(const json& a, const json& b, const std::string& at = "") {
  if (a == b) {
    return "";
  }
  if (a.is_object() && b.is_object()) {
    for (const auto& [key, value] : a.items()) {
      if (!b.contains(key)) {
        return at + "/" + key;
      }
      auto inner = first_difference(value, b.at(key), at + "/" + key);
      if (!inner.empty()) {
        return inner;
      }
    }
    for (const auto& [key, value] : b.items()) {
      if (!a.contains(key)) {
        return at + "/" + key;
      }
    }
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto inner = first_difference(a[i], b[i], at + "/" + std::to_string(i));
      if (!inner.empty()) {
        return inner;
      }
    }
  }
  return at.empty() ? "/" : at;
}

}  // namespace

ReplayResult replay_journal(const store::ProjectPaths& paths) {
  ReplayResult out;
  for (const auto& e : read_events(paths)) {
    out.state = core::apply(std::move(out.state), e);
    ++out.events;
  }
  return out;
}

ReplayCheck check_replay(const store::ProjectPaths& paths) {
  ReplayCheck check;
  auto events = read_events(paths);
  check.journal_seq = events.empty() ? 0 : events.back().seq;
  auto text = util::read_file(paths.state);
  if (!text.ok()) {
    check.message = fmt::format("cannot compare: state.json is missing ({})", paths.display(paths.state));
    return check;
  }
  json file = json::parse(*text, nullptr, false);
  if (file.is_discarded()) {
    check.message = "state.json is not valid JSON (.simmer/state.json)";
    return check;
  }
  if (file.is_object() && file.contains("seq") && file["seq"].is_number_integer()) {
    check.state_seq = file["seq"].get<std::int64_t>();
  }
  // Fold up to the seq state.json claims, remembering each step's state for the divergence search.
  std::int64_t upto = check.state_seq.value_or(check.journal_seq);
  std::vector<json> steps;
  core::State s;
  for (const auto& e : events) {
    if (e.seq > upto) {
      break;
    }
    s = core::apply(std::move(s), e);
    steps.push_back(core::to_json(s));
  }
  std::string folded = core::canonical_text(s);
  if (folded == *text && upto == check.journal_seq) {
    check.matches = true;
    check.message = fmt::format("state.json matches the journal ({} events, seq {})", events.size(), check.journal_seq);
    return check;
  }
  if (folded == *text) {
    check.diverging_seq = upto + 1;
    check.message = fmt::format(
        "state.json lags the journal: it is at seq {}, the journal at seq {}; the next "
        "`simmer cook` catches up",
        upto, check.journal_seq);
    return check;
  }
  if (check.state_seq && *check.state_seq > check.journal_seq) {
    check.pointer = "/seq";
    check.diverging_seq = check.journal_seq + 1;
    check.message = fmt::format("state.json is ahead of the journal: it says seq {}, the journal ends at seq {}",
                                *check.state_seq, check.journal_seq);
    return check;
  }
  check.pointer = first_difference(steps.empty() ? core::to_json(core::State{}) : steps.back(), file);
  json::json_pointer ptr(check.pointer == "/" ? "" : check.pointer);
  json expected = file.contains(ptr) ? file.at(ptr) : json();
  // The diverging seq: from it on, the fold never again agrees with state.json at the pointer.
  std::int64_t diverging = 1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    json value = steps[i].contains(ptr) ? steps[i].at(ptr) : json();
    if (value == expected) {
      diverging = events[i].seq + 1;
    }
  }
  check.diverging_seq = diverging;
  json got = steps.empty() || !steps.back().contains(ptr) ? json() : steps.back().at(ptr);
  check.message = fmt::format(
      "state.json disagrees with the journal (.simmer/state.json#{}): first diverging seq "
      "{}; the journal gives {}, state.json has {}",
      check.pointer, diverging, got.dump(), expected.dump());
  return check;
}

std::vector<LaunchedPrompt> launched_prompts(const store::ProjectPaths& paths) {
  std::vector<LaunchedPrompt> out;
  for (const auto& e : read_events(paths)) {
    if (e.kind != "session_launched" || !e.data.contains("prompt") || !e.data["prompt"].is_object()) {
      continue;
    }
    const json& p = e.data["prompt"];
    LaunchedPrompt lp;
    lp.seq = e.seq;
    lp.role = e.data.value("role", std::string());
    lp.story_id = e.data["storyId"].is_string() ? e.data["storyId"].get<std::string>() : std::string();
    lp.attempt = e.data.value("attempt", std::int64_t{0});
    lp.file = p.value("file", std::string());
    lp.sha256 = p.value("sha256", std::string());
    lp.bytes = p.value("bytes", std::int64_t{0});
    // The path comes from the journal: only a file inside the project's sessions folder is read.
    const auto file = paths.root / lp.file;
    const auto rel = file.lexically_normal().lexically_relative(paths.sessions.lexically_normal());
    auto text = !rel.empty() && *rel.begin() != ".." ? util::read_regular_file(file)
                                                     : Result<std::string>(Failure{"outside", ExitCode::invalid_input});
    if (!text.ok()) {
      lp.status = "missing";
    } else if (util::sha256_hex(*text) != lp.sha256) {
      lp.status = "changed";
    } else {
      lp.status = "ok";
      lp.text = std::move(*text);
    }
    out.push_back(std::move(lp));
  }
  return out;
}

}  // namespace simmer::run
