#!/usr/bin/env bash
# net_options_test.sh: the options a vendor's CI needs to reach its server,
# with real components on 127.0.0.1 and nothing of libcurl mocked:
#   --resolve / --connect-to: `ifmatch serve` under made-up host names (which
#     no DNS knows: a run that gets there went through the option);
#   --proxy / --noproxy and libcurl's http_proxy: tests/forward_proxy.py, a
#     forward proxy that wants Basic credentials, sends every host to
#     loopback and logs each request; its password never appears in any
#     byte ifmatch writes, in any form;
#   --cert / --key: nginx with ssl_verify_client on, in front of `ifmatch
#     serve`, with a CA, server and client certificates made by openssl here;
#   `base_url: embedded` (targets/reference.yaml): certify with no server;
#   the keys in a target file and in the file `ifmatch probe` writes, and
#     `ifmatch verify` passing them on to its re-run;
#   bad values: exit 2 with a message naming the option or file:line:col.
# A point whose tool (python3, openssl, nginx) is missing is SKIP.
source "$(dirname "$0")/lib.sh"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY \
  IFMATCH_TARGET IFMATCH_URL IFMATCH_FILTER IFMATCH_PROFILE IFMATCH_TIMEOUT
plan 32

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
F='IM-STALE-412*'                      # 11 cases: enough to cross every path, quick
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
# run_ok NAME ARGS...: `ifmatch run` of $F into $TMP/NAME, exit 0 expected.
run_ok() {
  local name=$1; shift
  "$IFMATCH" run --filter "$F" --timeout 10 --out "$TMP/$name" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" ||
    { echo "exit $?"; cat "$TMP/$name.err"; return 1; }
}
# bad NAME WANT ARGS...: ifmatch ARGS exits 2 and its stderr holds WANT.
bad() {
  local name=$1 want=$2; shift 2
  "$IFMATCH" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local rc=$?
  [ $rc = 2 ] && grep -qF -- "$want" "$TMP/$name.err" || { echo "exit $rc"; cat "$TMP/$name.err"; return 1; }
}

