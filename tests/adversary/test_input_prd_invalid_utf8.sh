#!/usr/bin/env bash
# A markdown PRD with bytes that are not UTF-8 (a Latin-1 "é", a stray 0xff) gave `internal error: ... invalid UTF-8
# byte` (exit 1) from the JSON dump: each bad line is named with its column and byte (exit 2), nothing is written.
. "$(dirname "$0")/lib_input.sh"
printf '# Caf\xe9 app\n\n## US-001: Menu\n- [ ] The menu lists every caf\xe9\n- [ ] Prices show\n\n## US-002: Bill\n- [ ] The bill adds up \xff\n' > PRD.md
before=$(snapshot)
expect_exit 2 "to-prd" "$SIMMER" to-prd PRD.md
expect_output "simmer: error: PRD.md:1: invalid UTF-8 (byte 0xe9 at column 6): save the file as UTF-8
simmer: error: PRD.md:4: invalid UTF-8 (byte 0xe9 at column 31): save the file as UTF-8
simmer: error: PRD.md:8: invalid UTF-8 (byte 0xff at column 24): save the file as UTF-8" "to-prd message"
expect_exit 2 "to-prd -o -" "$SIMMER" to-prd PRD.md -o -
expect_files_unchanged "$before" "to-prd"
[ ! -e .simmer/prd.json ] || fail "prd.json was written"
echo ok
