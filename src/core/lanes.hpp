#pragma once
// Which stories may run together (issue 12 item 2), pure: the `touches` globs a story declares, whether two of
// them can name the same path, and the scheduler's decision of which runnable stories start now beside the lanes
// already running, and why each other one waits. Lanes themselves (worktrees, the merge queue, `--lanes`) are not
// built yet; docs/lanes.md has the rules this module decides and their reasons.
//
// A glob is a path relative to the repository root, segments separated by `/`: `*` matches any run of characters
// within one segment (none too), `?` exactly one character within a segment, and `**`, as a whole segment,
// matches zero or more segments. Everything else is literal, bytes compared exactly (case matters, as in git).
// A "character" is one UTF-8 sequence; a byte that is not UTF-8 is a character of its own.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/contracts.hpp"

namespace simmer::core {

// Why `pattern` is not a valid glob, as the end of a sentence that starts with the quoted pattern (`"/src/**"
// starts with "/" (...)`); "" when it is valid. Refused: an empty pattern (`is empty`), a control character
// (`holds a control character`), a backslash (`holds a backslash (segments are separated by "/", and nothing is
// escaped)`), a leading `/` (`starts with "/" (paths are relative to the repository root)`), an empty segment
// (`has an empty segment`: `a//b`, a trailing `/`), a `.` segment (`has a "." segment (write the path without
// it)`), a `..` segment (`has a ".." segment (a glob cannot leave the repository)`), and `**` inside a longer
// segment (`has "**" inside the segment "**x" ("**" must be a whole segment)`). The first problem found, in that
// order of checks, is the one named.
std::string glob_error(std::string_view pattern);

// Whether `path` (repository-relative, as git prints it) matches `pattern` by the rules above. A pattern that
// glob_error() refuses is matched by the same rules as far as they apply (a `**` inside a segment acts as `*`);
// callers check patterns first. An empty path is one empty segment: only a pattern of stars and `**` matches it.
bool glob_match(std::string_view pattern, std::string_view path);

// A path that both globs match, or nothing when no path does. Exact for valid globs: a path is returned only if
// glob_match() accepts it for both, and nothing only if no path matches both. Where a wildcard is free the example
// takes "x": a wildcard (`?`, `*`, `**`) that the other glob leaves free becomes "x" (one character, or one
// segment), a wildcard that meets a literal takes the literal, and the shortest such path is chosen
// (`src/api/**` and `src/**` give "src/api/x", `*.md` and `README.*` give "README.md").
// The one conservative corner: a segment "." or ".." counts as a path segment here, so `src/.*` and `src/?`
// overlap (on `src/.`) although no repository path is named so. Either glob invalid: nothing (ask
// globs_may_overlap(), which answers true for it).
std::optional<std::string> glob_overlap_example(std::string_view a, std::string_view b);

// Whether some path could match both globs: glob_overlap_example() found one, or either glob is invalid (an
// invalid glob could mean anything, so it overlaps everything). Never false for two globs that share a path.
bool globs_may_overlap(std::string_view a, std::string_view b);

// What a story without `touches` means for the scheduler (simmer.json will choose; `run_alone` is the default).
enum class UntouchedStories {
  run_alone,   // it writes who knows what: it starts only when no lane is busy, and nothing starts beside it
  run_beside,  // it declares nothing: only the paths its diff actually touched (and serial globs) conflict
};

// One story of the PRD as the scheduler sees it.
struct LaneStory {
  std::string id;
  StoryStatus status = StoryStatus::pending;
  std::int64_t priority = 0;                        // lower runs first
  std::vector<std::string> dependencies;            // ids that must have passed and be merged
  std::optional<std::vector<std::string>> touches;  // absent or empty: undeclared
  std::string agent;                                // the agent that would build it (its session counts on start)
};

// A story running in a lane now.
struct RunningLane {
  std::string story_id;
  std::optional<std::vector<std::string>> touches;  // what it declared; absent or empty: undeclared
  std::vector<std::string> touched;                 // paths its diff touched so far (they widen its write set)
  std::string session_agent;                        // agent of the lane's live session; "" = none (gates, queue)
};

// The limits the scheduler respects.
struct LaneLimits {
  int lanes = 1;                              // at most this many stories in flight; 0 or less: none starts
  std::map<std::string, int> agent_sessions;  // agent name -> most live sessions at once; absent = no cap
  std::vector<std::string> serial_globs;      // paths that two lanes never touch at once (lockfiles, CHANGELOG...)
  UntouchedStories untouched = UntouchedStories::run_alone;
};

struct LaneInput {
  std::vector<LaneStory> stories;    // any order (duplicate ids: the first counts)
  std::vector<std::string> merged;   // ids merged into the integration branch
  std::vector<RunningLane> running;  // any order: the plan does not depend on it
  LaneLimits limits;
};

// Why a runnable story does not start now, checked in this order (the first that applies is the reason).
enum class DeferReason {
  lanes_full,       // every lane is busy (`limit` = the lane count)
  waits_for_alone,  // `other` has no touches and runs alone: nothing starts beside it
  held_for_alone,   // `other`, before it in pick order, has no touches and waits to run alone: later stories wait
                    // with it, so a stream of small stories cannot keep it waiting for ever
  session_cap,      // agent `other` has `limit` live sessions, its cap
  runs_alone,       // it has no touches, so it runs alone: it waits for the busy lanes (`busy`) to finish
  overlaps,         // its glob `glob` and `other_pattern` of story `other` may name the same path (`example`)
  serial,           // it and story `other` both touch the serial glob `serial_glob` (via `glob`, `other_pattern`)
};
std::string_view to_string(DeferReason reason);

// Whether the story a deferral names is in a lane already or is one this plan starts.
enum class OtherLane { running, starting };

// Where a pattern of another lane comes from: its `touches`, or a path its diff touched.
enum class WriteSource { declared, touched };

// One runnable story that does not start now. Fields not listed with its reason are empty.
struct Deferral {
  std::string story_id;
  DeferReason reason = DeferReason::lanes_full;
  std::string other;                                 // story id, or agent name (session_cap)
  OtherLane other_lane = OtherLane::running;         // overlaps, serial, waits_for_alone
  std::string glob;                                  // overlaps, serial: this story's glob
  std::string other_pattern;                         // overlaps, serial: the other story's glob or touched path
  WriteSource other_source = WriteSource::declared;  // overlaps, serial
  std::string serial_glob;                           // serial
  std::string example;                               // overlaps: a path both may write
  int limit = 0;                                     // lanes_full, session_cap
  std::vector<std::string> busy;                     // runs_alone: running lanes (by id), then those starting

