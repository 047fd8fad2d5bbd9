#!/usr/bin/env bash
# Times testing fixtures/quartet, four services whose tests each need one
# Redis store that becomes ready about 2 s after it starts, two ways, side by
# side in one run:
#
#   exo test      `exo test`: the store started once and shared, the four
#                 tests in parallel (--jobs: two per CPU) once it is
#                 ready, then everything removed.
#   one by one    Exosphere 0.37's way, with `docker compose` alone on the
#                 same docker-compose/test.yml: for each service in turn,
#                 `up --abort-on-container-exit --exit-code-from ROLE --build
#                 ROLE` (a fresh store, waited for through its healthcheck),
#                 then `down`.
#
#   scripts/bench-test.sh              # 5 runs of each after 1 warmup
#   scripts/bench-test.sh --runs 10
#
# The application is copied to a temporary directory under a name of its
# own, so its images and Compose projects are this run's; the images are
# built once beforehand, and each timed command still runs its own (cached)
# build step, as each way would in practice. Uses hyperfine when present
# (medians of its runs), else a plain loop (medians of `date` differences).
# Target: exo test at least 4x faster than one by one (issue 24).
#
# Everything it creates (containers, networks, volumes, images, the
# temporary directory) is removed at the end, also on failure or Ctrl-C.
#
# Needs: cargo (or EXO=path/to/exo), Docker with Compose v2 and the image
# exo-base/redis:1 (scripts/provision.sh); hyperfine and jq or python3 for
# the hyperfine path.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

runs=5
warmup=1
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$0: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
if ! [[ $runs =~ ^[0-9]+$ ]] || ((runs == 0)); then
    echo "$0: expected a positive number of runs, got '$runs'" >&2
    exit 2
fi

export LC_ALL=C   # a '.' in $EPOCHREALTIME
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if ! docker compose version >/dev/null 2>&1; then
    echo "$0: \`docker compose\` (Compose v2) is not available; run scripts/provision.sh" >&2
    exit 1
fi

if [[ -z ${EXO:-} ]]; then
    echo "==> cargo build --release" >&2
    cargo build --release --quiet
    EXO=${CARGO_TARGET_DIR:-$root/target}/release/exo
fi

name=bench-test-$$
exo_project=${name}-exo
compose_project=${name}-compose
roles=(alpha beta gamma delta)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/exo-bench-test.XXXXXX")
app=$tmp/app
file=$app/docker-compose/test.yml

clean_up() {
    for project in "$exo_project" "$compose_project"; do
        docker compose -f "$file" -p "$project" down -v --remove-orphans -t 0 >/dev/null 2>&1 || true
    done
    local images
    # Each project's images are tagged with its own name.
    images=$(docker image ls -q --filter "reference=$exo_project-*" --filter "reference=$compose_project-*" 2>/dev/null || true)
    [[ -z $images ]] || docker image rm -f $images >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap clean_up EXIT

cp -r fixtures/quartet "$app"
sed -i "s/^name: quartet$/name: $name/" "$app/application.yml"
"$EXO" -C "$app" --no-color generate >/dev/null 2>&1
echo "==> building the test images once" >&2
docker compose -f "$file" -p "$exo_project" build >/dev/null 2>&1

exo_test="'$EXO' -C '$app' --no-color test -p '$exo_project'"
one_by_one=$tmp/one-by-one.sh
{
    echo 'set -e'
    for role in "${roles[@]}"; do
        echo "docker compose -f '$file' -p '$compose_project' up --abort-on-container-exit --exit-code-from $role --build $role"
        echo "docker compose -f '$file' -p '$compose_project' down"
    done
} >"$one_by_one"

# name <TAB> median, in seconds
if command -v hyperfine >/dev/null && command -v jq >/dev/null; then
    results=$tmp/hyperfine.json
    hyperfine --warmup "$warmup" --runs "$runs" --export-json "$results" --output null \
        --command-name "exo test" "$exo_test" \
        --command-name "one by one (0.37)" "bash '$one_by_one'"
    rows=$(jq -r '.results[] | [.command, .median] | @tsv' "$results")
else
    echo "==> hyperfine or jq is missing: timing a plain loop" >&2
    median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
    time_runs() {
        local command=$1 i start
        for ((i = 0; i < warmup + runs; i++)); do
            start=$EPOCHREALTIME
            bash -c "$command" >/dev/null 2>&1
            ((i < warmup)) || awk -v end="$EPOCHREALTIME" -v start="$start" 'BEGIN { print end - start }'
        done | median
    }
    rows=$(printf 'exo test\t%s\none by one (0.37)\t%s\n' \
        "$(time_runs "$exo_test")" "$(time_runs "bash '$one_by_one'")")
fi

echo
echo "fixtures/quartet, ${#roles[@]} services sharing one store; $runs runs after $warmup warmup ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):"
awk -F'\t' '
    { printf "  %-20s median %6.2f s\n", $1, $2; median[NR] = $2 }
    END {
        ratio = median[2] / median[1]
        printf "  one by one / exo test: %.1fx (target: at least 4x: %s)\n", ratio, (ratio >= 4 ? "met" : "MISSED")
    }' <<<"$rows"
