#!/usr/bin/env bash
# Times `exo generate` as a whole process on a synthetic application, side by
# side with `docker compose config -q` on the file it writes.
#
#   scripts/bench-generate.sh                  # 100 services, 3 warmups, 30 runs
#   scripts/bench-generate.sh --services 1000 --runs 10
#
# Builds exo in release mode, writes the application with
# scripts/synthetic-app.sh into a temporary directory (removed at the end),
# runs `exo generate` once so that the Compose files exist, then lets
# hyperfine run both commands and prints the median of each and their ratio.
# The timed `exo generate` runs find the files up to date: that is the
# cost of re-running it, reading and comparing instead of writing.
#
# Needs: cargo, hyperfine, Docker Compose v2 (`docker compose`; see
# scripts/provision.sh), and jq or python3. The Docker daemon is not used.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

services=100
runs=30
warmup=3
while [[ $# -gt 0 ]]; do
    case $1 in
    --services) services=${2:?--services needs a number}; shift 2 ;;
    --services=*) services=${1#*=}; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --warmup) warmup=${2:?--warmup needs a number}; shift 2 ;;
    --warmup=*) warmup=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$0: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
for value in "$services" "$runs" "$warmup"; do
    if ! [[ $value =~ ^[0-9]+$ ]]; then
        echo "$0: expected a number, got '$value'" >&2
        exit 2
    fi
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

command -v hyperfine >/dev/null || { echo "$0: hyperfine is not installed (scripts/provision.sh installs it)" >&2; exit 1; }
if ! docker compose version >/dev/null 2>&1; then
    echo "$0: \`docker compose\` (Compose v2) is not available; run scripts/provision.sh" >&2
    exit 1
fi
if command -v jq >/dev/null; then
    json=jq
elif command -v python3 >/dev/null; then
    json=python3
else
    echo "$0: needs jq or python3 to read hyperfine's results" >&2
    exit 1
fi

echo "==> cargo build --release" >&2
cargo build --release --quiet
exo=$root/target/release/exo

tmp=$(mktemp -d "${TMPDIR:-/tmp}/exo-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
app=$tmp/app
echo "==> synthetic application of $services services in $app" >&2
scripts/synthetic-app.sh "$app" "$services"
if ! output=$("$exo" -C "$app" --no-color generate 2>&1); then
    echo "$output" >&2
    exit 1
fi
compose_file=$app/docker-compose/run_development.yml
echo "==> $(du -h "$compose_file" | cut -f1) in docker-compose/run_development.yml" >&2

# The synthetic application's secrets: set, Compose does not warn about them.
export API_TOKEN=bench SESSION_KEY=bench DB_PASSWORD=bench

results=$tmp/hyperfine.json
hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$results" \
    --command-name "exo generate" "'$exo' -C '$app' --no-color generate" \
    --command-name "docker compose config -q" "docker compose -f '$compose_file' config -q"

# name <TAB> median <TAB> mean <TAB> stddev <TAB> min <TAB> max, in seconds
if [[ $json == jq ]]; then
    rows=$(jq -r '.results[] | [.command, .median, .mean, .stddev, .min, .max] | @tsv' "$results")
else
    rows=$(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("\t".join(str(v) for v in [r["command"], r["median"], r["mean"], r["stddev"], r["min"], r["max"]]))
' "$results")
fi

echo
echo "$services services, $runs runs after $warmup warmups ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):"
awk -F'\t' -v target="$([[ $services == 100 ]] && echo 25 || echo)" '
    BEGIN { printf "  %-26s %12s %12s %12s %12s\n", "command", "median", "mean", "min", "max" }
    {
        printf "  %-26s %9.2f ms %9.2f ms %9.2f ms %9.2f ms\n", $1, $2 * 1000, $3 * 1000, $5 * 1000, $6 * 1000
        median[NR] = $2
    }
    END {
        printf "  ratio of medians (docker compose config / exo generate): %.1fx\n", median[2] / median[1]
        if (target != "") {
            printf "  target: exo generate median < %d ms on 100 services: %s\n", target,
                (median[1] * 1000 < target ? "met" : "MISSED")
        }
    }' <<<"$rows"
