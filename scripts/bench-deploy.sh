#!/usr/bin/env bash
# Deploying the shop to a three-node Swarm: exo deploy against
# `docker stack deploy --detach=false` on the same generated stack file, on the
# same cluster, in the same run; and a redeploy of one changed service.
#
# Usage: scripts/bench-deploy.sh [--runs N]   (default 5; needs the Docker engine:
#        run it under `flock /tmp/exo-docker.lock`)
#
# Images are built and pushed once before the runs, so both sides start from a
# registry that has them. Each run starts from an empty stack. Reported, as
# medians: exo deploy until it exits (every service converged, in dependency
# order); docker stack deploy until it returns, and until every service runs
# healthy (polled every 100 ms with `docker service ls`); exo deploy after one
# service's code changed (build, push, rolling update of that service).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=5
[[ "${1:-}" == --runs ]] && RUNS=$2
NAME=exo-bench-deploy
EXO=$PWD/target/release/exo
STACK=shop-staging

cargo build --release --quiet
APP=$(mktemp -d "${TMPDIR:-/tmp}/exo-bench-deploy.XXXXXX")
# The cluster's containers live on the local engine; DOCKER_HOST names the manager below.
LOCAL_DOCKER_HOST=${DOCKER_HOST-}
cleanup() {
    if [[ -n "$LOCAL_DOCKER_HOST" ]]; then export DOCKER_HOST=$LOCAL_DOCKER_HOST; else unset DOCKER_HOST; fi
    bash scripts/swarm-cluster.sh down "$NAME"
    rm -rf "$APP"
}
trap cleanup EXIT
settings=$(bash scripts/swarm-cluster.sh up "$NAME")
export $settings
cp -r fixtures/shop/. "$APP"
rm -rf "$APP/docker-compose"
sed -i "s|registry: 127.0.0.1:5000|registry: $REGISTRY|" "$APP/application.yml"

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

all_healthy() {
    local lines
    lines=$(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Replicas}}')
    [[ $(wc -l <<<"$lines") -eq 4 ]] && ! grep -qv '^1/1' <<<"$lines"
}

remove_stack() {
    docker stack rm "$STACK" >/dev/null 2>&1 || true
    while [[ -n "$(docker network ls -q --filter "label=com.docker.stack.namespace=$STACK")" ]]; do
        docker network rm "${STACK}_default" >/dev/null 2>&1 || sleep 0.5
    done
}

echo "warm-up: building and pushing the images" >&2
"$EXO" -C "$APP" deploy staging >/dev/null 2>&1
for role in api web worker; do
    tag=$(docker service inspect "${STACK}_$role" --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | sed 's/@.*//; s/.*://')
    export "EXO_TAG_$(tr a-z A-Z <<<"$role")=$tag"
done
remove_stack

exo_times=() ; stack_return=() ; stack_healthy=() ; redeploy=()
for ((run = 1; run <= RUNS; run++)); do
    start=$(now)
    "$EXO" -C "$APP" deploy staging >/dev/null 2>&1
    exo_times+=("$(since "$start")")

    printf '# run %s\n' "$run" >>"$APP/worker/worker.sh"
    start=$(now)
    "$EXO" -C "$APP" deploy staging >/dev/null 2>&1
    redeploy+=("$(since "$start")")
    remove_stack

    start=$(now)
    docker stack deploy --detach=false -c "$APP/docker-compose/deploy_staging.yml" "$STACK" >/dev/null 2>&1
    stack_return+=("$(since "$start")")
    until all_healthy; do sleep 0.1; done
    stack_healthy+=("$(since "$start")")
    remove_stack
    echo "run $run: exo ${exo_times[-1]} s, stack deploy returned ${stack_return[-1]} s, healthy ${stack_healthy[-1]} s, one-service redeploy ${redeploy[-1]} s" >&2
done

printf 'runs: %s (3 nodes, 4 services)\n' "$RUNS"
printf 'exo deploy until converged (in order, healthy):     %.2f s\n' "$(printf '%s\n' "${exo_times[@]}" | median)"
printf 'docker stack deploy --detach=false, returned:       %.2f s\n' "$(printf '%s\n' "${stack_return[@]}" | median)"
printf 'docker stack deploy, until every service healthy:   %.2f s\n' "$(printf '%s\n' "${stack_healthy[@]}" | median)"
printf 'exo deploy of one changed service (build, push, update): %.2f s\n' "$(printf '%s\n' "${redeploy[@]}" | median)"
