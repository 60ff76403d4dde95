#!/usr/bin/env bash
# Benchmark: 64 writers proposing activities beside 64 consented viewers
# (bench/visits), against `entente serve` on SQLite (or DB=postgres://...),
# for DURATION; then the server is stopped with SIGTERM and the views stored
# are counted, to compare with the views answered 200.
#
#   bench/visits.sh
#   DURATION=20s DB=postgres://... bench/visits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
DURATION=${DURATION:-10s}
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/entente" ./cmd/entente
go build -o "$tmp/visits" ./bench/visits
DB=${DB:-$tmp/entente.db}
"$tmp/entente" serve --addr 127.0.0.1:18093 --db "$DB" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:18093/readyz && break; sleep 0.1; done
"$tmp/visits" -url http://127.0.0.1:18093 -d "$DURATION"
kill -TERM "$pid"
wait "$pid" || true
"$tmp/visits" -count "$DB"
