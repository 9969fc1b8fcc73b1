#!/usr/bin/env bash
# An agent that plants a symlink where the harness writes its state.json temp file does not get the harness to
# write through it: the file it points to is unchanged.
. "$(dirname "$0")/lib.sh"
outside=$(mktemp)
echo "precious" > "$outside"
write_prd "S-1:0:" "S-2:1:"
write_config
# The cook's pid is the builder's grandparent (cook -> agent-script -> sh -c): plant a link for each plausible pid.
write_scenario "[{\"role\":\"builder\",\"story\":\"S-1\",\"actions\":[{\"run\":\"for p in \$PPID \$(ps -o ppid= -p \$PPID) \$(pgrep -f 'simmer cook'); do ln -sf $outside .simmer/state.json.tmp.\$p; done; ls .simmer > planted.txt\"}]}]"
commit_setup
printf 'planted.txt\n' >> .gitignore && git add .gitignore && git commit -qm ignore
expect_exit 0 "cook" "$SIMMER" cook
grep -q "state.json.tmp" planted.txt || fail "the test planted nothing: $(cat planted.txt)"
expect_eq "$(cat "$outside")" "precious" "the symlink's target"
rm -f "$outside"
check_journal
