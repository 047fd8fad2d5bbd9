#!/usr/bin/env bash
# Compares exo's load generator with wrk on one loopback endpoint (a hyper
# server answering `ok` at once, from benches/load.rs), on this machine:
#
# 1. the highest rate each drives, three rounds side by side: wrk (closed
#    model, 2 threads, 64 connections) for 5 s; exo's open model (64
#    connections) planned beyond it (200,000/s): the answers per second it
#    achieves are its ceiling, like wrk's; then exo at rising
#    rates, the highest at which it keeps up (rate achieved >= 98 % of
#    planned, no error, p99 under 50 ms: beyond, requests queue in the
#    generator or the server);
# 2. percentiles of a fixed-rate run of exo (2000/s, 5 s) beside wrk's
#    (its own rate, 2 threads, 4 connections), and exo's CPU per 1000 requests.
#
# Needs wrk (Debian: apt-get install wrk). Not a test: figures vary with the
# machine's other load. Usage: scripts/bench-load.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-18080}"
command -v wrk >/dev/null || { echo "bench-load: wrk is needed (apt-get install wrk)" >&2; exit 2; }

cargo bench --bench load --no-run --quiet
BIN=$(find target/release/deps -maxdepth 1 -type f -executable -name 'load-*' -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2)
"$BIN" serve "$PORT" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
sleep 1

for round in 1 2 3; do
    echo "== round $round: wrk, closed model: highest rate (-t2 -c64 -d5s)"
    wrk -t2 -c64 -d5s "http://127.0.0.1:$PORT/" | grep -E 'Requests/sec'
    echo "== round $round: exo, open model overdriven (planned 200,000/s, 5 s, 64 connections)"
    "$BIN" drive "$PORT" 200000 5
done

echo "== exo, open model: rising rates (5 s each)"
for rate in 2000 5000 10000 20000 30000 40000 50000 60000; do
    line=$("$BIN" drive "$PORT" "$rate" 5)
    echo "planned $rate: $line"
    achieved=$(awk '{print $2}' <<<"$line")
    errors=$(awk '{print $12}' <<<"$line")
    p99=$(awk '{print $8}' <<<"$line")
    if awk -v a="$achieved" -v r="$rate" -v e="$errors" -v p="$p99" 'BEGIN { exit !(a < 0.98 * r || e > 0 || p > 50) }'; then
        echo "exo no longer keeps up at $rate/s"
        break
    fi
done

echo "== fixed rate: exo at 2000/s, 5 s (open model)"
"$BIN" drive "$PORT" 2000 5
echo "== wrk -t2 -c4 -d5s --latency (closed model, its own rate)"
wrk -t2 -c4 -d5s --latency "http://127.0.0.1:$PORT/" | grep -E 'Requests/sec|50%|90%|99%|Latency '
