#!/usr/bin/env bash
# A build.json that is a symlink to a file outside the project is refused with a clear message (the repair gets
# it), and the outside file stays as it was.
. "$(dirname "$0")/lib.sh"
outside=$(mktemp)
printf '{"schemaVersion":1,"storyId":"S-1","attempt":0,"summary":"x","filesChanged":[],"testsAdded":[],"patterns":[]}\n' > "$outside"
before=$(file_hash "$outside")
write_prd "S-1:0:"
write_config
write_scenario "[{\"role\":\"builder\",\"attempt\":0,\"repair\":0,\"handoff\":false,\"actions\":[{\"run\":\"ln -s $outside .simmer/build.json\"}]}]"
commit_setup
expect_exit 0 "cook" "$SIMMER" cook
grep '"kind":"handoff_invalid"' .simmer/events.jsonl | grep -q '.simmer/build.json: is a symbolic link; write the file itself, in place' \
  || fail "no handoff_invalid naming the symlink: $(grep handoff_invalid .simmer/events.jsonl)"
expect_eq "$(file_hash "$outside")" "$before" "the outside file"
expect_eq "$(story_status S-1)" "passed" "S-1 after the repair"
rm -f "$outside"
check_journal
