#!/usr/bin/env bash
# An agent that plants symlinks where the harness will write the next session's transcript (the file, or the
# run's transcript folder) does not get a file of its choosing overwritten: the target stays as it was.
. "$(dirname "$0")/lib.sh"
outside=$(mktemp -d)
echo "precious" > "$outside/victim"
write_prd "S-1:0:"
write_config
# The next session is the verifier's; its transcript is .simmer/sessions/<run>/<seq>-verifier-0.jsonl.
write_scenario "[{\"role\":\"builder\",\"attempt\":0,\"actions\":[{\"run\":\"d=\$(ls -d .simmer/sessions/*/ | head -1); for n in \$(seq 1 40); do ln -sf $outside/victim \$d\$n-verifier-0.jsonl; done; ls \$d > planted.txt\"}]}]"
commit_setup
printf 'planted.txt\n' >> .gitignore && git add .gitignore && git commit -qm ignore
"$SIMMER" cook > out.txt 2>&1
code=$?
grep -q "verifier-0.jsonl" planted.txt || fail "the test planted nothing: $(cat planted.txt)"
expect_eq "$(cat "$outside/victim")" "precious" "the symlink's target"
expect_eq "$code" "0" "cook exit code ($(cat out.txt))"
grep '"kind":"tamper_detected"' .simmer/events.jsonl | grep -q 'verifier-0.jsonl' || fail "the planted link was not journaled"
transcript=$(grep '"kind":"session"' .simmer/events.jsonl | grep '"role":"verifier"' | sed 's/.*"transcript":"\([^"]*\)".*/\1/')
[ -f "$transcript" ] && [ ! -L "$transcript" ] || fail "the verifier's transcript ($transcript) is not a regular file"
grep -q '"type"' "$transcript" || fail "the verifier's transcript is empty"
check_journal
rm -rf "$outside"
