#!/usr/bin/env bash
# A journal that is a symlink when cook starts (planted by an agent of an earlier run, or anyone) is refused with
# exit 6 and a clear message; the file it points to is not touched.
. "$(dirname "$0")/lib.sh"
outside=$(mktemp)
echo "not yours" > "$outside"
write_prd "S-1:0:"
write_config
write_scenario '[]'
commit_setup
ln -s "$outside" .simmer/events.jsonl
expect_exit 6 "cook" "$SIMMER" cook
grep -qx "simmer: error: cannot open the journal (.simmer/events.jsonl): it is a symbolic link; simmer writes its journal only to a regular file inside the project (move the real file back in place)" out.txt \
  || fail "message: $(cat out.txt)"
expect_eq "$(cat "$outside")" "not yours" "the symlink's target"
rm -f "$outside"
