# Shared helpers of the adversarial suite (sourced, not run): each case is one hostile agent, hostile file, fault
# or dashboard attack, in a fresh git repository, and asserts the outcome (files, commits, exit code, message),
# never only that nothing crashed. The cook helpers (write_prd, write_config, write_scenario, commit_setup,
# expect_eq, fail, check_journal, ...) come from the end-to-end suite.
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib_cook.sh"

# sha256 of a file, or "missing".
file_hash() {
  if [ -e "$1" ]; then sha256sum "$1" | cut -d' ' -f1; else echo missing; fi
}

# expect_exit CODE WHAT CMD...: runs CMD with its output in out.txt and checks its exit code.
expect_exit() {
  local want=$1 what=$2 got
  shift 2
  "$@" > out.txt 2>&1
  got=$?
  [ "$got" = "$want" ] || fail "$what: exit $got, expected $want: $(head -c 4000 out.txt)"
}
