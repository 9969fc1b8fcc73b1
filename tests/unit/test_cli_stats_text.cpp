// cli/stats_text: the text `simmer stats` prints without --json, byte for byte, for a report with every figure set,
// with and without colour, and for an empty one.
#include "cli/stats_text.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace simmer;
using cli::TextColor;

namespace {

// Every figure set, so every line and branch of the text shows: several models, roles and stories (one with no
// name), exact and approximate phases, retries, named gates, outliers of both metrics.
core::StatsReport sample_report() {
  core::StatsReport r;
  r.scope = core::RunScope::run;
  r.run_id = "r20261122T100000Z-abcd";
  r.run_ids = {"r20261122T100000Z-abcd"};
  r.lines = 1234567;
  r.malformed_lines = 2;
  r.events = 1234565;
  r.first_seq = 1;
  r.last_seq = 1234565;
  r.first_ts = "2026-11-22T10:00:00.000Z";
  r.last_ts = "2026-11-22T11:30:00.000Z";
  r.stories_passed = 3;
  r.stories_blocked = 1;
  r.iterations = 4;
  r.fixes = 1;
  r.halts = 0;
  r.sessions = 1001;
  r.sessions_by_role = {{"builder", 600}, {"verifier", 400}, {"", 1}};
  r.cost_usd = 12.3456789;
  r.cost_by_model = {{"haiku", 0.25}, {"sonnet", 12.0956789}, {"", 0}};
  r.cost_by_role = {{"builder", 10.0}, {"verifier", 2.3456789}};
  r.cost_by_story = {{"US-1", 1.5}, {"US-2", 10.8456789}};
  r.cost_per_passed_story = 4.11522630;
  r.tokens_input = 1000;
  r.tokens_output = 20000;
  r.tokens_cache_read = 3000000;
  r.tokens_cache_write = 0;
  r.cache_hit_ratio = 0.99967;
  r.phase_durations["build"] = {10, 999.4, 59'999, 3'600'000, 5'000'000, true};
  r.phase_durations["verify"] = {5000, 1500, 61'000, 120'000, 9'000'000, false};
  r.retries_by_phase["build"] = {2, 1, 0};
  r.retries_by_phase["verify"] = {0, 0, 3};
  r.handoff_invalid = 3;
  r.gates = {7, 5, 1};
  r.gates_by_name = {{"lint", {3, 3, 0}}, {"test", {4, 2, 1}}};
  r.gate_pass_rate = 5.0 / 7.0;
  r.verdicts = 5;
  r.verdicts_pass = 3;
  r.verdicts_fail_retry = 1;
  r.verdicts_fail_abort = 1;
  r.verifier_rejection_rate = 0.4;
  r.outlier_count = 2;
  r.outliers.push_back({"builder", "US-2", 1, 40, "s-1", "cost", 9.5, 1.25});
  r.outliers.push_back({"verifier", "", 0, 41, "s-2", "duration", 95'000, 1'200});
  return r;
}

// Nothing at all, over every run: the "n/a", "none" and "-" forms.
core::StatsReport empty_report() {
  core::StatsReport r;
  r.scope = core::RunScope::all;
  return r;
}

}  // namespace

TEST_CASE("stats text: every figure of a run, aligned, without colour", "[stats]") {
  CHECK(cli::stats_to_text(sample_report(), TextColor::plain) ==
        "Run          r20261122T100000Z-abcd\n"
        "Events       1,234,565 (seq 1..1234565, "
        "2026-11-22T10:00:00.000Z .. 2026-11-22T11:30:00.000Z)\n"
        "Lines        1,234,567 read, 2 malformed\n"
        "Stories      3 passed, 1 blocked, 4 iterations, 1 fix, 0 halts\n"
        "Sessions     1,001 ((none) 1, builder 600, verifier 400)\n"
        "Cost         $12.3457 total, $4.1152 per passed story\n"
        "  per story  builder $3.3333, verifier $0.7819; 333.7 sessions; in 333, out 6,667, cache read 1,000,000, "
        "cache write 0\n"
        "  by model   sonnet $12.0957, haiku $0.2500, (none) $0.0000\n"
        "  by role    builder $10.0000, verifier $2.3457\n"
        "  by story   US-2 $10.8457, US-1 $1.5000\n"
        "Tokens       in 1,000, out 20,000, cache read 3,000,000, cache write 0, cache hit 100.0%\n"
        "Phases       phase       count       p50       p95       max\n"
        "             build          10     999ms     60.0s     60.0m\n"
        "             verify       5000      1.5s      1.0m      2.0m (approx.)\n"
        "Retries      build: 2 transient, 1 usage limit, 0 contract; "
        "verify: 0 transient, 0 usage limit, 3 contract (3 invalid handoffs)\n"
        "Gates        7 runs, 5 passed (71.4%), 1 timed out\n"
        "             lint       3 runs, 3 passed\n"
        "             test       4 runs, 2 passed\n"
        "Verifier     5 verdicts, 2 rejected (40.0%): 1 fail_retry, 1 fail_abort\n"
        "Outliers     2 sessions over 3x their role's median cost or duration\n"
        "             seq 40 builder US-2 attempt 1: cost $9.5000 (median $1.2500)\n"
        "             seq 41 verifier - attempt 0: duration 1.6m (median 1.2s)\n");
}

TEST_CASE("stats text: with colour only the labels change, made bold", "[stats]") {
  CHECK(cli::stats_to_text(sample_report(), TextColor::with_color) ==
        "\x1b[1mRun         \x1b[0m r20261122T100000Z-abcd\n"
        "\x1b[1mEvents      \x1b[0m 1,234,565 (seq 1..1234565, "
        "2026-11-22T10:00:00.000Z .. 2026-11-22T11:30:00.000Z)\n"
        "\x1b[1mLines       \x1b[0m 1,234,567 read, 2 malformed\n"
        "\x1b[1mStories     \x1b[0m 3 passed, 1 blocked, 4 iterations, 1 fix, 0 halts\n"
        "\x1b[1mSessions    \x1b[0m 1,001 ((none) 1, builder 600, verifier 400)\n"
        "\x1b[1mCost        \x1b[0m $12.3457 total, $4.1152 per passed story\n"
        "\x1b[1m  per story \x1b[0m builder $3.3333, verifier $0.7819; 333.7 sessions; in 333, out 6,667, cache read "
        "1,000,000, cache write 0\n"
        "\x1b[1m  by model  \x1b[0m sonnet $12.0957, haiku $0.2500, (none) $0.0000\n"
        "\x1b[1m  by role   \x1b[0m builder $10.0000, verifier $2.3457\n"
        "\x1b[1m  by story  \x1b[0m US-2 $10.8457, US-1 $1.5000\n"
        "\x1b[1mTokens      \x1b[0m in 1,000, out 20,000, cache read 3,000,000, cache write 0, cache hit 100.0%\n"
        "\x1b[1mPhases      \x1b[0m phase       count       p50       p95       max\n"
        "             build          10     999ms     60.0s     60.0m\n"
        "             verify       5000      1.5s      1.0m      2.0m (approx.)\n"
        "\x1b[1mRetries     \x1b[0m build: 2 transient, 1 usage limit, 0 contract; "
        "verify: 0 transient, 0 usage limit, 3 contract (3 invalid handoffs)\n"
        "\x1b[1mGates       \x1b[0m 7 runs, 5 passed (71.4%), 1 timed out\n"
        "             lint       3 runs, 3 passed\n"
        "             test       4 runs, 2 passed\n"
        "\x1b[1mVerifier    \x1b[0m 5 verdicts, 2 rejected (40.0%): 1 fail_retry, 1 fail_abort\n"
        "\x1b[1mOutliers    \x1b[0m 2 sessions over 3x their role's median cost or duration\n"
        "             seq 40 builder US-2 attempt 1: cost $9.5000 (median $1.2500)\n"
        "             seq 41 verifier - attempt 0: duration 1.6m (median 1.2s)\n");
}

TEST_CASE("stats text: an empty report over all runs says n/a, none and -", "[stats]") {
  CHECK(cli::stats_to_text(empty_report(), TextColor::plain) ==
        "Runs         all (0)\n"
        "Events       0\n"
        "Lines        0 read, 0 malformed\n"
        "Stories      0 passed, 0 blocked, 0 iterations, 0 fixes, 0 halts\n"
        "Sessions     0\n"
        "Cost         $0.0000 total, n/a per passed story\n"
        "  per story  n/a\n"
        "  by model   -\n"
        "  by role    -\n"
        "  by story   -\n"
        "Tokens       in 0, out 0, cache read 0, cache write 0, cache hit n/a\n"
        "Phases       phase       count       p50       p95       max\n"
        "Retries      none (0 invalid handoffs)\n"
        "Gates        0 runs, 0 passed (n/a), 0 timed out\n"
        "Verifier     0 verdicts, 0 rejected (n/a): 0 fail_retry, 0 fail_abort\n"
        "Outliers     0 sessions over 3x their role's median cost or duration\n");
}

TEST_CASE("stats text: one outlier is spoken of in the singular", "[stats]") {
  core::StatsReport r = empty_report();
  r.outlier_count = 1;
  CHECK(cli::stats_to_text(r, TextColor::plain)
            .find("Outliers     1 session over 3x its role's median cost or duration\n") != std::string::npos);
}
