#!/usr/bin/env bash
# h2c_server_test.sh: the whole suite over HTTP/2, against the reference
# server's own h2c side (`serve --h2c-port`, server/ifm_h2_server.c), with a
# target file that says http_version: h2c. What must hold (issue 13, "HTTP/2
# end to end in CI", and this wave's rule that a FAIL or an ERROR must be
# incontestable on any server shape):
#   1. the clean server, in every shape that has a judgement to make and in
#      every profile: exit 0, no FAIL, no ERROR. Over HTTP/2 a request whose
#      field value begins or ends with whitespace is malformed (RFC 9113
#      8.2.1), so the OWS cases are SKIP saying so, never ERROR; and a field
#      block past what HPACK takes (nghttp2: 64 KiB a field) is refused by
#      closing the connection (10.5.1), which IM-SIZE-long-tag counts as the
#      refusal it allows.
#   2. every seeded flaw is caught over h2c by the same cases as over
#      HTTP/1.1 (FAIL, ERROR or WARN), except the cases HTTP/2 cannot carry,
#      which must then be SKIP with an HTTP/2 reason; the race cases, which
#      catch a timing flaw by chance within their rounds, as a group (some
#      on both sides, or none on either);
#   3. `release: single-packet` straight to the h2c side of `--flaw race`:
#      IM-RACE-ONE-WINNER-8 and -32 FAIL with two winners, and PASS against
#      the clean server: the server reads the one packet itself, no front;
#   4. the arrival log has one line per request that ended on h2c.
source "$(dirname "$0")/lib.sh"
SHAPES="none post-create no-write-etag no-etag weak-etags header-close"
PROFILES="rfc9110 rfc9110-428 cpp"
"$IFMATCH" serve --flaw list >"$TMP/flaws.txt" 2>&1 || { echo "Bail out! serve --flaw list failed"; exit 1; }
FLAWS=$(awk 'NF { print $1 }' "$TMP/flaws.txt")
n_flaws=$(echo "$FLAWS" | wc -l)
# shellcheck disable=SC2086
plan $(( $(echo $SHAPES | wc -w) + 2 + 2 + n_flaws + 4 + 1 ))

# h2c_target FILE BASE URL: the reference target (BASE) over h2c at URL.
h2c_target() {
  sed -e "s|^base_url: .*|base_url: $3/|" -e 's/^http_version: .*/http_version: h2c/' \
    -e 's/^name: \(.*\)/name: \1-h2c/' "$2" >"$1"
  grep -q '^http_version: h2c' "$1" || echo 'http_version: h2c' >>"$1"
}
target_for() { [ "$1" = post-create ] && echo "$SRC/targets/reference-post-create.yaml" || echo "$SRC/targets/reference.yaml"; }
shape_opt() { [ "$1" = none ] || echo "--shape $1"; }
stop_last() { kill "${_pids[-1]}" 2>/dev/null; wait "${_pids[-1]}" 2>/dev/null; unset '_pids[-1]'; }

# run_h2c NAME PROFILE TARGET [serve options]: the whole suite over h2c;
# report $TMP/NAME.json, exit code $TMP/NAME.rc.
run_h2c() {
  local name=$1 profile=$2 base=$3 surl
  shift 3
  start_server surl --profile "$profile" --h2c-port 0 "$@" || { echo 99 >"$TMP/$name.rc"; return 1; }
  h2c_target "$TMP/$name.yaml" "$base" "$SERVE_H2C"
  "$IFMATCH" run -q --profile "$profile" --timeout 10 --target "$TMP/$name.yaml" \
    --json "$TMP/$name.json" >"$TMP/$name.out" 2>&1
  echo $? >"$TMP/$name.rc"
  stop_last
}
# run_h1 NAME PROFILE [serve options]: the same suite over HTTP/1.1.
run_h1() {
  local name=$1 profile=$2 surl   # not "url": start_server has a local of that name
  shift 2
  RANDOM=$BASHPID                 # in the background: start_server's file name must differ
  start_server surl --profile "$profile" "$@" || { echo 99 >"$TMP/$name.rc"; return 1; }
  "$IFMATCH" run -q --profile "$profile" --timeout 10 --url "$surl" --json "$TMP/$name.json" >"$TMP/$name.out" 2>&1
  echo $? >"$TMP/$name.rc"
  stop_last
}

