#!/usr/bin/env bash
# install_test.sh: `cmake --install` of this build into a scratch prefix: the
# layout (bin/ifmatch, share/ifmatch/{cases,targets}, the man page, bash
# completion, share/doc/ifmatch), and how the program finds its suite: from
# its install prefix (also once the prefix is moved), from --suite DIR
# (before or after the command) or IFMATCH_SUITE (IFMATCH_HOME too), never
# from the current directory; and that an installed run's reports do not
# name the checkout.
source "$(dirname "$0")/lib.sh"
BUILD=${IFM_BUILD_DIR:-$SRC/build}
unset IFMATCH_SUITE IFMATCH_HOME IFMATCH_TARGET IFMATCH_URL IFMATCH_FILTER IFMATCH_PROFILE \
  IFMATCH_REPORT_NAME IFMATCH_JOBS IFMATCH_TIMEOUT IFMATCH_MAX_TIME IFMATCH_MAX_MEMORY

if ! command -v cmake >/dev/null || [ ! -f "$BUILD/cmake_install.cmake" ]; then
  echo "1..0 # SKIP needs cmake and a configured build ($BUILD)"
  exit 0
fi
plan 31

# suite_line PROGRAM [ARGS...]: the suite `ifmatch version` names, run from /.
suite_line() { (cd / && "$@" version | sed -n 's/^suite: //p'); }
# case_ids PROGRAM [ARGS...]: the case ids `ifmatch list` prints, run from /.
case_ids() { (cd / && "$@" list | awk 'NR > 1 {print $1}'); }

P="$TMP/prefix"
REAL_SRC=$(cd "$SRC" && pwd -P)

# 1. The layout.
check "cmake --install puts the program and its suite into a scratch prefix" \
  cmake --install "$BUILD" --prefix "$P"
check "bin/ifmatch is the only program, and nothing else lands in bin/, lib/ or include/" \
  bash -c "[ -x '$P/bin/ifmatch' ] && [ \"\$(ls '$P/bin')\" = ifmatch ] && [ ! -e '$P/lib' ] && [ ! -e '$P/include' ]"
check "share/ifmatch/cases holds every case file of the checkout, profiles included" bash -c "
  diff <(cd '$SRC/cases' && find . -name '*.yaml' | sort) <(cd '$P/share/ifmatch/cases' && find . -name '*.yaml' | sort) &&
  [ -f '$P/share/ifmatch/cases/profiles/rfc9110.yaml' ] && [ -f '$P/share/ifmatch/cases/profiles/rfc9110-428.yaml' ] &&
  [ -f '$P/share/ifmatch/cases/profiles/cpp.yaml' ] && [ -f '$P/share/ifmatch/cases/README.md' ]"
check "share/ifmatch/targets holds the target files (reference.yaml among them)" bash -c "
  diff <(cd '$SRC/targets' && find . -name '*.yaml' | sort) <(cd '$P/share/ifmatch/targets' && find . -name '*.yaml' | sort) &&
  [ -f '$P/share/ifmatch/targets/reference.yaml' ]"
check "the man page is in share/man/man1" \
  bash -c "ls '$P/share/man/man1/ifmatch.1' || ls '$P/share/man/man1/ifmatch.1.gz'"
check "the bash completion is in share/bash-completion/completions/ifmatch" \
  cmp "$SRC/completion/ifmatch.bash" "$P/share/bash-completion/completions/ifmatch"
check "the documentation is in share/doc/ifmatch, laid out as in the repository" bash -c "
  cd '$P/share/doc/ifmatch' && for f in README.md REQUIREMENTS.md docs/waivers-and-baselines.md reports/README.md \
    reports/report.schema.json reports/certificate.schema.json cases/README.md targets/README.md; do
    cmp \"\$f\" '$SRC/'\"\$f\" || exit 1; done"

# 2. Finding the suite.
check "the build-tree program uses the checkout's suite" \
  bash -c "[ \"\$(cd / && '$IFMATCH' version | sed -n 's/^suite: //p')\" = '$REAL_SRC' ]"
got=$(suite_line "$P/bin/ifmatch")
check "the installed program uses its prefix's share/ifmatch, not the checkout (run from /)" \
  test "$got" = "$(cd "$P/share/ifmatch" && pwd -P)"
check "it lists the same cases as the checkout" \
  diff <(case_ids "$IFMATCH") <(case_ids "$P/bin/ifmatch")

# A suite of one's own: one folder of cases, the profiles and the reference target.
MY="$TMP/my suite"
mkdir -p "$MY/cases" "$MY/targets"
cp -r "$SRC/cases/profiles" "$SRC/cases/wildcard" "$MY/cases/"
cp "$SRC/targets/reference.yaml" "$MY/targets/"
want=$("$IFMATCH" list "$SRC/cases/wildcard" | awk 'NR > 1 {print $1}' | sort)
mine() { case_ids "$@" | sort; }
check "--suite DIR before the command selects that suite" \
  bash -c "[ -n \"\$1\" ] && [ \"\$1\" = \"\$2\" ]" _ "$(mine "$P/bin/ifmatch" --suite "$MY")" "$want"
check "--suite DIR after the command too" \
  bash -c "[ \"\$1\" = \"\$2\" ]" _ "$(cd / && "$P/bin/ifmatch" list --suite "$MY" | awk 'NR > 1 {print $1}' | sort)" "$want"
