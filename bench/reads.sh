#!/usr/bin/env bash
# Benchmark: reads that the page cache cannot answer, each against a bare
# net/http handler (bench/bare) serving a body of the same size, in the same
# run, with the same load and the same wrk script (bench/reads.lua: a fresh
# random URL per request, answers counted by status). Benchmarks:
#
#   activity   GET /api/v1/activities/{random id}; also against bench/limit,
#              one prepared SELECT per request on the same store and nothing
#              else: the database's limit, whose ratio to bare it prints too
#   programme  GET /api/v1/programmes/{random programme}/activities?as_of={random day}
#              (the first page, 1,000 activities; the day only makes the URL new)
#   members    GET /api/v1/alliances/NATO/members?as_of={random day}
#   partner    GET /partners/{random NATO partner}?as_of={random day}
#   page       GET /programmes/{random programme}?as_of={random day of 2024-2027}
#              (its page: progress, first activities, first overdue; its goal
#              is a latency, p95, so run it with CONNS=1 as well)
#   cached     GET /partners/NZL (served from the page cache, as bench/wrk.sh)
#
# DB is a store made once with the default dataset and N synthetic
# activities (see bench/README.md, "Reads at a million activities"): an
# SQLite file or a postgres:// URL. BINARY is an entente binary; the server
# runs as shipped (--max-inflight at its default, 8 per CPU, and
# --log-level info) unless SERVE_FLAGS says otherwise. For each benchmark it
# prints, for both servers, the answers per second that were 2xx (ok/s), the
# p99 latency, the answers that were not 2xx or 3xx (503s from the bound on
# requests at once, say: counted, never hidden, and not in ok/s), and the
# ratios of entente's to bare's (and, for the activity, bench/limit's ok/s, its
# ratio to bare's, and entente's to it). Last, each server's CPU time per
# request in microseconds (e us, b us, l us): its own process's, read from
# /proc, which wrk's share of the cores disturbs less than a rate (on
# PostgreSQL the server's backends are not in it).
#
#   bench/reads.sh BINARY DB
#   DURATION=20s ROUNDS=3 BENCHES="activity members" bench/reads.sh BINARY DB
#   SERVE_FLAGS="--max-inflight 1024 --log-level warn" bench/reads.sh BINARY DB
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
bin=${1:?usage: bench/reads.sh BINARY DB} db=${2:?usage: bench/reads.sh BINARY DB}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=$((CONNS < 2 ? 1 : 2)) # wrk wants a connection per thread at least
ROUNDS=${ROUNDS:-1}
N=${N:-1000000}
BENCHES=${BENCHES:-activity programme page members partner cached}
read -r -a serve_flags <<<"${SERVE_FLAGS:-}"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk"; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/bare" ./bench/bare
go build -o "$tmp/limit" ./bench/limit

port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
eport=$(port)
"$bin" serve --addr "127.0.0.1:$eport" --db "$db" "${serve_flags[@]}" 2>"$tmp/serve.log" &
epid=$!
pids+=($epid)
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$eport/readyz" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$eport/readyz" || { echo "entente did not start:"; cat "$tmp/serve.log"; exit 1; }
e="http://127.0.0.1:$eport"

# The synthetic programmes and NATO's partners, for the random URLs.
if [[ $db == postgres://* || $db == postgresql://* ]]; then
  programmes=$(psql -At "$db" -c "SELECT id FROM programmes WHERE alliance = 'SYNTH' ORDER BY id" | paste -sd,)
else
  programmes=$(sqlite3 "$db" "SELECT id FROM programmes WHERE alliance = 'SYNTH' ORDER BY id" | paste -sd,)
fi
partners=$(curl -sf "$e/api/v1/alliances/NATO/partners" | jq -r '.[].code' | paste -sd,)
[ -n "$programmes" ] && [ -n "$partners" ] || { echo "no synthetic programmes or no NATO partners in $db"; exit 1; }

# args MODE: the wrk script's arguments; sample MODE: a path whose answer
# is the size of a typical one, for the bare handler to serve.
args() {
  case $1 in
  activity) echo "activity $N" ;;
  programme) echo "programme $programmes" ;;
  members) echo "members NATO" ;;
  partner) echo "partner $partners" ;;
  page) echo "page $programmes" ;;
  cached) echo "cached /partners/NZL" ;;
  esac
}
sample() {
  case $1 in
  activity) printf '/api/v1/activities/SYN-A%08d' $((N / 2)) ;;
  programme) echo "/api/v1/programmes/${programmes%%,*}/activities?as_of=2020-01-01" ;;
  members) echo "/api/v1/alliances/NATO/members?as_of=1999-06-01" ;;
  partner) echo "/partners/NZL?as_of=2015-06-01" ;;
  page) echo "/programmes/${programmes%%,*}?as_of=2025-06-01" ;;
  cached) echo "/partners/NZL" ;;
  esac
}

