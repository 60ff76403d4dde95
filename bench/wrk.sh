#!/usr/bin/env bash
# Benchmark: entente's /partners/NZL against a bare net/http handler serving
# a static page of the same size, in the same run, with the same load
# (wrk -t2 -c64), on this machine. Prints requests/s, p99 latency, the ratio
# of requests/s (goal >= 0.7) and of p99s (goal <= 2).
#
#   bench/wrk.sh                  # 10 s per target
#   DURATION=30s bench/wrk.sh
#   DB=postgres://... bench/wrk.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
DURATION=${DURATION:-10s}
PAGE=${PAGE:-/partners/NZL}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk"; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/entente" ./cmd/entente
go build -o "$tmp/bare" ./bench/bare
DB=${DB:-$tmp/entente.db}
"$tmp/entente" serve --addr 127.0.0.1:18091 --db "$DB" 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:18091/readyz && break; sleep 0.1; done
curl -sf -o "$tmp/page.html" "http://127.0.0.1:18091$PAGE"
"$tmp/bare" -addr 127.0.0.1:18092 -file "$tmp/page.html" &
pids+=($!)
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:18092/ && break; sleep 0.1; done
size=$(wc -c <"$tmp/page.html")
bare_size=$(curl -s http://127.0.0.1:18092/ | wc -c)

# One warm-up second each, then the measured runs.
wrk -t2 -c64 -d1s "http://127.0.0.1:18091$PAGE" >/dev/null
wrk -t2 -c64 -d1s "http://127.0.0.1:18092/" >/dev/null
wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:18091$PAGE" >"$tmp/entente.txt"
wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:18092/" >"$tmp/bare.txt"

rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
p99() { # in milliseconds
  awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }' "$1"
}
e_rps=$(rps "$tmp/entente.txt"); b_rps=$(rps "$tmp/bare.txt")
e_p99=$(p99 "$tmp/entente.txt"); b_p99=$(p99 "$tmp/bare.txt")
echo "wrk -t2 -c64 -d$DURATION --latency, page $PAGE: $size bytes (bare handler: $bare_size bytes)"
printf '%-28s %12s %10s\n' target "requests/s" "p99 ms"
printf '%-28s %12s %10s\n' "entente $PAGE" "$e_rps" "$e_p99"
printf '%-28s %12s %10s\n' "bare net/http, same bytes" "$b_rps" "$b_p99"
awk -v e="$e_rps" -v b="$b_rps" -v ep="$e_p99" -v bp="$b_p99" 'BEGIN {
  r = e / b; q = ep / bp
  printf "ratio of requests/s: %.2f (goal >= 0.7): %s\n", r, (r >= 0.7 ? "met" : "NOT met")
  printf "p99 entente / bare:   %.2f (goal <= 2):   %s\n", q, (q <= 2 ? "met" : "NOT met")
}'
