#!/usr/bin/env bash
# Benchmark: generate, export and import at scale on one engine, with the
# time and peak memory (maximum resident set size) of each step from
# /usr/bin/time -v, and the ratio of the import's speed to generate's (a
# plain batched insert of the same rows, in the same run): generate time
# divided by import time (goal >= 0.5), by wall time and by CPU time (user
# plus system, which other jobs on a shared machine move less). Then the
# import is exported again and compared byte for byte. See bench/README.md.
#
#   bench/scale.sh BINARY sqlite DIR [N]
#   bench/scale.sh BINARY 'postgres://postgres@127.0.0.1:5432/DB?sslmode=disable' DIR [N]
#
# BINARY is an entente binary (go build -o BINARY ./cmd/entente), DIR a
# scratch directory for the files, N the number of activities (1000000).
# On PostgreSQL each step gets a fresh schema of the database named in the
# URL (dropped and created again with psql).
set -euo pipefail
bin=$1 engine=$2 dir=$3 n=${4:-1000000}
mkdir -p "$dir"

# store NAME prints the --db value for a fresh store called NAME.
store() {
	if [ "$engine" = sqlite ]; then
		rm -f "$dir/$1.db" "$dir/$1.db-wal" "$dir/$1.db-shm"
		echo "$dir/$1.db"
	else
		psql -q "$engine" -c "DROP SCHEMA IF EXISTS $1 CASCADE" -c "CREATE SCHEMA $1" >/dev/null 2>&1
		echo "$engine&search_path=$1"
	fi
}

# step NAME CMD... runs CMD under /usr/bin/time -v and prints NAME, wall
# time and peak memory.
step() {
	local name=$1
	shift
	/usr/bin/time -v "$@" >"$dir/$name.out" 2>"$dir/$name.time" || { cat "$dir/$name.time"; exit 1; }
	local wall rss cpu
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/$name.time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/$name.time")
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$dir/$name.time")
	printf '%-10s %10s wall %8s s CPU %8d MB\n' "$name" "$wall" "$cpu" $((rss / 1024))
	echo "$wall" >"$dir/$name.wall"
	echo "$cpu" >"$dir/$name.cpu"
}

secs() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' "$dir/$1.wall"; }

gen=$(store gen)
step generate "$bin" generate --db "$gen" --activities "$n" --seed 1
step export "$bin" export --db "$gen" --out "$dir/export.json"
imp=$(store imp)
step import "$bin" import "$dir/export.json" --db "$imp"
step export2 "$bin" export --db "$imp" --out "$dir/export2.json"
cmp "$dir/export.json" "$dir/export2.json" && echo "export of the import: identical bytes"
awk -v g="$(secs generate)" -v i="$(secs import)" 'BEGIN { printf "import speed / generate speed (wall time): %.2f\n", g / i }'
awk -v g="$(cat "$dir/generate.cpu")" -v i="$(cat "$dir/import.cpu")" 'BEGIN { printf "import / generate (CPU time, less moved by other load): %.2f\n", g / i }'
uptime
