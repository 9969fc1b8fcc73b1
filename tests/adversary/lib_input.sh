# Helpers of the input_ cases (sourced after lib.sh): hostile bytes in files simmer reads, each case asserting
# the exact message and exit code, and that every file is as it was.

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

# expect_stderr_line LINE WHAT: out.txt (from expect_exit) holds exactly LINE.
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