check "--suite=DIR too" \
  bash -c "[ \"\$1\" = \"\$2\" ]" _ "$(cd / && "$P/bin/ifmatch" list --suite="$MY" | awk 'NR > 1 {print $1}' | sort)" "$want"
check "IFMATCH_SUITE selects it" \
  bash -c "[ \"\$1\" = \"\$2\" ]" _ "$(IFMATCH_SUITE="$MY" mine "$P/bin/ifmatch")" "$want"
check "IFMATCH_HOME, its older name, too" \
  bash -c "[ \"\$1\" = \"\$2\" ]" _ "$(IFMATCH_HOME="$MY" mine "$P/bin/ifmatch")" "$want"
check "--suite wins over IFMATCH_SUITE" \
  bash -c "[ \"\$1\" = \"\$2\" ]" _ "$(IFMATCH_SUITE="$SRC" mine "$P/bin/ifmatch" --suite "$MY")" "$want"
check "--suite naming a folder without cases/ exits 2 and says so" bash -c "
  cd / && '$P/bin/ifmatch' --suite '$TMP' run >'$TMP/bad.out' 2>&1; [ \$? = 2 ] &&
  grep -q -- '--suite $TMP: no cases/ directory' '$TMP/bad.out'"
check "IFMATCH_SUITE naming one exits 2 and says so" bash -c "
  cd / && IFMATCH_SUITE='$TMP' '$P/bin/ifmatch' list >'$TMP/bad.out' 2>&1; [ \$? = 2 ] &&
  grep -q 'IFMATCH_SUITE $TMP: no cases/ directory' '$TMP/bad.out'"
check "--suite without a folder exits 2" expect_exit 2 "$P/bin/ifmatch" run --suite

# The current directory is never the suite, for either program.
CWD="$TMP/cwd"
mkdir -p "$CWD/cases/profiles" "$CWD/targets"
printf 'id: ZZ-FROM-CWD\nrequirement: IM-MATCH-OK\ntitle: t\nlevel: MUST\nsteps: [{read: {}}]\n' >"$CWD/cases/zz.yaml"
check "run from a folder holding a cases/ of its own, the installed program ignores it" \
  bash -c "[ \"\$(cd '$CWD' && '$P/bin/ifmatch' list | grep -c ZZ-FROM-CWD)\" = 0 ] &&
           [ \"\$(cd '$CWD' && '$P/bin/ifmatch' version | sed -n 's/^suite: //p')\" = '$got' ]"
check "and so does the build-tree program" \
  bash -c "[ \"\$(cd '$CWD' && '$IFMATCH' list | grep -c ZZ-FROM-CWD)\" = 0 ]"

# 3. An installed run of the whole suite from / against the embedded server,
# reports in a scratch folder.
R="$TMP/reports"
check "the installed program runs its suite against the embedded server from / (exit 0)" \
  bash -c "cd / && '$P/bin/ifmatch' run -q --out '$R'"
check "all four reports are written" \
  bash -c "[ -s '$R/ifmatch.tap' ] && [ -s '$R/ifmatch.junit.xml' ] && [ -s '$R/ifmatch.json' ] && [ -s '$R/ifmatch.html' ]"
check "no report names the checkout" bash -c "! grep -l -e '$SRC' -e '$REAL_SRC' '$R'/ifmatch.*"
check "JUnit names the case files relative to the suite (cases/...)" \
  bash -c "grep -o 'file=\"[^\"]*\"' '$R/ifmatch.junit.xml' | grep -v '^file=\"cases/' | { ! grep .; } &&
           grep -q 'file=\"cases/core/' '$R/ifmatch.junit.xml'"
check "JSON names the case files relative to the suite (cases/...)" \
  python3 -c "
import json,sys
d=json.load(open('$R/ifmatch.json'))
sys.exit(0 if d['results'] and all(r['file'].startswith('cases/') for r in d['results']) else 1)"
check "HTML names the case files relative to the suite, never the prefix" \
  bash -c "! grep -q '$P' '$R/ifmatch.html' && grep -q '<dd><code>cases/' '$R/ifmatch.html'"

# 4. The installed tree can be moved: the suite is found relative to the program.
mv "$P" "$TMP/moved"
check "a moved prefix still finds its own suite" \
  test "$(suite_line "$TMP/moved/bin/ifmatch")" = "$(cd "$TMP/moved/share/ifmatch" && pwd -P)"
check "and runs from there" \
  bash -c "cd / && '$TMP/moved/bin/ifmatch' run -q --filter 'IM-LIST-ANY*' --out '$TMP/moved-reports'"
check "certify --target <prefix>/share/ifmatch/targets/reference.yaml needs no server: the embedded one, CONFORMANT" \
  bash -c "cd / && '$TMP/moved/bin/ifmatch' certify -q --target '$TMP/moved/share/ifmatch/targets/reference.yaml' \
             --out '$TMP/moved-cert' && grep -q '^ifmatch certificate: CONFORMANT\$' '$TMP/moved-cert/certificate.txt'"
check "the installed program's version line names the version" \
  bash -c "'$TMP/moved/bin/ifmatch' version | head -1 | grep -q '^ifmatch [0-9]'"
finish
