#!/usr/bin/env bash
# Runs the test command (cargo test --locked) RUNS times in a row in one fresh clone of
# this repository while a second fresh clone runs it again and again at the
# same time, on the same Docker engine: the check that the suite is neither
# flaky under load nor disturbed by a second copy of itself.
#
#   scripts/stress-tests.sh [RUNS]      # RUNS defaults to 5
#
# The clones are made from HEAD under a temporary directory and share
# nothing but the engine; each builds exo first (a few minutes). Prints one
# line per run of the first clone and a last line with the second clone's
# runs; exits 1 if any run of either failed, keeping the directory and the
# runs' logs, which is removed otherwise.
set -euo pipefail

runs=${1:-5}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/exo-stress.XXXXXX")
git clone -q "$repo" "$work/first"
git clone -q "$repo" "$work/second"
echo "commit $(git -C "$work/first" rev-parse --short HEAD); logs in $work"

(
    cd "$work/second"
    n=0
    while [[ ! -e "$work/done" ]]; do
        n=$((n + 1))
        if CI=true cargo test --locked >"$work/second.$n.log" 2>&1; then
            echo ok >>"$work/second.results"
        else
            echo "failed (second.$n.log)" >>"$work/second.results"
        fi
    done
) &
second=$!

failed=0
for i in $(seq "$runs"); do
    began=$(date +%s)
    if (cd "$work/first" && CI=true cargo test --locked >"$work/first.$i.log" 2>&1); then
        verdict=passed
    else
        verdict=FAILED
        failed=1
        grep -E '^test .* FAILED$' "$work/first.$i.log" || true
    fi
    echo "run $i: $verdict in $(($(date +%s) - began)) s"
done
touch "$work/done"
wait "$second"
echo "second clone: $(grep -c '^ok' "$work/second.results") passed, $(grep -vc '^ok' "$work/second.results") failed, at the same time"
if grep -q -v '^ok' "$work/second.results"; then
    failed=1
fi
if ((failed)); then
    echo "logs kept in $work"
else
    rm -rf "$work"
fi
exit "$failed"
