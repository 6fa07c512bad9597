#!/usr/bin/env bash
# probe_new_test.sh: `ifmatch probe` against the servers added after
# tests/probe_real_test.sh: rclone serve webdav, Tomcat 10's WebDAV servlet
# (the webapp at / with weak ETags and the one at /strong with strong ones)
# and Azurite (blob), each started as its own test starts it (tests/lib.sh).
# Then the suite through the probed target and through the reviewed one in
# targets/, and the two verdict lists compared case by case.
#
# What the probe finds, and how its file differs from the reviewed one:
#   rclone   a flat resource name (a PUT under a missing collection is 404);
#            If-None-Match: * not honoured (a second such PUT is 201 again),
#            so create sends none (the reviewed file sends it: ignored by
#            rclone, so no verdict changes); ETags strong on reads and
#            writes; delete, ranges, head, options; no connection cap: the
#            64 PUTs at once on one path get 412 or 423 Locked (x/net/webdav
#            holds a lock during a PUT), and a 423 is an answer, not a
#            connection turned away (the probe counted it as one until
#            6be4ca6 and wrote max_connections: 3, which cut every race).
#   Tomcat   a flat name (409 for a missing parent, RFC 4918 9.7.1);
#            If-None-Match: * honoured (412); weak ETags on reads at /,
#            strong at /strong, none on writes; delete, ranges, head,
#            options. The same keys as the reviewed file.
#   Azurite  from a partial target (below) with what no probe can guess: the
#            account SAS in the resource's query string, the container made
#            by setup, x-ms-blob-type: BlockBlob (here on every request; the
#            reviewed file sends it on create and update only, and Get/Delete
#            Blob ignore it). No x-ms-version: the SAS's sv= names the
#            version. A second PUT with If-None-Match: * gets 409
#            BlobAlreadyExists, not 412, so create sends none (the reviewed
#            file sends it; the cases create on fresh paths, so no verdict
#            changes); delete (202), ranges, head; no options, no cap.
# The reviewed files need no change: the probe found nothing they lack.
#
# Verdicts: equal for every case but the races (IM-RACE-*), whose result
# depends on timing: there a PASS, FAIL or SKIP on either side is accepted
# (as "~" in tests/data/verdicts/check.py). A difference outside the races
# must be listed here with its reason; none is.
EXPLAINED=""
#
# The SAS signature is a secret: it must not appear in the probed file, on
# the probe's terminal, or in the reports of the run through that file.
source "$(dirname "$0")/lib.sh"

AZURITE_BLOB=${AZURITE_BLOB:-$SRC/tests/npm/node_modules/.bin/azurite-blob}
have_rclone=0 have_tomcat=0 have_azurite=0
command -v rclone >/dev/null && have_rclone=1
[ -x "${CATALINA_HOME:-/usr/share/tomcat10}/bin/catalina.sh" ] && have_tomcat=1
[ -x "$AZURITE_BLOB" ] && have_azurite=1
if [ $((have_rclone + have_tomcat + have_azurite)) = 0 ]; then
  echo "1..0 # SKIP rclone, Tomcat 10 and Azurite are not installed (Debian packages rclone and" \
    "tomcat10-common; npm ci in tests/npm)"
  exit 0
fi
echo "TAP version 13"

skip_points() { local i; for i in $(seq 1 "$1"); do _n=$((_n + 1)); echo "ok $_n - # SKIP $2"; done; }

# same_verdicts REVIEWED.json PROBED.json LABEL: case id -> verdict equal,
# but for the races (loose) and the ids in $EXPLAINED.
same_verdicts() {
  python3 - "$1" "$2" "$3" "$EXPLAINED" <<'PY'
import json, sys
def load(p):
    return {r["case_id"]: (r["verdict"], r.get("message") or "") for r in json.load(open(p))["results"]}
a, b, label, ok = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3], set(sys.argv[4].split())
def loose(k, va, vb):
    fine = lambda v: v[0] in ("PASS", "FAIL", "SKIP") or (v[0] == "ERROR" and "timed out" in v[1])
    return k.startswith("IM-RACE-") and fine(va) and fine(vb)
