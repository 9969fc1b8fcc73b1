#!/usr/bin/env bash
# `simmer completions bash|zsh|fish` (issue 13 item 9): generated from the command table. The bash script is
# loaded into a real bash and asked, as readline would, for commands, a command's flags, help topics and shells;
# the zsh and fish ones list every command; an unknown shell is exit 64.
source "$(dirname "$0")/lib.sh"

"$SIMMER" completions bash > "$work/simmer.bash"
ask() {  # ask WORD... : the completions bash offers for the last word of `simmer WORD...`
  bash -c 'source "$1"; shift; COMP_WORDS=(simmer "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _simmer
           for w in "${COMPREPLY[@]}"; do echo "$w"; done' _ "$work/simmer.bash" "$@" | sort | tr '\n' ' '
}
[ "$(ask co)" = "completions cook " ] || fail "simmer co<TAB>: $(ask co)"
[ "$(ask do)" = "doctor " ] || fail "simmer do<TAB>: $(ask do)"
[ "$(ask cook --max)" = "--max-iterations " ] || fail "simmer cook --max<TAB>: $(ask cook --max)"
[ "$(ask -C /tmp doctor --pro)" = "--probe --probe-timeout " ] || fail "after -C: $(ask -C /tmp doctor --pro)"
[ "$(ask help st)" = "stats status stop " ] || fail "simmer help st<TAB>: $(ask help st)"
[ "$(ask lo)" = "logs " ] || fail "simmer lo<TAB>: $(ask lo)"
[ "$(ask logs --st)" = "--story " ] || fail "simmer logs --st<TAB>: $(ask logs --st)"
[ "$(ask completions "")" = "bash fish zsh " ] || fail "simmer completions <TAB>: $(ask completions "")"
[ "$(ask ag)" = "" ] || fail "a hidden command is offered: $(ask ag)"
bash -c 'source "$1"; complete -p simmer' _ "$work/simmer.bash" | grep -q -- '-F _simmer simmer' \
  || fail "bash completion not registered"

# Every listed command is in the zsh and fish scripts, with its summary.
"$SIMMER" completions zsh > "$work/_simmer"
"$SIMMER" completions fish > "$work/simmer.fish"
head -1 "$work/_simmer" | grep -qx '#compdef simmer' || fail "zsh script lacks #compdef"
for c in init to-prd import cook land status logs stats dashboard doctor validate replay gc help version completions; do
  grep -q "^    '$c:" "$work/_simmer" || fail "zsh lacks $c"
  grep -q "^complete -c simmer -f -n '__fish_use_subcommand' -a $c -d '" "$work/simmer.fish" || fail "fish lacks $c"
done
grep -q "__fish_seen_subcommand_from cook' -l max-iterations" "$work/simmer.fish" || fail "fish lacks cook's flags"
if command -v zsh >/dev/null; then zsh -n "$work/_simmer" || fail "zsh -n"; fi
if command -v fish >/dev/null; then fish -n "$work/simmer.fish" || fail "fish -n"; fi

set +e
err=$("$SIMMER" completions tcsh 2>&1); rc=$?
set -e
[ "$rc" = 64 ] && [ "$err" = "simmer: error: unknown shell 'tcsh': expected bash, zsh or fish" ] || fail "tcsh: $rc $err"
echo ok
