#!/usr/bin/env bash
# The .deb installs on a clean Debian 12 (issue 13 item 1): `cpack` builds it from this build folder, `apt-get
# install ./simmer_*.deb` inside a fresh debootstrap root pulls its runtime dependencies (libfmt9, libsimdjson14,
# git) from the Debian mirror, then `simmer --version`, the man page and completions are in place, and the offline demo run from
# the installed files alone (/usr/share/doc/simmer/examples/todo). The minimal root (with make and a C compiler
# for the demo's gate, no simmer dependency) is cached as build/package-root/bookworm.tar: the first run takes a
# few minutes, later ones seconds plus apt's download. Needs root (chroot) and debootstrap; exits 77 (skipped,
# which CI counts as a failure) without them.
set -euo pipefail
: "${SIMMER_BUILD_DIR:?}" "${SIMMER_SOURCE_DIR:?}"
[ "$(id -u)" = 0 ] || { echo "skipped: needs root for chroot"; exit 77; }
command -v debootstrap >/dev/null || { echo "skipped: needs debootstrap (scripts/install-deps.sh --tests)"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

cache="$SIMMER_BUILD_DIR/package-root/bookworm.tar"
mirror=${SIMMER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ ! -s "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  fresh=$(mktemp -d "$SIMMER_BUILD_DIR/package-root/debootstrap.XXXXXX")
  debootstrap --variant=minbase --include=make,gcc,libc6-dev,ca-certificates bookworm "$fresh" "$mirror" \
    > "$SIMMER_BUILD_DIR/package-root/debootstrap.log" 2>&1 || { tail -20 "$SIMMER_BUILD_DIR/package-root/debootstrap.log"; fail "debootstrap"; }
  tar -C "$fresh" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
  rm -rf "$fresh"
fi

root=$(mktemp -d "$SIMMER_BUILD_DIR/package-root/root.XXXXXX")
cleanup() {
  umount "$root/proc" "$root/dev" 2>/dev/null || true
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$cache"
# The root holds nothing of simmer's: no binary, no library it links.
[ ! -e "$root/usr/bin/simmer" ] || fail "the cached root already has simmer"
if ls "$root"/usr/lib/x86_64-linux-gnu/libsimdjson* >/dev/null 2>&1; then fail "the cached root has libsimdjson"; fi

cmake --build "$SIMMER_BUILD_DIR" --target simmer simmer_docs > "$root/cpack.log" 2>&1 || { cat "$root/cpack.log"; fail "build"; }
(cd "$SIMMER_BUILD_DIR" && cpack -G DEB > "$root/cpack.log" 2>&1) || { cat "$root/cpack.log"; fail "cpack"; }
deb=$(ls "$SIMMER_BUILD_DIR"/simmer_*_amd64.deb)
cp "$deb" "$root/tmp/simmer.deb"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 sh -c "$1"; }

in_root "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/simmer.deb" \
  > "$root/apt.log" 2>&1 || { tail -30 "$root/apt.log"; fail "apt-get install ./simmer.deb"; }
for lib in libfmt9 libsimdjson14 git; do
  in_root "dpkg-query -W -f='\${Status}' $lib" | grep -q "install ok installed" || fail "apt did not pull $lib"
done

commit=$(git -C "$SIMMER_SOURCE_DIR" rev-parse --short=12 HEAD)
v=$(in_root "simmer --version")
[[ "$v" =~ ^simmer\ [0-9.]+\ \(commit\ $commit ]] || fail "simmer --version in the clean root: $v"
[ -s "$root/usr/share/man/man1/simmer.1" ] || fail "no man page installed"
[ -s "$root/usr/share/bash-completion/completions/simmer" ] || fail "no bash completion installed"

# The offline demo, from the installed example only.
in_root "cp -r /usr/share/doc/simmer/examples/todo /root/todo && cd /root/todo && git init -q && \
  git -c user.name=t -c user.email=t@t add -A && git -c user.name=t -c user.email=t@t commit -qm start && \
  git config user.name t && git config user.email t@t && simmer cook > /root/cook.log 2>&1; echo \$? > /root/cook.rc"
[ "$(cat "$root/root/cook.rc")" = 0 ] || { cat "$root/root/cook.log"; fail "the demo's cook exit $(cat "$root/root/cook.rc")"; }
passed=$(in_root "cd /root/todo && simmer status --json" | grep -o '"passed": *[0-9]*' | head -1)
echo "demo: $passed; $(in_root "cd /root/todo && git log --oneline | wc -l") commits"
in_root "cd /root/todo && make -s todo && ./todo add milk >/dev/null && ./todo count" | grep -qx 1 \
  || fail "the demo's program does not work"
echo ok
