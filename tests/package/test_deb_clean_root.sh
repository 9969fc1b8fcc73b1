#!/usr/bin/env bash
# The .deb installs on a clean Debian 12 (issue 13 item 1): `cpack` builds it from this build folder, then inside a
# fresh debootstrap root `apt install ./simmer_*.deb` pulls its declared runtime dependencies (libfmt9,
# libsimdjson14, git) from the Debian mirror, `simmer --version` prints, the man page and completions are in place,
# and the offline demo cooks from the installed files alone (/usr/share/doc/simmer/examples/todo).
#
# The root is minbase plus make and a C compiler for the demo's gate, nothing of simmer's. It is cached as a tar
# outside the checkout, in SIMMER_PACKAGE_CACHE (default ~/.cache/simmer/package-root), so a clean CI checkout on a
# machine that ran the test before reuses it; its name carries the suite and the package list, so changing either
# builds a new one. The .debs apt downloads are kept there too (apt-archives/, bind-mounted as the root's
# /var/cache/apt/archives): apt still resolves and installs every dependency in the clean root, but only the first
# run downloads them. Every run extracts a fresh copy of the root, so nothing of a previous run is left in it.
#
# Nothing is skipped: without root (chroot, mount) or debootstrap, or when the mirror cannot be reached, the test
# fails and says why. This test is the only proof that the release package works, so a run that did not do it must
# not look like one that passed.
set -euo pipefail
: "${SIMMER_BUILD_DIR:?}" "${SIMMER_SOURCE_DIR:?}"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || fail "needs root (chroot, mount); run the package tests as root"
command -v debootstrap >/dev/null || fail "needs debootstrap: scripts/install-deps.sh --tests"
command -v cpack >/dev/null || fail "needs cpack (Debian package cmake)"
command -v dpkg-shlibdeps >/dev/null || fail "needs dpkg-shlibdeps: scripts/install-deps.sh (Debian package dpkg-dev)"

