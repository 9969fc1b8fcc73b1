# Helpers of the fault_ cases (sourced, not run; brings lib.sh): a one-story project whose commits meet the
# repository's hooks, a harness killed inside one, and the trailers every harness commit must keep.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# one_story_project [GATES_JSON] [EXTRA_JSON_MEMBERS]: the PRD of story A-1, the config (write_config's arguments),
# and a builder that writes src/a.txt ("a") on its first attempt. The setup is not committed yet (commit_setup).
one_story_project() {
  write_prd "A-1:1:"
  write_config "$@"
  write_scenario '[{"role":"builder","story":"A-1","attempt":0,"actions":[{"write":"src/a.txt","content":"a\n"}]}]'
}

# write_hook NAME: the repository's hook NAME, executable, with the script read from stdin.
write_hook() {
  cat > ".git/hooks/$1"
  chmod +x ".git/hooks/$1"
}

# kill_cook_in_hook HOOK: a cook (output in out-1.txt) killed with SIGKILL while its commit is inside HOOK, which
# fires once and keeps the commit there for 2 s; returns once that hook run has ended too (the git the harness
# started lives on in its own process group), with the kill's aftermath on disk to look at.
kill_cook_in_hook() {
  write_hook "$1" <<'SH'
#!/bin/sh
if [ -e .git/armed ]; then rm -f .git/armed; : > .git/hook-fired; sleep 2; : > .git/hook-done; fi
SH
  : > .git/armed
  cook_in_background out-1.txt
  for _ in $(seq 1 300); do [ -e .git/hook-fired ] && break; sleep 0.1; done
  [ -e .git/hook-fired ] || fail "the $1 hook never ran: $(cat out-1.txt)"
  kill -9 "$cook"
  wait "$cook" 2>/dev/null
  for _ in $(seq 1 300); do [ -e .git/hook-done ] && break; sleep 0.1; done
  sleep 0.5
}

# expect_trailers REVISION_RANGE: every commit of the range carries the Simmer-Run and Simmer-Seq trailers, which
# a resumed cook finds its commits by.
expect_trailers() {
  local sha body
  for sha in $(git rev-list "$1"); do
    body=$(git log -1 --format=%B "$sha")
    echo "$body" | grep -q '^Simmer-Run: r' || fail "commit $sha has no Simmer-Run trailer: $body"
    echo "$body" | grep -q '^Simmer-Seq: [0-9]' || fail "commit $sha has no Simmer-Seq trailer: $body"
  done
}
