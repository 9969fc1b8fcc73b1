#!/usr/bin/env bash
# SIGINT stops the hanging agent's whole process group, journals the interruption, exits 130; the next cook
# resumes the same attempt and finishes.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","attempt":0,"actions":[{"run":"sleep 300 & echo $! > sleeper.pid"}],"outcome":"hang"}]'
commit_setup
cook_in_background
wait_for_event phase_started '"phase":"build"'
for i in $(seq 1 100); do [ -s sleeper.pid ] && break; sleep 0.1; done
kill -INT "$cook"
wait "$cook"
expect_eq "$?" "130" "cook exit code after SIGINT ($(cat out.txt))"
grep -qx "simmer: warning: interrupted by SIGINT: the next \`simmer cook\` resumes" out.txt || fail "no interrupt line: $(cat out.txt)"
expect_eq "$(event_kinds | tail -2 | tr '\n' ' ')" "interrupted run_finished " "journal ends with the interruption"
kill -0 "$(cat sleeper.pid)" 2>/dev/null && fail "the agent's child survived"
write_scenario '[]'
git add scenario.json && git commit -qm "no more hang"
"$SIMMER" cook > out2.txt 2>&1
expect_eq "$?" "0" "resumed cook ($(cat out2.txt))"
grep -q "resuming at build of S-1" out2.txt || fail "did not resume the build: $(cat out2.txt)"
check_journal
