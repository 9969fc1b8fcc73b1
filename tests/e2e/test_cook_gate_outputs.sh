#!/usr/bin/env bash
# What gates write is theirs, not the story's (issue 13 item 4, core/gate_outputs.hpp). The gate builds into build/,
# writes a report, reformats a tracked file and deletes another; none of that reaches a commit: not S-1's FIX, not
# S-2's build. A file the gate reformatted that S-2's builder then edits is S-2's work and is committed. The gate
# events name what they wrote, the commits what they kept out, the terminal says it once; a second cook is not
# refused for the tree the gates left; and with lanes a merged lane's worktree is removed despite its build folder.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:1" "S-2:2:S-1"
printf 'one  two\n' > style.txt
printf 'old\n' > old.txt
gate='mkdir -p build/obj && echo \"obj $(cat s*.txt | wc -c)\" > build/obj/out.o && echo report > report.xml && sed -i \"s/  */ /g\" style.txt && rm -f old.txt && grep -q done s1.txt'
write_config '[{"name":"build","run":"'"$gate"'"}]'
write_scenario '[{"role":"builder","story":"S-1","attempt":0,"actions":[{"write":"s1.txt","content":"draft\n"}]},
                 {"role":"builder","story":"S-1","attempt":1,"actions":[{"write":"s1.txt","content":"done\n"}]},
                 {"role":"builder","story":"S-2","actions":[{"write":"s2.txt","content":"two\n"},{"write":"style.txt","content":"S-2  style\n"}]}]'
commit_setup
out=$("$SIMMER" cook 2>&1)
expect_eq "$?" "0" "cook exit code (output: $out)"
for id in S-1 S-2; do expect_eq "$(story_status $id)" "passed" "$id status"; done
expect_eq "$(subjects)" "S-1: Story S-1 (build)
S-1: Story S-1 (fix 1)
S-1: Story S-1 (record passed)
S-2: Story S-2 (build)
S-2: Story S-2 (record passed)" "commit subjects"
# Nothing a gate wrote is in any commit; what the agents wrote is.
touched=$(git log --format= --name-status | sort -u)
for p in build/obj/out.o report.xml; do
  echo "$touched" | grep -q "	$p$" && fail "$p was committed: $touched"
done
echo "$touched" | grep -q "^D	old.txt$" && fail "the gate's deletion of old.txt was committed: $touched"
expect_eq "$(git show HEAD~3 --format= --name-only)" "s1.txt" "S-1's fix commit holds its own work only"
expect_eq "$(git show HEAD~1 --format= --name-only | sort | tr '\n' ' ')" "s2.txt style.txt " "S-2's build commit"
expect_eq "$(git show HEAD~1:style.txt)" "S-2  style" "S-2's edit of a file the gate had changed is committed as written"
expect_eq "$(git show HEAD:old.txt)" "old" "old.txt is still in the branch"
# The journal names what the gates wrote and what each commit kept out.
first_gate=$(grep '"kind":"gate"' .simmer/events.jsonl | head -1)
for o in '{"change":"created","path":"build/"}' '{"change":"created","path":"report.xml"}' \
  '{"change":"deleted","path":"old.txt"}' '"change":"changed","path":"style.txt","sha256":"'; do
  echo "$first_gate" | grep -qF "$o" || fail "the first gate event does not hold $o: $first_gate"
done
fix_commit=$(grep '"kind":"commit"' .simmer/events.jsonl | sed -n 2p)
echo "$fix_commit" | grep -qF '"keptOut":["build/","old.txt","report.xml","style.txt"]' ||
  fail "the fix commit does not name what it kept out: $fix_commit"
s2_build=$(grep '"kind":"commit"' .simmer/events.jsonl | sed -n 4p)
echo "$s2_build" | grep -qF '"keptOut":["build/","old.txt","report.xml"]' ||
  fail "S-2's build commit keeps out the wrong paths: $s2_build"
expect_eq "$(echo "$out" | grep -c 'wrote build/.*kept out of simmer.s commits')" "1" "said once (output: $out)"
"$SIMMER" validate .simmer/events.jsonl > /dev/null || fail "journal invalid: $("$SIMMER" validate .simmer/events.jsonl 2>&1)"
check_journal
# The tree holds what the gates left; a new cook is not refused for it (nothing left to do: exit 0).
[ -f build/obj/out.o ] && [ -f report.xml ] || fail "the gates' outputs are not in the work tree"
again=$("$SIMMER" cook 2>&1)
expect_eq "$?" "0" "a second cook over the gates' outputs (output: $again)"
# Someone else's change still is refused.
echo mine > mine.txt
"$SIMMER" cook > /dev/null 2>&1
expect_eq "$?" "2" "a cook over a person's new file"
rm mine.txt

# Lanes, in a repository of their own: the gates run in each lane and on its merge; the merged lanes' worktrees
# go, build folders and all.
mkdir "$T/lanes" && cd "$T/lanes" && git init -q . && git config user.name Test && git config user.email t@example.com
mkdir .simmer
story() { # ID PRIORITY
  printf '{"id":"%s","title":"Story %s","description":"Do %s.","acceptanceCriteria":["%s works"],' "$1" "$1" "$1" "$1"
  printf '"priority":%s,"dependencies":[],"epic":"","notes":"","status":"pending","touches":["%s.txt"]}' "$2" "$1"
}
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s]}\n' "$(story L-1 1)" "$(story L-2 2)" \
  > .simmer/prd.json
# The gate stamps how many stories' files it saw: built-1.stamp in each lane, built-2.stamp only on the second merge.
write_config '[{"name":"build","run":"mkdir -p build && echo obj > build/out.o && touch built-$(cat L-*.txt | wc -l).stamp"}]'
write_scenario '[{"role":"builder","story":"L-1","actions":[{"write":"L-1.txt","content":"one\n"}]},
                 {"role":"builder","story":"L-2","actions":[{"write":"L-2.txt","content":"two\n"}]}]'
commit_setup
out=$("$SIMMER" cook --lanes 2 2>&1)
expect_eq "$?" "0" "cook --lanes 2 exit code (output: $out)"
for id in L-1 L-2; do expect_eq "$(story_status $id)" "passed" "$id status"; done
expect_eq "$(git worktree list | wc -l)" "1" "no lane worktree left ($(git worktree list); output: $out)"
git log --format= --name-only | grep -q '^build/' && fail "a lane committed build/: $(git log --name-only)"
for id in L-1 L-2; do
  grep -q '"outputs":\[{"change":"created","path":"build/"},{"change":"created","path":"built-1.stamp"}\].*"kind":"gate"' \
    ".simmer/lanes/$id/events.jsonl" || fail "lane $id's gate does not name its outputs: $(grep '"gate"' ".simmer/lanes/$id/events.jsonl")"
done
grep -q '"outputs":\[{"change":"created","path":"built-2.stamp"}\].*"kind":"merge_gate"' .simmer/events.jsonl ||
  fail "the second merge's gate does not name built-2.stamp: $(grep merge_gate .simmer/events.jsonl)"
check_journal
