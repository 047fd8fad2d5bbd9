#!/usr/bin/env bash
# Times a start with nothing changed, side by side in one run:
# `exo compose up -d --wait` against `docker compose up -d --wait` on the
# same generated file of fixtures/chain with benches/apps/upchain over it
# (a <- b <- c, Compose healthchecks, each ready READY_AFTER = 2 s after it
# starts), the images built beforehand, so that exo has nothing to build.
#
#   scripts/bench-start.sh                       # 5 rounds, release build
#   scripts/bench-start.sh --runs 9 --exo target/debug/exo
#   scripts/bench-start.sh --changed             # c's source changed each run
#   scripts/bench-start.sh --stopped             # from stopped containers
#
# With --changed, a line is added to c/server.sh before every run, so each
# start has c's image to build: exo builds it while a and b start (its
# pipelined start), Compose runs `up --build -d --wait`.
#
# With --stopped, each run starts from the containers of the previous one,
# stopped (`stop -t 0`): nothing to create, network and containers there;
# each tool's rounds run in a row, after a start that is not recorded.
#
# Each round runs both tools, in alternating order, each after `down -t 0`
# (or `stop -t 0`).
# Per run: total (wall clock of the command) and first (the command -> the
# earliest .State.StartedAt of the project's containers, Docker's clock).
# Each round also times the floor: a container of a's image, created
# beforehand on a network of its own, started by one Engine API request
# (curl): that request -> its StartedAt is what the engine itself takes, so
# first - floor is the time the tool spends before its first start.
# Each run also splits the wait: the services' own readiness (StartedAt to
# their "listening on port" line) and the engine's healthchecks noticing it
# (that line to the healthy event); with three floors they are a bound no
# tool that waits for the engine's healthchecks goes below.
# Prints every run, then medians and exo/Compose ratios (per round too).
# Everything it creates is removed at the end, also on failure or Ctrl-C.
#
# Needs: cargo, curl, Docker with Compose v2, exo-base/busybox:1
# (scripts/provision.sh).
set -euo pipefail

runs=5
exo=""
changed=0
stopped=0
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --exo) exo=${2:?--exo needs a path}; shift 2 ;;
    --changed) changed=1; shift ;;
    --stopped) stopped=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "$0: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "$0: --runs needs a positive number" >&2; exit 2; }

export LC_ALL=C
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$0" "$*" >&2; exit 1; }
docker image inspect exo-base/busybox:1 >/dev/null 2>&1 || die "exo-base/busybox:1 is missing; run scripts/provision.sh"
if [[ -z $exo ]]; then
    say "cargo build --release"
    cargo build --release --quiet
    exo=$root/target/release/exo
fi
exo=$(realpath "$exo")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/exo-bench-start.XXXXXX")
name=startbench$(tr -dc 'a-z0-9' </dev/urandom | head -c 6 || true)
dir=$tmp/app
file=$dir/docker-compose/run_development.yml
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    set +e
    [[ -f $file ]] && docker compose -f "$file" down -t 0 -v --remove-orphans >/dev/null 2>&1
    docker ps -aq --filter "label=com.docker.compose.project=$name" | xargs -r docker rm -f >/dev/null 2>&1
    docker network rm "$name-floor" >/dev/null 2>&1
    # With --changed, each run's build leaves the image before it untagged,
    # still with the project's label.
    { docker image ls -q --filter "reference=$name-*"
      docker image ls -q --filter "label=com.docker.compose.project=$name"; } \
        | sort -u | xargs -r docker rmi -f >/dev/null 2>&1
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cp -r fixtures/chain "$dir"
cp -r benches/apps/upchain/. "$dir"
rm -rf "$dir/docker-compose" "$dir/.exo"
sed -i "s/^name: .*/name: $name/" "$dir/application.yml"
say "building the images of $name (exo's first start records their inputs)"
"$exo" -C "$dir" --no-color compose up -d --wait >"$tmp/first.log" 2>&1 \
    || { tail -n 30 "$tmp/first.log" >&2; die "the first exo start failed"; }

now_ns() { local t=$EPOCHREALTIME; echo "${t/./}000"; }
down() { docker compose -f "$file" down -t 0 -v --remove-orphans >/dev/null 2>&1 || die "down failed"; }
first_start() {
    docker ps -aq --filter "label=com.docker.compose.project=$name" \
        | xargs -r docker inspect -f '{{.State.StartedAt}}' \
        | xargs -r -n1 date +%s%N -d | sort -n | head -n 1
}

# NS as the seconds Docker's --since and --until take.
seconds() { printf '%d.%09d' $(($1 / 1000000000)) $(($1 % 1000000000)); }
# "APPS CHECKS" in ms, for the run that began at BEGAN_NS: APPS the sum over
# a, b, c of their StartedAt -> their "listening on port" line (each
# service's own readiness), CHECKS the sum of that line -> its healthy
# event (the engine's healthcheck noticing it; every 200 ms, run inside the
# container).
readiness_parts() { # BEGAN_NS
    local began=$1 until apps=0 checks=0 service started listening healthy
    until=$(seconds "$(now_ns)")
    local healthy_at
    healthy_at=$(docker events --since "$(seconds "$began")" --until "$until" \
        --filter type=container --filter event=health_status \
        --filter "label=com.docker.compose.project=$name" \
        --format '{{index .Actor.Attributes "com.docker.compose.service"}} {{.Status}} {{.TimeNano}}')
    for service in a b c; do
        started=$(docker inspect -f '{{.State.StartedAt}}' "$name-$service-1" | xargs date +%s%N -d)
        listening=$(docker logs --timestamps --since "$(seconds "$began")" "$name-$service-1" 2>&1 \
            | awk '/listening on port/ { t = $1 } END { print t }' | xargs date +%s%N -d)
        healthy=$(awk -v s="$service" '$1 == s && $3 == "healthy" { print $4; exit }' <<<"$healthy_at")
        [[ -n $healthy ]] || die "no healthy event of $service"
        apps=$((apps + listening - started))
        checks=$((checks + healthy - listening))
    done
    echo "$((apps / 1000000)) $((checks / 1000000))"
}

