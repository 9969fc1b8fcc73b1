#!/usr/bin/env bash
# `simmer init` with a flag, or in a directory whose name, is not UTF-8 gave `internal error: ... invalid UTF-8 byte`
# (exit 1) from the JSON dump of simmer.json. The answer is named with its byte and offset (exit 2) and nothing is
# written. A simmer.json holding such a byte is refused by `validate` and `cook` with its line and column.
. "$(dirname "$0")/lib_input.sh"
before=$(snapshot)
expect_exit 2 "init --project" "$SIMMER" init -y --no-gates --builder script --verifier script --scenario s.json \
  --project "$(printf 'caf\351')"
expect_output "simmer: error: the project name is not UTF-8 (byte 0xe9 at offset 3): simmer.json is UTF-8 JSON" \
  "init --project message"
expect_exit 2 "init --gate" "$SIMMER" init -y --builder script --verifier script --scenario s.json \
  --gate "test=make $(printf '\377')check"
expect_output "simmer: error: the command of gate 1 is not UTF-8 (byte 0xff at offset 5): simmer.json is UTF-8 JSON" \
  "init --gate message"
expect_files_unchanged "$before" "init"
[ ! -e simmer.json ] && [ ! -e .simmer ] || fail "init wrote files"

mkdir "$(printf 'caf\351')" && cd "$(printf 'caf\351')" && git init -q .
expect_exit 2 "init in a directory not named in UTF-8" "$SIMMER" init -y --no-gates --builder script \
  --verifier script --scenario s.json
expect_output "simmer: error: the project name is not UTF-8 (byte 0xe9 at offset 3): simmer.json is UTF-8 JSON" \
  "init in a directory message"
[ ! -e simmer.json ] || fail "init wrote simmer.json"
cd ..

printf '{\n  "schemaVersion": 1,\n  "project": "caf\351"\n}\n' > simmer.json
before=$(snapshot)
expect_exit 2 "validate simmer.json" "$SIMMER" validate simmer.json
expect_output "simmer.json:3:18: invalid UTF-8 (byte 0xe9)
checked 1 file: 1 invalid, 1 problem" "validate message"
expect_files_unchanged "$before" "validate"
echo ok
