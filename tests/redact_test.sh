#!/usr/bin/env bash
# redact_test.sh: no byte ifmatch writes holds a secret, in any encoding
# (issue 10). A server of the test's own (tests/reflect_server.py) reflects
# every request into its answers: each field in response fields, as sent, in
# base64 and percent-encoded; in bodies, each secret also inside a longer
# base64 text; the credentials in the ETag (which never changes, so the suite
# FAILs and its expected/got quote it) and in Location. Against it:
#   certify  a target file with Authorization: Bearer ${env:...}, a Cookie and
#            an X-Api-Key from the environment, --url with user:pass@
#   basic    no Authorization: libcurl sends the userinfo as Basic, which the
#            server echoes (and puts in the ETag); -v, and TAP on stdout
#   preflight  reads answer the echo: the preflight's message quotes 80 bytes
#            of it, with the credential across the cut
#   probe    the same credentials, one of them a literal --header Cookie
#   short    a two-byte secret: redacted all the same, with a warning
#   fuzz     `ifmatch fuzz replay` and `to-case` with IFM_FUZZ_URL (user:pass@)
#            and IFM_FUZZ_TARGET (the bearer target): the replay's log quotes
#            the reflected ETags, which hold the credentials
# Every output (stdout, stderr, the four reports, the certificate, the probe's
# file) is searched for each secret as written, base64 (either alphabet, with
# or without padding) and percent-encoded, in the text as written, percent-
# decoded, and with every base64 run decoded at each alignment.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
plan 21

export IFM_T_TOKEN=tok-Zq8Xw3Rv9Lm2Pk7N IFM_T_KEY='Ak-9f3+Qz=Wm@7Lp2Xv' IFM_T_COOKIE=Ck4yTq9Vb2Hn6Wd0
COOKIE2=Zy7Wq2Ms5Tn8Bv3K                       # given literally on probe's command line
PASS='p@ssW0rd-Xq9' PASS_URL='p%40ssW0rd-Xq9'
SECRETS="$IFM_T_TOKEN
$IFM_T_KEY
$IFM_T_COOKIE
$COOKIE2
$PASS
$PASS_URL
alice:$PASS
alice:$PASS_URL"