clean_ok() { # clean_ok NAME: exit 0, results, no FAIL or ERROR
  python3 - "$TMP/$1.json" "$(cat "$TMP/$1.rc")" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
bad = [(r['case_id'], r['verdict'], (r['message'] or '')[:200]) for r in d['results'] if r['verdict'] in ('FAIL', 'ERROR')]
for b in bad[:10]: print('#', *b)
sys.exit(0 if d['results'] and not bad and sys.argv[2] == '0' else 1)
EOF
}

# 1. The clean server over h2c.
for shape in $SHAPES; do
  run_h2c "clean-$shape" rfc9110 "$(target_for "$shape")" $(shape_opt "$shape")
  check "h2c, clean server, shape $shape: exit 0, no FAIL, no ERROR" clean_ok "clean-$shape"
done
for profile in rfc9110-428 cpp; do
  run_h2c "clean-$profile" "$profile" "$SRC/targets/reference.yaml"
  check "h2c, clean server, profile $profile: exit 0, no FAIL, no ERROR" clean_ok "clean-$profile"
done
check "h2c: the OWS cases are SKIP, naming RFC 9113 section 8.2.1" python3 -c "
import json, sys
d = {r['case_id']: r for r in json.load(open('$TMP/clean-none.json'))['results']}
ids = [i for i in d if i.startswith('IM-LIST-OWS-')]
bad = [i for i in ids if d[i]['verdict'] != 'PASS' and not (d[i]['verdict'] == 'SKIP' and 'RFC 9113 section 8.2.1' in d[i]['message'])]
print('#', [(i, d[i]['verdict']) for i in ids]); sys.exit(0 if ids and not bad and any(d[i]['verdict'] == 'SKIP' for i in ids) else 1)"
check "h2c: IM-SIZE-long-tag PASS, its 64 KiB tag refused by the connection's close, the resource unchanged" python3 -c "
import json, sys
r = [r for r in json.load(open('$TMP/clean-none.json'))['results'] if r['case_id'] == 'IM-SIZE-long-tag'][0]
errs = [x.get('error') for x in r.get('exchanges', []) if x.get('error')]
print('#', r['verdict'], errs); sys.exit(0 if r['verdict'] == 'PASS' and len(errs) == 1 else 1)"

# 2. Every flaw: the same cases catch it over h2c as over HTTP/1.1.
profile_for() { case $1 in missing-ok) echo rfc9110-428 ;; *) echo rfc9110 ;; esac; }
for f in $FLAWS; do
  run_h1 "h1-$f" "$(profile_for "$f")" --flaw "$f" --race-window-us 200 &
  run_h2c "h2-$f" "$(profile_for "$f")" "$SRC/targets/reference.yaml" --flaw "$f" --race-window-us 200
  wait
  _n=$((_n + 1))
  if out=$(python3 - "$TMP/h1-$f.json" "$TMP/h2-$f.json" <<'EOF'
import json, sys
def load(p): return {r['case_id']: r for r in json.load(open(p))['results']}
h1, h2 = load(sys.argv[1]), load(sys.argv[2])
caught = lambda d: {i for i, r in d.items() if r['verdict'] in ('FAIL', 'ERROR', 'WARN')}
c1, c2 = caught(h1), caught(h2)
h2_reason = lambda r: r['verdict'] == 'SKIP' and ('HTTP/2' in (r['message'] or ''))
# A race case catches a timing flaw by chance within its rounds, on either
# side: those are compared as a group (caught on one side, caught on the
# other), every other case one by one.
race = lambda ids: {i for i in ids if i.startswith('IM-RACE-')}
lost = sorted(i for i in c1 - c2 - race(c1) if not h2_reason(h2.get(i, {'verdict': '', 'message': ''})))
extra = sorted(c2 - c1 - race(c2))
if bool(race(c1)) != bool(race(c2)):
    lost.append('every IM-RACE case' if race(c1) else '-')
    extra.append('every IM-RACE case' if race(c2) else '-')
print(len(c1), len(c2), ' '.join(lost) or '-', ' '.join(extra) or '-')
sys.exit(0 if c1 and not lost and not extra else 1)
EOF
  ); then
    echo "ok $_n - flaw $f: over h2c the same cases catch it as over HTTP/1.1 (h1, h2c, lost, extra: $out)"
  else
    echo "not ok $_n - flaw $f: over h2c the cases differ (h1, h2c, lost, extra: $out)"
    sed 's/^/# /' "$TMP/h2-$f.out" | head -5
    _failed=1
  fi
