#!/usr/bin/env bash
# Benchmark: what serving a cached page costs, before and after a change, in
# the same run. Builds web's BenchmarkCachedPage (web/bench_test.go, from
# this tree, so that both sides run the same benchmark) against the tree at
# BEFORE (a git revision) and against this tree, runs the two in turn ROUNDS
# times, and prints the mean wall and CPU time per request of each and their
# ratio (after / before). CPU time is the process's, per request: on a
# machine busy with other work it moves less than the wall time does.
#
# Then, if wrk is installed, the same over HTTP: `entente serve` built from
# BEFORE and from this tree (at --log-level info, the default, and warn),
# each on a free port with its own SQLite file, loaded in turn with
# wrk -t2 -c64 for DURATION, ROUNDS times; it prints the mean requests/s
# of each and their ratio to BEFORE's.
#
#   BEFORE=1090693 bench/cached.sh
#   BEFORE=main ROUNDS=10 N=50000x DURATION=10s bench/cached.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
BEFORE=${BEFORE:?set BEFORE to a git revision to compare with}
ROUNDS=${ROUNDS:-6}
N=${N:-20000x}
DURATION=${DURATION:-5s}
PAGE=${PAGE:-/partners/NZL}

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir "$tmp/before"
git archive "$BEFORE" | tar -x -C "$tmp/before"
cp web/bench_test.go "$tmp/before/web/"
(cd "$tmp/before" && go test -c -o "$tmp/before.test" ./web)
go test -c -o "$tmp/after.test" ./web

for _ in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    (cd web && "$tmp/$side.test" -test.run '^$' -test.bench CachedPage -test.benchtime "$N") |
      awk -v side="$side" '/^BenchmarkCachedPage/ { print side, $1, $3, $5 }' >>"$tmp/results"
  done
done

echo "BenchmarkCachedPage, $ROUNDS rounds of $N each, before = $BEFORE, after = this tree"
awk '{ k = $2; wall[$1, k] += $3; cpu[$1, k] += $4; n[$1, k]++; names[k] = 1 }
END {
  printf "%-36s %14s %14s %14s %14s %8s %8s\n", "benchmark", "before ns/op", "after ns/op", "before cpu-ns", "after cpu-ns", "wall x", "cpu x"
  for (k in names) {
    bw = wall["before", k] / n["before", k]; aw = wall["after", k] / n["after", k]
    bc = cpu["before", k] / n["before", k]; ac = cpu["after", k] / n["after", k]
    printf "%-36s %14.0f %14.0f %14.0f %14.0f %8.2f %8.2f\n", k, bw, aw, bc, ac, aw / bw, ac / bc
  }
}' "$tmp/results"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk): no HTTP comparison"; exit 0; }
(cd "$tmp/before" && go build -o "$tmp/entente-before" ./cmd/entente)
go build -o "$tmp/entente-after" ./cmd/entente
# serve NAME BINARY ARGS...: starts it on a free port (one the kernel
# picked a moment before: at --log-level warn the server does not log its
# address) and waits until it answers; its URL is in $tmp/NAME.url.
serve() {
  local name=$1 bin=$2 port; shift 2
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin" serve --addr "127.0.0.1:$port" --db "$tmp/$name.db" "$@" 2>"$tmp/$name.log" &
  pids+=($!)
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break
    sleep 0.1
  done
  curl -sf -o /dev/null "http://127.0.0.1:$port$PAGE" || { echo "$name did not start:"; cat "$tmp/$name.log"; exit 1; }
  echo "http://127.0.0.1:$port" >"$tmp/$name.url"
}
serve before "$tmp/entente-before"
serve info "$tmp/entente-after" --log-level info
serve warn "$tmp/entente-after" --log-level warn
for name in before info warn; do wrk -t2 -c64 -d1s "$(cat "$tmp/$name.url")$PAGE" >/dev/null; done
for _ in $(seq 1 "$ROUNDS"); do
  for name in before info warn; do
    wrk -t2 -c64 -d"$DURATION" "$(cat "$tmp/$name.url")$PAGE" | awk -v n="$name" '/^Requests\/sec:/ { print n, $2 }' >>"$tmp/wrk"
  done
done
echo
echo "wrk -t2 -c64 -d$DURATION $PAGE, $ROUNDS rounds; entente serve before = $BEFORE, after = this tree"
awk '{ s[$1] += $2; n[$1]++ }
END {
  b = s["before"] / n["before"]
  printf "%-34s %12s %8s\n", "server", "requests/s", "ratio"
  printf "%-34s %12.0f %8.2f\n", "before", b, 1
  printf "%-34s %12.0f %8.2f\n", "after, --log-level info (default)", s["info"] / n["info"], s["info"] / n["info"] / b
  printf "%-34s %12.0f %8.2f\n", "after, --log-level warn", s["warn"] / n["warn"], s["warn"] / n["warn"] / b
}' "$tmp/wrk"
