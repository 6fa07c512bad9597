#!/usr/bin/env bash
# shapes_test.sh: issue 14's matrix. The reference server keeps its correct
# If-Match semantics behind each server shape the RFC allows (`serve --shape`,
# server/ifm_shape.c); the suite must find nothing wrong with any of them, and
# every seeded flaw must still be caught wherever it can show.
#   1. clean server x every shape x every profile: 0 FAIL, 0 ERROR, exit 0
#      (only PASS, SKIP, WARN, INFO). post-create runs with its own target file
#      (targets/reference-post-create.yaml: POST + Location), cap-conns with
#      one that says max_connections: 8.
#   2. read-only: no target can write there, so the preflight stops the run
#      (exit 3) and no case FAILs; the same for post-create with the PUT target.
#   3. weak-etags: IM-WEAK-NEVER-strong-issued warns (If-Match can never hold).
#   4. every flaw x every shape but read-only: at least one MUST case FAILs,
#      except where the shape hides the flaw (the table below, with reasons).
source "$(dirname "$0")/lib.sh"
SHAPES="none post-create no-write-etag no-etag weak-etags cap-conns header-close"
PROFILES="rfc9110 rfc9110-428 cpp"

"$IFMATCH" serve --flaw list >"$TMP/flaws.txt" 2>&1 || { echo "Bail out! serve --flaw list failed"; exit 1; }
FLAWS=$(awk 'NF { print $1 }' "$TMP/flaws.txt")

# Where a shape hides a flaw, so that no case can see it (and why).
hidden() { # hidden SHAPE FLAW -> prints the reason, or nothing
  case "$1/$2" in
    post-create/star-creates) echo "PUT to a missing resource is 404 before If-Match: * is weighed" ;;
    no-write-etag/stale-etag-response) echo "write responses carry no ETag to be stale" ;;
    no-etag/weak-compare|no-etag/etag-static|no-etag/list-first|no-etag/line-first|no-etag/case-insensitive|\
    no-etag/comma-split|no-etag/stale-etag-response)
      echo "with no ETags no tag ever matches, so a looser comparison or a stale tag cannot show" ;;
    weak-etags/list-first|weak-etags/case-insensitive|weak-etags/comma-split)
      echo "a weak tag never matches under the strong comparison, so a looser list or byte comparison cannot show" ;;
  esac
}

n_flaws=$(echo "$FLAWS" | wc -l)
n_shapes=$(echo $SHAPES | wc -w)
plan $(( n_shapes * 3 + 3 + 2 + 1 + n_flaws * n_shapes ))

# The target file for a shape (post-create and cap-conns need their own).
sed 's/^timeout: 10$/timeout: 10\nmax_connections: 8/' "$SRC/targets/reference.yaml" >"$TMP/cap.yaml"
target_for() {
  case $1 in
    post-create) echo "$SRC/targets/reference-post-create.yaml" ;;
    cap-conns)   echo "$TMP/cap.yaml" ;;
    *)           echo "$SRC/targets/reference.yaml" ;;
  esac
}
shape_opt() { [ "$1" = none ] || echo "--shape $1"; }

# run_shape NAME SHAPE PROFILE [serve options]: the whole suite; report
# $TMP/NAME.json, exit code $TMP/NAME.rc.
run_shape() {
  local name=$1 shape=$2 profile=$3 surl
  shift 3
  RANDOM=$BASHPID                 # runs in the background share the seed: start_server's file names must differ
  start_server surl --profile "$profile" $(shape_opt "$shape") "$@" || { echo 99 >"$TMP/$name.rc"; return 1; }
  "$IFMATCH" run -q --profile "$profile" --timeout 5 --target "$(target_for "$shape")" --url "$surl" \
    --json "$TMP/$name.json" >"$TMP/$name.out" 2>&1
  echo $? >"$TMP/$name.rc"
  kill "${_pids[-1]}" 2>/dev/null       # one server per run, not all of them to the end
  wait "${_pids[-1]}" 2>/dev/null
  unset '_pids[-1]'
}

