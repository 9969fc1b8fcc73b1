#!/usr/bin/env bash
# A read-only .simmer/ is unsafe storage: exit 6, naming the file and the system error, every file as it was.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:"
write_config
write_scenario '[]'
commit_setup
cp .simmer/prd.json "$T.prd"
mount_tmpfs "$T/.simmer" 1m
cp "$T.prd" .simmer/prd.json && rm -f "$T.prd"
mount -o remount,ro "$T/.simmer" || fail "cannot remount read-only"
before=$(file_hash .simmer/prd.json)
expect_exit 6 "cook" "$SIMMER" cook
grep -qx "simmer: error: cannot open the lock file (.simmer/lock): Read-only file system" out.txt || fail "message: $(cat out.txt)"
expect_eq "$(file_hash .simmer/prd.json)" "$before" "prd.json"
