#!/usr/bin/env bash
# packaging/ci/ifmatch-action.sh install|run: what the GitHub Action
# (action.yml at the repository's root) does; any CI can call it the same way.
#
#   install   makes ifmatch available, as INPUT_INSTALL says:
#               build  ./setup.sh build in this checkout (apt-get installs the
#                      build packages; root or sudo), program build/ifmatch
#               deb    apt-get install the package INPUT_DEB (a path, or an
#                      http(s) URL to download), program /usr/bin/ifmatch
#               path   an ifmatch already there: INPUT_PROGRAM, else on PATH
#             and passes the program on in $GITHUB_ENV (IFMATCH_ACTION_PROGRAM).
#   run       runs `ifmatch run` with the inputs below, writes all four reports,
#             sets the outputs in $GITHUB_OUTPUT (junit, json, html, tap,
#             out-dir, verdict, exit-code) and exits with ifmatch's exit code:
#             0 conformant, 1 a case failed, 2 bad usage, 3 not tested.
#
# Inputs come from the environment, named as action.yml's inputs with INPUT_
# in front (tests/action_test.sh checks that the two agree): INPUT_URL,
# INPUT_TARGET, INPUT_PROFILE, INPUT_FILTER, INPUT_OUT_DIR (default
# ifmatch-reports), INPUT_JUNIT, INPUT_JSON, INPUT_HTML, INPUT_TAP (default
# OUT_DIR/ifmatch.*), INPUT_WAIVERS, INPUT_BASELINE, INPUT_ARGS (extra
# arguments, split at white space, never evaluated), INPUT_INSTALL, INPUT_DEB,
# INPUT_PROGRAM. No input is printed as given: the URL reaches the program
# through IFMATCH_URL (not its command line), and what the program prints
# has any userinfo redacted.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
say() { printf 'ifmatch-action: %s\n' "$*" >&2; }
usage() { say "$*"; exit 2; }
# set_output NAME VALUE: a step output (and a line in the log).
set_output() {
  say "output $1=$2"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}
# sudo_maybe COMMAND...: as root directly, else through sudo.
sudo_maybe() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else usage "needs root or sudo to run $1"; fi
}

do_install() {
  local program
  case "${INPUT_INSTALL:-build}" in
    build)
      say "building ifmatch in $SRC/build (./setup.sh build)"
      bash "$SRC/setup.sh" build >&2
      program="$SRC/build/ifmatch" ;;
    deb)
      local deb=${INPUT_DEB:-}
      [ -n "$deb" ] || usage "install: deb needs the input deb (a .deb path or URL)"
      case "$deb" in
        http://*|https://*)
          local dir=${RUNNER_TEMP:-/tmp}/ifmatch-deb
          mkdir -p "$dir"
          say "downloading the package"
          curl -fsSL -o "$dir/ifmatch.deb" "$deb" || usage "install: the package could not be downloaded"
          deb="$dir/ifmatch.deb" ;;
      esac
      [ -f "$deb" ] || usage "install: no package at the path the input deb gives"
      case "$deb" in /*) ;; *) deb="$PWD/$deb" ;; esac
      say "installing $(basename "$deb") and its Depends (apt-get)"
      sudo_maybe env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      sudo_maybe env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >&2
      program=/usr/bin/ifmatch ;;
    path)
      program=${INPUT_PROGRAM:-$(command -v ifmatch || true)}
      [ -n "$program" ] || usage "install: path, but no input program and no ifmatch on PATH" ;;
    *) usage "install: the input install must be build, deb or path" ;;
  esac
  [ -x "$program" ] || usage "install: $program is not an executable program"
  say "using $program: $("$program" version | head -n 1)"
  if [ -n "${GITHUB_ENV:-}" ]; then printf 'IFMATCH_ACTION_PROGRAM=%s\n' "$program" >>"$GITHUB_ENV"; fi
  set_output program "$program"
}

# report_verdict JSON: the suite's verdict in a JSON report, or NONE.
report_verdict() {
  local v=""
  [ -s "$1" ] && v=$(sed -n 's/^  "verdict": "\([A-Z ]*\)".*/\1/p' "$1" | head -n 1)
  printf '%s\n' "${v:-NONE}"
}

do_run() {
  local program=${IFMATCH_ACTION_PROGRAM:-${INPUT_PROGRAM:-$(command -v ifmatch || true)}}
  if [ -z "$program" ] || [ ! -x "$program" ]; then usage "run: no ifmatch program (run the install step first)"; fi
  local out=${INPUT_OUT_DIR:-ifmatch-reports}
  local junit=${INPUT_JUNIT:-$out/ifmatch.junit.xml} json=${INPUT_JSON:-$out/ifmatch.json}
  local html=${INPUT_HTML:-$out/ifmatch.html} tap=${INPUT_TAP:-$out/ifmatch.tap}
  local f
  for f in "$junit" "$json" "$html" "$tap"; do mkdir -p "$(dirname "$f")"; done
  local argv=(run --junit "$junit" --json "$json" --html "$html" --tap "$tap")
  [ -z "${INPUT_TARGET:-}" ] || argv+=(--target "$INPUT_TARGET")
  [ -z "${INPUT_PROFILE:-}" ] || argv+=(--profile "$INPUT_PROFILE")
  [ -z "${INPUT_FILTER:-}" ] || argv+=(--filter "$INPUT_FILTER")
  [ -z "${INPUT_WAIVERS:-}" ] || argv+=(--waivers "$INPUT_WAIVERS")
  [ -z "${INPUT_BASELINE:-}" ] || argv+=(--baseline "$INPUT_BASELINE")
  local extra=()
  read -r -a extra <<<"${INPUT_ARGS:-}" || true
  argv+=("${extra[@]}")
  # The URL goes through the environment: not on a command line `ps` shows.
  if [ -n "${INPUT_URL:-}" ]; then export IFMATCH_URL="$INPUT_URL"; fi
  local where="the embedded reference server"
  [ -z "${INPUT_URL:-}" ] || where="the url input (not shown)"
  [ -z "${INPUT_TARGET:-}" ] || where="the target file${INPUT_URL:+ at the url input (not shown)}"
  say "ifmatch run against $where, profile ${INPUT_PROFILE:-default}, ${#extra[@]} extra argument(s); reports in $out"
  local rc=0
  "$program" "${argv[@]}" || rc=$?
  local verdict
  verdict=$(report_verdict "$json")
  set_output junit "$junit"
  set_output json "$json"
  set_output html "$html"
  set_output tap "$tap"
  set_output out-dir "$out"
  set_output verdict "$verdict"
  set_output exit-code "$rc"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '### ifmatch: %s (exit %s)\n\nReports: `%s`, `%s`, `%s`, `%s`\n' \
      "$verdict" "$rc" "$junit" "$json" "$html" "$tap" >>"$GITHUB_STEP_SUMMARY"
  fi
  say "verdict $verdict, exit $rc (0 conformant, 1 a case failed, 2 bad usage, 3 not tested)"
  return $rc
}

case "${1:-}" in
  install) do_install ;;
  run) do_run ;;
  *) usage "usage: ifmatch-action.sh install|run (inputs in INPUT_* variables; see the header)" ;;
esac
