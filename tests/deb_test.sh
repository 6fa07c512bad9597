#!/usr/bin/env bash
# deb_test.sh: the Debian package packaging/build-deb.sh makes (cpack -G DEB):
# its metadata (Depends covers every library the program needs, at the
# versions dpkg-shlibdeps asks for), its files (all under /usr, root-owned,
# the man page gzipped), and that it works with no checkout: unpacked with
# dpkg-deb -x into a scratch root (no dpkg database touched, nothing needs
# root), its program runs the suite and certifies from /, finds nothing
# when moved away from its share/ifmatch (the compiled-in source tree is
# not a fallback), and its man page and completion load.
#
# The build goes to $IFM_BUILD_DIR/deb-pkg and is kept, so only the first
# run compiles the program (a minute or so on two cores). Installing the
# package in a brand-new Debian 12 root is packaging/README.md's manual check.
source "$(dirname "$0")/lib.sh"
BUILD=${IFM_BUILD_DIR:-$SRC/build}
unset IFMATCH_SUITE IFMATCH_HOME IFMATCH_TARGET IFMATCH_URL IFMATCH_FILTER IFMATCH_PROFILE \
  IFMATCH_REPORT_NAME IFMATCH_JOBS IFMATCH_TIMEOUT IFMATCH_MAX_TIME IFMATCH_MAX_MEMORY

for tool in cmake cpack dpkg-deb dpkg; do
  command -v $tool >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 0; }
done
plan 24

DEB=$(IFM_DEB_BUILD_DIR="$BUILD/deb-pkg" bash "$SRC/packaging/build-deb.sh" "$TMP/out" 2>"$TMP/build-deb.log")
check "packaging/build-deb.sh builds the package" bash -c "[ -f '$DEB' ] || { cat '$TMP/build-deb.log'; false; }"
[ -f "$DEB" ] || { echo "Bail out! no package to test"; exit 1; }
ROOT="$TMP/root"
ARCH=$(dpkg --print-architecture)
VERSION=$("$IFMATCH" version | sed -n '1s/^ifmatch \([0-9][0-9.]*\).*/\1/p')

