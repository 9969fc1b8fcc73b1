#!/usr/bin/env bash
# Lane bootstrap (docs/lanes.md): each new lane gets parallel.copy from the project (only files git ignores there:
# .env is copied; notes.txt, tracked, and missing.txt, absent, are skipped with why) and runs parallel.setup in
# its worktree before its story starts, journaled as lane_bootstrapped. The builder sees both. .env is never
# committed. Then a setup that fails stops the cook with its exit code and output, the story not started; fixed,
# the next cook goes on.
. "$(dirname "$0")/lib_cook.sh"
mkdir -p .simmer
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s]}\n' \
  "$(lane_story S-1 0 "S-1/**")" "$(lane_story S-2 1 "S-2/**")" > .simmer/prd.json
setup_config() { # SETUP_COMMAND
  write_config '[]' "\"parallel\": {\"lanes\": 2, \"copy\": [\".env\", \"notes.txt\", \"missing.txt\"], \"setup\": \"$1\"}"
}
setup_config "mkdir -p gen && cat .env > gen/from-env.txt"
saw='if [ -f .env ] && [ -f gen/from-env.txt ]; then echo yes; else echo no; fi'
write_scenario "[{\"role\":\"builder\",\"story\":\"S-1\",\"actions\":[{\"run\":\"mkdir -p S-1 && ($saw) > S-1/saw.txt\"}]},
                 {\"role\":\"builder\",\"story\":\"S-2\",\"actions\":[{\"run\":\"mkdir -p S-2 && ($saw) > S-2/saw.txt\"}]}]"
echo 'a note' > notes.txt
commit_setup
printf '.env\ngen/\n' >> .gitignore
git add .gitignore && git commit -qm 'ignore .env and gen/'
echo 'TOKEN=secret' > .env
out=$("$SIMMER" cook 2>&1)
expect_eq "$?" "0" "cook exit code (output: $out)"
expect_eq "$(cat S-1/saw.txt) $(cat S-2/saw.txt)" "yes yes" "each builder saw .env and the setup's output"
boot=$(grep '"kind":"lane_bootstrapped"' .simmer/events.jsonl | grep '"storyId":"S-1"')
expect_eq "$(jq -c '.data | [.copied, .skipped, .passed, .exitCode]' <<<"$boot")" \
  '[[".env"],["notes.txt: not ignored by git in the lane, so a story could commit it","missing.txt: missing"],true,0]' \
  "S-1's bootstrap"
expect_eq "$(grep -c '"kind":"lane_bootstrapped"' .simmer/events.jsonl)" "2" "one bootstrap per lane"
boot_line=$(grep -n '"kind":"lane_bootstrapped"' .simmer/events.jsonl | grep '"storyId":"S-1"' | cut -d: -f1)
start_line=$(grep -n '"kind":"lane_started"' .simmer/events.jsonl | grep '"storyId":"S-1"' | cut -d: -f1)
[ "$boot_line" -lt "$start_line" ] || fail "S-1 was bootstrapped (line $boot_line) after its lane started ($start_line)"
expect_eq "$(git log --all --format= --name-only | grep -cx '.env')" "0" ".env never committed"
expect_eq "$(git worktree list | wc -l)" "1" "the lanes were removed (ignored files do not keep them)"
check_journal

# A setup that fails, in a project of its own: the cook stops before the story starts, and says why.
T2=$(mktemp -d)
trap 'cleanup_cook_test; rm -rf "$T2"' EXIT
cd "$T2" && git init -q . && git config user.name Test && git config user.email test@example.com
mkdir -p .simmer
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s]}\n' "$(lane_story S-1 0 "S-1/**")" \
  > .simmer/prd.json
setup_config "echo cannot install >&2; exit 3"
write_scenario '[]'
commit_setup
prd_before=$(cat .simmer/prd.json)
out=$("$SIMMER" cook 2>&1)
expect_eq "$?" "1" "cook exit code with a failing setup (output: $out)"
grep -qF 'lane S-1: its setup command (simmer.json#/parallel/setup) failed (exit 3)' <<<"$out" ||
  fail "no clear error for the failing setup: $out"
grep -qF 'cannot install' <<<"$out" || fail "the setup's output is not shown: $out"
expect_eq "$(grep '"kind":"lane_bootstrapped"' .simmer/events.jsonl | jq -c '.data | [.passed, .exitCode]')" \
  "[false,3]" "the failed bootstrap is journaled"
expect_eq "$(grep -c '"kind":"lane_started"' .simmer/events.jsonl)" "0" "the story did not start"
expect_eq "$(cat .simmer/prd.json)" "$prd_before" "prd.json as it was"
setup_config "true"
git commit -qam 'a setup that works'
out=$("$SIMMER" cook 2>&1)
expect_eq "$?" "0" "cook after the setup was fixed (output: $out)"
expect_eq "$(story_status S-1)" "passed" "S-1 after the fix"
check_journal
echo ok
