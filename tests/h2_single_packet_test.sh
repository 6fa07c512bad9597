#!/usr/bin/env bash
# h2_single_packet_test.sh: `release: single-packet` end to end (issue 13,
# "HTTP/2 end to end in CI"). Two reference servers (--flaw race with a
# 200 us window, and a clean one) behind one nginx as an h2c front
# (start_h2_nginx, tests/lib.sh), described by a target file written here
# (the reference shape, http_version h2c). The race cases of
# cases/concurrency/one-winner.yaml, copied with `release: single-packet`:
#   - through the front to the flawed server: IM-RACE-ONE-WINNER-8 and -32
#     FAIL (two winners), and within a round every client's final frame
#     went out at the same moment (JSON timings.release);
#   - through the front to the clean server: they PASS;
#   - against an HTTP/1.1 target: SKIP, saying single-packet needs HTTP/2;
#   - `release: auto` on the HTTP/1.1 target (the executor's own last-byte
#     release): every FAIL last-byte finds against the flawed server, and
#     last-byte's verdicts against the clean one.
source "$(dirname "$0")/lib.sh"
plan 9

skip_all() { for i in 1 2 3 4 5 6 7 8 9; do echo "ok $i - # SKIP $1"; done; exit 0; }
[ -x /usr/sbin/nginx ] || skip_all "nginx is not installed"

start_server FLAW --flaw race --race-window-us 200 || exit 1
start_server CLEAN || exit 1
start_h2_nginx H2FLAW "$FLAW" "$CLEAN" || exit 1
H2CLEAN="http://127.0.0.1:${H2_PORTS[1]}"
for i in $(seq 1 50); do
  curl -s -o /dev/null --http2-prior-knowledge "$H2CLEAN/" && break
  sleep 0.1
done

# The target: the reference server's shape, over h2c; the cases: one-winner
# with each release mode.
sed -e 's/^name: .*/name: reference-h2c/' -e "s|^base_url: .*|base_url: $H2FLAW|" \
  -e 's/^http_version: .*/http_version: h2c/' "$SRC/targets/reference.yaml" >"$TMP/reference-h2c.yaml"
mkdir -p "$TMP/sp" "$TMP/auto" "$TMP/lb"
sed 's/release: last-byte/release: single-packet/' "$SRC/cases/concurrency/one-winner.yaml" >"$TMP/sp/one-winner.yaml"
sed 's/release: last-byte/release: auto/' "$SRC/cases/concurrency/one-winner.yaml" >"$TMP/auto/one-winner.yaml"
cp "$SRC/cases/concurrency/one-winner.yaml" "$TMP/lb/"

# verdict JSON ID: the case's verdict
verdict() {
  python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
print(''.join(r['verdict'] for r in d['results'] if r['case_id']==sys.argv[2]))" "$1" "$2"
}
# verdicts JSON: "ID VERDICT" lines, sorted
verdicts() {
  python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
print('\n'.join(sorted(r['case_id']+' '+r['verdict'] for r in d['results'])))" "$1"
}

run_sp() {   # run_sp OUT URL TARGET DIR: the one-winner cases, JSON into OUT
  "$IFMATCH" run "$4" -q --target "$3" --url "$2" -f 'IM-RACE-ONE-WINNER-*' --json "$1" >"$1.out" 2>&1
}

run_sp "$TMP/flaw.json" "$H2FLAW" "$TMP/reference-h2c.yaml" "$TMP/sp"
rc=$?
v8=$(verdict "$TMP/flaw.json" IM-RACE-ONE-WINNER-8) v32=$(verdict "$TMP/flaw.json" IM-RACE-ONE-WINNER-32)
echo "# flawed server behind h2c: exit $rc; IM-RACE-ONE-WINNER-8 $v8, -32 $v32"
check "single-packet through h2c catches the flawed server: IM-RACE-ONE-WINNER-8 and -32 FAIL" \
  test "$v8 $v32" = "FAIL FAIL"