results=$tmp/results.tsv
run() { # TOOL ROUND [RECORD=1]
    local began ended first
    if ((stopped)); then
        docker compose -f "$file" stop -t 0 >/dev/null 2>&1 || die "stop failed"
    else
        down
    fi
    ((changed)) && echo "# changed for $1 in round $2" >>"$dir/c/server.sh"
    local build=()
    ((changed)) && build=(--build)
    began=$(now_ns)
    if [[ $1 == exo ]]; then
        "$exo" -C "$dir" --no-color compose up -d --wait >"$tmp/$1-$2.log" 2>&1
    else
        docker compose -f "$file" up "${build[@]}" -d --wait >"$tmp/$1-$2.log" 2>&1
    fi || { tail -n 20 "$tmp/$1-$2.log" >&2; die "$1 up failed in round $2"; }
    ended=$(now_ns)
    first=$(first_start)
    if [[ $1 == exo ]] && ((!changed)) && grep -q '^ *Building' "$tmp/$1-$2.log"; then
        die "exo built in round $2 with nothing changed"
    fi
    ((${3:-1})) || return 0
    local parts
    parts=$(readiness_parts "$began")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" $(((ended - began) / 1000000)) $(((first - began) / 1000000)) $parts | tee -a "$results" >&2
}
floor() { # ROUND
    local began started id
    docker network create "$name-floor" >/dev/null
    id=$(docker create --network "$name-floor" --label "com.docker.compose.project=$name" "$name-a:development")
    began=$(now_ns)
    curl -sf --unix-socket /var/run/docker.sock -X POST "http://docker/containers/$id/start" >/dev/null \
        || die "the floor's start failed"
    started=$(docker inspect -f '{{.State.StartedAt}}' "$id" | xargs date +%s%N -d)
    docker rm -f "$id" >/dev/null
    docker network rm "$name-floor" >/dev/null
    printf 'floor\t%s\t%s\t%s\n' "$1" $(((started - began) / 1000000)) $(((started - began) / 1000000)) | tee -a "$results" >&2
}
say "tool round total_ms first_start_ms apps_ms checks_ms"
if ((stopped)); then
    # Each tool makes the containers again that the other made (their
    # digests differ): its rounds in a row, after an unrecorded start.
    for tool in exo compose; do
        down
        run "$tool" 0 0
        for ((round = 1; round <= runs; round++)); do run "$tool" "$round"; done
    done
    down
    for ((round = 1; round <= runs; round++)); do floor "$round"; done
else
    for ((round = 1; round <= runs; round++)); do
        if ((round % 2)); then run exo "$round"; run compose "$round"; else run compose "$round"; run exo "$round"; fi
        down
        floor "$round"
    done
fi
down

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column() { awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$results" | median; }
what="nothing changed"
((changed)) && what="c's source changed before each run"
((stopped)) && what="$what, from stopped containers"
echo "rounds: $runs (fixtures/chain + benches/apps/upchain, $what)"
for tool in exo compose; do
    echo "$tool: total median $(column "$tool" 3) ms, command -> first start median $(column "$tool" 4) ms"
done
awk '{ t[$1 "," $2] = $3 } END { for (k in t) { split(k, p, ","); if (p[1] == "exo") printf "round %d: exo/compose %.2f\n", p[2], t[k] / t["compose," p[2]] } }' "$results" | sort -n -k2
ratio=$(awk '{ t[$1 "," $2] = $3 } END { for (k in t) { split(k, p, ","); if (p[1] == "exo") print t[k] / t["compose," p[2]] } }' "$results" | median)
echo "exo/compose total: median $ratio"
floor=$(column floor 4)
echo "floor (one start request -> StartedAt): median $floor ms"
for tool in exo compose; do
    echo "$tool: before its first start (first - floor): median $(awk -v f="$floor" -v t="$tool" '$1 == t { print $4 - f }' "$results" | median) ms"
done
echo "the services' own readiness (StartedAt -> 'listening', a + b + c): median $(column exo 5) ms (exo), $(column compose 5) ms (compose)"
echo "the engine's healthchecks noticing it ('listening' -> healthy, a + b + c): median $(column exo 6) ms (exo), $(column compose 6) ms (compose)"
# What neither tool can go below: the services' own readiness, the engine's
# healthchecks and three engine starts (the floor), per exo run.
bound=$(awk -v f="$floor" '$1 == "exo" { print $5 + $6 + 3 * f }' "$results" | median)
echo "the bound for a tool that waits for the engine's healthchecks (apps + checks + 3 x floor): median $bound ms"
echo "exo's own share (total - that bound): median $(awk -v f="$floor" '$1 == "exo" { print $3 - $5 - $6 - 3 * f }' "$results" | median) ms"
echo "0.8 of compose's total: $(awk -v c="$(column compose 3)" 'BEGIN { print 0.8 * c }') ms"

