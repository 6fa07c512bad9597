#!/usr/bin/env bash
# nginx_test.sh: the suite through targets/nginx-dav.yaml alone against a real
# nginx 1.22 + http_dav_module (Debian package nginx-light), started here on
# 127.0.0.1; then `ifmatch certify` against the same server.
#
# The expected failures were worked out from RFC 9110 and confirmed by hand
# with curl against nginx 1.22.1, not copied from a run. How nginx behaves:
# the dav module performs PUT and DELETE without looking at any precondition
# (PUT answers 201/204 with no ETag); If-Match on GET/HEAD is evaluated by the
# not-modified filter (stale -> 412, lists, OWS, `*`, strong comparison all
# right); a second If-Match field line is "client sent duplicate header line",
# 400; the ETag is "hex(mtime in seconds)-hex(size)". By cause:
#
# If-Match not evaluated on PUT and DELETE: a false condition (stale, never
# issued, weak, case-flipped, malformed, empty, a list without the current tag)
# still performs the method, 204 (13.1.1: an origin server MUST NOT perform the
# method when the condition is false; 13.2.2: it answers 412; 8.8.3.2: strong
# comparison; 5.6.1: an empty value is an empty list, false):
#   IM-STALE-412-put IM-STALE-412-never-issued IM-STALE-412-delete
#   IM-STALE-412-delete-never-issued IM-STALE-412-repeated
#   IM-LIST-ANY-none IM-LIST-ANY-single IM-LIST-OWS-stale IM-LIST-EMPTY-stale
#   IM-LIST-EMPTY-no-members IM-COMMA-IN-TAG IM-COMMA-IN-TAG-trailing IM-SIZE-many-tags-stale
#   IM-WEAK-NEVER-weak-of-current IM-WEAK-NEVER-weak-in-list IM-WEAK-NEVER-weak-delete
#   IM-CASE-swapped IM-CASE-swapped-in-list IM-CASE-swapped-delete IM-CASE-quoted-star
#   IM-CASE-field-name-lower IM-CASE-field-name-upper IM-CASE-field-name-mixed
#   IM-EMPTY-VALUE IM-EMPTY-VALUE-delete
#   IM-BYTES-obs-text IM-BYTES-obs-text-prefix IM-BYTES-backslash-not-escape
#   IM-MALFORMED-unquoted IM-MALFORMED-open-quote IM-MALFORMED-close-quote
#   IM-MALFORMED-bare-weak IM-MALFORMED-lowercase-weak IM-MALFORMED-no-comma
#   IM-MALFORMED-star-and-tag IM-MALFORMED-star-twice IM-MALFORMED-tag-and-star
#   IM-MALFORMED-unquoted-delete IM-MALFORMED-unquoted-in-list
#   IM-MALFORMED-junk-after-tag IM-MALFORMED-space-in-tag
#   IM-PREC-INM-put-stale-im-inm-other IM-PREC-IUS-stale-future IM-PREC-IUS-delete-stale-future
#   IM-METHODS-put-stale IM-METHODS-delete-stale
#   IM-412-SHAPE-connection-reused IM-412-SHAPE-large-body-refused IM-412-SHAPE-no-new-version
#   IM-RACE-ONE-WINNER-2 IM-RACE-ONE-WINNER-8 IM-RACE-ONE-WINNER-32 IM-RACE-ONE-WINNER-64
# A raw PUT whose If-Match is "E, a bare LF, then a line holding a lone quote:
# nginx takes the bare LF as the line's end (RFC 9112 2.2 lets it), so the
# value is "E with no closing quote, which is no entity-tag and cannot hold
# (13.1.1: "Otherwise, the condition is false"); the write is performed, 204,
# as with every other false condition here. (NUL, CR and obs-fold in the value
# and a space before the colon nginx refuses with 400, which is right.)
#   IM-BYTES-lf-in-tag
# The same on a path with no resource: PUT with If-Match ("*", a tag, a list,
# empty, malformed) creates it, 201 (13.1.1: "*" is false when there is no
# current representation and no tag can match; 13.2.1; 13.2.2: 412):
#   IM-STALE-412-no-create IM-ABSENT-PUT-star IM-ABSENT-PUT-tag IM-ABSENT-PUT-star-list-stale
#   IM-ABSENT-PUT-star-after-delete IM-ABSENT-PUT-old-tag-after-delete
#   IM-CASE-quoted-star-missing IM-EMPTY-VALUE-missing IM-MALFORMED-missing-resource
#   IM-MISSING-NOT-STAR-put
# If-None-Match not evaluated on PUT and DELETE either: a matching tag or "*"
# on an existing resource still performs the method (13.1.2: for methods other
# than GET/HEAD a false If-None-Match MUST NOT be performed, 412; 13.2.2 step 3):
#   IM-PREC-INM-put-both-current IM-PREC-INM-delete-both-current IM-RACE-CREATE-once
# Several If-Match field lines refused with 400 (5.3: a list-based field may be
# sent as several lines, which the recipient combines in order; If-Match is
# #entity-tag, 13.1.1, so the request is valid: 2xx when the combined list
# holds the current tag, 412 when not):
#   IM-LIST-LINES-current-second IM-LIST-LINES-current-first IM-LIST-LINES-three
#   IM-LIST-LINES-mixed-case-names IM-LIST-LINES-both-stale IM-LIST-LINES-both-stale-delete
# The ETag is mtime (one second) + size, so same-size writes within a second keep
# it: one ETag names two different bodies (8.8.1: a strong validator changes
# whenever the representation data changes; 8.8.3). Stable: each of these needs
# two second boundaries within a few milliseconds to pass the ETag steps, or ends
# with a stale-tag write that the first cause fails anyway:
#   IM-ETAG-FUNCTIONAL-three-bodies IM-ETAG-FUNCTIONAL-back-to-first-body
#   IM-ETAG-FUNCTIONAL-recreate IM-ETAG-ROTATES-same-size-burst
#   IM-ETAG-ROTATES-star-burst IM-ETAG-ROTATES-unconditional
#
# Not compared (lines marked ~ and ?; any verdict but ERROR is accepted):
# Timing-dependent, same cause as the last group, but their ONLY failing step is
# one same-size write right after another: they FAIL unless a second boundary
# falls between the two writes (a few ms of a second: about 1 run in 100 per
# case, seen). The check below requires FAIL at an ETag step, or PASS:
#   ~ IM-METHODS-put-match IM-MATCH-OK-chain IM-LIST-ANY-superseded-and-current
#   ~ IM-MISSING-NOT-STAR-order
# Pending the linearizability checker (a stub in this tree: these are ERROR, so
# "no case errored" fails until it lands). Expected then: star-vs-delete FAIL
# (a "*" PUT after the DELETE creates, a DELETE after a "*" PUT still deletes);
# STAR-LWW PASS (nginx renames whole files into place, every "*" write is a 2xx);
# READERS race-dependent (same-size writers in one second share an ETag, which
# readers may or may not observe with two bodies):
#   ? IM-RACE-CREATE-star-vs-delete IM-RACE-STAR-LWW IM-RACE-READERS
#
# Passing although nginx gets it wrong: IM-MALFORMED-star-on-two-lines (the
# duplicate-line 400 is an allowed answer there). Not covered by any case:
# GET with "*, E" or "E, *" is 200, and GET with the current tag plus
# If-Unmodified-Since 1970 is 412 (nginx evaluates it despite If-Match, 13.1.4).
source "$(dirname "$0")/lib.sh"
plan 11

