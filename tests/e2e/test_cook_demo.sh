#!/usr/bin/env bash
# The offline demo (examples/todo) cooks to the end: a real C program whose tests are the gate, one verifier
# rejection and one gate failure, each fixed.
. "$(dirname "$0")/lib_cook.sh"
command -v cc >/dev/null && command -v make >/dev/null || { echo "skipped: needs cc and make"; exit 77; }
cp -r "$SIMMER_SOURCE_DIR/examples/todo/." .
echo "out*.txt" >> .gitignore
git add -A && git commit -qm setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
expect_eq "$(subjects | grep -c '(fix 1)')" "2" "two fixes"
grep -qx "  T-3 verdict fail_retry: \`todo count\` prints nothing for an empty list; criterion 2 asks for 0." out.txt || fail "no rejection"
grep -qx "  T-4 gate test failed (exit 2)" out.txt || fail "no gate failure"
make -s todo && ./todo add hello >/dev/null && expect_eq "$(./todo count)" "1" "the built program works"
check_journal