bad = 0
for k in sorted(set(a) | set(b)):
    va, vb = a.get(k, ("absent", "")), b.get(k, ("absent", ""))
    if va[0] == vb[0]:
        continue
    why = "timing-dependent race" if loose(k, va, vb) else "explained in the header" if k in ok else "NOT explained"
    bad += why == "NOT explained"
    msg = " | ".join(m for m in (va[1], vb[1]) if m)      # all of it: a race is seldom seen twice
    print("# %s %s: reviewed %s, probed %s (%s): %s" % (label, k, va[0], vb[0], why, msg[:1500]))
same = sum(1 for k in a if k in b and a[k][0] == b[k][0])
print("# %s: %d cases, %d with the same verdict" % (label, len(a), same))
sys.exit(1 if bad or len(a) != len(b) else 0)
PY
}

# compare KIND LABEL URL PROBED [run options]: the suite through the probed
# file (base_url is in it) and through targets/KIND.yaml at URL.
compare() {
  local kind=$1 label=$2 url=$3 probed=$4
  shift 4
  "$IFMATCH" run $(suite_dirs) -q "$@" --target "$probed" --json "$TMP/$label-p.json" \
    --tap "$TMP/$label-p.tap" >/dev/null 2>&1
  "$IFMATCH" run $(suite_dirs) -q "$@" --target "$SRC/targets/$kind.yaml" --url "$url" \
    --json "$TMP/$label-r.json" >/dev/null 2>&1
  check "$label: the probed target gives the reviewed target's verdicts" \
    same_verdicts "$TMP/$label-r.json" "$TMP/$label-p.json" "$label"
  sed -n '/^# /p' "$TMP/check.out"
}

# rclone
if [ $have_rclone = 0 ]; then
  skip_points 3 "rclone is not installed (Debian package rclone)"
elif ! start_rclone DAV; then
  _n=$((_n + 1)); echo "not ok $_n - rclone serve webdav starts"; _failed=1
else
  check "rclone: probe writes a target (exit 0)" expect_exit 0 "$IFMATCH" probe -q --url "$DAV" --out "$TMP/rc.yaml"
  check "rclone: a flat name, no If-None-Match on create, delete/ranges/head/options, no connection cap" bash -c "
    grep -q '^resource: \"/ifm-{{run}}-{{case}}-{{n}}\"' '$TMP/rc.yaml' &&
    grep -q 'If-None-Match: \\* is not honoured' '$TMP/rc.yaml' && ! grep -q 'If-None-Match: \"' '$TMP/rc.yaml' &&
    grep -q '^capabilities: \\[delete, ranges, head, options\\]' '$TMP/rc.yaml' &&
    grep -q '^# ETags: strong on reads, strong on writes' '$TMP/rc.yaml' && ! grep -q 'max_connections' '$TMP/rc.yaml'"
  compare rclone-webdav rclone "$DAV" "$TMP/rc.yaml"
fi

# Tomcat: weak ETags at /, strong at /strong
if [ $have_tomcat = 0 ]; then
  skip_points 6 "Tomcat 10 is not installed (Debian package tomcat10-common)"
elif ! start_tomcat TC; then
  _n=$((_n + 1)); echo "not ok $_n - Tomcat starts"; _failed=1
