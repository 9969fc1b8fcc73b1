#!/usr/bin/env bash
# `simmer init` in a project on a read-only file system: exit 6 naming the file and the system error, nothing
# written.
. "$(dirname "$0")/lib.sh"
mount_tmpfs "$T/p" 1m
cd "$T/p" || exit 1
git init -q .
mount -o remount,ro "$T/p" || fail "cannot remount read-only"
"$SIMMER" init -y --no-gates > "$T/out.txt" 2>&1
expect_eq "$?" "6" "init exit code ($(cat "$T/out.txt"))"
grep -qx "simmer: error: cannot create directory ($T/p/.simmer): Read-only file system" "$T/out.txt" \
  || fail "message: $(cat "$T/out.txt")"
[ -e simmer.json ] && fail "simmer.json was written"
true
