#!/usr/bin/env bash
# A diff that strayed (docs/lanes.md, "After BUILD: a diff that strayed"): S-A declares a/** but also writes
# b/from-a.txt, inside S-B's b/**. S-A finishes before S-B, which still builds (S-B's builder waits until the
# coordinator journaled S-A's lane_finished), yet the merge queue takes S-B first: S-A waits for the lane it strayed
# into. The coordinator journaled what S-A's diff touched.
. "$(dirname "$0")/lib_cook.sh"
mkdir -p .simmer
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s,%s]}\n' \
  "$(lane_story S-A 0 'a/**')" "$(lane_story S-B 1 'b/**')" "$(lane_story S-C 2 'c/**')" > .simmer/prd.json
write_config '[]'
printf 'until grep %s %s | grep -q %s; do sleep 0.1; done\n' "'\"kind\":\"lane_finished\"'" \
  "'$PWD/.simmer/events.jsonl'" "'\"storyId\":\"S-A\"'" > wait-a.sh
wait_a="sh $PWD/wait-a.sh"
write_scenario "[{\"role\":\"builder\",\"story\":\"S-A\",\"actions\":[{\"write\":\"a/one.txt\",\"content\":\"a\\n\"},
                                                         {\"write\":\"b/from-a.txt\",\"content\":\"a\\n\"}]},
                 {\"role\":\"builder\",\"story\":\"S-B\",\"actions\":[{\"run\":\"$wait_a\"},
                                                         {\"write\":\"b/two.txt\",\"content\":\"b\\n\"}]},
                 {\"role\":\"builder\",\"story\":\"S-C\",\"actions\":[{\"write\":\"c/three.txt\",\"content\":\"c\\n\"}]}]"
commit_setup
out=$(timeout 120 "$SIMMER" cook --lanes 3 2>&1)
expect_eq "$?" "0" "cook exit code (output: $out)"
for id in S-A S-B S-C; do expect_eq "$(story_status $id)" "passed" "$id status"; done
order() { # KIND: the story ids of that kind's events, in journal order
  grep "\"kind\":\"$1\"" .simmer/events.jsonl | sed 's/.*"storyId":"\([^"]*\)".*/\1/' | tr '\n' ' '
}
case "$(order lane_finished)" in
  *S-A*S-B*) ;;
  *) fail "S-B's lane finished before S-A's: $(order lane_finished)" ;;
esac
merged=$(order merged)
case "$merged" in
  *S-B*S-A*) ;;
  *) fail "S-A strayed into S-B's b/** yet merged before it: merged order $merged" ;;
esac
grep '"kind":"lane_touched"' .simmer/events.jsonl | grep '"storyId":"S-A"' | grep -q '"b/from-a.txt"' ||
  fail "no lane_touched event names S-A's b/from-a.txt: $(grep lane_touched .simmer/events.jsonl)"
for f in a/one.txt b/from-a.txt b/two.txt c/three.txt; do [ -f "$f" ] || fail "$f is not in the integration tree"; done
check_journal
"$SIMMER" validate .simmer/events.jsonl .simmer/state.json > /dev/null ||
  fail "journal or state invalid: $("$SIMMER" validate .simmer/events.jsonl .simmer/state.json 2>&1)"
"$SIMMER" replay --check > /dev/null || fail "replay --check: $("$SIMMER" replay --check 2>&1)"
echo ok