  bool operator==(const Deferral&) const = default;
};

// One line saying why, e.g. `its glob "src/api/**" overlaps "src/**" of running story T-1 (both could write
// src/api/x)`; docs/lanes.md lists each form.
std::string describe(const Deferral& deferral);

// What keeps a pending story from being runnable: its first dependency (in its own order) that is not passed and
// merged.
enum class DependencyWait {
  pending,     // the dependency has not passed yet (it may be running)
  blocked,     // the dependency is blocked: this story is stuck until a human acts
  missing,     // no story has that id
  not_merged,  // the dependency passed but is not merged into the integration branch yet
};
std::string_view to_string(DependencyWait wait);

struct Waiting {
  std::string story_id;
  std::string dependency;
  DependencyWait wait = DependencyWait::pending;

  bool operator==(const Waiting&) const = default;
};

// Every pending story that is not running lands in exactly one of the three lists, each in pick order.
struct LanePlan {
  std::vector<std::string> start;  // start now, in this order
  std::vector<Deferral> deferred;  // runnable, not started, with why
  std::vector<Waiting> waiting;    // not runnable: a dependency is not passed and merged
};

// The scheduler. Runnable = pending, not running, and every dependency passed and merged. Runnable stories are
// taken in the single-lane harness's pick order (priority, then id in byte order: core/select.hpp) and each
// starts unless a DeferReason applies against the running lanes and the stories this plan already starts. A
// running lane's write set is its `touches` plus every path its diff touched; a story that would start is
// checked with its `touches` only. Overlap only defers: a deferred story is considered again at the next plan,
// and never gains a dependency. Deterministic: the same input gives the same plan whatever the order of
// `stories` and `running`. Empty input: an empty plan.
LanePlan plan_lanes(const LaneInput& input);

// One path of a story's diff that strayed into another running lane.
struct Stray {
  std::string path;     // the path, outside the story's own touches
  std::string lane;     // the other lane's story id: this story waits for it to merge first
  std::string pattern;  // the other lane's glob or touched path it hit, or the serial glob both touch
  WriteSource source = WriteSource::declared;
  bool serial = false;  // true: `pattern` is a serial glob that the other lane touches too

  bool operator==(const Stray&) const = default;
};

// After BUILD: the paths of `lane.touched` that no glob of `lane.touches` matches (all of them when it has no
// touches) and that another running lane may write: a glob of its touches matches the path, its diff touched the
// same path, or the path is under a serial glob that the other lane's write set touches too. An undeclared other
// lane counts as touching everything when `untouched` is run_alone. One entry per (path, lane), the first
// matching pattern (declared, then touched, then serial globs in their order); sorted by path, then lane id. The
// entry for `lane` itself (same story id) in `others` is skipped. Nothing strayed: empty.
std::vector<Stray> strayed_into(const RunningLane& lane, const std::vector<RunningLane>& others,
                                const std::vector<std::string>& serial_globs,
                                UntouchedStories untouched = UntouchedStories::run_alone);

// A lane's touched paths (sorted), bounded for its journal: up to `limit` paths as they are; past that, their top
// folders (`dir/**`, a file at the root as itself), or `**` when even those are more than `limit`. Wider, never
// narrower: every path still matches one of the globs returned.
std::vector<std::string> bounded_write_set(std::vector<std::string> paths, std::size_t limit);

}  // namespace simmer::core
