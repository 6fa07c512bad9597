#!/usr/bin/env bash
# setup.sh: the one entry point a new user (and CI) needs on Debian 12.
#
#   ./setup.sh run     install what is missing, build, run the suite against the
#                      embedded reference server; reports go to results/
#   ./setup.sh test    install, build (plain and ASan+UBSan), run the project's tests,
#                      then fuzz each libFuzzer harness for FUZZ_SECONDS (default 60)
#   ./setup.sh deps    only install the Debian packages
#   ./setup.sh build   only build (build/ifmatch)
#
# Packages come from Debian 12 only. As root apt-get runs directly, otherwise via sudo.
set -euo pipefail
cd "$(dirname "$0")"

JOBS=$(nproc 2>/dev/null || echo 2)
PKGS_BUILD="build-essential cmake pkg-config libcurl4-openssl-dev libyaml-dev libmicrohttpd-dev libssl-dev libnghttp2-dev"
PKGS_TEST="curl openssl time python3 python3-tap python3-junitparser python3-jsonschema python3-yaml libxml2-utils libxml2-dev perl lighttpd lighttpd-mod-webdav nginx-light radicale rclone tomcat10-common groff-base man-db chromium chromium-driver"
PKGS_FUZZ="clang libclang-rt-14-dev"

say() { printf 'setup: %s\n' "$*" >&2; }

# phase "what": a numbered headline for each long step, with the time so far,
# so a silent minute (apt, a build, the fuzzers) is never a mystery.
PHASE=0
PHASES=1
phase() {
  PHASE=$((PHASE + 1))
  say "[$PHASE/$PHASES] $* (${SECONDS} s so far)"
}

need_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "all $# Debian packages needed are installed"
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { say "need root or sudo to install: ${missing[*]}"; exit 2; }
    sudo="sudo"
  fi
  say "${#missing[@]} of $# Debian packages to install: ${missing[*]}"
  say "apt-get update: reading the package lists..."
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # Servers installed for the tests (lighttpd, nginx) must not start as system
  # services: the tests start their own on loopback. policy-rc.d (Debian's
  # hook for this) says no to service starts while we install, then goes.
  local policy=/usr/sbin/policy-rc.d added=""
  if [ ! -e "$policy" ]; then
    $sudo sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy" && added=1
  fi
  local rc=0 t0=$SECONDS
  say "apt-get install: downloading and installing ${#missing[@]} packages (often a minute or more; apt prints nothing meanwhile)..."
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ -n "$added" ] && $sudo rm -f "$policy"
  if [ $rc = 0 ]; then say "installed in $((SECONDS - t0)) s"; else say "apt-get install failed (exit $rc)"; fi
  return $rc
}

# The browser test (tests/html_browser_test.sh) drives Chromium through
# chromedriver, which reaches the browser's DevTools at "localhost". A bare
# root (debootstrap, some container images) has no /etc/hosts, so that name
# does not resolve and no browser session starts. Such a machine gets the two
# lines every Debian install has; nothing else is touched.
ensure_localhost() {
  getent hosts localhost >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  say "'localhost' does not resolve (no /etc/hosts entry): adding 127.0.0.1 and ::1 for it to /etc/hosts"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' | $sudo tee -a /etc/hosts >/dev/null ||
    say "could not write /etc/hosts: the browser test will fail to start Chromium"
}

build() { # build DIR [cmake args...]
  local dir=$1; shift
  say "configuring $dir/ (cmake)"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  say "compiling in $dir/ with $JOBS jobs"
  cmake --build "$dir" -j "$JOBS"
}

run_tests() { # run_tests DIR
  say "ctest in $1/: $(ctest --test-dir "$1" -N 2>/dev/null | sed -n 's/^Total Tests: //p') tests, $JOBS at a time (the real-server and mutation tests take minutes)"
  ctest --test-dir "$1" --output-on-failure -j "$JOBS"
}