clean_ok() { # clean_ok NAME: exit 0, results, no FAIL or ERROR
  python3 -c "
import json,sys
d=json.load(open('$TMP/$1.json'))
bad=[(r['case_id'],r['verdict'],r['message']) for r in d['results'] if r['verdict'] in ('FAIL','ERROR')]
for b in bad[:10]: print('#', *b)
ok = d['results'] and not bad and not d['interrupted']
if not ok: print('# verdict', d['verdict'], '- not tested:', d['not_tested'], '- interrupted:', d['interrupted'])
sys.exit(0 if ok else 1)" && { [ "$(cat "$TMP/$1.rc")" = 0 ] || { echo "# exit $(cat "$TMP/$1.rc"):"; sed 's/^/# /' "$TMP/$1.out" | head -5; false; }; }
}

# 1. The clean server in every shape and profile.
for shape in $SHAPES; do
  for profile in $PROFILES; do
    run_shape "clean-$shape-$profile" "$shape" "$profile"
    check "clean server, shape $shape, profile $profile: exit 0, no FAIL, no ERROR" clean_ok "clean-$shape-$profile"
  done
done

# 2. Shapes no target can write to / a target that cannot create there.
for profile in $PROFILES; do
  run_shape "ro-$profile" read-only "$profile"
  check "read-only, profile $profile: the preflight stops the run (exit 3), no FAIL" bash -c "
    [ \"\$(cat '$TMP/ro-$profile.rc')\" = 3 ] && ! grep -q '\"verdict\": *\"FAIL\"' '$TMP/ro-$profile.json'"
done
start_server URL --shape post-create || exit 1
"$IFMATCH" run -q --url "$URL" --json "$TMP/pc-put.json" >"$TMP/pc-put.out" 2>&1
check "post-create with the PUT target: exit 3" test "$?" = 3
check "post-create with the PUT target: the message names operations.create" grep -q "operations.create" "$TMP/pc-put.out"
kill "${_pids[-1]}" 2>/dev/null; wait "${_pids[-1]}" 2>/dev/null; unset '_pids[-1]'

# 3. weak-etags: one warning, at SHOULD level.
check "weak-etags: IM-WEAK-NEVER-strong-issued warns" python3 -c "
import json,sys
d={r['case_id']: r['verdict'] for r in json.load(open('$TMP/clean-weak-etags-rfc9110.json'))['results']}
sys.exit(0 if d.get('IM-WEAK-NEVER-strong-issued')=='WARN' else 1)"

# 4. Every flaw in every shape (two runs at a time).
profile_for() { case $1 in missing-ok) echo rfc9110-428 ;; *) echo rfc9110 ;; esac; }
running=()
for shape in $SHAPES; do
  for f in $FLAWS; do
    run_shape "flaw-$shape-$f" "$shape" "$(profile_for "$f")" --flaw "$f" &
    running+=($!)
    if [ ${#running[@]} -ge 2 ]; then wait "${running[0]}"; running=("${running[@]:1}"); fi
  done
done
for p in "${running[@]}"; do wait "$p"; done
for shape in $SHAPES; do
  for f in $FLAWS; do
    name="flaw-$shape-$f"
    ids=$(python3 -c "
import json
d=json.load(open('$TMP/$name.json'))
print(' '.join(sorted(r['case_id'] for r in d['results'] if r['verdict']=='FAIL' and r['level']=='MUST')))" 2>/dev/null)
    why=$(hidden "$shape" "$f")
    _n=$((_n + 1))
    if [ -n "$why" ]; then
      echo "ok $_n - flaw $f, shape $shape # SKIP hidden by the shape: $why${ids:+ (caught anyway: $ids)}"
    elif [ -n "$ids" ]; then
      echo "ok $_n - flaw $f, shape $shape: caught by $(echo $ids | wc -w) MUST cases"
    else
      echo "not ok $_n - flaw $f survives shape $shape (exit $(cat "$TMP/$name.rc"))"
      sed 's/^/# /' "$TMP/$name.out" | head -5
      _failed=1
    fi
  done
done
finish
