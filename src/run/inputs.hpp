#pragma once
// The run's pinned inputs (DESIGN.md "The trust boundary"): the files that decide how a story is judged
// (simmer.json with its gates, the prompt overrides in .simmer/prompts/, the script agents' scenario files) are
// read once when a run starts, hashed into its run_started event, and held in memory. What the agents are told
// comes from these bytes, never from the disk again, and after every agent session and gate the disk is compared
// with them: a change is tamper, undone before anything is committed, with the changed bytes saved aside so that
// nothing (not even a user's edit made during a run) is lost.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/events.hpp"

namespace simmer::run {

// One pinned file: its bytes at the start of the run, or nullopt when it did not exist.
struct PinnedFile {
  std::filesystem::path path;
  std::string display;               // relative to the project root: "simmer.json", ".simmer/prompts/verifier.md"
  std::optional<std::string> bytes;  // nullopt: absent at the start (and must stay absent)
};

// A pinned file found changed on disk, and what was done about it.
struct InputTamper {
  std::string display;
  core::TamperChange change = core::TamperChange::changed;  // changed, removed or created
  bool restored = false;  // the disk holds the pinned bytes again (or the created file is gone)
  std::string saved_as;   // where the agent's version was kept ("" when there was none or saving failed)
};

// Puts `path` back to `want` (its bytes, or absent when nullopt) without following a symlink at it: a symlink,
// directory or FIFO in the way is removed (never its target), then the bytes are written atomically. Nothing
// happens, and nothing is returned, when the path already holds `want`. Otherwise the change found ("changed",
// "removed", "created") and whether the disk holds `want` again; `found` (when given) receives the bytes of the
// regular file that was there. Used for the pinned inputs and for the harness's own files (run/tamper.hpp).
std::optional<InputTamper> restore_file(const std::filesystem::path& path, const std::string& display,
                                        const std::optional<std::string>& want,
                                        std::optional<std::string>* found = nullptr);

class RunInputs {
public:
  // Reads the run's inputs under `root`: `config` (simmer.json), every regular file directly in `prompts`
  // (.simmer/prompts/, which may be missing), and each of `scenarios` (paths as the config gives them, relative to
  // `root` unless absolute). A file that cannot be read is pinned as absent. Never throws for a missing file.
  static RunInputs pin(const std::filesystem::path& root, const std::filesystem::path& config,
                       const std::filesystem::path& prompts, const std::vector<std::string>& scenarios);

  // The hashes this run used, in path order, for run_started (sha256 null: the file was absent).
  std::vector<core::events::InputHash> hashes() const;

  // The pinned text of the override .simmer/prompts/<name>.md, or nullopt when there was none at the start.
  std::optional<std::string> prompt_override(const std::string& name) const;

  // Compares the disk with the pinned bytes and restores every difference (atomic write of the pinned bytes, or
  // removal of a file that did not exist; a prompt file created in .simmer/prompts/ is removed too). The bytes
  // found are first saved under `save_dir` as <stem>-<display with / as _> so nothing is lost. Returns what it
  // found, in path order; empty when the disk agrees. Restoring writes through no symlink: a symlink put at a
  // pinned path is replaced, its target left alone.
  std::vector<InputTamper> check_and_restore(const std::filesystem::path& save_dir, const std::string& stem) const;

private:
  std::filesystem::path m_root;
  std::filesystem::path m_prompts;
  std::vector<PinnedFile> m_files;  // sorted by display
};

}  // namespace simmer::run
