#!/usr/bin/env bash
# Overload: entente serve with --max-inflight CAP (default 4) under wrk at
# 1x, 4x and 16x that many connections, then the same without the bound
# (--max-inflight 1048576), each request a timeline on a random day so the
# page cache cannot answer it (bench/overload.lua). Prints, per run, the
# answers by status, how many 503s carried Retry-After, and the latency of
# all answers (wrk cannot split it by status; max bounds both).
#
#   bench/overload.sh              # 10 s per run
#   DURATION=30s CAP=8 bench/overload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
DURATION=${DURATION:-10s}
CAP=${CAP:-4}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk"; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/entente" ./cmd/entente
"$tmp/entente" members NATO --db "$tmp/e.db" >/dev/null # load the default dataset

printf '%-10s %6s %9s %-44s %s\n' max-inflight conns "req/s" "answers" "latency (all answers)"
for limit in "$CAP" 1048576; do
  "$tmp/entente" serve --addr 127.0.0.1:18093 --db "$tmp/e.db" --max-inflight "$limit" 2>"$tmp/serve.log" &
  pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:18093/readyz && break; sleep 0.1; done
  wrk -t2 -c"$CAP" -d1s -s bench/overload.lua http://127.0.0.1:18093/ >/dev/null # warm up
  for c in "$CAP" $((4 * CAP)) $((16 * CAP)); do
    wrk -t2 -c"$c" -d"$DURATION" --timeout 30s -s bench/overload.lua http://127.0.0.1:18093/ >"$tmp/wrk.txt"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.txt")
    answers=$(sed -n 's/^statuses: //p' "$tmp/wrk.txt")
    lat=$(sed -n 's/^latency //p' "$tmp/wrk.txt")
    printf '%-10s %6s %9s %-44s %s\n' "$limit" "$c" "$rps" "$answers" "$lat"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
