#!/usr/bin/env bash
# verify_test.sh: `ifmatch verify` against certificates from real certify runs
# (the reference server on loopback): an untouched certificate holds; a
# certificate, a report or the text edited by one byte does not; a digest made
# to match an edit does not fool it; Ed25519 signatures (keys from openssl)
# verify, and the wrong key, a mangled or a stripped signature do not; the
# target file is pinned with its secrets removed; --url runs the suite again
# and names the cases whose verdict changed.
source "$(dirname "$0")/lib.sh"
plan 30

# exits_saying CODE PATTERN COMMAND...: the command exits CODE and its output
# matches PATTERN (grep -E)
exits_saying() {
  local want=$1 pattern=$2 rc
  shift 2
  "$@" >"$TMP/said" 2>&1
  rc=$?
  cat "$TMP/said"
  [ "$rc" = "$want" ] && grep -qE "$pattern" "$TMP/said"
}

start_server URL || exit 1
export IFM_TEST_TOKEN=tok-$RANDOM$RANDOM-secret
LITERAL=Bearer-literal-$RANDOM$RANDOM
# a target file with a secret from the environment and one written in it
sed -e "s|^base_url: .*|base_url: $URL|" "$SRC/targets/reference.yaml" >"$TMP/t.yaml"
cat >>"$TMP/t.yaml" <<EOF
headers:
  Cookie: "session=$LITERAL"
  X-Api-Key: "\${env:IFM_TEST_TOKEN}"
profile_overrides:
  missing_if_match: [2xx]
EOF

C="$TMP/c"
check "certify through a target file exits 0" expect_exit 0 "$IFMATCH" certify -q --target "$TMP/t.yaml" --out "$C"
check "verify: the untouched certificate holds (exit 0)" \
  exits_saying 0 'holds: CONFORMANT' "$IFMATCH" verify "$C/certificate.json"