start_server URL || { echo "Bail out! ifmatch serve did not start"; exit 1; }
PORT=${URL##*:}

# 1. --resolve and --connect-to, and the same as target file keys.
check "--resolve: a made-up host name reaches the server" \
  run_ok res --url "http://ifm-resolve.test:$PORT" --resolve "ifm-resolve.test:$PORT:127.0.0.1"
check "without it the host is not found: NOT TESTED, exit 3" bash -c "
  '$IFMATCH' run -q --filter '$F' --timeout 5 --url http://ifm-resolve.test:$PORT --out '$TMP/nores' >'$TMP/nores.out' 2>&1
  [ \$? = 3 ] && grep -q 'NOT TESTED' '$TMP/nores.out'"
check "--connect-to: requests for ifm-ct.test:80 go to the server's port" \
  run_ok ct --url http://ifm-ct.test --connect-to "ifm-ct.test:80:127.0.0.1:$PORT"
cat >"$TMP/keys.yaml" <<EOF
name: keys
base_url: http://ifm-keys.test:8000
resolve: ["ifm-keys.test:$PORT:127.0.0.1"]
connect_to: ["ifm-keys.test:8000:ifm-keys.test:$PORT"]
EOF
check "resolve: and connect_to: in a target file" run_ok keys --target "$TMP/keys.yaml"
check "--resolve on the command line replaces the file's list" bash -c "
  '$IFMATCH' run -q --filter '$F' --timeout 5 --target '$TMP/keys.yaml' --resolve 'ifm-keys.test:$PORT:127.0.0.9' \
    --out '$TMP/keys2' >'$TMP/keys2.out' 2>&1; [ \$? = 3 ]"

# 2. Bad values: exit 2, named, before anything is sent.
check "a malformed --resolve exits 2 and says what is expected" \
  bad r1 "ifmatch run: --resolve: 'ifm.test:80': expected HOST:PORT:ADDR" run --resolve ifm.test:80
check "--resolve with a name for an address exits 2" \
  bad r2 "'localhost' is not a numeric IPv4 or IPv6 address" certify --resolve ifm.test:80:localhost
check "a malformed --connect-to exits 2" \
  bad c1 "ifmatch run: --connect-to: 'a:80:b': expected HOST1:PORT1:HOST2:PORT2" run --connect-to a:80:b
check "a missing --cert file exits 2, naming it" \
  bad c2 "ifmatch run: --cert: $TMP/absent.pem: cannot read it: No such file or directory" \
  run --cert "$TMP/absent.pem" --key "$TMP/absent.key"
check "--proxy with an unknown scheme exits 2, without echoing the URL" bash -c "
  '$IFMATCH' run --proxy 'ftp://u:Zq9-never-shown@h:21' >'$TMP/p1.out' 2>&1; [ \$? = 2 ] &&
  grep -q 'ifmatch run: --proxy: unknown proxy scheme' '$TMP/p1.out' && ! grep -q Zq9-never-shown '$TMP/p1.out'"
printf 'name: b\nbase_url: http://h\nresolve: ["ok.test:80:127.0.0.1", "broken"]\n' >"$TMP/badres.yaml"
check "a bad resolve: in a target file exits 2 at its file:line:col" \
  bad r3 "$TMP/badres.yaml:3:35: resolve: 'broken'" run --target "$TMP/badres.yaml"
check "probe and verify check them too" bash -c "
  '$IFMATCH' probe --url http://h/ --connect-to x >/dev/null 2>'$TMP/v.err'; [ \$? = 2 ] &&
  '$IFMATCH' verify '$TMP/none.json' --resolve x >/dev/null 2>>'$TMP/v.err'; [ \$? = 2 ] &&
  [ \$(grep -c 'expected HOST' '$TMP/v.err') = 2 ] || { cat '$TMP/v.err'; false; }"

# 3. A proxy that wants credentials. The password has characters a URL
# must percent-encode, so it is written one way and sent another.
PUSER=ifm-proxy-user PPASS='Pr0xy-s3cret/pw:9' PPASS_URL='Pr0xy-s3cret%2Fpw%3A9'
if [ -n "$PY" ]; then
  "$PY" "$SRC/tests/forward_proxy.py" "$TMP/proxy.port" "$TMP/proxy.log" "$PUSER:$PPASS" >"$TMP/proxy.out" 2>&1 &
  _pids+=($!)
  for i in $(seq 1 50); do [ -s "$TMP/proxy.port" ] && break; sleep 0.1; done
fi
if [ -s "$TMP/proxy.port" ]; then
  PP=$(cat "$TMP/proxy.port")
  PROXY="http://$PUSER:$PPASS_URL@127.0.0.1:$PP"
  check "--proxy with credentials: the run goes through the proxy (exit 0)" \
    run_ok px --url "http://ifm-via-proxy.test:$PORT" --proxy "$PROXY"
  check "the proxy saw every request, authenticated" bash -c "
    n=\$(grep -c '^[A-Z]* http://ifm-via-proxy.test:$PORT/.* auth=ok\$' '$TMP/proxy.log'); echo \"\$n requests\"
    [ \"\$n\" -ge 22 ] && ! grep -q 'auth=\(none\|wrong\)' '$TMP/proxy.log'"
  B64=$(printf '%s' "$PUSER:$PPASS" | base64 -w0)
  check "the proxy's password is in no report, stdout or stderr, in any form" bash -c "
    cd '$TMP' && ! grep -rl -F -e '$PPASS' -e '$PPASS_URL' -e '$B64' -e '${B64%=}' -e \"\$(printf %s '$PPASS' | base64 -w0)\" \
      -e 'Pr0xy-s3cret%2fpw%3a9' -e '$PUSER:' px px.out px.err"
  check "the reports say which proxy, its credentials redacted" bash -c "
    grep -qF '\"proxy\": \"http://<redacted>@127.0.0.1:$PP\"' '$TMP/px/ifmatch.json' &&
    grep -qF ', proxy http://<redacted>@127.0.0.1:$PP,' '$TMP/px/ifmatch.tap' &&
    grep -qF 'name=\"proxy\" value=\"http://&lt;redacted&gt;@127.0.0.1:$PP\"' '$TMP/px/ifmatch.junit.xml' &&
    grep -qF 'through the proxy http://<redacted>@127.0.0.1:$PP' '$TMP/px.err'"
  check "wrong credentials: the proxy's 407 is said, NOT TESTED, exit 3" bash -c "
    '$IFMATCH' run --filter '$F' --url http://ifm-via-proxy.test:$PORT --proxy 'http://$PUSER:Xw-bad-pw-77@127.0.0.1:$PP' \
      --out '$TMP/p407' >'$TMP/p407.out' 2>&1; [ \$? = 3 ] &&
    grep -q 'the proxy refused the request (407 Proxy Authentication Required)' '$TMP/p407.out' &&
    grep -q 'NOT TESTED' '$TMP/p407.out' && ! grep -rq Xw-bad-pw-77 '$TMP/p407' '$TMP/p407.out'"
  check "a proxy: key in the target file, from \${env:...}" bash -c "
    printf 'base_url: http://ifm-file-proxy.test:$PORT\nproxy: \${env:IFM_TEST_PROXY}\n' >'$TMP/fp.yaml'
    IFM_TEST_PROXY='$PROXY' '$IFMATCH' run -q --filter '$F' --target '$TMP/fp.yaml' --out '$TMP/fp' >'$TMP/fp.out' 2>&1 &&
    grep -q 'ifm-file-proxy.test' '$TMP/proxy.log' && ! grep -rqF -e '$PPASS' -e '$B64' '$TMP/fp' '$TMP/fp.out'"
  : >"$TMP/proxy.log"
  check "libcurl's http_proxy applies when no --proxy is given" bash -c "
    http_proxy='$PROXY' '$IFMATCH' run -q --filter '$F' --url http://ifm-env-proxy.test:$PORT --out '$TMP/pe' \
      >'$TMP/pe.out' 2>&1 && grep -q 'ifm-env-proxy.test.* auth=ok' '$TMP/proxy.log' &&
    ! grep -rqF -e '$PPASS' -e '$B64' '$TMP/pe' '$TMP/pe.out'"
  check "--noproxy '*' turns the environment's proxy off" bash -c "
    http_proxy='$PROXY' '$IFMATCH' run -q --filter '$F' --url http://ifm-noproxy.test:$PORT --noproxy '*' \
      --resolve ifm-noproxy.test:$PORT:127.0.0.1 --out '$TMP/pn' >'$TMP/pn.out' 2>&1 &&
    ! grep -q ifm-noproxy.test '$TMP/proxy.log'"
  check "ifmatch probe --proxy --resolve: the file gets the keys, the credentials as \${env:IFMATCH_SECRET_PROXY}" bash -c "
    '$IFMATCH' probe -q --url http://ifm-probe.test:$PORT/ --proxy '$PROXY' --resolve ifm-probe.test:$PORT:127.0.0.1 \
      --out '$TMP/probed.yaml' >'$TMP/probe.out' 2>&1 || { cat '$TMP/probe.out'; exit 1; }
    grep -qx 'proxy: \"\${env:IFMATCH_SECRET_PROXY}\"' '$TMP/probed.yaml' &&
    grep -qx 'resolve: \[\"ifm-probe.test:$PORT:127.0.0.1\"\]' '$TMP/probed.yaml' &&
    ! grep -qF -e '$PPASS' -e '$PPASS_URL' -e '$B64' '$TMP/probed.yaml' '$TMP/probe.out'"
  check "and the file it wrote runs through the proxy" bash -c "
    IFMATCH_SECRET_PROXY='$PROXY' '$IFMATCH' run -q --filter '$F' --target '$TMP/probed.yaml' --out '$TMP/pr' \
      >'$TMP/pr.out' 2>&1 || { cat '$TMP/pr.out'; false; }"
else
  for d in "--proxy: the run goes through the proxy" "the proxy saw every request" "the password is in no output" \
    "the reports say which proxy" "wrong credentials: 407" "a proxy: key in the target file" "http_proxy applies" \
    "--noproxy '*'" "probe --proxy writes the keys" "the probed file runs"; do
    skip "$d" "python3 is not installed (tests/forward_proxy.py)"
  done
fi

# 4. mTLS: nginx asks every client for a certificate signed by the test CA.
if command -v openssl >/dev/null && [ -x /usr/sbin/nginx ]; then
  C="$TMP/tls"
  mkdir -p "$C/ngx"
  {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/ca.key" -out "$C/ca.pem" \
      -days 2 -subj /CN=ifm-test-ca &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/server.key" -out "$C/server.csr" \
      -subj /CN=localhost &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$C/san.ext" &&
    openssl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -out "$C/server.pem" \
      -days 2 -extfile "$C/san.ext" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/client.key" -out "$C/client.csr" \
      -subj /CN=ifm-client &&
    openssl x509 -req -in "$C/client.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -out "$C/client.pem" \
      -days 2 &&
    openssl pkey -in "$C/client.key" -aes256 -passout pass:ifm-key-pass -out "$C/client-enc.key" &&
    cat "$C/client.pem" "$C/client.key" >"$C/client-both.pem"
  } >"$C/openssl.log" 2>&1 || echo "# openssl failed: $(cat "$C/openssl.log")"
  _launch_mtls() {
    nginx_conf_head "$C/ngx" >"$C/ngx/nginx.conf"
    cat >>"$C/ngx/nginx.conf" <<EOF
  server {
    listen 127.0.0.1:$1 ssl;
    ssl_certificate $C/server.pem;
    ssl_certificate_key $C/server.key;
    ssl_client_certificate $C/ca.pem;
    ssl_verify_client on;
    location / {
      proxy_pass http://127.0.0.1:$PORT;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
    /usr/sbin/nginx -c "$C/ngx/nginx.conf" -e "$C/ngx/stderr.log" >>"$C/ngx/out" 2>&1 &
  }
  MT=""
  for tries in 1 2 3; do
    NP=$(_free_port)
    _launch_mtls "$NP"
    _pids+=($!)
    for i in $(seq 1 50); do
      curl -s -o /dev/null --cacert "$C/ca.pem" --cert "$C/client.pem" --key "$C/client.key" "https://localhost:$NP/" &&
        { MT="https://localhost:$NP"; break 2; }
      sleep 0.1
    done
  done
  [ -n "$MT" ] || echo "# nginx (mTLS) did not start: $(cat "$C/ngx/out" "$C/ngx/error.log" 2>/dev/null)"
  sed -e "s|^base_url:.*|base_url: $MT|" "$SRC/targets/reference.yaml" >"$C/mtls.yaml"
  echo "tls: {ca_file: $C/ca.pem}" >>"$C/mtls.yaml"
  check "nginx with ssl_verify_client on starts" test -n "$MT"
  check "without a client certificate: NOT TESTED, exit 3, saying it wants one" bash -c "
    '$IFMATCH' run --filter '$F' --target '$C/mtls.yaml' --out '$TMP/m0' >'$TMP/m0.out' 2>&1; [ \$? = 3 ] &&
    grep -q 'wants a client certificate first.*give --cert and --key' '$TMP/m0.out' && grep -q 'NOT TESTED' '$TMP/m0.out' ||
    { cat '$TMP/m0.out'; false; }"
  check "--cert and --key: the run goes through (exit 0)" \
    run_ok m1 --target "$C/mtls.yaml" --cert "$C/client.pem" --key "$C/client.key"
  check "--cert alone, with the key in the same file" run_ok m2 --target "$C/mtls.yaml" --cert "$C/client-both.pem"
  printf 'tls: {ca_file: %s, cert: %s, key: %s}\n' "$C/ca.pem" "$C/client.pem" "$C/client.key" >"$C/tlskeys"
  sed -e '$d' "$C/mtls.yaml" >"$C/mtls2.yaml" && cat "$C/tlskeys" >>"$C/mtls2.yaml"
  check "tls.cert and tls.key in the target file" run_ok m3 --target "$C/mtls2.yaml"
  # raw steps go over a TLS connection of the executor's own (runner/exec/ifm_tls.c),
  # with the CA file and the client certificate: judged, never SKIP. Behind this
  # nginx, a bare LF ends the field line early (nginx_test.sh says why that FAILs).
  check "raw steps over https with a client certificate are judged (obs-fold and NUL refused: PASS)" bash -c "
    '$IFMATCH' run --filter 'IM-BYTES-*-in-tag,IM-BYTES-obs-fold,IM-MALFORMED-space-before-colon' --timeout 10 \
      --target '$C/mtls2.yaml' --json '$TMP/m7.json' -q >'$TMP/m7.out' 2>&1
    python3 -c \"
import json,sys
d={r['case_id']: r['verdict'] for r in json.load(open('$TMP/m7.json'))['results']}
print(d)
ok=len(d)==5 and d['IM-BYTES-obs-fold']=='PASS' and d['IM-BYTES-nul-in-tag']=='PASS' and \\
   all(v in ('PASS','FAIL') for v in d.values())
sys.exit(0 if ok else 1)\" || { cat '$TMP/m7.out'; false; }"
  check "an encrypted key exits 2: no passphrase is asked for" \
    bad m4 "ifmatch run: --key: $C/client-enc.key: the private key is encrypted, and ifmatch never asks for a passphrase" \
    run --target "$C/mtls.yaml" --cert "$C/client.pem" --key "$C/client-enc.key"
  printf 'tls: {ca_file: %s, cert: %s, key: %s}\n' "$C/ca.pem" "$C/client.pem" "$C/client-enc.key" >"$C/tlskeys"
  sed -e '$d' "$C/mtls.yaml" >"$C/mtls3.yaml" && cat "$C/tlskeys" >>"$C/mtls3.yaml"
  line=$(wc -l <"$C/mtls3.yaml")
  check "...and so does one in tls.key, at its file:line:col" \
    bad m5 "$C/mtls3.yaml:$line:" run --target "$C/mtls3.yaml"
  check "a certificate without its key exits 2" \
    bad m6 "ifmatch run: --cert: $C/client.pem: holds no private key beside the certificate" \
    run --target "$C/mtls.yaml" --cert "$C/client.pem"
else
  for d in "nginx starts" "no client certificate: NOT TESTED" "--cert and --key" "--cert alone" "tls.cert and tls.key" \
    "raw steps over https" "an encrypted key" "an encrypted tls.key" "a certificate without its key"; do
    skip "mTLS: $d" "needs openssl and nginx (Debian: openssl, nginx-light)"
  done
fi

# 5. The reference target names the embedded server: certify needs nothing running.
check "certify --target targets/reference.yaml with no server: the embedded one, CONFORMANT" bash -c "
  cd '$TMP' && '$IFMATCH' certify -q --target '$SRC/targets/reference.yaml' --out '$TMP/emb' >'$TMP/emb.out' 2>&1 &&
  grep -q '^ifmatch certificate: CONFORMANT\$' '$TMP/emb/certificate.txt' &&
  grep -q 'embedded reference server\|against http://127.0.0.1:' '$TMP/emb.out' || { cat '$TMP/emb.out'; false; }"
check "verify passes --resolve on to its re-run" bash -c "
  '$IFMATCH' certify -q --url http://ifm-verify.test:$PORT --resolve ifm-verify.test:$PORT:127.0.0.1 --out '$TMP/vc' \
    >'$TMP/vc.out' 2>&1 || { cat '$TMP/vc.out'; exit 1; }
  '$IFMATCH' verify -q '$TMP/vc/certificate.json' --url http://ifm-verify.test:$PORT \
    --resolve ifm-verify.test:$PORT:127.0.0.1 || exit 1
  '$IFMATCH' verify -q '$TMP/vc/certificate.json' --url http://ifm-verify.test:$PORT --timeout 5 >/dev/null 2>&1
  [ \$? = 3 ]"
finish
