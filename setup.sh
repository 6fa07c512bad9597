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
PKGS_BUILD="build-essential cmake pkg-config libcurl4-openssl-dev libyaml-dev libmicrohttpd-dev libssl-dev"
PKGS_TEST="curl openssl python3 python3-tap python3-junitparser python3-jsonschema libxml2-utils libxml2-dev perl lighttpd lighttpd-mod-webdav nginx-light radicale rclone tomcat10-common"
PKGS_FUZZ="clang libclang-rt-14-dev"

say() { printf 'setup: %s\n' "$*" >&2; }

need_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { say "need root or sudo to install: ${missing[*]}"; exit 2; }
    sudo="sudo"
  fi
  say "installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # Servers installed for the tests (lighttpd, nginx) must not start as system
  # services: the tests start their own on loopback. policy-rc.d (Debian's
  # hook for this) says no to service starts while we install, then goes.
  local policy=/usr/sbin/policy-rc.d added=""
  if [ ! -e "$policy" ]; then
    $sudo sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy" && added=1
  fi
  local rc=0
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ -n "$added" ] && $sudo rm -f "$policy"
  return $rc
}

build() { # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

run_tests() { # run_tests DIR
  ctest --test-dir "$1" --output-on-failure -j "$JOBS"
}

cmd=${1:-run}
case "$cmd" in
  deps)  need_pkgs $PKGS_BUILD $PKGS_TEST $PKGS_FUZZ ;;
  build) need_pkgs $PKGS_BUILD; build build ;;
  run)
    need_pkgs $PKGS_BUILD
    build build
    mkdir -p results
    shift || true
    exec ./build/ifmatch run --tap results/ifmatch.tap --junit results/ifmatch.junit.xml \
      --json results/ifmatch.json --html results/ifmatch.html "$@"
    ;;
  test)
    need_pkgs $PKGS_BUILD $PKGS_TEST $PKGS_FUZZ
    # Azurite (tests/azurite_test.sh) comes from the npm registry, pinned by
    # tests/npm/package-lock.json; without it that test is SKIP.
    command -v npm >/dev/null || need_pkgs nodejs npm
    grep -qs '"version": "3.35.0"' tests/npm/node_modules/azurite/package.json ||
      (cd tests/npm && npm ci --no-audit --no-fund --loglevel=error) || say "npm ci failed: Azurite's test will SKIP"
    say "plain build (warnings are errors)"
    build build -DIFM_WERROR=ON
    run_tests build
    say "ASan+UBSan build"
    build build-asan -DIFM_WERROR=ON -DIFM_SANITIZE=ON
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_tests build-asan
    say "fuzzing smoke (clang, libFuzzer, ASan+UBSan), ${FUZZ_SECONDS:-60} s per harness"
    FUZZ_BUILD_DIR=build-fuzz-smoke bash fuzz/run_smoke.sh
    ;;
  *) say "usage: ./setup.sh [run|test|deps|build]"; exit 2 ;;
esac
