#!/usr/bin/env bash
# Checks that every C++ source of the repository (what git tracks or would track under src/, tests/, fuzz/ and
# bench/) is formatted as .clang-format says, with clang-format 14: Debian 12's `clang-format` package, which
# scripts/install-deps.sh --tests installs (another major version formats some constructs differently, so it is
# refused rather than trusted). Lists the files that are not, says how to fix them, and exits 1; exits 0 when all
# are. `--fix` formats them in place instead (review the diff, then commit it).
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
case "${1:-}" in
  --fix) fix=1 ;;
  "") ;;
  *)
    echo "usage: scripts/check-format.sh [--fix]" >&2
    exit 64
    ;;
esac

tool=""
for candidate in clang-format-14 clang-format; do
  if command -v "$candidate" > /dev/null && "$candidate" --version | grep -q 'version 14\.'; then
    tool=$candidate
    break
  fi
done
if [ -z "$tool" ]; then
  echo "simmer: error: clang-format 14 not found (scripts/check-format.sh): run scripts/install-deps.sh --tests" \
    "(Debian package clang-format)" >&2
  exit 1
fi

mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard -- \
  'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'fuzz/*.cpp' 'fuzz/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
if [ "${#files[@]}" -eq 0 ]; then
  echo "simmer: error: no C++ source found (scripts/check-format.sh): run it inside the repository" >&2
  exit 1
fi

if [ "$fix" = 1 ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 20 -P "$(nproc)" "$tool" --style=file -i
  echo "formatted ${#files[@]} files with $tool; review the diff (git diff) and commit it"
  exit 0
fi

# One clang-format per file, so that a file is named once however many lines of it are off.
mapfile -t unformatted < <(printf '%s\0' "${files[@]}" |
  xargs -0 -P "$(nproc)" -I{} sh -c '"$1" --style=file --dry-run -Werror "$2" > /dev/null 2>&1 || echo "$2"' \
    sh "$tool" {} | LC_ALL=C sort)
if [ "${#unformatted[@]}" -gt 0 ]; then
  {
    echo "simmer: error: ${#unformatted[@]} of ${#files[@]} C++ files are not formatted as .clang-format says" \
      "(scripts/check-format.sh):"
    printf '  %s\n' "${unformatted[@]}"
    echo "run scripts/check-format.sh --fix to format them in place ($tool -i), then review and commit the diff;" \
      "\`$tool --style=file --dry-run FILE\` shows what it would change in one file"
  } >&2
  exit 1
fi
echo "format: ${#files[@]} C++ files formatted as .clang-format says ($tool)"