start_nginx DAV
case $? in
  0) ;;
  2) echo "ok 1 - # SKIP nginx is not installed"; for i in 2 3 4 5 6 7; do echo "ok $i - # SKIP"; done; exit 0 ;;
  *) exit 1 ;;
esac
R="$TMP/nginx"
check "the suite runs against nginx-dav and finds failures (exit 1)" \
  expect_exit 1 "$IFMATCH" run $(suite_dirs) -q --target "$SRC/targets/nginx-dav.yaml" --url "$DAV" \
    --json "$R.json" --tap "$R.tap" --junit "$R.xml"
sed -n '/^# The expected failures/,/^# Passing although/p' "$0" >"$TMP/header.txt"
grep '^#   IM-' "$TMP/header.txt" | tr ' ' '\n' | grep '^IM-' | sort >"$TMP/want.txt"
grep '^#   ~ IM-' "$TMP/header.txt" | tr ' ' '\n' | grep '^IM-' | sort >"$TMP/timing.txt"
grep '^#   ? IM-' "$TMP/header.txt" | tr ' ' '\n' | grep '^IM-' | sort | cat - "$TMP/timing.txt" >"$TMP/loose.txt"
failing_ids "$R.json" | grep -vxF -f "$TMP/loose.txt" >"$TMP/got.txt"
check "exactly the RFC-derived failures" diff "$TMP/want.txt" "$TMP/got.txt"
check "no case errored" python3 -c "
import json,sys; d=json.load(open('$R.json')); e=[r['case_id'] for r in d['results'] if r['verdict']=='ERROR']
print(e); sys.exit(1 if e else 0)"
check "the timing-dependent cases PASS or FAIL only at an ETag step" python3 -c "
import json,sys
d={r['case_id']: r for r in json.load(open('$R.json'))['results']}
ids=open('$TMP/timing.txt').read().split()
bad=[(i, d.get(i, {}).get('verdict'), d.get(i, {}).get('message')) for i in ids if i not in d
     or not (d[i]['verdict']=='PASS' or (d[i]['verdict']=='FAIL' and 'etag did not match' in (d[i]['message'] or '')))]
