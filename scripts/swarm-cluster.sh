#!/usr/bin/env bash
# A Docker Swarm of Docker-in-Docker nodes on the local engine, for exo's
# Swarm tests and benchmarks. The local engine itself never enters swarm mode.
#
# Usage:
#   scripts/swarm-cluster.sh up NAME [NODES]   start NAME-node1..N (default 3) and NAME-registry
#                                              on the network NAME; prints the settings as
#                                              shell assignments (DOCKER_HOST=..., REGISTRY=...)
#   scripts/swarm-cluster.sh down NAME         remove every container, network and volume of NAME
#
# Node 1 is the manager; its API is published on 127.0.0.1 (DOCKER_HOST). The
# registry is Debian's docker-registry (scripts/provision.sh installs it), run in
# a container on the nodes' network as NAME-registry:5000; every node's daemon
# trusts it over plain HTTP. The base images exo-base/* are loaded into every node,
# as a cluster would pull public images from Docker Hub.
set -euo pipefail

NODE_IMAGE=exo-swarm-node:1
LABEL=org.exo.swarm-cluster
BASE_IMAGES=(exo-base/busybox:1 exo-base/redis:1)

die() { printf 'swarm-cluster: ERROR: %s\n' "$*" >&2; exit 1; }

down() {
    local name=$1
    local ids
    ids=$(docker ps -aq --filter "label=$LABEL=$name")
    [[ -z "$ids" ]] || docker rm -f -v $ids >/dev/null
    docker network rm "$name" >/dev/null 2>&1 || true
    ids=$(docker volume ls -q --filter "label=$LABEL=$name")
    [[ -z "$ids" ]] || docker volume rm -f $ids >/dev/null
}

# wait_for NODE: until the node's daemon answers (about 7 s).
wait_for() {
    local i
    for ((i = 0; i < 120; i++)); do
        docker exec "$1" docker info >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    docker logs --tail 20 "$1" >&2 || true
    die "$1: its daemon did not start within 60 s"
}

up() {
    local name=$1 nodes=${2:-3}
    [[ "$name" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "a cluster name is lowercase letters, digits and hyphens"
    bash "$(dirname "$0")/swarm-node-image.sh" >&2
    down "$name"
    docker network create --label "$LABEL=$name" "$name" >/dev/null
    local registry="$name-registry:5000" config
    config=$(mktemp "${TMPDIR:-/tmp}/exo-registry.XXXXXX.yml")
    printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\n  delete:\n    enabled: true\nhttp:\n  addr: :5000\n' >"$config"
    chmod 644 "$config"
    docker run -d --name "$name-registry" --network "$name" --label "$LABEL=$name" \
        -v /usr/bin/docker-registry:/usr/local/bin/docker-registry:ro \
        -v "$config:/etc/registry.yml:ro" \
        --entrypoint docker-registry "$NODE_IMAGE" serve /etc/registry.yml >/dev/null
    local i node
    for ((i = 1; i <= nodes; i++)); do
        node="$name-node$i"
        docker volume create --label "$LABEL=$name" "$node" >/dev/null
        docker run -d --name "$node" --hostname "$node" --network "$name" --label "$LABEL=$name" \
            --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined \
            --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
            --cgroupns private -v "$node:/var/lib/docker" -p 127.0.0.1::2375 \
            "$NODE_IMAGE" --insecure-registry "$registry" >/dev/null
    done
    for ((i = 1; i <= nodes; i++)); do wait_for "$name-node$i"; done
    local manager="$name-node1" address token
    address=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$name\").IPAddress}}" "$manager")
    docker exec "$manager" docker swarm init --advertise-addr "$address" >/dev/null
    token=$(docker exec "$manager" docker swarm join-token -q worker)
    for ((i = 2; i <= nodes; i++)); do
        docker exec "$name-node$i" docker swarm join --token "$token" "$address:2377" >/dev/null
    done
    for ((i = 1; i <= nodes; i++)); do
        docker save "${BASE_IMAGES[@]}" | docker exec -i "$name-node$i" docker load -q >/dev/null
    done
    rm -f "$config"
    local port
    port=$(docker port "$manager" 2375/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1)
    echo "DOCKER_HOST=tcp://127.0.0.1:$port"
    echo "REGISTRY=$registry"
}

case "${1:-}" in
    up) [[ $# -ge 2 ]] || die "usage: $0 up NAME [NODES]"; up "$2" "${3:-3}" ;;
    down) [[ $# -eq 2 ]] || die "usage: $0 down NAME"; down "$2" ;;
    -h|--help) sed -n '2,16s/^# \{0,1\}//p' "$0" ;;
    *) die "usage: $0 up NAME [NODES] | down NAME" ;;
esac
