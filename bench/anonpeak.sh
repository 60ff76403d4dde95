#!/bin/bash
# Part of bench/README.md (the CSV export at a million activities).
# anonpeak.sh CMD...: runs CMD, samples its RssAnon and RssFile every 50 ms, prints the peaks (kB).
"$@" & pid=$!
ma=0; mf=0
while kill -0 $pid 2>/dev/null; do
  a=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status 2>/dev/null); f=$(awk '/^RssFile/ {print $2}' /proc/$pid/status 2>/dev/null)
  [ -n "$a" ] && [ "$a" -gt "$ma" ] && ma=$a; [ -n "$f" ] && [ "$f" -gt "$mf" ] && mf=$f
  sleep 0.05
done
wait $pid; echo "peak RssAnon ${ma} kB, peak RssFile ${mf} kB"
