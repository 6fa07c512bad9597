#!/usr/bin/env bash
# packaging/fresh-debian-check.sh [DEB]: the package in a brand-new Debian 12
# root. Installs DEB (default: what packaging/build-deb.sh builds now) with
# apt-get, so that Depends must bring every library from the Debian archive,
# removes the copy of the checkout the root was given, and from / runs
# `ifmatch version`, `ifmatch run` (the embedded server), `ifmatch certify
# --target /usr/share/ifmatch/targets/reference.yaml` (alone, and against
# `ifmatch serve` with --url), `ifmatch verify` and `man ifmatch`.
#
# Needs root (chroot, mounts), debootstrap and the Debian archive; the root
# comes from the workspace's fresh-debian.sh ($FRESH_DEBIAN, default
# ../shared/tools/fresh-debian.sh beside the checkout). Takes a minute or
# two once the base root exists (its first debootstrap takes longer).
# Prints each step and exits with the number of steps that failed.
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
FRESH=${FRESH_DEBIAN:-$SRC/../shared/tools/fresh-debian.sh}
[ -f "$FRESH" ] || { echo "fresh-debian-check: no $FRESH (set FRESH_DEBIAN)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "fresh-debian-check: needs root (chroot)" >&2; exit 2; }
DEB=${1:-$(bash "$SRC/packaging/build-deb.sh")} || exit 2
[ -f "$DEB" ] || { echo "fresh-debian-check: no package $DEB" >&2; exit 2; }

# fresh-debian.sh makes its base root on first use; make it before the
# package is handed over on standard input, so nothing else reads it.
bash "$FRESH" true "$SRC" </dev/null >/dev/null || exit 2

# Runs in the new root as root, the package on standard input.
# shellcheck disable=SC2016  # expanded there, not here
steps='
cat >/tmp/ifmatch.deb
rm -rf /root/ifmatch; cd /                          # no checkout anywhere
fail=0
step() { echo "=== $1"; shift; if "$@"; then echo "--- ok"; else echo "--- FAILED (exit $?)"; fail=$((fail + 1)); fi; }
export DEBIAN_FRONTEND=noninteractive MANPAGER=cat MANWIDTH=80
step "apt-get install ./ifmatch.deb man-db (Depends from the archive)" \
  sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/ifmatch.deb man-db >/dev/null"
step "dpkg -s ifmatch" sh -c "dpkg -s ifmatch | grep -E \"^(Status|Version|Depends):\""
step "ifmatch version, from /" ifmatch version
step "no checkout on this machine" sh -c "! find / -xdev -name ifm_paths.c 2>/dev/null | grep ."
step "ifmatch run (the embedded server), from /" ifmatch run -q --out /tmp/run
step "its reports" sh -c "ls /tmp/run && ! grep -l /root/ifmatch /tmp/run/*"
step "ifmatch certify --target /usr/share/ifmatch/targets/reference.yaml" \
  ifmatch certify -q --target /usr/share/ifmatch/targets/reference.yaml --out /tmp/cert
ifmatch serve --port 0 >/tmp/serve.out 2>&1 & spid=$!
for i in $(seq 50); do url=$(sed -n "s/^ifmatch: serving \(http:[^ ]*\) .*/\1/p" /tmp/serve.out); [ -n "$url" ] && break; sleep 0.1; done
step "ifmatch certify --target .../reference.yaml --url (ifmatch serve)" \
  ifmatch certify -q --target /usr/share/ifmatch/targets/reference.yaml --url "$url" --out /tmp/cert-url
kill $spid
step "the certificate" head -n 1 /tmp/cert-url/certificate.txt
step "ifmatch verify" ifmatch verify /tmp/cert-url/certificate.json
step "man ifmatch" sh -c "man ifmatch 2>/dev/null | head -n 12"
step "bash completion" bash -c "source /usr/share/bash-completion/completions/ifmatch && COMP_WORDS=(ifmatch ce) COMP_CWORD=1 && _ifmatch && [ \"\${COMPREPLY[*]}\" = certify ]"
echo "=== $fail step(s) failed"
exit $fail
'
bash "$FRESH" "$steps" "$SRC" <"$DEB"