# cpu PID: the CPU time the process has used, user and system, in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run NAME URL MODE PID: one wrk run against the server PID; appends "NAME
# ok/s p99 non2xx p95 cpu" to results, where ok/s counts only the 2xx
# answers and cpu is the server's CPU time per request in microseconds
# (its own process only: PostgreSQL's backends are not in it).
run() {
  local out="$tmp/wrk.txt" c0 c1
  c0=$(cpu "$4")
  # shellcheck disable=SC2046
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s -s bench/reads.lua "$2" -- $(args "$3") >"$out"
  c1=$(cpu "$4")
  awk -v name="$1" -v ticks=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" '/requests in/ { total = $1 } /^Requests\/sec:/ { rps = $2 } /Non-2xx or 3xx responses:/ { bad = $NF }
    /^latency p50=/ { split($3, a, "="); p95 = a[2]; split($4, a, "="); p99 = a[2] }
    END { printf "%s %.1f %s %d %s %.1f\n", name, rps * (total - bad) / total, p99, bad, p95, ticks / hz * 1e6 / total }' "$out" >>"$tmp/results"
}

for b in $BENCHES; do
  curl -sf -o "$tmp/$b.body" "$e$(sample "$b")" || { echo "$b: $(sample "$b") failed"; exit 1; }
  bport=$(port)
  "$tmp/bare" -addr "127.0.0.1:$bport" -file "$tmp/$b.body" &
  bpid=$!
  pids+=($bpid)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$bport/" && break; sleep 0.1; done
  wrk -t"$THREADS" -c"$CONNS" -d1s -s bench/reads.lua "$e" -- $(args "$b") >/dev/null # warm up
  wrk -t"$THREADS" -c"$CONNS" -d1s -s bench/reads.lua "http://127.0.0.1:$bport" -- $(args "$b") >/dev/null
  for _ in $(seq 1 "$ROUNDS"); do
    run "$b:entente" "$e" "$b" "$epid"
    run "$b:bare" "http://127.0.0.1:$bport" "$b" "$bpid"
  done
  kill "$bpid"
  if [ "$b" = activity ]; then
    lport=$(port)
    "$tmp/limit" -addr "127.0.0.1:$lport" -db "$db" &
    lpid=$!
    pids+=($lpid)
    for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$lport$(sample "$b")" && break; sleep 0.1; done
    wrk -t"$THREADS" -c"$CONNS" -d1s -s bench/reads.lua "http://127.0.0.1:$lport" -- $(args "$b") >/dev/null
    for _ in $(seq 1 "$ROUNDS"); do run "$b:limit" "http://127.0.0.1:$lport" "$b" "$lpid"; done
    kill "$lpid"
  fi
  echo "$b $(wc -c <"$tmp/$b.body")" >>"$tmp/sizes"
done

echo "wrk -t$THREADS -c$CONNS -d$DURATION x $ROUNDS, bench/reads.lua; entente serve ${SERVE_FLAGS:-(as shipped)} on $db; $(uptime)"
awk 'FNR == NR { size[$1] = $2; next }
{ split($1, k, ":"); b = k[1]; side = k[2]; ok[b, side] += $2; p99[b, side] += $3; bad[b, side] += $4; p95[b, side] += $5; us[b, side] += $6; n[b, side]++
  if (!(b in seen)) { seen[b] = 1; order[++nb] = b } }
END {
  printf "%-10s %8s %10s %8s %8s %8s %10s %8s %8s %7s %7s %10s %7s %7s %7s %7s %7s\n", "bench", "bytes", "entente ok/s", "p95 ms", "p99 ms", "non2xx", "bare ok/s", "p99 ms", "non2xx", "ratio", "p99 x", "limit ok/s", "l/bare", "e/limit", "e us", "b us", "l us"
  for (i = 1; i <= nb; i++) {
    b = order[i]; e = ok[b, "entente"] / n[b, "entente"]; r = ok[b, "bare"] / n[b, "bare"]
    ep = p99[b, "entente"] / n[b, "entente"]; bp = p99[b, "bare"] / n[b, "bare"]; e95 = p95[b, "entente"] / n[b, "entente"]
    lim = "-"; lb = "-"; el = "-"; lus = "-"
    if (n[b, "limit"]) { l = ok[b, "limit"] / n[b, "limit"]; lim = sprintf("%.0f", l); lb = sprintf("%.3f", l / r); el = sprintf("%.3f", e / l); lus = sprintf("%.0f", us[b, "limit"] / n[b, "limit"]) }
    printf "%-10s %8d %10.0f %8.2f %8.2f %8d %10.0f %8.2f %8d %7.3f %7.2f %10s %7s %7s %7.0f %7.0f %7s\n", b, size[b], e, e95, ep, bad[b, "entente"], r, bp, bad[b, "bare"], e / r, ep / bp, lim, lb, el, us[b, "entente"] / n[b, "entente"], us[b, "bare"] / n[b, "bare"], lus
  }
}' "$tmp/sizes" "$tmp/results"