# The mirror: SIMMER_DEBIAN_MIRROR, else the first Debian (not debian-security) mirror this machine's apt uses, so a
# CI machine behind a local mirror uses it too; else deb.debian.org.
host_mirror() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '/^URIs:/ { print $2 } /^deb / { print ($2 ~ /^\[/ ? $3 : $2) }' | grep -E '/debian/?$' | head -1 || true
}
mirror=${SIMMER_DEBIAN_MIRROR:-$(host_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}

suite=bookworm
include=make,gcc,libc6-dev
cache_dir=${SIMMER_PACKAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/simmer/package-root}
key=$(printf '%s minbase %s' "$suite" "$include" | sha256sum | cut -c1-12)
cache="$cache_dir/$suite-minbase-$key.tar"
mkdir -p "$cache_dir/apt-archives/partial"
started=$SECONDS
if [ ! -s "$cache" ]; then
  echo "making the clean root: debootstrap $suite from $mirror (cached in $cache)"
  fresh=$(mktemp -d "$cache_dir/debootstrap.XXXXXX")
  # In a tmpfs, as the test's root below: dpkg's fsyncs and the removal cost nothing.
  mount -t tmpfs -o size=2g,mode=755 simmer-debootstrap "$fresh" || fail "mount a tmpfs for debootstrap"
  drop_fresh() {
    umount "$fresh"
    rmdir "$fresh"
  }
  debootstrap --variant=minbase "--include=$include" "$suite" "$fresh" "$mirror" > "$cache_dir/debootstrap.log" 2>&1 \
    || {
      tail -20 "$cache_dir/debootstrap.log"
      drop_fresh
      fail "debootstrap $suite $mirror (log: $cache_dir/debootstrap.log)"
    }
  tar -C "$fresh" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
  drop_fresh
  echo "debootstrap: $((SECONDS - started)) s"
fi

# The root lives in a tmpfs (about 700 MB while the test runs): unpacking it, dpkg's fsyncs and removing it cost
# nothing, where on a busy disk removing the tree alone took 45 s.
root=$(mktemp -d "$SIMMER_BUILD_DIR/package-root.XXXXXX")
cleanup() {
  for m in var/cache/apt/archives proc dev; do
    if mountpoint -q "$root/$m"; then umount "$root/$m"; fi
  done
  if mountpoint -q "$root"; then umount "$root"; fi
  # --one-file-system: should an unmount have failed, never delete through it into the host's /dev or cache.
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
mount -t tmpfs -o size=2g,mode=755 simmer-package-root "$root" || fail "mount a tmpfs for the clean root"
tar -C "$root" -xf "$cache"
# The root holds nothing of simmer's: no binary, no library it links.
[ ! -e "$root/usr/bin/simmer" ] || fail "the cached root already has simmer"
if ls "$root"/usr/lib/x86_64-linux-gnu/libsimdjson* "$root"/usr/lib/x86_64-linux-gnu/libfmt* > /dev/null 2>&1; then
  fail "the cached root already has libsimdjson or libfmt"
fi
[ ! -e "$root/usr/bin/git" ] || fail "the cached root already has git"

log="$SIMMER_BUILD_DIR/package-test.log"
cmake --build "$SIMMER_BUILD_DIR" --target simmer simmer_docs > "$log" 2>&1 || {
  cat "$log"
  fail "build"
}
rm -f "$SIMMER_BUILD_DIR"/simmer_*_amd64.deb
(cd "$SIMMER_BUILD_DIR" && cpack -G DEB > "$log" 2>&1) || {
  cat "$log"
  fail "cpack"
}
deb=$(ls "$SIMMER_BUILD_DIR"/simmer_*_amd64.deb)
deb_name=$(basename "$deb")
depends=$(dpkg-deb -f "$deb" Depends)
echo "$deb_name: $(stat -c %s "$deb") bytes; Depends: $depends"
[[ "$depends" == *libsimdjson14* && "$depends" == *libfmt9* && "$depends" == *git* ]] \
  || fail "the .deb does not declare libsimdjson14, libfmt9 and git: $depends"
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount --bind "$cache_dir/apt-archives" "$root/var/cache/apt/archives"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 sh -c "$1"; }

t=$SECONDS
in_root "apt-get update -q" > "$root/apt.log" 2>&1 || {
  tail -30 "$root/apt.log"
  fail "apt-get update in the clean root ($mirror)"
}
echo "apt-get update: $((SECONDS - t)) s"
# What the README tells a user to type (keeping the downloaded .debs in the cache: `apt` deletes them by default).
t=$SECONDS
in_root "cd /tmp && DEBIAN_FRONTEND=noninteractive apt install -y -q -o APT::Keep-Downloaded-Packages=true ./$deb_name" \
  >> "$root/apt.log" 2>&1 || {
  tail -30 "$root/apt.log"
  fail "apt install ./$deb_name"
}
echo "apt install ./$deb_name: $((SECONDS - t)) s ($(grep -o '^Need to get [^ ]* [kMG]B' "$root/apt.log" || echo 'nothing to download'))"
for pkg in simmer libfmt9 libsimdjson14 git; do
  status=$(in_root "dpkg-query -W -f='\${Status}' $pkg" 2>&1 || true)
  [ "$status" = "install ok installed" ] || fail "apt did not install $pkg: $status"
done

commit=$(git -C "$SIMMER_SOURCE_DIR" rev-parse --short=12 HEAD)
v=$(in_root "simmer --version")
echo "in the clean root: $v"
[[ "$v" =~ ^simmer\ [0-9.]+\ \(commit\ $commit ]] || fail "simmer --version in the clean root: $v"
[ -s "$root/usr/share/man/man1/simmer.1.gz" ] || [ -s "$root/usr/share/man/man1/simmer.1" ] || fail "no man page installed"
[ -s "$root/usr/share/bash-completion/completions/simmer" ] || fail "no bash completion installed"

# The offline demo, from the installed example only.
in_root "cp -r /usr/share/doc/simmer/examples/todo /root/todo && cd /root/todo && git init -q && \
  git config user.name t && git config user.email t@t && git add -A && git commit -qm start && \
  simmer cook > /root/cook.log 2>&1; echo \$? > /root/cook.rc"
[ "$(cat "$root/root/cook.rc")" = 0 ] || {
  cat "$root/root/cook.log"
  fail "the demo's cook exit $(cat "$root/root/cook.rc")"
}
status_json=$(in_root "cd /root/todo && simmer status --json")
passed=$(grep -o '"passed": *[0-9]*' <<< "$status_json" | head -1)
echo "demo: $passed; $(in_root "cd /root/todo && git log --oneline | wc -l") commits"
[ "$passed" = '"passed": 6' ] || fail "the demo did not pass its six stories: $status_json"
in_root "cd /root/todo && make -s todo && ./todo add milk >/dev/null && ./todo count" | grep -qx 1 \
  || fail "the demo's program does not work"
echo "ok: $((SECONDS - started)) s"
