#!/usr/bin/env bash
# A builder that removes .simmer/lock does not open the door to a second run: the lock is restored after its
# session, so a `simmer cook` started by the next gate is refused as locked.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:"
write_config "[{\"name\":\"second-cook\",\"run\":\"'$SIMMER' cook > second.txt 2>&1; echo \$? > second-code.txt; true\"}]"
write_scenario '[{"role":"builder","attempt":0,"actions":[{"run":"rm -f .simmer/lock"}]}]'
commit_setup
printf 'second*.txt\n' >> .gitignore && git add .gitignore && git commit -qm ignore
expect_exit 0 "cook" "$SIMMER" cook
expect_eq "$(cat second-code.txt)" "5" "exit code of the second cook ($(cat second.txt))"
grep -q "project is locked (.simmer/lock): simmer cook is running as pid" second.txt || fail "second cook: $(cat second.txt)"
grep '"kind":"tamper_detected"' .simmer/events.jsonl | grep -q '"file":".simmer/lock"' || fail "no tamper_detected for the lock"
check_journal