done

# 3. single-packet straight to the h2c side: the race flaw, and the clean server.
mkdir -p "$TMP/sp"
sed 's/release: last-byte/release: single-packet/' "$SRC/cases/concurrency/one-winner.yaml" >"$TMP/sp/one-winner.yaml"
grep -q 'release: single-packet' "$TMP/sp/one-winner.yaml" || echo "# one-winner.yaml no longer says release: last-byte"
verdicts() {
  python3 -c "
import json, sys
d = {r['case_id']: r for r in json.load(open(sys.argv[1]))['results']}
print(' '.join(d[i]['verdict'] if i in d else 'absent' for i in ('IM-RACE-ONE-WINNER-8', 'IM-RACE-ONE-WINNER-32')))" "$1"
}
start_server FLAWED --flaw race --race-window-us 200 --h2c-port 0 --arrival-log "$TMP/arrivals.log" || exit 1
h2c_target "$TMP/sp.yaml" "$SRC/targets/reference.yaml" "$SERVE_H2C"
"$IFMATCH" run "$TMP/sp" -q --target "$TMP/sp.yaml" -f 'IM-RACE-ONE-WINNER-*' --json "$TMP/sp-flaw.json" >"$TMP/sp-flaw.out" 2>&1
rc=$?
v=$(verdicts "$TMP/sp-flaw.json")
echo "# single-packet against --flaw race over h2c: exit $rc, $v"
check "single-packet to the server's h2c side catches the race: IM-RACE-ONE-WINNER-8 and -32 FAIL" test "$v" = "FAIL FAIL"
check "...with more than one winner in a round" python3 -c "
import json, re, sys
m = {r['case_id']: r['message'] or '' for r in json.load(open('$TMP/sp-flaw.json'))['results']}
sys.exit(0 if all(re.search(r'[2-9]\d* of \d+ responses were 2xx, expected 1', m.get(i, ''))
                  for i in ('IM-RACE-ONE-WINNER-8', 'IM-RACE-ONE-WINNER-32')) else 1)"
stop_last
check "the arrival log has one line per request of the run, each '<ns> <method> <path>'" python3 -c "
import json, sys
d = json.load(open('$TMP/sp-flaw.json'))
n = sum(len(r.get('exchanges', [])) for r in d['results'])
lines = [l.split() for l in open('$TMP/arrivals.log')]
ok = all(len(l) == 3 and l[0].isdigit() and l[2].startswith('/') for l in lines)
print('#', len(lines), 'lines,', n, 'exchanges kept'); sys.exit(0 if ok and lines and len(lines) >= n else 1)"
start_server CLEAN --h2c-port 0 || exit 1
h2c_target "$TMP/sp-clean.yaml" "$SRC/targets/reference.yaml" "$SERVE_H2C"
"$IFMATCH" run "$TMP/sp" -q --target "$TMP/sp-clean.yaml" -f 'IM-RACE-ONE-WINNER-*' --json "$TMP/sp-clean.json" \
  >"$TMP/sp-clean.out" 2>&1
rc=$?
v=$(verdicts "$TMP/sp-clean.json")
check "single-packet against the clean server's h2c side: both PASS, exit 0 (got $v, exit $rc)" test "$v $rc" = "PASS PASS 0"
stop_last

# 4. One store behind both ports.
start_server H1 --h2c-port 0 || exit 1
curl -s -o /dev/null -X PUT --data 'both-ports' "$H1/shared/one" &&
  tag1=$(curl -s -D - -o /dev/null "$H1/shared/one" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p') &&
  tag2=$(curl -s --http2-prior-knowledge -D - -o /dev/null "$SERVE_H2C/shared/one" | tr -d '\r' | sed -n 's/^etag: //p')
check "a resource written over HTTP/1.1 is read over h2c with the same ETag ($tag1, $tag2)" \
  test -n "$tag1" -a "$tag1" = "$tag2"
stop_last
finish
