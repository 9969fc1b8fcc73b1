#!/usr/bin/env bash
# `simmer stats` without --json prints aligned text with no colour when stdout is not a terminal.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q . && mkdir .simmer
cp "$SIMMER_SOURCE_DIR/tests/e2e/fixtures/stats_two_runs.jsonl" .simmer/events.jsonl

"$SIMMER" stats --latest > out.txt 2> err.txt || fail "stats exited $?"
[ ! -s err.txt ] || fail "unexpected stderr: $(cat err.txt)"
grep -q $'\x1b' out.txt && fail "colour codes in non-TTY output"
expect_line() {
  grep -Fxq -- "$1" out.txt || { cat out.txt >&2; fail "missing line: $1"; }
}
expect_line "Run          r2"
expect_line "Events       15 (seq 5..19, 2026-11-22T11:00:00.000Z .. 2026-11-22T11:00:15.000Z)"
expect_line "Lines        19 read, 0 malformed"
expect_line "Stories      1 passed, 1 blocked, 1 iteration, 1 fix, 0 halts"
expect_line "Sessions     3 (builder 2, verifier 1)"
expect_line "Cost         \$0.8500 total, \$0.8500 per passed story"
expect_line "  per story  builder \$0.7500, verifier \$0.1000; 3.0 sessions; in 350, out 60, cache read 750, cache write 200"
expect_line "  by model   sonnet \$0.7500, haiku \$0.1000"
expect_line "Tokens       in 350, out 60, cache read 750, cache write 200, cache hit 57.7%"
expect_line "             build           1      4.1s      4.1s      4.1s"
expect_line "Gates        2 runs, 1 passed (50.0%), 0 timed out"
expect_line "Verifier     1 verdict, 0 rejected (0.0%): 0 fail_retry, 0 fail_abort"
expect_line "Outliers     0 sessions over 3x their role's median cost or duration"
echo "ok"