# 1. Metadata.
field() { dpkg-deb -f "$DEB" "$1"; }
check "it is package ifmatch, version $VERSION+..., architecture $ARCH" bash -c "
  [ \"\$(dpkg-deb -f '$DEB' Package)\" = ifmatch ] && [ \"\$(dpkg-deb -f '$DEB' Architecture)\" = '$ARCH' ] &&
  case \"\$(dpkg-deb -f '$DEB' Version)\" in '$VERSION'|'$VERSION'+*) true ;; *) false ;; esac"
DEPENDS=$(field Depends)
dep_names=$(tr ',' '\n' <<<"$DEPENDS" | awk '{print $1}' | sort)
check "Depends names Debian 12's libcurl4, libyaml-0-2, libmicrohttpd12, libssl3 and libc6 ($DEPENDS)" \
  bash -c "for p in libcurl4 libyaml-0-2 libmicrohttpd12 libssl3 libc6; do grep -qx \"\$p\" <<<'$dep_names' || { echo \"no \$p\"; exit 1; }; done"
dpkg-deb -x "$DEB" "$ROOT"
check "every library the program needs comes from a package Depends names" bash -c "
  for so in \$(objdump -p '$ROOT/usr/bin/ifmatch' | awk '\$1 == \"NEEDED\" {print \$2}'); do
    pkg=\$(dpkg -S \"*/\$so\" 2>/dev/null | grep -v i386 | head -n 1 | cut -d: -f1)
    [ -n \"\$pkg\" ] || { echo \"no package has \$so\"; exit 1; }
    grep -qx \"\$pkg\" <<<'$dep_names' || { echo \"\$so is in \$pkg, which Depends lacks\"; exit 1; }
  done"
if command -v dpkg-shlibdeps >/dev/null; then
  check "Depends asks for at least the versions dpkg-shlibdeps finds" bash -c "
    mkdir -p '$TMP/shl/debian' && cd '$TMP/shl' &&
    printf 'Source: ifmatch\n\nPackage: ifmatch\nArchitecture: any\n' >debian/control &&
    want=\$(dpkg-shlibdeps -O '$ROOT/usr/bin/ifmatch' 2>/dev/null | sed -n 's/^shlibs:Depends=//p') &&
    [ -n \"\$want\" ] && echo \"dpkg-shlibdeps: \$want\" &&
    IFS=, && for d in \$want; do
      pkg=\$(awk '{print \$1}' <<<\"\$d\"); min=\$(sed -n 's/.*(>= *\(.*\))/\1/p' <<<\"\$d\")
      have=\$(tr ',' '\n' <<<'$DEPENDS' | awk -v p=\"\$pkg\" '\$1 == p' | sed -n 's/.*(>= *\(.*\))/\1/p')
      grep -qx \"\$pkg\" <<<'$dep_names' || { echo \"Depends lacks \$pkg\"; exit 1; }
      [ -z \"\$min\" ] || { [ -n \"\$have\" ] && dpkg --compare-versions \"\$have\" ge \"\$min\"; } ||
        { echo \"\$pkg: Depends asks >= \${have:-any}, the program needs >= \$min\"; exit 1; }
    done"
else
  _n=$((_n + 1)); echo "ok $_n - Depends asks for the versions dpkg-shlibdeps finds # SKIP no dpkg-shlibdeps (dpkg-dev)"
fi

# 2. Files.
dpkg-deb -c "$DEB" >"$TMP/contents"
check "it holds the program, the suite, the targets, the man page, the completion and the docs" bash -c "
  for f in ./usr/bin/ifmatch ./usr/share/ifmatch/cases/profiles/rfc9110.yaml ./usr/share/ifmatch/cases/core/match-ok.yaml \
           ./usr/share/ifmatch/targets/reference.yaml ./usr/share/man/man1/ifmatch.1.gz \
           ./usr/share/bash-completion/completions/ifmatch ./usr/share/doc/ifmatch/README.md \
           ./usr/share/doc/ifmatch/reports/report.schema.json; do
    awk '{print \$6}' '$TMP/contents' | grep -qxF \"\$f\" || { echo \"missing \$f\"; exit 1; }
  done"
check "every file is under /usr and owned by root" \
  bash -c "! awk '\$6 !~ /^\.\/usr\// || \$2 != \"root/root\"' '$TMP/contents' | grep ."
check "the suite is all there: as many case files as the checkout's cases/" \
  test "$(grep -c '^-.* \./usr/share/ifmatch/cases/.*\.yaml$' "$TMP/contents")" = \
       "$(cd "$SRC/cases" && find . -name '*.yaml' | wc -l)"
check "the man page is gzipped and nothing else is in man1" \
  bash -c "[ \"\$(awk '\$6 ~ /^\.\/usr\/share\/man\// && \$1 !~ /^d/ {print \$6}' '$TMP/contents')\" = ./usr/share/man/man1/ifmatch.1.gz ]"

# 3. It works unpacked, from /, with no checkout.
IFM="$ROOT/usr/bin/ifmatch"
check "from /, the program's suite is the package's share/ifmatch" \
  bash -c "[ \"\$(cd / && '$IFM' version | sed -n 's/^suite: //p')\" = \"\$(cd '$ROOT/usr/share/ifmatch' && pwd -P)\" ]"
mkdir -p "$TMP/lone"
cp "$IFM" "$TMP/lone/ifmatch"
check "moved away from share/ifmatch it finds no suite, though the checkout it was built from exists" \
  bash -c "[ -d '$SRC/cases' ] && cd / && '$TMP/lone/ifmatch' version | grep -qx 'suite: none found.*'"
check "and a run says so and exits 2 (no checkout, no current directory)" \
  bash -c "cd '$SRC' && '$TMP/lone/ifmatch' run -q --out '$TMP/lone/r' >'$TMP/lone.out' 2>&1; [ \$? = 2 ] && grep -q 'no suite found' '$TMP/lone.out'"
check "--suite gives it one again" \
  bash -c "cd / && '$TMP/lone/ifmatch' --suite '$ROOT/usr/share/ifmatch' list | grep -q IM-MATCH-OK"
R="$TMP/run"
check "ifmatch run from / against the embedded server, with a filter, is CONFORMANT (exit 0)" \
  bash -c "cd / && '$IFM' run --filter 'IM-STALE-412*' --out '$R' >'$TMP/run.out' 2>&1 || { cat '$TMP/run.out'; false; }"
check "its reports are written and do not name the checkout" \
  bash -c "[ -s '$R/ifmatch.junit.xml' ] && [ -s '$R/ifmatch.json' ] && ! grep -l '$SRC' '$R'/ifmatch.*"
IFMATCH="$IFM" start_server URL || true
check "the packaged 'ifmatch serve' serves" test -n "${URL:-}"
C="$TMP/cert"
check "ifmatch certify --target <package>/usr/share/ifmatch/targets/reference.yaml --url (exit 0)" \
  bash -c "cd / && '$IFM' certify -q --target '$ROOT/usr/share/ifmatch/targets/reference.yaml' --url '$URL' --out '$C'"
check "the certificate says CONFORMANT" grep -q '^ifmatch certificate: CONFORMANT$' "$C/certificate.txt"
check "ifmatch verify holds it" bash -c "cd / && '$IFM' verify -q '$C/certificate.json'"
check "the certificate names the profile relative to the suite, and not the checkout" \
  bash -c "grep -q '\"profile_file\": \"cases/profiles/rfc9110.yaml\"' '$C/certificate.json' && ! grep -q '$SRC' '$C/certificate.json'"
check "ifmatch certify --target <package>/usr/share/ifmatch/targets/reference.yaml alone: the embedded server (exit 0)" \
  bash -c "cd / && '$IFM' certify -q --target '$ROOT/usr/share/ifmatch/targets/reference.yaml' --out '$TMP/cert2' &&
           grep -q '^ifmatch certificate: CONFORMANT\$' '$TMP/cert2/certificate.txt'"
if command -v man >/dev/null; then
  check "man -l shows the packaged page" \
    bash -c "MANWIDTH=80 man -l '$ROOT/usr/share/man/man1/ifmatch.1.gz' 2>/dev/null | head -5 | grep -q 'ifmatch - conformance suite'"
else
  _n=$((_n + 1)); echo "ok $_n - man -l shows the packaged page # SKIP man (man-db) is not installed"
fi
check "the packaged completion completes 'ifmatch ce' to certify" bash -c "
  source '$ROOT/usr/share/bash-completion/completions/ifmatch' && COMP_WORDS=('$IFM' ce) && COMP_CWORD=1 &&
  _ifmatch && [ \"\${COMPREPLY[*]}\" = certify ]"
check "the packaged completion finds the packaged profiles" bash -c "
  cd / && source '$ROOT/usr/share/bash-completion/completions/ifmatch' && COMP_WORDS=('$IFM' run --profile rfc9110-) &&
  COMP_CWORD=3 && _ifmatch && [ \"\${COMPREPLY[*]}\" = rfc9110-428 ]"
finish
