#!/usr/bin/env bash
# How exo holds up against large input: time and peak memory of whole
# commands, for the book's performance and limits pages (docs/src/).
#
#   scripts/bench-limits.sh                 # 16,000 services, 10 runs
#   scripts/bench-limits.sh --services 4000 --runs 5
#
# 1. `exo check` of a synthetic application of N services
#    (scripts/synthetic-app.sh), with hyperfine: median and range.
# 2. `exo check` of a 50 MB application.yml (one 50 MB environment value):
#    exo reads 8 MiB of it and refuses it; peak RSS from /usr/bin/time -v.
# 3. `exo generate` of an application whose one environment value is 7 MB,
#    shared by 20 services: time, peak RSS and the size of what is written
#    (the value is written once per file, not once per service).
# 4. Peak RSS of `exo check` on the N services.
#
# Builds exo in release mode; everything is written to a temporary
# directory, removed at the end. Needs: cargo, hyperfine, GNU time
# (/usr/bin/time). Docker is not used.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

services=16000
runs=10
while [[ $# -gt 0 ]]; do
    case $1 in
    --services) services=${2:?--services needs a number}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$0: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --locked --quiet --bin exo --manifest-path "$root/Cargo.toml"
exo=$root/target/release/exo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Peak resident memory of a command, in MB, and its exit code.
peak() {
    local code=0
    /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || code=$?
    local kb
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    local wall
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
    echo "peak RSS $((kb / 1024)) MB, wall $wall, exit $code"
}

echo "== 1. exo check, $services services"
"$root/scripts/synthetic-app.sh" "$work/many" "$services" >/dev/null
hyperfine --warmup 2 --runs "$runs" --export-json "$work/check.json" \
    "$exo -C $work/many check"
jq -r '.results[0] | "   median \(.median * 1000 | round) ms (range \(.min * 1000 | round)-\(.max * 1000 | round) ms)"' "$work/check.json"
echo "== 4. peak memory of the same: $(peak "$exo" -C "$work/many" check)"

echo "== 2. exo check, a 50 MB application.yml"
mkdir -p "$work/huge"
{
    printf 'name: huge\nlocal:\n  environment-variables:\n    BIG: '
    head -c 50000000 /dev/zero | tr '\0' x
    printf '\nservices: {}\n'
} >"$work/huge/application.yml"
echo "   $(peak "$exo" -C "$work/huge" check)"
"$exo" -C "$work/huge" check 2>&1 | head -3 | sed 's/^/   /' || true

echo "== 3. exo generate, one 7 MB value shared by 20 services"
mkdir -p "$work/fanout"
{
    printf 'name: fanout\nlocal:\n  environment-variables:\n    BIG: '
    head -c 7000000 /dev/zero | tr '\0' x
    printf '\nservices:\n'
    for i in $(seq 1 20); do
        printf '  s%d:\n    location: ./s%d\n' "$i" "$i"
        mkdir -p "$work/fanout/s$i"
        printf 'type: worker\n' >"$work/fanout/s$i/service.yml"
    done
} >"$work/fanout/application.yml"
echo "   $(peak "$exo" -C "$work/fanout" generate)"
echo "   written: $(du -cb "$work"/fanout/docker-compose/*.yml | tail -1 | cut -f1) bytes in 3 files"
