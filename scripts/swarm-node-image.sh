#!/usr/bin/env bash
# Build the Docker-in-Docker node image that exo's Swarm tests run clusters on.
#
# The image is Debian bookworm (minbase) with Debian's docker.io daemon, made with
# debootstrap from the mirror this machine's apt uses (no registry is needed). It
# takes about 4 minutes and is built once: an image with the label below is found
# again and reused. See /work/shared/reference/swarm-nodes.md for why it is made so.
#
# Usage: scripts/swarm-node-image.sh [--rebuild]
set -euo pipefail

IMAGE=exo-swarm-node:1
LABEL=org.exo.swarm-node=1

REBUILD=0
[[ "${1:-}" == --rebuild ]] && REBUILD=1

say() { printf 'swarm-node-image: %s\n' "$*"; }
die() { printf 'swarm-node-image: ERROR: %s\n' "$*" >&2; exit 1; }

present() { [[ -n "$(docker images -q --filter "label=$LABEL" "$IMAGE")" ]]; }

if ((!REBUILD)) && present; then
    say "$IMAGE present"
    exit 0
fi

# Two test runs at once (two clones, or CI beside a developer) would build it
# twice and remove each other's intermediate image: the first builds, the
# others wait here and then find it.
exec 9>"${TMPDIR:-/tmp}/exo-swarm-node-image.lock"
flock 9
if ((!REBUILD)) && present; then
    say "$IMAGE present (built meanwhile by another run)"
    exit 0
fi

if ! command -v debootstrap >/dev/null; then
    ((EUID == 0)) || die "debootstrap is missing: apt-get install -y debootstrap"
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >/dev/null
fi
((EUID == 0)) || die "debootstrap needs root"

# The mirror apt already uses (deb822 or one-line sources).
mirror=$({ grep -rhoE '^URIs: *http[^ ]*/debian/?$|^deb +http[^ ]*/debian/? ' \
    /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true; } \
    | sed -E 's/^URIs: *//; s/^deb +//; s/ +$//' | sed -n 1p)
[[ -n "$mirror" ]] || mirror=http://deb.debian.org/debian

TMP=$(mktemp -d "${TMPDIR:-/tmp}/exo-swarm-node.XXXXXX")
# The imported root file system, removed once the node image is built (or
# the build failed).
ROOTFS=exo-swarm-node-rootfs:$$
trap 'rm -rf "$TMP"; docker rmi "$ROOTFS" >/dev/null 2>&1 || true' EXIT

say "debootstrap from $mirror (about 4 minutes)"
log="$TMP/debootstrap.log"
if ! debootstrap --variant=minbase --include=docker.io,iptables,procps,ca-certificates \
        bookworm "$TMP/rootfs" "$mirror" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "debootstrap failed"
fi
rm -rf "$TMP/rootfs/var/cache/apt/archives/"*.deb "$TMP/rootfs/var/lib/apt/lists/"*
tar -C "$TMP/rootfs" -c . | docker import - "$ROOTFS" >/dev/null

mkdir -p "$TMP/ctx"
cat >"$TMP/ctx/entrypoint" <<'SH'
#!/bin/sh
# The node's cgroup v1 hierarchies arrive read-only: remount each read-write so that
# the inner daemon can create containers, then run dockerd on its socket and TCP 2375.
# Arguments are passed to dockerd (e.g. --insecure-registry HOST:PORT).
set -e
mount | awk '$5 == "cgroup" { print $3, $6 }' | while read -r path opts; do
    controllers=$(echo "$opts" | tr -d '()' | tr ',' '\n' \
        | grep -vE '^(ro|rw|nosuid|nodev|noexec|relatime)$' | paste -sd, -)
    umount "$path"
    mount -t cgroup -o "rw,nosuid,nodev,noexec,relatime,$controllers" cgroup "$path"
done
exec dockerd --host unix:///var/run/docker.sock --host tcp://0.0.0.0:2375 "$@"
SH
cat >"$TMP/ctx/Dockerfile" <<DOCKERFILE
FROM $ROOTFS
COPY entrypoint /usr/local/bin/exo-node-entrypoint
RUN chmod 755 /usr/local/bin/exo-node-entrypoint
VOLUME /var/lib/docker
EXPOSE 2375
LABEL org.exo.swarm-node=1
ENTRYPOINT ["/usr/local/bin/exo-node-entrypoint"]
DOCKERFILE
docker build -q -t "$IMAGE" "$TMP/ctx" >/dev/null
say "built $IMAGE ($(docker image ls "$IMAGE" --format '{{.Size}}'))"
