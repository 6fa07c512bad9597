#!/usr/bin/env bash
# bench/release_pass.sh: how tight one pass releases the held last bytes of
# N requests on N TCP connections (bench/README.md, "One pass: a loop, two
# threads or io_uring"; issue 13). Builds bench/race/release_pass.c with cc
# (with liburing when liburing-dev is installed), then runs it RUNS times for
# each client count; prints each run's table and the medians of the runs.
#
#   bench/release_pass.sh                 # CLIENTS="8 32 64" RUNS=5 ROUNDS=200
#   CLIENTS=32 RUNS=3 bench/release_pass.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out/release_pass
mkdir -p "$OUT"
CLIENTS=${CLIENTS:-"8 32 64"}
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-200}
URING=()
if [ -f /usr/include/liburing.h ]; then URING=(-DHAVE_URING -luring); fi
cc -O2 -Wall -Wextra -o "$OUT/release_pass" "$HERE/race/release_pass.c" -lpthread "${URING[@]}"
echo "# bench/release_pass.sh, $(date -u +%FT%TZ), nproc $(nproc), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $CLIENTS; do
  for ((r = 1; r <= RUNS; r++)); do
    timeout 300 "$OUT/release_pass" "$c" "$ROUNDS" | tee "$OUT/c$c-r$r.md" | sed "s/^/run $r: /"
  done
  # medians over the runs of each variant's spread and pass medians
  awk -F'|' -v c="$c" '$2 ~ /loop|threads2|uring/ {
      k=$2; gsub(/ /,"",k); s[k]=s[k] " " $5; p[k]=p[k] " " $7 }
    function med(str,   a, n, i, j, t) { n = split(str, a, " ");
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return a[int((n + 1) / 2)] }
    END { for (k in s) printf "median of runs: %d clients, %s: spread %s us, pass %s us\n", c, k, med(s[k]), med(p[k]) }' \
    "$OUT"/c"$c"-r*.md | sort
done
