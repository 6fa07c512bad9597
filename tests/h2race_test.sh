#!/usr/bin/env bash
# h2race_test.sh: the HTTP/2 single-packet release engine end to end. Two
# reference servers (clean, and --flaw race with a 200 us window) behind one
# nginx 1.22 (Debian's nginx-light) as an HTTP/2 front: h2c with prior
# knowledge to each, and h2 over TLS (a self-signed certificate made here,
# at most 4 concurrent streams) to the clean one (h2c: at most 256); then tests/h2_race_test.c
# with their URLs, and once more under strace to see on the wire that the
# release of 32 streams is one write.
# (start_h2_nginx in tests/lib.sh says why nginx's request buffering does
# not blur the release.)
source "$(dirname "$0")/lib.sh"
plan 4

PROBE=${IFM_BUILD_DIR:-build}/tests/h2_race_test
skip_all() { for i in 1 2 3 4; do echo "ok $i - # SKIP $1"; done; exit 0; }
[ -x /usr/sbin/nginx ] || skip_all "nginx is not installed"
command -v openssl >/dev/null || skip_all "openssl is not installed"

start_server CLEAN --threads 8 || exit 1
start_server FLAW --flaw race --race-window-us 200 --threads 8 || exit 1

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1 || { echo "Bail out! openssl req"; exit 1; }

# One nginx, three ports (tests/lib.sh): h2c to each server (up to 256
# streams to the clean one), h2 over TLS to the clean one (at most 4).
start_h2_nginx H2 "$CLEAN streams=256" "$FLAW" "$CLEAN tls streams=4" || exit 1
P_FLAW=${H2_PORTS[1]} P_TLS=${H2_PORTS[2]}
export IFM_H2_URL="$H2"
export IFM_H2_FLAW_URL="http://127.0.0.1:$P_FLAW"
export IFM_H2_TLS_URL="https://127.0.0.1:$P_TLS"
for i in $(seq 1 50); do
  curl -sk -o /dev/null --http2 "$IFM_H2_TLS_URL/" && curl -s -o /dev/null --http2-prior-knowledge "$IFM_H2_FLAW_URL/" && break
  sleep 0.1
done

check "h2_race_test.c passes against nginx h2c/h2 in front of the reference server" "$PROBE"
grep "^#" "$TMP/check.out" | sed "s/^/#   /"     # what the races saw

# On the wire: the clean race under strace. Its 32 final DATA frames
# (10 bytes each: length 1, type 0, flags END_STREAM) must be in one sendto.
if command -v strace >/dev/null; then
  strace -f -e trace=write,sendto -e write=all -xx -s 4096 -o "$TMP/strace.log" \
    "$PROBE" test_clean_one_winner >"$TMP/strace.out" 2>&1
  check "the race under strace passes" grep -q '^ok 1 - test_clean_one_winner' "$TMP/strace.out"
  check "one sendto carries all 32 final frames (END_STREAM, 1 byte each)" python3 -c "
import re, sys
best = 0
for line in open('$TMP/strace.log'):
    m = re.search(r'(?:sendto|write)\(\d+, \"((?:\\\\x[0-9a-f]{2})*)\"', line)
    if not m:
        continue
    b = bytes.fromhex(m.group(1).replace('\\\\x', ''))
    i = n = 0
    while i + 9 <= len(b):
        ln = int.from_bytes(b[i:i+3], 'big')
        if b[i+3] == 0 and b[i+4] & 1 and ln == 1:
            n += 1
        i += 9 + ln
    best = max(best, n)
print('final frames in the fullest write:', best)
sys.exit(0 if best == 32 else 1)"
else
  echo "ok 2 - # SKIP strace is not installed"
  echo "ok 3 - # SKIP strace is not installed"
  _n=3
fi
check "nginx logged no error" bash -c "! grep -E '\[(error|crit|alert|emerg)\]' '$TMP/ngx-h2/error.log'"
finish
