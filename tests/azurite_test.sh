#!/usr/bin/env bash
# azurite_test.sh: the suite through targets/azurite-blob.yaml alone against
# Azurite (the Azure Blob storage emulator, npm package azurite pinned in
# tests/npm/package.json; ./setup.sh test runs npm ci there), started here on
# 127.0.0.1 in memory. Every URL carries an account SAS whose signature this
# test computes with openssl from the emulator's well-known key; the target
# takes it from IFM_AZURITE_SIG, so every report must redact it (checked).
# Azurite takes one entity-tag or "*" in If-Match, compares it strongly, and
# answers 412; what it does beyond that is below.
#
# The verdicts below were worked out from RFC 9110 and confirmed by hand with
# curl against Azurite 3.35.0, not copied from a run (tests/data/verdicts/check.py
# compares them with the report). By cause:
#
# == azurite ==
# A list in If-Match (several tags, several field lines, empty elements, OWS)
# is refused: 400 MultipleConditionHeadersNotSupported; so is a single tag
# that holds a comma. 13.1.1: If-Match = "*" / #entity-tag, and "An origin
# server that receives an If-Match header field MUST evaluate the condition";
# 2.2: a recipient "MUST be able to parse any value of reasonable length ...
# that matches the grammar"; 5.3: field lines combine into one list. By hand
# (E current): PUT If-Match: `"x", E` -> 400; two lines "x" and E -> 400;
# `"a,b"` -> 400.
#   IM-LIST-ANY-first IM-LIST-ANY-middle IM-LIST-ANY-last IM-LIST-ANY-none IM-LIST-ANY-delete
#   IM-LIST-ANY-superseded-and-current IM-LIST-LINES-current-first IM-LIST-LINES-current-second
#   IM-LIST-LINES-three IM-LIST-LINES-both-stale IM-LIST-LINES-both-stale-delete
#   IM-LIST-LINES-mixed-case-names IM-LIST-OWS-spaces-tabs IM-LIST-OWS-no-spaces IM-LIST-OWS-stale
#   IM-LIST-EMPTY-elements IM-LIST-EMPTY-stale IM-LIST-EMPTY-no-members IM-LIST-EMPTY-current-alone
#   IM-COMMA-IN-TAG IM-COMMA-IN-TAG-then-current IM-COMMA-IN-TAG-trailing
#   IM-BYTES-obs-text-then-current IM-CASE-swapped-in-list IM-WEAK-NEVER-weak-in-list
#   IM-ABSENT-PUT-star-list-stale
# If-Match together with If-None-Match is refused with 400 ("Multiple
# condition headers are not supported"). 13.2.1: an origin server "MUST
# evaluate received request preconditions"; 13.2.2 gives the order for both.
# By hand: PUT If-Match: E, If-None-Match: E -> 400.
#   IM-PREC-INM-put-both-current IM-PREC-INM-put-stale-im-inm-other IM-PREC-INM-put-match-inm-other
#   IM-PREC-INM-delete-both-current IM-PREC-INM-get-stale-im-inm-star
# A 304 carries no ETag. 15.4.5: "The server generating a 304 response MUST
# generate any of the following header fields that would have been sent in a
# 200 (OK) response to the same request: ... ETag". By hand: GET
# If-None-Match: E -> 304, no ETag field (the 200 has one).
#   IM-ETAG-WELLFORMED-304 IM-PREC-INM-get-both-current
# A quoted "*" is taken for the wildcard: an ordinary tag that matches
# nothing (13.1.1: the wildcard is the bare "*"). By hand: PUT If-Match: "*"
# -> 201, replaced.
#   IM-CASE-quoted-star
# PUT with If-Match "*" (or a quoted "*") on a missing blob creates it. 13.1.1:
# "If the field value is "*", the condition is false if the origin server
# does not have a current representation for the target resource"; then it
# MUST NOT perform the method (412). By hand: PUT If-Match: * to a new blob ->
# 201, then GET -> 200; PUT If-Match: "x" there -> 412.
#   IM-ABSENT-PUT-star IM-ABSENT-PUT-star-after-delete IM-CASE-quoted-star-missing
#   IM-MISSING-NOT-STAR-put
# An empty If-Match is taken for none: the empty list matches nothing
# (13.1.1, 5.6.1.2), so the condition is false. By hand: PUT with an empty
# If-Match -> 201, replaced.
#   IM-EMPTY-VALUE IM-EMPTY-VALUE-delete IM-EMPTY-VALUE-missing
# GET, HEAD or DELETE with If-Match on a missing blob: 412 where the same
# request without it gets 404 (DELETE If-Match: * alone gets 404, right).
# 13.2.1: "A server MUST ignore all received preconditions if its response
# to the same request without those conditions ... would have been a status
# code other than a 2xx (Successful) or 412". By hand: GET If-Match: * ->
# 412, GET -> 404; DELETE If-Match: "x" -> 412, DELETE -> 404.
#   IM-ABSENT-OTHER-get-tag IM-ABSENT-OTHER-get-star IM-ABSENT-OTHER-head-tag
#   IM-ABSENT-OTHER-head-star IM-ABSENT-OTHER-delete-tag
#   IM-ABSENT-OTHER-delete-replay IM-ABSENT-OTHER-get-after-delete
# Put Blob answers 201 also when it replaces a blob. 9.3.4: "If the target
# resource does have a current representation and that representation is
# successfully modified ..., then the origin server MUST send either a 200
# (OK) or a 204 (No Content) response". By hand: PUT to an existing blob,
# unconditional or with If-Match: E -> 201.
#   IM-MATCH-OK-put-replace-status IM-STAR-EXISTS-put-status IM-MISSING-NOT-STAR-order
# If-None-Match: * on an existing blob answers 409 BlobAlreadyExists. 13.1.2:
# the origin server "MUST respond with ... the 412 (Precondition Failed)
# status code for all other request methods" (the same PUT without it is a
# 2xx, so 13.2.1 does not apply). By hand: PUT If-None-Match: * -> 409. The
# race shows it: one 201, fifteen 409.
#   IM-RACE-CREATE-once
# SHOULD level: `"a\", E` is a list too (400).
#   W IM-BYTES-backslash
#
# The current tag without its quotes, E's opaque part: Azurite reads it as E
# and performs the method (By hand: PUT If-Match: 0x1D7... -> 201; an
# unquoted other value -> 412). 2.2 lets a recipient recover a usable element
# from an invalid construct "unless noted otherwise", and 13.1.1 notes
# otherwise: a value that is neither "*" nor a list of entity-tags makes the
# condition false ("Otherwise, the condition is false"), and the method MUST
# NOT be performed.
#   IM-MALFORMED-unquoted IM-MALFORMED-unquoted-delete
#
# The star-vs-delete race: one DELETE If-Match: * gets 202, the other DELETEs
# 404, and the PUTs If-Match: * that come after it 201: they recreate the blob
# they raced to delete, and the final GET is 200. "*" is false on a missing
# resource (13.1.1; the same fault as IM-ABSENT-PUT-star above). Seen in 10 of
# 10 rounds, but it is a race: timing-dependent.
#   ~ IM-RACE-CREATE-star-vs-delete
# A 64 KiB tag: Node answers 431 Request Header Fields Too Large and closes
# the connection at once, so the client sees the 431 and then a reset (curl:
# 431, "Recv failure: Connection reset by peer"). 431 is one of the answers
# the case allows, and the runner takes a complete answer before a reset as
# that answer (runner/exec/ifm_exec.c), so the case PASSes.
# The raw-step cases (a NUL, CR or LF inside the quotes, obs-fold, a space
# before the colon) PASS: their PUTs carry x-ms-blob-type through
# {{headers}}, and Node's parser refuses each hostile one with 400. By hand
# (printf the bytes | nc): each -> 400 Bad Request, blob unchanged.
#   counts: PASS 104 SKIP 62
# == end ==
source "$(dirname "$0")/lib.sh"