check "the inputs are pinned: profile file, target text, overrides, capabilities, 4 reports" /usr/bin/python3 -c "
import json,re,sys; c=json.load(open('$C/certificate.json')); i=c['inputs']
h=re.compile('[0-9a-f]{64}')
assert i['profile_file']=='cases/profiles/rfc9110.yaml' and h.fullmatch(i['profile_sha256'])
assert i['target_file']=='$TMP/t.yaml' and h.fullmatch(i['target_sha256'])
assert 'missing_if_match' in i['target_text'] and '<redacted>' in i['target_text']
assert i['profile_overrides'][0]['key']=='missing_if_match' and i['profile_overrides'][0]['statuses']=='[2xx]'
assert 'patch' in i['capabilities'] and 'put_create' in i['capabilities']
assert sorted(r['file'] for r in c['reports'])==['ifmatch.html','ifmatch.json','ifmatch.junit.xml','ifmatch.tap']
assert c['skipped'] and all(s['reason'] for s in c['skipped'])
assert c['signature'] is None and c['digest'].startswith('sha256:')"
check "the target's secrets are in no file certify wrote, in any form" bash -c "
  b64=\$(printf %s '$LITERAL' | base64); b64t=\$(printf %s \"\$IFM_TEST_TOKEN\" | base64)
  ! grep -rqF -e '$LITERAL' -e \"\$IFM_TEST_TOKEN\" -e \"\$b64\" -e \"\$b64t\" '$C'"

flip() { # flip FILE OFFSET OUT: a copy with the low bit of one byte flipped
  /usr/bin/python3 -c "
import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[int(sys.argv[2])]^=1; open(sys.argv[3],'wb').write(b)" "$@"
}
# one-byte edits: every 53rd byte, and each of the last 160 (digest,
# signature, closing brace)
edits_detected() {
  local f=$C/certificate.json n off bad=0 tried=0 rc
  n=$(stat -c %s "$f")
  for off in $(seq 0 53 $((n - 1))) $(seq $((n - 160)) 1 $((n - 1))); do
    flip "$f" "$off" "$TMP/e/certificate.json"
    "$IFMATCH" verify -q "$TMP/e/certificate.json" 2>/dev/null; rc=$?
    tried=$((tried + 1))
    [ "$rc" = 1 ] || [ "$rc" = 2 ] || { echo "byte $off flipped: exit $rc"; bad=1; }
  done
  echo "$tried one-byte edits tried"
  return $bad
}
mkdir -p "$TMP/e"
cp "$C"/ifmatch.* "$C/certificate.txt" "$TMP/e/"
check "every one-byte edit of certificate.json is caught (exit 1, or 2 when no longer JSON)" edits_detected
sed 's/"PASS": [0-9]*/"PASS": 999/' "$C/certificate.json" >"$TMP/e/certificate.json"
check "an edit is named: the digest does not match" \
  exits_saying 1 'was changed after it was issued' "$IFMATCH" verify "$TMP/e/certificate.json"
redigest() { # redigest IN OUT: the digest made again over the edited bytes
  /usr/bin/python3 -c "
import hashlib,sys,re
b=open(sys.argv[1],'rb').read(); m=b.rindex(b',\n  \"digest\": \"')
h=hashlib.sha256(b[:m]).hexdigest()
open(sys.argv[2],'wb').write(b[:m]+re.sub(rb'sha256:[0-9a-f]{64}', b'sha256:'+h.encode(), b[m:], count=1))" "$@"
}
sed '0,/"PASS": \([0-9]*\)/s//"PASS": 1\1/' "$C/certificate.json" >"$TMP/e/edited.json"
redigest "$TMP/e/edited.json" "$TMP/e/certificate.json"
check "an edit with a matching digest is caught: not what its report gives (exit 1)" \
  exits_saying 1 'certificate.json:[0-9]+: it says' "$IFMATCH" verify "$TMP/e/certificate.json"
cp "$C/certificate.json" "$TMP/e/certificate.json"
flip "$C/ifmatch.json" 400 "$TMP/e/ifmatch.json"
check "a report edited by one byte is caught (exit 1, names the report)" \
  exits_saying 1 'ifmatch.json is not the one certified' "$IFMATCH" verify "$TMP/e/certificate.json"
cp "$C/ifmatch.json" "$TMP/e/"
flip "$C/certificate.txt" 30 "$TMP/e/certificate.txt"
check "certificate.txt edited by one byte is caught (exit 1)" \
  exits_saying 1 'certificate.txt does not say' "$IFMATCH" verify "$TMP/e/certificate.json"
cp "$C/certificate.txt" "$TMP/e/"
rm "$TMP/e/ifmatch.html"
check "a missing report: it cannot be checked (exit 3, says --reports)" \
  exits_saying 3 'ifmatch.html is not there.*--reports' "$IFMATCH" verify "$TMP/e/certificate.json"
check "--reports DIR finds them elsewhere (exit 0)" expect_exit 0 "$IFMATCH" verify -q --reports "$C" "$TMP/e/certificate.json"
printf '{"format": 1,}' >"$TMP/bad.json"
check "not a certificate: exit 2 with the position" exits_saying 2 'bad.json:1:' "$IFMATCH" verify "$TMP/bad.json"
printf '{"format": "ifmatch-certificate", "version": 1}' >"$TMP/v1.json"
check "a version 1 certificate: exit 2, says to certify again" \
  exits_saying 2 'certify again' "$IFMATCH" verify "$TMP/v1.json"

# signatures
if command -v openssl >/dev/null; then
  openssl genpkey -algorithm ed25519 -out "$TMP/key.pem" 2>/dev/null
  openssl pkey -in "$TMP/key.pem" -pubout -out "$TMP/pub.pem" 2>/dev/null
  openssl genpkey -algorithm ed25519 -out "$TMP/other.pem" 2>/dev/null
  openssl pkey -in "$TMP/other.pem" -pubout -out "$TMP/otherpub.pem" 2>/dev/null
  openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out "$TMP/rsa.pem" 2>/dev/null
  openssl genpkey -algorithm ed25519 -aes-128-cbc -pass pass:pw -out "$TMP/enc.pem" 2>/dev/null
  S="$TMP/s"
  check "certify --sign KEY signs the certificate (exit 0)" \
    expect_exit 0 "$IFMATCH" certify -q --url "$URL" --sign "$TMP/key.pem" --out "$S"
  /usr/bin/python3 -c "
import json,base64
b=open('$S/certificate.json','rb').read(); c=json.loads(b); m=b.rindex(b',\n  \"digest\": \"')
open('$TMP/msg','wb').write(b[:m]); open('$TMP/sig','wb').write(base64.b64decode(c['signature']['value']))"
  check "the signature is Ed25519 over the bytes before the digest (checked with openssl)" \
    openssl pkeyutl -verify -pubin -inkey "$TMP/pub.pem" -rawin -in "$TMP/msg" -sigfile "$TMP/sig"
  check "verify --pubkey with the signer's key holds (exit 0)" \
    exits_saying 0 'Ed25519 signature' "$IFMATCH" verify --pubkey "$TMP/pub.pem" "$S/certificate.json"
  check "verify --pubkey with another key does not (exit 1)" \
    exits_saying 1 'not by --pubkey' "$IFMATCH" verify --pubkey "$TMP/otherpub.pem" "$S/certificate.json"
  mkdir -p "$TMP/s2"; cp "$S"/* "$TMP/s2/"
  /usr/bin/python3 -c "
import re
b=open('$S/certificate.json').read()
v=re.search(r'\"value\": \"([^\"]*)\"', b).group(1)
w='B' if v[5]!='B' else 'C'
open('$TMP/s2/certificate.json','w').write(b.replace(v, v[:5]+w+v[6:]))"
  check "a signature changed in one character does not verify (exit 1)" \
    exits_saying 1 'signature does not hold' "$IFMATCH" verify "$TMP/s2/certificate.json"
  sed 's/"signature": {.*}$/"signature": null/' "$S/certificate.json" >"$TMP/s2/certificate.json"
  check "a stripped signature: --pubkey says it is not signed (exit 1)" \
    exits_saying 1 'not signed' "$IFMATCH" verify --pubkey "$TMP/pub.pem" "$TMP/s2/certificate.json"
  check "--sign with an RSA key is refused before the run (exit 2)" \
    exits_saying 2 'not an Ed25519 key' "$IFMATCH" certify -q --url "$URL" --sign "$TMP/rsa.pem" --out "$TMP/rsa"
  check "--sign with an encrypted key is refused without a prompt (exit 2)" \
    exits_saying 2 'not an unencrypted PEM' timeout 20 "$IFMATCH" certify -q --url "$URL" --sign "$TMP/enc.pem" --out "$TMP/enc"
  check "the private key appears in no output file" bash -c "
    k=\$(sed -n 2p '$TMP/key.pem'); ! grep -rqF \"\$k\" '$S'"
else
  for i in $(seq 1 9); do check "# SKIP openssl is not installed" true; done
fi

# --url: the suite again, compared verdict by verdict
R="$TMP/r"
check "certify against the clean server (for the re-run)" expect_exit 0 "$IFMATCH" certify -q --url "$URL" --out "$R"
check "verify --url against the same server agrees (exit 0)" \
  exits_saying 0 'agrees verdict by verdict' "$IFMATCH" verify --url "$URL" "$R/certificate.json"
start_server WEAK --flaw weak-compare || exit 1
check "verify --url against a server with a flaw names the changed cases (exit 1)" \
  exits_saying 1 'IM-WEAK-NEVER-weak-of-current: certified PASS, now FAIL' "$IFMATCH" verify --url "$WEAK" "$R/certificate.json"
check "verify --url against nothing listening: cannot compare (exit 3)" \
  exits_saying 3 'did not complete' "$IFMATCH" verify --url http://127.0.0.1:1 --timeout 2 "$R/certificate.json"

# the certificate's JSON Schema (reports/certificate.schema.json), on every
# verdict a certificate can carry
N="$TMP/n"; WV="$TMP/wv"
"$IFMATCH" certify -q --url "$WEAK" --out "$N" >/dev/null 2>&1
/usr/bin/python3 -c "
import json; c=json.load(open('$N/certificate.json'))
print('waivers:'); [print('  - case: %s\n    reason: known' % i) for i in c['failures']]" >"$TMP/w.yaml"
"$IFMATCH" certify -q --url "$WEAK" --waivers "$TMP/w.yaml" --out "$WV" >/dev/null 2>&1
"$IFMATCH" certify -q --url http://127.0.0.1:1 --timeout 2 --out "$TMP/nt" >/dev/null 2>&1
check "the schema accepts CONFORMANT, signed, NOT CONFORMANT, WITH N WAIVERS and NOT TESTED certificates" \
  /usr/bin/python3 -c "
import json,sys,jsonschema
v=jsonschema.Draft202012Validator(json.load(open('$SRC/reports/certificate.schema.json')))
want={'$C':'CONFORMANT','$N':'NOT CONFORMANT','$WV':'CONFORMANT WITH','$TMP/nt':'NOT TESTED'}
if '${S:-}': want['${S:-}']='CONFORMANT'
for d,verdict in want.items():
  c=json.load(open(d+'/certificate.json'))
  errs=[e.message for e in v.iter_errors(c)]
  assert not errs, (d, errs[:3])
  assert c['verdict'].startswith(verdict), (d, c['verdict'])
print(len(want), 'certificates valid')"
check "the schema rejects a verdict it does not know, a missing key and a short digest" /usr/bin/python3 -c "
import json,jsonschema
v=jsonschema.Draft202012Validator(json.load(open('$SRC/reports/certificate.schema.json')))
c=json.load(open('$C/certificate.json'))
bad=[dict(c, verdict='GREEN'), {k: c[k] for k in c if k != 'inputs'}, dict(c, digest='sha256:abc'),
     dict(c, verdict='CONFORMANT', failures=['X'])]
assert all(list(v.iter_errors(b)) for b in bad)"
check "verify checks the waived and the NOT TESTED certificates too (exit 0)" bash -c "
  '$IFMATCH' verify -q '$WV/certificate.json' && '$IFMATCH' verify -q '$TMP/nt/certificate.json' &&
  head -1 '$WV/certificate.txt' | grep -q 'CONFORMANT WITH [0-9]* WAIVER'"
check "verify --help describes the exit codes" bash -c "'$IFMATCH' verify --help | grep -q 'exit: 0 the certificate holds'"
finish