else
  check "Tomcat /: probe writes a target (exit 0)" expect_exit 0 "$IFMATCH" probe -q --url "$TC" --out "$TMP/tw.yaml"
  check "Tomcat /: weak ETags on reads, If-None-Match: * honoured, delete/ranges/head/options" bash -c "
    grep -q '^resource: \"/ifm-{{run}}-{{case}}-{{n}}\"' '$TMP/tw.yaml' &&
    grep -q '^# ETags: weak on reads, no ETag on writes' '$TMP/tw.yaml' && grep -q 'If-None-Match: \"\\*\"' '$TMP/tw.yaml' &&
    grep -q '^capabilities: \\[delete, ranges, head, options\\]' '$TMP/tw.yaml' && ! grep -q 'max_connections' '$TMP/tw.yaml'"
  compare tomcat-webdav tomcat-weak "$TC" "$TMP/tw.yaml"
  check "Tomcat /strong: probe writes a target (exit 0)" expect_exit 0 "$IFMATCH" probe -q --url "$TC/strong" \
    --out "$TMP/ts.yaml"
  check "Tomcat /strong: strong ETags on reads, resources under /strong/" bash -c "
    grep -q '^resource: \"/strong/ifm-{{run}}-{{case}}-{{n}}\"' '$TMP/ts.yaml' &&
    grep -q '^# ETags: strong on reads, no ETag on writes' '$TMP/ts.yaml' && grep -q 'If-None-Match: \"\\*\"' '$TMP/ts.yaml' &&
    grep -q '^capabilities: \\[delete, ranges, head, options\\]' '$TMP/ts.yaml'"
  compare tomcat-webdav tomcat-strong "$TC/strong" "$TMP/ts.yaml"
fi

# Azurite, from a partial target
if [ $have_azurite = 0 ]; then
  skip_points 5 "Azurite is not installed ($AZURITE_BLOB; npm ci in tests/npm)"
elif ! start_azurite AZ; then
  _n=$((_n + 1)); echo "not ok $_n - Azurite starts"; _failed=1
else
  azurite_sas
  cat >"$TMP/az-partial.yaml" <<'Y'
name: azurite-probed
headers:
  x-ms-blob-type: BlockBlob
setup:
  - method: PUT
    path: "/devstoreaccount1/ifm-{{run}}?restype=container&sv=2021-08-06&ss=b&srt=sco&sp=racwdl&se=2099-01-01T00:00:00Z&spr=http&sig=${env:IFM_AZURITE_SIG}"
    expect: [201]
resource: "/devstoreaccount1/ifm-{{run}}/{{case}}-{{n}}.txt?sv=2021-08-06&ss=b&srt=sco&sp=racwdl&se=2099-01-01T00:00:00Z&spr=http&sig=${env:IFM_AZURITE_SIG}"
Y
  "$IFMATCH" probe --url "$AZ" --target "$TMP/az-partial.yaml" --out "$TMP/az.yaml" >"$TMP/az.out" 2>&1
  check "Azurite: probe from a partial target writes a target (exit 0)" test "$?" = 0
  check "Azurite: the SAS stays \${env:IFM_AZURITE_SIG}; setup kept; 409 for If-None-Match: *, so none; delete/ranges/head" bash -c "
    grep -q '^resource: \".*&sig=\${env:IFM_AZURITE_SIG}\"' '$TMP/az.yaml' &&
    grep -q 'restype=container&.*sig=\${env:IFM_AZURITE_SIG}\", expect: \\[201\\]' '$TMP/az.yaml' &&
    grep -q -- '-> 409, no ETag: refused, but not with the 412' '$TMP/az.yaml' && ! grep -q 'If-None-Match: \"' '$TMP/az.yaml' &&
    grep -q '^capabilities: \\[delete, ranges, head\\]' '$TMP/az.yaml' && grep -q '^# ETags: strong on reads, strong on writes' '$TMP/az.yaml'"
  compare azurite-blob azurite "$AZ" "$TMP/az.yaml"
  check "Azurite: the SAS signature is in neither the probed file, the probe's terminal, nor the probed run's reports" bash -c "
    ! grep -F -q -e '$IFM_AZURITE_SIG' -e '$AZURITE_SIG_RAW' '$TMP/az.yaml' '$TMP/az.out' '$TMP/azurite-p.json' '$TMP/azurite-p.tap' &&
    grep -q 'sig=<redacted>' '$TMP/az.out' && grep -q 'sig=<redacted>' '$TMP/azurite-p.json'"
  check "Azurite: the SAS was accepted through the probed file (IM-MATCH-OK-put passes)" python3 -c "
import json,sys; d={r['case_id']: r['verdict'] for r in json.load(open('$TMP/azurite-p.json'))['results']}
print(d.get('IM-MATCH-OK-put')); sys.exit(0 if d.get('IM-MATCH-OK-put')=='PASS' else 1)"
fi
echo "1..$_n"
finish
