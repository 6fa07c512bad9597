#!/usr/bin/env bash
# mutation_test.sh: the suite has teeth. The clean reference server passes the
# whole suite in every profile (nothing but PASS and SKIP), and every seeded
# flaw of `ifmatch serve --flaw list` (parsed, not hard-coded, so a new flaw
# cannot be forgotten) makes at least one MUST-level case FAIL when the server
# runs in a profile where the flaw is a deviation:
#   star-creates  rfc9110       (cpp defines "*" on a missing resource as "create")
#   missing-ok    rfc9110-428   (rfc9110 allows a write without If-Match)
#   anything else rfc9110
# The table "flaw -> catching case IDs" is printed as TAP comments. `race` is
# caught by the concurrent cases (cases/concurrency/: last-byte release, counts
# and the linearizability check); like every other flaw it must not survive.
source "$(dirname "$0")/lib.sh"

JOBS=8
PROFILES="rfc9110 rfc9110-428 cpp"

"$IFMATCH" serve --flaw list >"$TMP/flaws.txt" 2>&1 || { echo "Bail out! ifmatch serve --flaw list failed"; cat "$TMP/flaws.txt"; exit 1; }
FLAWS=$(awk 'NF { print $1 }' "$TMP/flaws.txt")
[ -n "$FLAWS" ] || { echo "Bail out! no flaws listed"; exit 1; }
n_flaws=$(echo "$FLAWS" | wc -l)
n_profiles=$(echo $PROFILES | wc -w)
plan $((n_profiles + n_flaws + 1))

profile_for() {
  case $1 in
    star-creates) echo rfc9110 ;;
    missing-ok)   echo rfc9110-428 ;;
    *)            echo rfc9110 ;;
  esac
}

# stop_last_server: ends the server start_server started last (by its pid).
stop_last_server() {
  local p=${_pids[${#_pids[@]}-1]}
  kill "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  unset '_pids[${#_pids[@]}-1]'
}

# run_suite NAME PROFILE [serve options]: runs the whole suite against a fresh
# `ifmatch serve --profile PROFILE [options]`; the JSON report is $TMP/NAME.json,
# the exit code $TMP/NAME.rc.
run_suite() {
  local name=$1 profile=$2 base rc
  shift 2
  start_server base --profile "$profile" "$@" || { echo 99 >"$TMP/$name.rc"; return 1; }
  "$IFMATCH" run -q -j "$JOBS" --url "$base" --profile "$profile" \
    --json "$TMP/$name.json" >"$TMP/$name.out" 2>&1
  rc=$?
  echo $rc >"$TMP/$name.rc"
  stop_last_server
}

# verdicts JSON VERDICT...: the ids of the results with one of the verdicts.
verdicts() {
  local json=$1
  shift
  python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
want=set(sys.argv[2:])
print('\n'.join(sorted(r['case_id'] for r in d['results'] if r['verdict'] in want)))" "$json" "$@"
}

# 1. The clean server, every profile: exit 0 and nothing but PASS / SKIP.
clean_ok() {
  local name=$1
  [ -s "$TMP/$name.json" ] || { echo "no report; exit $(cat "$TMP/$name.rc")"; cat "$TMP/$name.out"; return 1; }
  local bad
  bad=$(verdicts "$TMP/$name.json" FAIL WARN INFO ERROR)
  if [ -n "$bad" ] || [ "$(cat "$TMP/$name.rc")" != 0 ]; then
    echo "exit $(cat "$TMP/$name.rc"); not PASS/SKIP:"
    python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
for r in d['results']:
    if r['verdict'] not in ('PASS','SKIP'): print(r['verdict'], r['case_id'], '-', r.get('message'))" "$TMP/$name.json"
    return 1
  fi
}
for p in $PROFILES; do
  run_suite "clean-$p" "$p"
  check "clean reference server passes the suite in profile $p" clean_ok "clean-$p"
done

# 2. Every flaw, in a profile where it is a deviation: at least one MUST FAIL.
echo "# flaw -> catching case IDs (MUST-level FAIL)"
survivors=""
for f in $FLAWS; do
  p=$(profile_for "$f")
  run_suite "flaw-$f" "$p" --flaw "$f"
  ids=""
  [ -s "$TMP/flaw-$f.json" ] && ids=$(verdicts "$TMP/flaw-$f.json" FAIL)
  if [ -n "$ids" ]; then
    echo "# $f ($p) -> $(echo $ids | tr ' ' ',' | sed 's/,/, /g')"
  else
    echo "# $f ($p) -> (none; exit $(cat "$TMP/flaw-$f.rc"))"
  fi
  _n=$((_n + 1))
  if [ -n "$ids" ]; then
    echo "ok $_n - flaw $f is caught in profile $p ($(echo "$ids" | wc -l) MUST cases fail)"
  else
    echo "not ok $_n - flaw $f survives the suite in profile $p"
    sed 's/^/# /' "$TMP/flaw-$f.out" | head -20
    survivors="$survivors $f"
    _failed=1
  fi
done

# 3. Every flaw has a name the server accepts (the list parse found them all).
all_known() {
  local f
  for f in $FLAWS; do
    [ -s "$TMP/flaw-$f.json" ] || { echo "no report for flaw $f (server did not start?)"; return 1; }
  done
}
check "every listed flaw ($n_flaws) was started and run" all_known
[ -z "$survivors" ] || echo "# surviving flaws:$survivors"
finish
