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

# mount_tmpfs DIR SIZE: a tmpfs of SIZE (e.g. 4m) at DIR, unmounted when the test ends; exit 77 (skipped, which
# the README's test command counts as a failure) when this machine cannot mount one.
mount_tmpfs() {
  mkdir -p "$1"
  if ! mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null; then
    echo "SKIPPED: cannot mount a tmpfs here (needs root and mount rights)"
    exit 77
  fi
  MOUNTS="$1 ${MOUNTS:-}"
  trap 'for m in ${MOUNTS:-}; do umount -l "$m" 2>/dev/null; done; cleanup_cook_test' EXIT
}

# rss_bound KIB WHAT: fails unless $rss (KiB, from /usr/bin/time) is under KIB. Under ASan+UBSan the shadow
# memory and allocator make resident size meaningless, so there the bound is reported, not checked: the README's
# test command runs every adversarial case on the optimised build too, where it is checked.
rss_bound() {
  if grep -q '^SIMMER_SANITIZE:BOOL=ON' "${SIMMER_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
    echo "note: $2 held $rss KiB under the sanitizers; the bound of $1 KiB is checked on the optimised build"
    return 0
  fi
  [ "$rss" -lt "$1" ] || fail "$2 held $rss KiB (bound $1 KiB)"
}
