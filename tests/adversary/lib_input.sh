# Helpers of the input_ cases (sourced, not run; brings lib.sh): hostile bytes in files simmer reads, each case
# asserting the exact message and exit code, and that every file is as it was.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# sha256 of every file of the project but .git/ and the cases' own out*.txt, one "<hash>  <path>" a line: two
# equal snapshots mean nothing was created, changed or removed.
snapshot() {
  find . -path ./.git -prune -o -type f ! -name 'out*.txt' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
}

# expect_files_unchanged BEFORE WHAT: fails when a file changed since the snapshot BEFORE.
expect_files_unchanged() {
  local now
  now=$(snapshot)
  [ "$now" = "$1" ] || fail "$2 changed files: $(diff <(echo "$1") <(echo "$now") | head -20)"
}

# expect_output TEXT WHAT: out.txt (from expect_exit) holds exactly TEXT.
expect_output() {
  expect_eq "$(cat out.txt)" "$1" "$2"
}

# A cooked project: story S-1 built, gated, verified and passed by the script agent, committed.
cook_one_story() {
  write_prd "S-1:0:"
  write_config '[{"name":"check","run":"true"}]'
  write_scenario '[{"role":"builder","story":"S-1","actions":[{"write":"s1.txt","content":"one\n"}]}]'
  commit_setup
  "$SIMMER" cook > out.txt 2>&1 || fail "setup cook: exit $?: $(cat out.txt)"
}

# expect_folds_refuse MESSAGE WHAT: every command that folds the journal (cook, replay, replay --check) refuses it
# as damaged, exit 4, with exactly MESSAGE.
expect_folds_refuse() {
  local cmd
  for cmd in "cook" "replay" "replay --check"; do
    # shellcheck disable=SC2086
    expect_exit 4 "$2: $cmd" "$SIMMER" $cmd
    expect_output "$1" "$2: $cmd message"
  done
}

# keep_good_journal: the cooked journal is kept as good.jsonl; $n is the line (and seq) a line appended to it has.
keep_good_journal() {
  cp .simmer/events.jsonl good.jsonl
  n=$(($(wc -l < good.jsonl) + 1))
}

# journal_plus LINE: the journal becomes good.jsonl with LINE appended.
journal_plus() {
  { cat good.jsonl; printf '%s\n' "$1"; } > .simmer/events.jsonl
}
