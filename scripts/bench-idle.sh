#!/usr/bin/env bash
# CPU and memory of `exo run` and of `docker compose up`, side by side, on
# the same 10-service application idle for a minute: each tool's own
# process and every process it keeps running (its descendants: for Compose,
# the `docker` CLI and its `compose` plugin; for exo, none: it talks to the
# Engine API itself).
#
#   scripts/bench-idle.sh                  # 1 round of each, 60 s idle
#   scripts/bench-idle.sh --rounds 3 --idle 60 --services 10
#
# The application (written to a temporary directory under a unique name):
# N busybox services, each serving a page on port 8080 with a Compose
# healthcheck (wget every second, in the container), `svc-01` onwards depending on the one before (so exo waits for
# readiness, and Compose's `depends_on` too). Both tools run the same
# generated file, one after the other (in alternating order per round),
# each brought up from created containers and left idle for --idle seconds
# once ready (exo: its "ready" line; Compose: every container healthy).
#
# Sampled once a second over the idle window, summed over the tool's process
# tree: RSS (VmRSS) and PSS (Pss of /proc/PID/smaps_rollup, shared pages
# split among the processes that map them), medians; CPU as the change of
# utime+stime of the whole tree over the window, in % of one core.
#
# Targets: exo in all under 30 MB RSS and under 0.5 % of a core.
#
# Everything it creates (containers, networks, images, the temporary
# directory) is removed at the end, also on failure or Ctrl-C.
#
# Needs: cargo, Docker with Compose v2, the image exo-base/busybox:1
# (scripts/provision.sh). Run it under the shared lock on a shared machine:
# `flock /tmp/exo-docker.lock scripts/bench-idle.sh`.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

rounds=1
idle=60
services=10
while [[ $# -gt 0 ]]; do
    case $1 in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --idle) idle=${2:?--idle needs a number of seconds}; shift 2 ;;
    --services) services=${2:?--services needs a number}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$0: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
for value in "$rounds" "$idle" "$services"; do
    if ! [[ $value =~ ^[0-9]+$ ]] || ((value == 0)); then
        echo "$0: expected a positive number, got '$value'" >&2
        exit 2
    fi
done

export LC_ALL=C
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$0" "$*" >&2; exit 1; }

command -v docker >/dev/null || die "docker is not installed"
docker compose version >/dev/null 2>&1 || die "\`docker compose\` (Compose v2) is not available; run scripts/provision.sh"
docker image inspect exo-base/busybox:1 >/dev/null 2>&1 || die "the image exo-base/busybox:1 is missing; run scripts/provision.sh"

say "cargo build --release"
cargo build --release --quiet
exo=$root/target/release/exo

tmp=$(mktemp -d "${TMPDIR:-/tmp}/exo-bench-idle.XXXXXX")
name=idlebench$(tr -dc 'a-z0-9' </dev/urandom | head -c 6 || true)
app=$tmp/$name
file=$app/docker-compose/run_development.yml
tool_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    set +e
    if [[ -n $tool_pid ]]; then
        kill -TERM "$tool_pid" 2>/dev/null && wait "$tool_pid" 2>/dev/null
    fi
    docker compose -f "$file" -p "$name" down -t 0 -v --remove-orphans >/dev/null 2>&1
    docker ps -aq --filter "label=com.docker.compose.project=$name" | xargs -r docker rm -f >/dev/null 2>&1
    docker image ls -q --filter "reference=$name-*" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------
mkdir -p "$app"
{
    echo "name: $name"
    echo "services:"
    for ((i = 0; i < services; i++)); do
        printf '  svc-%02d:\n    location: ./svc-%02d\n' "$i" "$i"
    done
} >"$app/application.yml"
for ((i = 0; i < services; i++)); do
    dir=$app/$(printf 'svc-%02d' "$i")
    mkdir -p "$dir/www"
    echo "svc $i" >"$dir/www/index.html"
    {
        echo "type: private"
        echo "development:"
        echo "  port: 8080"
        echo "  scripts:"
        echo "    run: ./server.sh"
        # A Compose healthcheck, which both tools wait for.
        echo "  health-check:"
        echo "    command: wget -q -O /dev/null http://127.0.0.1:8080/"
        echo "    interval: 1s"
        echo "    start-period: 30s"
        if ((i > 0)); then
            printf '  depends-on: [svc-%02d]\n' $((i - 1))
        fi
    } >"$dir/service.yml"
    cat >"$dir/server.sh" <<'EOF'
#!/bin/sh
# Serves www/ on 8080; stops at once on SIGTERM (httpd is a child: PID 1
# ignores SIGTERM).
cd "$(dirname "$0")" || exit 1
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
httpd -f -p 8080 -h www &
pid=$!
wait "$pid"
EOF
    chmod +x "$dir/server.sh"
    printf 'FROM exo-base/busybox:1\nWORKDIR /mnt\nCOPY . /mnt\nCMD ["./server.sh"]\n' >"$dir/Dockerfile.dev"
    cp "$dir/Dockerfile.dev" "$dir/Dockerfile.prod"
done
"$exo" -C "$app" --no-color generate >"$tmp/generate.log" 2>&1 \
    || { cat "$tmp/generate.log" >&2; die "exo generate failed"; }