[ "$v8 $v32" = "FAIL FAIL" ] || { verdicts "$TMP/flaw.json"; sed 's/^/# /' "$TMP/flaw.json.out"; }
check "...and the run exits 1" test "$rc" = 1
check "...with more than one winner in a round" python3 -c "
import json, re, sys
d = json.load(open('$TMP/flaw.json'))
m = {r['case_id']: r['message'] or '' for r in d['results']}
sys.exit(0 if all(re.search(r'[2-9]\d* of \d+ responses were 2xx, expected 1', m.get(i, ''))
                  for i in ('IM-RACE-ONE-WINNER-8', 'IM-RACE-ONE-WINNER-32')) else 1)"
check "every round's final frames left at one moment (timings.release spread < 0.5 ms)" python3 -c "
import json, sys
d = json.load(open('$TMP/flaw.json'))
rounds = {}
for r in d['results']:
    for x in r.get('exchanges', []):
        if x['client'] >= 0:
            rounds.setdefault((r['case_id'], x['step'], x['round']), []).append(x['timings'].get('release') or 0)
worst = 0.0
for k, ts in rounds.items():
    if min(ts) <= 0:
        sys.exit('%s: a client without a release time: %s' % (k, ts))
    worst = max(worst, max(ts) - min(ts))
print('rounds:', len(rounds), 'widest release spread (ms):', worst)
sys.exit(0 if rounds and worst < 0.5 else 1)"
grep "^rounds" "$TMP/check.out" | sed 's/^/#   /'

run_sp "$TMP/clean.json" "$H2CLEAN" "$TMP/reference-h2c.yaml" "$TMP/sp"
rc=$?
check "single-packet through h2c, clean server: exit 0, every one-winner case PASS" python3 -c "
import json, sys
d = json.load(open('$TMP/clean.json'))
v = sorted((r['case_id'], r['verdict']) for r in d['results'])
print('exit $rc', v)
sys.exit(0 if $rc == 0 and len(v) >= 5 and all(x[1] == 'PASS' for x in v) else 1)"

run_sp "$TMP/h1.json" "$FLAW" "$SRC/targets/reference.yaml" "$TMP/sp"
check "single-packet against an HTTP/1.1 target: every case SKIP, saying why" python3 -c "
import json, sys
d = json.load(open('$TMP/h1.json'))
rs = d['results']
bad = [r['case_id'] for r in rs if r['verdict'] != 'SKIP' or
       'the target cannot show what this case tests: single-packet release needs HTTP/2' not in (r['message'] or '')]
print(len(rs), 'results; not as expected:', bad)
sys.exit(0 if len(rs) >= 5 and not bad else 1)"

# auto on HTTP/1.1 is last-byte by the executor's own connections, against the flawed and the
# clean server directly.
run_sp "$TMP/auto-flaw.json" "$FLAW" "$SRC/targets/reference.yaml" "$TMP/auto"
run_sp "$TMP/lb-flaw.json" "$FLAW" "$SRC/targets/reference.yaml" "$TMP/lb"
# auto releases by the executor's own connections, which hold a bodyless
# request's last byte too (libcurl's release lets DELETEs go at once), so it
# may catch more: every FAIL of last-byte, and perhaps the mixed case's.
check "auto on an HTTP/1.1 target: every FAIL of last-byte against the flawed server, nothing else but PASS" python3 -c "
import json, sys
lb = {r['case_id']: r['verdict'] for r in json.load(open('$TMP/lb-flaw.json'))['results']}
au = {r['case_id']: r['verdict'] for r in json.load(open('$TMP/auto-flaw.json'))['results']}
print('last-byte', sorted(lb.items()), 'auto', sorted(au.items()))
ok = lb.keys() == au.keys() and all(au[i] == 'FAIL' for i in lb if lb[i] == 'FAIL') and \
     all(au[i] in ('PASS', 'FAIL') for i in au) and au.get('IM-RACE-ONE-WINNER-8') == 'FAIL'
sys.exit(0 if ok else 1)"
run_sp "$TMP/auto-clean.json" "$CLEAN" "$SRC/targets/reference.yaml" "$TMP/auto"
run_sp "$TMP/lb-clean.json" "$CLEAN" "$SRC/targets/reference.yaml" "$TMP/lb"
check "auto on an HTTP/1.1 target: last-byte's verdicts against the clean server" \
  diff <(verdicts "$TMP/lb-clean.json") <(verdicts "$TMP/auto-clean.json")
check "nginx logged no error" bash -c "! grep -E '\[(error|crit|alert|emerg)\]' '$TMP/ngx-h2/error.log'"
finish