# The reports `run` writes, and what each is for.
REPORTS="results/ifmatch.tap:TAP results/ifmatch.junit.xml:JUnit results/ifmatch.json:JSON results/ifmatch.html:HTML"

cmd=${1:-run}
case "$cmd" in
  deps)
    phase "Debian packages for building, testing and fuzzing"
    need_pkgs $PKGS_BUILD $PKGS_TEST $PKGS_FUZZ
    ;;
  build)
    PHASES=2
    phase "Debian packages for building"
    need_pkgs $PKGS_BUILD
    phase "building build/ifmatch"
    build build
    ;;
  run)
    PHASES=3
    phase "Debian packages for building"
    need_pkgs $PKGS_BUILD
    phase "building build/ifmatch"
    build build
    mkdir -p results
    shift || true
    if [ $# -gt 0 ]; then phase "running the suite: ifmatch run $*"
    else phase "running the suite against the embedded reference server"; fi
    # Not exec: after the run, say where the reports are; the exit code stays
    # ifmatch's (0 conformant, 1 a FAIL, 2 bad usage or an empty selection, 3 not tested).
    stamp=$(mktemp)
    rc=0
    ./build/ifmatch run --tap results/ifmatch.tap --junit results/ifmatch.junit.xml \
      --json results/ifmatch.json --html results/ifmatch.html "$@" || rc=$?
    written=""
    for r in $REPORTS; do
      f=${r%%:*}
      if [ -f "$f" ] && [ "$f" -nt "$stamp" ]; then written="$written  ${r##*:}: $PWD/$f"$'\n'; fi
    done
    rm -f "$stamp"
    if [ -n "$written" ]; then
      say "reports of this run (open the HTML one in a browser):"
      printf '%s' "$written" | sed 's/^/setup: /' >&2
    else
      say "no report was written under results/ (see the messages above)"
    fi
    say "ifmatch exited $rc after ${SECONDS} s (0 conformant, 1 a case failed, 2 bad usage or nothing selected, 3 not tested)"
    exit $rc
    ;;
  test)
    PHASES=7
    phase "Debian packages for building, testing and fuzzing"
    need_pkgs $PKGS_BUILD $PKGS_TEST $PKGS_FUZZ
    ensure_localhost
    # Azurite (tests/azurite_test.sh) and the TAP consumers tap-parser, tap-spec and
    # tap-mocha-reporter (tests/tap_consumers_test.sh, not_tested_test.sh) come from
    # the npm registry, pinned by tests/npm/package-lock.json; without them those
    # checks SKIP. Node trusts the system's CA store too (a proxy's CA may be there).
    phase "npm packages for the tests (pinned by tests/npm/package-lock.json)"
    command -v npm >/dev/null || need_pkgs nodejs npm
    [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ] &&
      export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
    if cmp -s tests/npm/package-lock.json tests/npm/node_modules/.ifmatch-lock 2>/dev/null; then
      say "tests/npm/node_modules matches package-lock.json"
    else
      say "npm ci in tests/npm..."
      if (cd tests/npm && npm ci --no-audit --no-fund --loglevel=error); then
        cp tests/npm/package-lock.json tests/npm/node_modules/.ifmatch-lock
      else
        say "npm ci failed: the checks that need Azurite, tap-parser, tap-spec or tap-mocha-reporter will SKIP"
      fi
    fi
    phase "plain build (warnings are errors)"
    build build -DIFM_WERROR=ON
    phase "the project's tests, plain build"
    run_tests build
    phase "ASan+UBSan build"
    build build-asan -DIFM_WERROR=ON -DIFM_SANITIZE=ON
    phase "the project's tests under ASan+UBSan"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_tests build-asan
    phase "fuzzing smoke (clang, libFuzzer, ASan+UBSan), ${FUZZ_SECONDS:-60} s per harness"
    FUZZ_BUILD_DIR=build-fuzz-smoke bash fuzz/run_smoke.sh
    say "all done in ${SECONDS} s"
    ;;
  *) say "usage: ./setup.sh [run|test|deps|build]"; exit 2 ;;
esac
