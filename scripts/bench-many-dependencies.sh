#!/usr/bin/env bash
# Time and peak memory of `exo generate` for each target when many
# dependencies are used by many services (issue 22), at several scales, for
# the book's performance page (docs/src/performance.md).
#
#   scripts/bench-many-dependencies.sh                       # 1500x10 3000x20 6000x40, 3 runs
#   scripts/bench-many-dependencies.sh --runs 5 6000x40
#   scripts/bench-many-dependencies.sh --exo path/to/exo     # another build, e.g. an older one
#
# Each scale DEPSxSERVICES is written by scripts/many-dependencies-app.sh.
# Each run is `/usr/bin/time -v exo -C DIR generate [kubernetes|terraform]`
# in a fresh copy of the application, so that every file is written; the
# copies are all made first and the runs start 40 s later, so that ext4's
# avoidance of recently freed inodes does not weigh on the files' creation.
# Prints one line per scale and target: the runs' wall time (user + system
# CPU) and maximum RSS, and the bytes written.
#
# Builds exo in release mode unless --exo is given; everything is written
# to a temporary directory below /tmp, removed at the end. Needs: cargo,
# GNU time (/usr/bin/time). Docker is not used.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

runs=3
exo=
scales=()
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --exo) exo=${2:?--exo needs a path}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    [0-9]*x[0-9]*) scales+=("$1"); shift ;;
    *) echo "$0: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ ${#scales[@]} -gt 0 ]] || scales=(1500x10 3000x20 6000x40)

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z $exo ]]; then
    cargo build --release --locked --quiet --bin exo --manifest-path "$root/Cargo.toml"
    exo=${CARGO_TARGET_DIR:-$root/target}/release/exo
fi
work=$(mktemp -d /tmp/exo-many-dependencies.XXXXXX)
trap 'rm -rf "$work"' EXIT

targets=(compose kubernetes terraform)
for scale in "${scales[@]}"; do
    bash "$root/scripts/many-dependencies-app.sh" "$work/app-$scale" "${scale%x*}" "${scale#*x}"
    for target in "${targets[@]}"; do
        for ((run = 1; run <= runs; run++)); do
            cp -r "$work/app-$scale" "$work/$scale-$target-$run"
        done
    done
done
sync
sleep 40

for scale in "${scales[@]}"; do
    for target in "${targets[@]}"; do
        args=(generate)
        output=docker-compose
        if [[ $target != compose ]]; then
            args+=("$target")
            output=$target
        fi
        line="$scale $target:"
        for ((run = 1; run <= runs; run++)); do
            dir=$work/$scale-$target-$run
            /usr/bin/time -v -o "$work/time" "$exo" -C "$dir" "${args[@]}" >/dev/null 2>&1
            wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time")
            user=$(sed -n 's/.*User time (seconds): //p' "$work/time")
            system=$(sed -n 's/.*System time (seconds): //p' "$work/time")
            rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time")
            line+=" ${wall} (${user} + ${system} s) $((rss / 1024)) MB;"
        done
        bytes=$(find "$dir/$output" -type f -exec cat {} + | wc -c)
        echo "$line $((bytes / 1024)) KiB written"
    done
done
