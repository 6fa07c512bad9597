#!/usr/bin/env bash
# packaging/build-deb.sh [OUT_DIR]: builds ifmatch's Debian package.
#
# Configures a Release build installed under /usr (build-deb/ in the
# checkout, or $IFM_DEB_BUILD_DIR), built with IFM_INSTALLED_BUILD=ON, so
# the packaged program finds its suite only in /usr/share/ifmatch (or
# where --suite says) and never in the checkout it came from, and with the
# man page gzipped as Debian policy wants. Builds only the program and the
# man page, then `cpack -G DEB` writes the package to OUT_DIR (default: the
# build directory) and this script prints its path on stdout.
#
# Needs cmake, a C compiler, the -dev packages setup.sh installs, and
# dpkg-deb (dpkg). packaging/README.md says how to try the package in a
# brand-new Debian 12 root.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${IFM_DEB_BUILD_DIR:-$SRC/build-deb}
OUT=${1:-$BUILD}
JOBS=$(nproc 2>/dev/null || echo 2)

say() { printf 'build-deb: %s\n' "$*" >&2; }
command -v cpack >/dev/null || { say "cpack (cmake) is not installed"; exit 2; }
command -v dpkg-deb >/dev/null || { say "dpkg-deb (dpkg) is not installed"; exit 2; }

say "configuring $BUILD (Release, prefix /usr, installed build)"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DIFM_INSTALLED_BUILD=ON -DIFM_GZIP_MAN=ON -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
say "compiling ifmatch with $JOBS jobs"
cmake --build "$BUILD" -j "$JOBS" --target ifmatch ifmatch_man >/dev/null
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
say "packaging (cpack -G DEB) into $OUT"
rm -f "$OUT"/ifmatch_*.deb
(cd "$BUILD" && cpack -G DEB -B "$OUT" >/dev/null)
rm -rf "$OUT/_CPack_Packages"
deb=$(ls "$OUT"/ifmatch_*.deb)
say "wrote $deb"
printf '%s\n' "$deb"
