#!/usr/bin/env bash
# Help that helps (issue 13 item 9): `simmer help <command>` prints that command's flags and example, a misspelt
# command gets a did-you-mean with exit 64, every listed command's help ends with an example, `-V`, `--version` and
# `version` print the version with the commit, and no help text points at a file a binary-only user lacks.
source "$(dirname "$0")/lib.sh"

out=$("$SIMMER" help cook)
grep -q -- '--max-iterations' <<<"$out" || fail "help cook lacks --max-iterations: $out"
[ "$(tail -2 <<<"$out")" = $'Example:\n  simmer cook --max-iterations 1' ] || fail "help cook ends: $(tail -2 <<<"$out")"

set +e
err=$("$SIMMER" coook 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 64 ] || fail "misspelt command exit $rc"
[ "$err" = "simmer: error: unknown command 'coook': did you mean 'cook'? (run \`simmer help\` for the list)" ] \
  || fail "did-you-mean: $err"
set +e
err=$("$SIMMER" -C "$work" stattus 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 64 ] && [ "$err" = "simmer: error: unknown command 'stattus': did you mean 'status'? (run \`simmer help\` for the list)" ] \
  || fail "did-you-mean after -C: $rc $err"
set +e
err=$("$SIMMER" frobnicate 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 64 ] && [ "$err" = "simmer: error: unknown command 'frobnicate' (run \`simmer help\` for the list)" ] \
  || fail "no suggestion for a far word: $rc $err"
set +e
err=$("$SIMMER" help cok 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 64 ] && [ "$err" = "simmer: error: no such command 'cok': did you mean 'cook'? (run \`simmer help\` for the list)" ] \
  || fail "help of a misspelt command: $rc $err"

# `simmer help logs` says which sessions it shows, what it shows and its exit codes, before its example.
out=$("$SIMMER" help logs)
grep -q -- '--story ID *Show every session of story ID in order' <<<"$out" || fail "help logs lacks --story: $out"
grep -q '^Exit codes: 0 shown' <<<"$out" || fail "help logs lacks its exit codes: $out"
[ "$(tail -2 <<<"$out")" = $'Example:\n  simmer logs -f' ] || fail "help logs ends: $(tail -2 <<<"$out")"

# Every command the list shows has an example in its help, and no help names a repository file.
commands=$("$SIMMER" help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}')
[ "$(wc -l <<<"$commands")" -ge 14 ] || fail "too few commands listed: $commands"
for c in $commands; do
  text=$("$SIMMER" help "$c")
  grep -q '^Example:$' <<<"$text" || fail "simmer help $c has no example"
  grep -q "^  .*simmer [a-z]" <<<"$(sed -n '/^Example:$/,$p' <<<"$text")" || fail "simmer help $c: example is not a command"
  if grep -nE 'README|docs/|\.md\b' <<<"$text" | grep -v 'PRD\.md' ; then fail "simmer help $c names a file"; fi
done
if "$SIMMER" help | grep -E 'README|docs/'; then fail "simmer help names a repository file"; fi

commit=$(git -C "$SIMMER_SOURCE_DIR" rev-parse --short=12 HEAD)
for form in -V --version version; do
  v=$("$SIMMER" $form)
  [[ "$v" =~ ^simmer\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ $commit(-dirty)?\)$ ]] || fail "simmer $form: $v (HEAD $commit)"
done
echo ok
