#!/usr/bin/env bash
# `simmer logs` after a cook (issue 13 item 6): the latest session, every session of a story with a header each,
# the command a builder ran with the end of its output, --raw byte for byte, --json, escape sequences an agent
# printed never reaching the terminal, and each bad input's message and exit code.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:1:" "S-2:2:"
write_config '[{"name":"check","run":"test -f s1.txt"}]'
write_scenario '[{"role":"builder","story":"S-1","actions":[{"say":"Writing s1."},{"write":"s1.txt","content":"one\n"},
                   {"run":"printf \"first\\nsecond\\n\\033]0;owned\\007\\033[2Jlast\\n\""}]},
                 {"role":"builder","story":"S-2","actions":[{"write":"s2.txt","content":"two\n"}]}]'
commit_setup

# Before any cook: nothing to show.
err=$("$SIMMER" logs 2>&1 >/dev/null); rc=$?
expect_eq "$rc" "1" "logs before a cook: exit code"
expect_eq "$err" "simmer: error: no session yet (.simmer/events.jsonl): run \`simmer cook\` first" "logs before a cook"

"$SIMMER" cook > out-cook.txt 2>&1 || fail "cook failed: $(cat out-cook.txt)"
root=$(pwd -P)  # the script agent writes its hand-off by its absolute path
# Headers name the start time and ends the duration, which the test does not know: replaced by <ts> and <t>.
no_ts() { sed 's/, started [0-9TZ:.-]*: /, started <ts>: /; s/ in [0-9.]*s, / in <t>, /'; }
# What `logs` must never change: the journal, the lock, and the list of files under .simmer/.
untouched() { { cat .simmer/events.jsonl .simmer/lock; find .simmer | sort; } | sha256sum; }
before=$(untouched)
transcripts_of() {  # the transcripts of story $1's sessions, in journal order
  grep '"kind":"session_launched"' .simmer/events.jsonl | grep "\"storyId\":\"$1\"" |
    sed 's/.*"transcript":"\([^"]*\)".*/\1/'
}

# The latest session: S-2's verifier, ended.
out=$("$SIMMER" logs) || fail "logs exit $?"
v2=$(transcripts_of S-2 | tail -1)
expect_eq "$(no_ts <<<"$out")" "== S-2 verifier attempt 0 (script), started <ts>: $v2
  > write $root/.simmer/verdict.json
  = success: 1 turn, 0 in / 0 out tokens, \$0.0100
== verifier success in <t>, \$0.0100; 0 in / 0 out tokens" "logs: the latest session"

# Every session of S-1, each after its header: the builder's text, file, command and output, then the verifier.
out=$("$SIMMER" logs --story S-1) || fail "logs --story exit $?"
b1=$(transcripts_of S-1 | head -1)
v1=$(transcripts_of S-1 | tail -1)
expect_eq "$(no_ts <<<"$out")" "== S-1 builder attempt 0 (script), started <ts>: $b1
  Writing s1.
  > write s1.txt
  > run printf \"first\\nsecond\\n\\033]0;owned\\007\\033[2Jlast\\n\"
    | first
    | second
    | last
  > write $root/.simmer/build.json
  = success: 4 turns, 0 in / 0 out tokens, \$0.0100
== builder success in <t>, \$0.0100; 0 in / 0 out tokens
== S-1 verifier attempt 0 (script), started <ts>: $v1
  > write $root/.simmer/verdict.json
  = success: 1 turn, 0 in / 0 out tokens, \$0.0100
== verifier success in <t>, \$0.0100; 0 in / 0 out tokens" "logs --story S-1"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$out"; then fail "logs printed a control byte: $(od -c <<<"$out" | head)"; fi

# --raw: the transcripts' bytes as stored, in order; the headers on stderr.
"$SIMMER" logs --story S-1 --raw > out-raw.txt 2> out-raw-err.txt || fail "logs --raw exit $?"
cat "$b1" "$v1" | cmp - out-raw.txt || fail "logs --raw is not the transcripts' bytes"
[ "$(grep -c '^== S-1 ' out-raw-err.txt)" = 2 ] || fail "logs --raw headers on stderr: $(cat out-raw-err.txt)"

# --json: one object per line, a session object first.
"$SIMMER" logs --story S-1 --json > out-json.txt || fail "logs --json exit $?"
head -1 out-json.txt | grep -q '^{.*"type":"session"' || fail "logs --json first line: $(head -1 out-json.txt)"
grep -q '"action":"run","text":"printf' out-json.txt || fail "logs --json has no run tool call: $(cat out-json.txt)"
grep -c '"type":"session_end"' out-json.txt | grep -qx 2 || fail "logs --json session ends: $(cat out-json.txt)"
expect_eq "$(untouched)" "$before" "logs changed the journal, the lock or the files of .simmer/"

# A torn last line is shown as such; the rest of the transcript still is.
size=$(wc -c < "$b1")
head -c $((size - 10)) "$b1" > torn.tmp && cp torn.tmp "$b1" && rm torn.tmp
out=$("$SIMMER" logs --story S-1) || fail "logs of a torn transcript exit $?"
grep -q '^  (incomplete line: [0-9]* bytes)$' <<<"$out" || fail "no incomplete-line note: $out"
grep -q '^    | last$' <<<"$out" || fail "torn transcript lost its earlier lines: $out"

# Bad input: an unknown story (2), a missing transcript (1), --raw with --json (64).
err=$("$SIMMER" logs --story NOPE 2>&1 >/dev/null); rc=$?
expect_eq "$rc:$err" "2:simmer: error: unknown story NOPE (.simmer/prd.json): no such story, and no session in the journal names it" "logs --story NOPE"
rm "$v1"
out=$("$SIMMER" logs --story S-1 2>out-err.txt); rc=$?
expect_eq "$rc:$(cat out-err.txt)" "1:simmer: error: cannot read transcript ($v1): No such file or directory" "logs with a missing transcript"
grep -q '^  Writing s1\.$' <<<"$out" || fail "the other session was not shown: $out"
"$SIMMER" logs --raw --json > /dev/null 2>&1; rc=$?
expect_eq "$rc" "64" "logs --raw --json exit code"
echo ok
