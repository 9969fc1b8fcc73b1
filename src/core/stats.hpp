#pragma once
// `simmer stats`: pure aggregation of journal lines (docs/events.md) into the figures a person wants after a long
// run: what passed, what it cost, where the time went, how often things were retried. No I/O here: the caller
// feeds lines (from a file, a test string, the dashboard's tail) and asks for a report.
//
// Memory is bounded whatever the journal's length: every figure is a counter, a sum, a fixed-size quantile sketch
// or a bounded top-k list. Only the per-story, per-model and per-role maps grow, with the number of distinct
// stories, models and roles (a PRD's size), never with the number of lines.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::core {

// Which runs a report covers. `latest` is resolved by the caller (see latest_run_id) before lines are fed: the
// accumulator then behaves exactly like `run` with that id.
enum class RunScope { latest, run, all };

// Bytes that must be readable (any content) after a line handed to StatsAccumulator::add_padded_line: the JSON
// parser reads whole 64-byte blocks. Equal to simdjson's SIMDJSON_PADDING.
inline constexpr std::size_t k_stats_line_padding = 64;

// Order statistics of one set of durations (ms) or costs. Percentiles use the nearest-rank definition (the
// smallest sample with at least p% of the samples at or below it). Exact while a set holds at most 4,096
// samples; beyond that they come from a log-bucket sketch with at most 1% relative error.
struct Distribution {
  std::uint64_t count = 0;
  double p50 = 0;
  double p95 = 0;
  double max = 0;
  double sum = 0;
  bool exact = true;
};

// A session whose cost or duration is more than three times the median of its role in the same scope.
struct Outlier {
  std::string role;
  std::string story_id;
  std::int64_t attempt = 0;
  std::int64_t seq = 0;
  std::string session_id;
  std::string metric;  // "cost" or "duration"
  double value = 0;    // costUsd or durationMs
  double median = 0;   // the role's median of the same metric
};

struct RetryCounts {
  std::uint64_t transient = 0;
  std::uint64_t usage_limit = 0;
  std::uint64_t contract = 0;
};

struct GateCounts {
  std::uint64_t runs = 0;
  std::uint64_t passed = 0;
  std::uint64_t timed_out = 0;
};

// How busy the lanes of the runs with lanes in scope were (docs/lanes.md): `busy_ms` is the time the lanes' own runs
// ran (each lane run from its first event to its last), `wall_ms` the time the coordinators ran (each from its
// first event to its last in scope), `lanes` the most lanes any of them had.
struct LaneFigures {
  std::int64_t lanes = 0;
  std::int64_t wall_ms = 0;
  std::int64_t busy_ms = 0;
  std::optional<double> average_busy;  // busy / wall: lanes busy on average
  std::optional<double> efficiency;    // busy / (lanes x wall): 1 is every lane busy all the time
};

// Everything `simmer stats` prints. Ratios are nullopt when their denominator is zero (printed as "n/a" / null).
struct StatsReport {
  RunScope scope = RunScope::latest;
  std::string run_id;                 // the run reported on; "" with RunScope::all or an empty journal
  std::vector<std::string> run_ids;   // runs seen in scope, in journal order (at most 1,000 kept)
  std::uint64_t lines = 0;            // every non-empty line read, in or out of scope
  std::uint64_t malformed_lines = 0;  // torn or garbage lines: not JSON, or no seq/kind
  std::uint64_t events = 0;           // well-formed events in scope
  std::int64_t first_seq = 0, last_seq = 0;
  std::string first_ts, last_ts;

  std::uint64_t stories_passed = 0;
  std::uint64_t stories_blocked = 0;
  std::uint64_t iterations = 0;  // story_selected events: one per orchestrate -> record cycle
  std::uint64_t fixes = 0;       // phase_started with phase "fix"
  std::uint64_t halts = 0;

  std::uint64_t sessions = 0;
  std::map<std::string, std::uint64_t> sessions_by_role;
  std::map<std::string, std::uint64_t> sessions_by_outcome;

  double cost_usd = 0;
  std::map<std::string, double> cost_by_model;
  std::map<std::string, double> cost_by_role;
  std::map<std::string, double> cost_by_story;
  std::optional<double> cost_per_passed_story;

  std::uint64_t tokens_input = 0, tokens_output = 0, tokens_cache_read = 0, tokens_cache_write = 0;
  std::optional<double> cache_hit_ratio;  // cacheRead / (input + cacheRead + cacheWrite)

  std::map<std::string, Distribution> phase_durations;  // phase_finished durationMs, by phase
  std::map<std::string, RetryCounts> retries_by_phase;  // retry_scheduled, by phase and reason
  std::uint64_t handoff_invalid = 0;

  GateCounts gates;
  std::map<std::string, GateCounts> gates_by_name;
  std::optional<double> gate_pass_rate;

  std::uint64_t verdicts = 0, verdicts_pass = 0, verdicts_fail_retry = 0, verdicts_fail_abort = 0;
  std::optional<double> verifier_rejection_rate;  // (fail_retry + fail_abort) / verdicts

  std::uint64_t outlier_count = 0;  // exact count while the role's samples are exact
  std::vector<Outlier> outliers;    // the largest ones, at most 20 per role and metric, by seq

  std::optional<LaneFigures> lanes;  // nothing when no run in scope had more than one lane
};

// Folds journal lines into a StatsReport. Not thread-safe; one per report.
class StatsAccumulator {
public:
  // `scope` all: every event counts. run / latest: only events whose runId equals `run_id` (an empty id with
  // latest means "the journal has no run": nothing is in scope, malformed lines are still counted).
  StatsAccumulator(RunScope scope, std::string run_id);
  ~StatsAccumulator();
  StatsAccumulator(StatsAccumulator&&) noexcept;
  StatsAccumulator& operator=(StatsAccumulator&&) noexcept;

  // One journal line without its newline. An empty or all-blank line is ignored; a line that is not a JSON
  // object with an integer `seq` and a string `kind` is counted as malformed and otherwise ignored, never thrown.
  void add_line(std::string_view line);

  // The fast path for a streaming reader: `line` of `length` bytes, with at least k_stats_line_padding readable
  // bytes after it (their content does not matter). Same semantics as add_line.
  void add_padded_line(const char* line, std::size_t length);

  // The lines that follow come from a lane's own journal (.simmer/lanes/<id>/events.jsonl), after every line of
  // the coordinator's journal: they count (sessions, costs, phases, gates, verdicts...) when they fall inside a
  // coordinator run in scope by time (a lane runs only while its coordinator does; any time with `all`), never as
  // runs, events or iterations of their own (the coordinator's lane_started are its iterations).
  void begin_lane_journal();

  // The figures for everything fed so far. May be called more than once.
  StatsReport report() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The runId of the last well-formed event in `tail` (the last bytes of a journal; a partial first line is
// skipped, a torn last line ignored), or nullopt when `tail` holds none. The caller widens the tail and asks
// again when it gets nullopt and the file is longer than the tail.
std::optional<std::string> latest_run_id(std::string_view tail);

// The report as canonical JSON (camelCase keys; see docs/observability.md for every field). The text a person
// reads is the command's business (cli/stats_text.hpp).
nlohmann::json stats_to_json(const StatsReport& report);

}  // namespace simmer::core
