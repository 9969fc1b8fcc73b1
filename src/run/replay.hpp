#pragma once
// `simmer replay`: fold the journal through the machine; --check compares the result with state.json byte for
// byte and, when they differ, names the first JSON pointer that differs and the first diverging seq (the seq
// from which the fold never again agrees with state.json at that pointer).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/state.hpp"
#include "store/project.hpp"
#include "util/error.hpp"

namespace simmer::run {

struct ReplayResult {
  core::State state;        // the fold of the whole journal
  std::int64_t events = 0;  // events folded
};

// Folds .simmer/events.jsonl. A damaged journal throws simmer::Error(journal_corrupt); a missing one folds to the
// initial state.
ReplayResult replay_journal(const store::ProjectPaths& paths);

struct ReplayCheck {
  bool matches = false;
  std::int64_t journal_seq = 0;
  std::optional<std::int64_t> state_seq;  // seq in state.json, if readable
  std::string pointer;                    // first differing JSON pointer ("" when they match)
  std::optional<std::int64_t> diverging_seq;
  std::string message;  // one line for people
};

// Compares the fold of the journal with .simmer/state.json.
ReplayCheck check_replay(const store::ProjectPaths& paths);

// One agent launch the journal records with the prompt it was given (session_launched's `prompt`).
struct LaunchedPrompt {
  std::int64_t seq = 0;  // of the session_launched event
  std::string role;
  std::string story_id;  // "" for the orchestrator
  std::int64_t attempt = 0;
  std::string file;  // relative to the project root
  std::string sha256;
  std::int64_t bytes = 0;
  // "ok": the file holds exactly what the journal hashed; "changed": it holds something else; "missing": gone
  // (removed by `simmer gc`, or by hand).
  std::string status;
  std::string text;  // the file's content when status is "ok"
};

// Every launch of the journal that recorded its prompt, in journal order, each checked against its file. Launches
// journaled before prompts were recorded are left out.
std::vector<LaunchedPrompt> launched_prompts(const store::ProjectPaths& paths);

}  // namespace simmer::run