cat >"$TMP/leaks.py" <<'EOF'
"""leaks.py SECRETS FILE...: prints every secret (one per line in SECRETS)
found in a file in any form; exit 1 when one is."""
import base64, re, sys, urllib.parse
secrets = [s.encode("latin-1") for s in sys.argv[1].split("\n") if s]
forms = set()
for s in secrets:
    forms.add(s)
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        forms |= {enc(s), enc(s).rstrip(b"=")}
FIND = re.compile(b"|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
RUN = re.compile(rb"[A-Za-z0-9+/_-]{%d,}" % max(2, 4 * min(len(s) for s in secrets) // 3))

def views(data):
    dec = urllib.parse.unquote_to_bytes(data)
    yield "as written", data
    yield "percent-decoded", dec
    yield "percent-decoded, + a space", urllib.parse.unquote_to_bytes(data.replace(b"+", b" "))
    for d in (data, dec):
        for m in RUN.finditer(d):
            run = m.group(0).replace(b"-", b"+").replace(b"_", b"/")
            for off in range(4):
                chunk = run[off:]
                yield "base64-decoded", base64.b64decode(chunk[: len(chunk) // 4 * 4])

bad = 0
for path in sys.argv[2:]:
    for what, t in views(open(path, "rb").read()):
        for m in FIND.finditer(t):
            bad += 1
            if bad <= 20:
                print("%s: %s: %r in ...%r..." % (path, what, m.group(0), t[max(0, m.start() - 40): m.end() + 40]))
print("%d secret(s) found" % bad)
sys.exit(1 if bad else 0)
EOF
no_leak() { "$PY" "$TMP/leaks.py" "$SECRETS" "$@"; }

"$PY" "$SRC/tests/reflect_server.py" "$TMP/server.log" >"$TMP/reflect.out" 2>&1 &
_pids+=($!)
for i in $(seq 1 50); do
  HOSTPORT=$(sed -n 's#^listening http://\(.*\)$#\1#p' "$TMP/reflect.out")
  [ -n "$HOSTPORT" ] && break
  sleep 0.1
done
check "the reflecting server listens" test -n "$HOSTPORT"
[ -n "$HOSTPORT" ] || { cat "$TMP/reflect.out"; finish; }
URL="http://alice:$PASS_URL@$HOSTPORT"

cat >"$TMP/bearer.yaml" <<'EOF'
name: reflect
base_url: http://127.0.0.1:1
headers:
  Authorization: "Bearer ${env:IFM_T_TOKEN}"
  Cookie: "sid=${env:IFM_T_COOKIE}; lang=en"
  X-Api-Key: "${env:IFM_T_KEY}"
capabilities: [patch, delete, head, options]
EOF
grep -v Authorization "$TMP/bearer.yaml" | sed 's/^name: reflect$/name: reflect-basic/' >"$TMP/basic.yaml"
sed 's#^name: reflect$#name: reflect-echo\nresource: /echo-body/{{run}}/{{case}}/{{n}}#' "$TMP/bearer.yaml" \
  >"$TMP/echo.yaml"
printf 'headers:\n  Authorization: "Bearer ${env:IFM_T_TOKEN}"\n  X-Api-Key: "${env:IFM_T_KEY}"\n' \
  >"$TMP/partial.yaml"

# certify: the four reports and the certificate
"$IFMATCH" certify --target "$TMP/bearer.yaml" --url "$URL" --out "$TMP/cert" >"$TMP/cert.out" 2>"$TMP/cert.err"
echo $? >"$TMP/cert.rc"
check "certify: exit 1 (the flawed ETag fails cases)" test "$(cat "$TMP/cert.rc")" = 1
check "certify: four reports and the certificate written" \
  test -s "$TMP/cert/ifmatch.tap" -a -s "$TMP/cert/ifmatch.junit.xml" -a -s "$TMP/cert/ifmatch.json" \
  -a -s "$TMP/cert/ifmatch.html" -a -s "$TMP/cert/certificate.json" -a -s "$TMP/cert/certificate.txt"
check "the server got the token, the cookie and the API key" bash -c \
  "grep -qF 'Bearer $IFM_T_TOKEN' '$TMP/server.log' && grep -qF 'sid=$IFM_T_COOKIE' '$TMP/server.log' &&
   grep -qF 'X-Api-Key: $IFM_T_KEY' '$TMP/server.log'"
# what the server reflected reached the verdicts: expected/got say <redacted>
check "certify: expected/got of FAILs quote the reflected credentials, redacted" "$PY" -c "
import json, sys
r = json.load(open(sys.argv[1]))['results']
n = sum(1 for x in r if '<redacted>' in (x.get('expected') or '') + (x.get('got') or ''))
print(n, 'results with <redacted> in expected/got')
sys.exit(0 if n >= 10 else 1)" "$TMP/cert/ifmatch.json"
check "certify: no secret in stdout, stderr, reports or certificate" \
  no_leak "$TMP/cert.out" "$TMP/cert.err" "$TMP/cert"/*

# basic: the userinfo travels as Basic credentials, echoed and in the ETag
"$IFMATCH" run -v --target "$TMP/basic.yaml" --url "$URL" --out "$TMP/basic" --tap - \
  >"$TMP/basic.out" 2>"$TMP/basic.err"
echo $? >"$TMP/basic.rc"
check "basic: exit 1" test "$(cat "$TMP/basic.rc")" = 1
check "basic: the server got the userinfo as Basic credentials" \
  grep -qF "Basic decoded: alice:$PASS" "$TMP/server.log"
check "basic: TAP on stdout, every case on stderr" \
  bash -c "grep -q '^ok ' '$TMP/basic.out' && grep -q '^FAIL ' '$TMP/basic.err' && grep -q '^PASS ' '$TMP/basic.err'"
check "basic: no secret in stdout, stderr or reports" no_leak "$TMP/basic.out" "$TMP/basic.err" "$TMP/basic"/*

# preflight: the payload read back is quoted, cut at 80 bytes
"$IFMATCH" run --target "$TMP/echo.yaml" --url "$URL" --out "$TMP/echo" >"$TMP/echo.out" 2>"$TMP/echo.err"
echo $? >"$TMP/echo.rc"
check "preflight: exit 3, the message quotes the payload" \
  bash -c "test \"\$(cat '$TMP/echo.rc')\" = 3 && grep -q 'payload came back as .xxxxxxxxxx*<red' '$TMP/echo.err'"
check "preflight: no secret in stdout, stderr or reports" no_leak "$TMP/echo.out" "$TMP/echo.err" "$TMP/echo"/*

# probe: its log, its file
"$IFMATCH" probe --url "$URL" --target "$TMP/partial.yaml" --header "Cookie: sid=$COOKIE2" \
  --out "$TMP/probe.yaml" >"$TMP/probe.out" 2>"$TMP/probe.err"
echo $? >"$TMP/probe.rc"
check "probe: exit 0, a target file written" test "$(cat "$TMP/probe.rc")" = 0 -a -s "$TMP/probe.yaml"
check "probe: the file names every secret by its variable" bash -c \
  "grep -qF 'base_url: \"http://\${env:IFMATCH_SECRET_URL_USERINFO}@$HOSTPORT\"' '$TMP/probe.yaml' &&
   grep -qF '\${env:IFM_T_TOKEN}' '$TMP/probe.yaml' && grep -qF '\${env:IFMATCH_SECRET_COOKIE}' '$TMP/probe.yaml'"
check "probe: no secret in stdout, stderr or the file" no_leak "$TMP/probe.out" "$TMP/probe.err" "$TMP/probe.yaml"

# short: a two-byte API key is redacted all the same, and said to be short
IFM_T_KEY=Qj "$IFMATCH" run --target "$TMP/bearer.yaml" --url "$URL" --filter 'IM-STALE-412-put' \
  --out "$TMP/short" >"$TMP/short.out" 2>"$TMP/short.err"
check "short: a warning says a secret is 2 bytes long" grep -q "warning: a secret .* is only 2 bytes long" \
  "$TMP/short.err"
check "short: the cases ran" grep -q "1 cases against" "$TMP/short.err"
# as written only: a secret this short has no listed forms (ifm_secrets.h)
check "short: the two bytes are nowhere in stdout, stderr or reports" \
  bash -c "! grep -aF Qj '$TMP/short.out' '$TMP/short.err' '$TMP/short'/*"

# fuzz: a saved stateful-fuzzer input replayed against the reflecting server
SEED=$(ls "$SRC"/fuzz/corpus/interleave/* | head -1)
IFM_FUZZ_TARGET="$TMP/bearer.yaml" IFM_FUZZ_URL="$URL" "$IFMATCH" fuzz replay "$SEED" \
  >"$TMP/fuzz.out" 2>"$TMP/fuzz.err"
echo $? >"$TMP/fuzz.rc"
IFM_FUZZ_TARGET="$TMP/bearer.yaml" IFM_FUZZ_URL="$URL" "$IFMATCH" fuzz to-case "$SEED" \
  --out "$TMP/fuzz-case.yaml" >"$TMP/fuzz2.out" 2>"$TMP/fuzz2.err"
echo $? >"$TMP/fuzz2.rc"
check "fuzz replay: ran (exit 0 or 1), its log quotes the reflected credentials, redacted" \
  bash -c "[ \$(cat '$TMP/fuzz.rc') -le 1 ] && grep -q 'ETag \"<redacted>' '$TMP/fuzz.out'"
check "fuzz replay: no secret in stdout or stderr" no_leak "$TMP/fuzz.out" "$TMP/fuzz.err"
check "fuzz to-case: a case written, no secret in it or in stdout, stderr" \
  bash -c "[ \$(cat '$TMP/fuzz2.rc') = 0 ] && [ -s '$TMP/fuzz-case.yaml' ] &&
           '$PY' '$TMP/leaks.py' \"\$0\" '$TMP/fuzz-case.yaml' '$TMP/fuzz2.out' '$TMP/fuzz2.err'" "$SECRETS"
finish
