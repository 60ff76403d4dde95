#!/usr/bin/env bash
# Benchmark: cold start and idle memory of `entente serve` on a populated
# store (issue 13's goals: ready in at most 60 ms, at most 32 MB resident
# when idle). Each run starts the server, polls /readyz over one kept-alive
# connection until it answers 200, and reads the process's resident set
# (VmRSS) after it has been idle for IDLE seconds; then stops it. Prints
# each run and the median.
#
#   bench/coldstart.sh BINARY DB
#   RUNS=9 IDLE=3 bench/coldstart.sh BINARY DB
set -euo pipefail
bin=${1:?usage: bench/coldstart.sh BINARY DB} db=${2:?usage: bench/coldstart.sh BINARY DB}
RUNS=${RUNS:-7}
IDLE=${IDLE:-2}
python3 - "$bin" "$db" "$RUNS" "$IDLE" <<'EOF'
import http.client, socket, statistics, subprocess, sys, time

binary, db, runs, idle = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

starts, rss = [], []
for i in range(runs):
    port = free_port()
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}", "--db", db, "--log-level", "warn"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = None
    while time.monotonic() - t0 < 10:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                ready = (time.monotonic() - t0) * 1000
                break
        except OSError:
            pass
        time.sleep(0.001)
    time.sleep(idle)
    kb = 0
    with open(f"/proc/{p.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                kb = int(line.split()[1])
    p.terminate()
    p.wait()
    if ready is None:
        sys.exit(f"run {i + 1}: not ready within 10 s")
    starts.append(ready)
    rss.append(kb / 1024)
    print(f"run {i + 1}: ready in {ready:.1f} ms, {kb / 1024:.1f} MB resident after {idle:g} s idle")
print(f"median of {runs}: ready in {statistics.median(starts):.1f} ms, {statistics.median(rss):.1f} MB resident")
EOF