say "building the images of $name ($services services)"
docker compose -f "$file" -p "$name" build >"$tmp/build.log" 2>&1 \
    || { tail -n 30 "$tmp/build.log" >&2; die "building failed"; }

# ---------------------------------------------------------------------------
# Measuring a process tree
# ---------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
tree() {
    local pid child
    echo "$1"
    for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        tree "$child"
    done
}
# ticks PIDS...: utime + stime summed (fields 14 and 15, after comm's ")").
ticks() {
    local pid stat total=0
    for pid in "$@"; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        stat=${stat##*) }
        read -r -a fields <<<"$stat"
        total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}
# kb FIELD FILE PIDS...: FIELD of /proc/PID/FILE summed, in kB.
kb() {
    local field=$1 source=$2 pid total=0 value
    shift 2
    for pid in "$@"; do
        value=$(awk -v k="$field:" '$1 == k { print $2 }' "/proc/$pid/$source" 2>/dev/null)
        total=$((total + ${value:-0}))
    done
    echo "$total"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

results=$tmp/results.tsv   # tool, round, cpu %, rss MB, pss MB, processes
# measure TOOL ROUND: samples the tree of $tool_pid for $idle seconds.
measure() {
    local tool=$1 round=$2 pids before after samples=$tmp/samples-$1-$2.tsv s
    sleep 2   # let the start's last work settle
    mapfile -t pids < <(tree "$tool_pid")
    before=$(ticks "${pids[@]}")
    for ((s = 0; s < idle; s++)); do
        sleep 1
        kill -0 "$tool_pid" 2>/dev/null || die "$tool exited while it was measured"
        mapfile -t pids < <(tree "$tool_pid")
        printf '%s\t%s\t%s\n' "$(kb VmRSS status "${pids[@]}")" "$(kb Pss smaps_rollup "${pids[@]}")" "${#pids[@]}" >>"$samples"
    done
    after=$(ticks "${pids[@]}")
    local cpu rss pss count
    cpu=$(awk -v t=$((after - before)) -v hz="$clk_tck" -v s="$idle" 'BEGIN { printf "%.2f", 100 * t / hz / s }')
    rss=$(cut -f1 "$samples" | median | awk '{ printf "%.1f", $1 / 1024 }')
    pss=$(cut -f2 "$samples" | median | awk '{ printf "%.1f", $1 / 1024 }')
    count=$(cut -f3 "$samples" | median)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$cpu" "$rss" "$pss" "$count" >>"$results"
    say "$tool: CPU $cpu % of a core, RSS $rss MB, PSS $pss MB, $count processes"
}

stop_tool() {
    kill -TERM "$tool_pid" 2>/dev/null
    for ((i = 0; i < 600; i++)); do
        kill -0 "$tool_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$tool_pid" 2>/dev/null || true
    wait "$tool_pid" 2>/dev/null || true
    tool_pid=""
    docker compose -f "$file" -p "$name" down -t 0 --remove-orphans >/dev/null 2>&1
}

run_exo() {
    "$exo" -C "$app" --no-color run --no-watch --no-build >"$tmp/exo.out" 2>"$tmp/exo.err" &
    tool_pid=$!
    for ((i = 0; i < 600; i++)); do
        grep -Eqs 'containers are ready' "$tmp/exo.err" && return 0
        kill -0 "$tool_pid" 2>/dev/null || { cat "$tmp/exo.err" >&2; die "exo run exited before it was ready"; }
        sleep 0.1
    done
    die "exo run was not ready within 60 s"
}

run_compose() {
    docker compose -f "$file" -p "$name" up --no-build >"$tmp/compose.out" 2>&1 &
    tool_pid=$!
    local healthy
    for ((i = 0; i < 600; i++)); do
        healthy=$(docker ps -q --filter "label=com.docker.compose.project=$name" --filter health=healthy | wc -l)
        ((healthy == services)) && return 0
        kill -0 "$tool_pid" 2>/dev/null || { cat "$tmp/compose.out" >&2; die "docker compose up exited"; }
        sleep 0.1
    done
    die "docker compose up was not ready within 60 s"
}

for ((round = 1; round <= rounds; round++)); do
    order=(exo compose)
    ((round % 2 == 0)) && order=(compose exo)
    for tool in "${order[@]}"; do
        say "round $round: $tool, idle for $idle s once ready"
        "run_$tool"
        measure "$tool" "$round"
        stop_tool
    done
done

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
column() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "$results" | median; }
echo
echo "bench-idle: $services services, $idle s idle, $rounds round(s), medians; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-16s %10s %10s %10s %10s\n' tool "CPU %" "RSS MB" "PSS MB" processes
for tool in exo compose; do
    printf '  %-16s %10s %10s %10s %10s\n' "$tool" "$(column "$tool" 3)" "$(column "$tool" 4)" "$(column "$tool" 5)" "$(column "$tool" 6)"
done
awk -v e="$(column exo 4)" -v c="$(column compose 4)" -v ep="$(column exo 5)" -v cp="$(column compose 5)" \
    'BEGIN { printf "  exo / compose: RSS %.2f, PSS %.2f\n", e / c, ep / cp }'