AZURITE_BLOB=${AZURITE_BLOB:-$SRC/tests/npm/node_modules/.bin/azurite-blob}
if [ ! -x "$AZURITE_BLOB" ]; then
  echo "1..0 # SKIP azurite is not installed ($AZURITE_BLOB; npm ci in tests/npm)"
  exit 0
fi
echo "TAP version 13"

# start_azurite and azurite_sas are in tests/lib.sh (probe_new_test.sh starts it too).
start_azurite AZ || { echo "not ok 1 - Azurite starts"; echo "1..1"; exit 1; }

# The account SAS of targets/azurite-blob.yaml, signed with the emulator's
# published key for devstoreaccount1 (not a secret, but the signature is
# treated as one: it is what the reports must not show).
azurite_sas
SIG=$AZURITE_SIG_RAW

R="$TMP/azurite"
check "the suite runs against Azurite and finds failures (exit 1)" \
  expect_exit 1 "$IFMATCH" run $(suite_dirs) -q --target "$SRC/targets/azurite-blob.yaml" --url "$AZ" \
    --json "$R.json" --tap "$R.tap" --junit "$R.xml"
check "the SAS was accepted: a plain conditional write passes (IM-MATCH-OK-put)" python3 -c "
import json,sys; d={r['case_id']: r['verdict'] for r in json.load(open('$R.json'))['results']}
print(d.get('IM-MATCH-OK-put')); sys.exit(0 if d.get('IM-MATCH-OK-put')=='PASS' else 1)"
check "no report holds the SAS signature (sig= is redacted)" bash -c "
  ! grep -F -q -e '$IFM_AZURITE_SIG' -e '$SIG' '$R.json' '$R.tap' '$R.xml' && grep -q 'sig=<redacted>' '$R.json'"
python3 "$SRC/tests/data/verdicts/check.py" "$R.json" "$0" azurite $((_n + 1)) >"$TMP/points.txt" || _failed=1
grep -v '^#n ' "$TMP/points.txt"
k=$(sed -n 's/^#n //p' "$TMP/points.txt")
_n=$((_n + ${k:-0}))
echo "1..$_n"
finish
