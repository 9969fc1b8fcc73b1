#pragma once
// .simmer/state.json, the cache of the journal's fold that `simmer status` and the dashboard read (DESIGN.md
// "state.json"). The loop folds every event into the cache's state; the file is replaced lazily: events that
// follow one another without a wait only mark it stale, and flush() writes it before anything that waits or lets
// another process look (an agent session, a gate, a git command, RECORD, a retry wait, every way out of the loop).
// After a kill -9 it may lag the journal by several events; the next start tells that (a state the fold passed
// through) from a disagreement worth a warning.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/machine.hpp"

namespace simmer::run {

class StateCache {
public:
  // The cache at `file` (.simmer/state.json). Reads what is there now, before the run folds the journal.
  explicit StateCache(std::filesystem::path file);

  // Called for each state the start-up fold passes through: remembers whether the file on disk is exactly that
  // state's text (a run killed before its next flush leaves one of those).
  void note_fold(const core::State& folded);
  // Takes the fold of the whole journal as the current state and makes the file agree with it. Returns the
  // warning to journal when the file disagreed (ahead of the journal, unparsable, edited), nothing when it was
  // current, missing on a fresh project, or merely behind.
  std::optional<std::string> adopt(core::State folded);

  const core::State& state() const { return m_state; }
  // Folds one appended event; the file is stale until the next flush().
  void apply(const core::TypedEvent& event);
  // Writes the file when events were folded since it was last written.
  void flush();
  // Whether the file holds exactly what this process last wrote (an agent may have changed or replaced it).
  bool on_disk_is_current() const;
  // Writes the file now, whatever is at its path (the tamper check's restore).
  void rewrite();
  // The file must be written at the next flush() (the journal or its folder was restored).
  void mark_stale() { m_dirty = true; }

private:
  void write();

  std::filesystem::path m_file;
  std::optional<std::string> m_at_start;  // the file's text before the start-up fold
  std::optional<std::int64_t> m_start_seq;
  bool m_start_is_prefix = false;
  core::State m_state;
  std::string m_text;    // what the file holds, as this process last wrote it (or found it)
  bool m_dirty = false;  // events were folded since the file was last written
};

}  // namespace simmer::run