print(ids, bad); sys.exit(1 if bad or len(ids)!=4 else 0)"
C="$TMP/cert"
check "ifmatch certify against nginx-dav exits 1" \
  expect_exit 1 "$IFMATCH" certify --target "$SRC/targets/nginx-dav.yaml" --url "$DAV" --out "$C"
check "the certificate says NOT CONFORMANT" python3 -c "
import json,sys; c=json.load(open('$C/certificate.json')); print(c.get('verdict'))
sys.exit(0 if c.get('verdict')=='NOT CONFORMANT' else 1)"
check "the certificate's failures include an IM-STALE-412 case" python3 -c "
import json,sys
c=json.load(open('$C/certificate.json'))
req={r['case_id']: r['requirement'] for r in json.load(open('$C/ifmatch.json'))['results']}
stale=[f for f in c['failures'] if req.get(f)=='IM-STALE-412']
print(stale, c.get('failed_requirements'))
sys.exit(0 if stale and 'IM-STALE-412' in c.get('failed_requirements', []) else 1)"

# IM-H2-EQUIV (RFC 9113 8): the same suite over HTTP/2 (h2c, prior knowledge,
# nginx's http2 listener on the same files) must reach the same verdicts.
start_nginx DAV2 http2 || exit 1
H="$TMP/h2c"
check "the suite runs against nginx-dav over h2c (exit 1)" \
  expect_exit 1 "$IFMATCH" run $(suite_dirs) -q --target "$SRC/targets/nginx-dav-h2c.yaml" --url "$DAV2" --json "$H.json"
# The h2c port speaks HTTP/2 and nothing else, so that run cannot have fallen
# back to HTTP/1.1.
check "the h2c port answers HTTP/2 and refuses HTTP/1.1" bash -c "
curl -s -o /dev/null -w '%{http_version}' --http2-prior-knowledge '$DAV2/' | grep -qx 2 &&
! curl -s -o /dev/null -w '%{http_code}' --http1.1 '$DAV2/' | grep -q '^[1-5]'"
# Over h2, nginx refuses some requests at the stream level: it answers 400/413
# before the body arrives and resets the stream with NO_ERROR (RFC 9113 8.1
# allows that and says the client MUST NOT discard the response, but libcurl
# 7.88 sometimes does), and it resets the stream of a header block larger than
# it takes (9113 10.5.1 lets it) where HTTP/1.1 got 400. Such a case may be an
# ERROR over h2. It is left out of the comparison only when libcurl reported a
# reset and the same case over HTTP/1.1 was refused early (400, 413 or 431).
python3 -c "
import json,sys
h2=json.load(open('$H.json'))['results']; h1={r['case_id']: r for r in json.load(open('$R.json'))['results']}
resets=('HTTP/2 framing layer', 'not closed cleanly', 'Connection died')
out=open('$TMP/h2-dropped.txt','w'); bad=[]
for r in h2:
    # a raw step is HTTP/1.1 bytes on a connection of its own: over the h2c
    # port the case is SKIP, so it is compared over HTTP/1.1 only
    if r['verdict']=='SKIP' and 'raw request' in (r['message'] or ''):
        out.write(r['case_id'] + '\\n'); continue
    # a field value with whitespace at either end makes an HTTP/2 request
    # malformed (RFC 9113 8.2.1): SKIP over h2c, compared over HTTP/1.1 only
    if r['verdict']=='SKIP' and 'RFC 9113 section 8.2.1' in (r['message'] or ''):
        out.write(r['case_id'] + '\\n'); continue
    if r['verdict']!='ERROR': continue
    early=any(x['response']['status'] in (400, 413, 431) for x in h1[r['case_id']]['exchanges'])
    if early and any(m in (r['message'] or '') for m in resets):
        out.write(r['case_id'] + '\\n')
    else: bad.append((r['case_id'], r['message']))
print('ok' if not bad else bad); sys.exit(1 if bad else 0)" >"$TMP/h2-bad.txt" 2>&1
check "every h2 ERROR is a stream reset where HTTP/1.1 got an early 400/413/431" \
  bash -c "cat '$TMP/h2-bad.txt'; grep -qx ok '$TMP/h2-bad.txt'"
failing_ids "$H.json" | grep -vxF -f "$TMP/loose.txt" >"$TMP/got-h2.txt"
grep -vxF -f "$TMP/h2-dropped.txt" "$TMP/got.txt" >"$TMP/got-h1-cmp.txt"
check "IM-H2-EQUIV: the same failures over HTTP/1.1 and HTTP/2" diff "$TMP/got-h1-cmp.txt" "$TMP/got-h2.txt"
finish
