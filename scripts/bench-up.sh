#!/usr/bin/env bash
# Times bringing up a three-level chain (a <- b <- c, each ready READY_AFTER
# = 2 s after it starts) with `exo compose up -d --wait` and with plain
# `docker compose up -d --wait` on the same generated file, and measures
# exo's own CPU and memory while an application runs under `exo run`.
#
#   scripts/bench-up.sh               # 5 runs of each, 30 s of `exo run`
#   scripts/bench-up.sh --runs 9 --idle 60
#
# Applications (copied to a temporary directory under a unique name, so that
# neither the tree, nor the images and projects of other runs are touched):
#   health  fixtures/chain with benches/apps/upchain over it: Compose healthchecks (busybox wget every
#           200 ms, `depends_on: condition: service_healthy`), which both exo
#           and Compose wait for: the fair comparison.
#   probe   fixtures/chain as it is: exo's host-side HTTP probes (every
#           50 ms); exo only, since Compose cannot express them.
# Each round (N rounds, in alternating order): exo and compose on `health`,
# exo on `probe`, then the baseline, each after `down -t 0`. The images are
# built once beforehand; exo's `up` still reads the build inputs to find
# that nothing changed, which is counted in its total since it is part of
# the command.
#
# Measured, from Docker's own clock:
#   total     wall clock of the command (until every service is ready)
#   hand-off  dependency ready -> dependent's .State.StartedAt, per link.
#             "ready" = the `health_status: healthy` event (health; the
#             events are followed live: the engine keeps only the last 256,
#             and Health.Log only the last 5 checks), or the
#             container's "listening on port" line in `docker logs
#             --timestamps` (probe: the time it began to serve).
#   baseline  `docker start` of a created, stopped container: issuing the
#             command -> its .State.StartedAt.
#   pre/post  command start -> a's StartedAt; c ready -> command exit.
#   exo only: hand-off split at the time exo printed "<svc> starting" on
#             stderr (decision, just before it runs `docker start`), and
#             its pre split there too (a start with nothing changed builds
#             nothing and runs no Compose before it).
#             (Each line of stderr is time-stamped as it arrives.)
#   run       `exo run` on `health` in the foreground for --idle seconds
#             after it is ready: exo's CPU (utime+stime of /proc/PID/stat)
#             and RSS (VmRSS, VmHWM), and its child processes separately.
#
# Targets: exo's hand-off <= baseline + 100 ms; exo's total < Compose's;
# exo under `exo run`: < 1% of a core and < 30 MB RSS.
#
# Everything it creates (containers, networks, volumes, images, the
# temporary directory) is removed at the end, also on failure or Ctrl-C.
# Keep the raw data with --keep DIR (per-run TSV, events, stamped stderr).
#
# Needs: cargo, jq, Docker with Compose v2, the image exo-base/busybox:1
# (scripts/provision.sh).
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

runs=5
idle=30
keep=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --idle) idle=${2:?--idle needs a number of seconds}; shift 2 ;;
    --idle=*) idle=${1#*=}; shift ;;
    --keep) keep=${2:?--keep needs a directory}; shift 2 ;;
    --keep=*) keep=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$0: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
for value in "$runs" "$idle"; do
    if ! [[ $value =~ ^[0-9]+$ ]] || ((value == 0)); then
        echo "$0: expected a positive number, got '$value'" >&2
        exit 2
    fi
done

export LC_ALL=C   # a '.' in $EPOCHREALTIME
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$0" "$*" >&2; exit 1; }

command -v jq >/dev/null || die "jq is not installed"
command -v docker >/dev/null || die "docker is not installed"
docker compose version >/dev/null 2>&1 || die "\`docker compose\` (Compose v2) is not available; run scripts/provision.sh"
docker image inspect exo-base/busybox:1 >/dev/null 2>&1 || die "the image exo-base/busybox:1 is missing; run scripts/provision.sh"

say "cargo build --release"
cargo build --release --quiet
exo=$root/target/release/exo

tmp=$(mktemp -d "${TMPDIR:-/tmp}/exo-bench-up.XXXXXX")
suffix=$(tr -dc 'a-z0-9' </dev/urandom | head -c 6 || true)
files=()       # Compose files to take down at the end
projects=()    # their project names (images are <project>-<role>:<mode>)
pids=()        # background processes of this script
cleanup() {
    local status=$? pid file project
    trap - EXIT INT TERM
    set +e
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    for file in "${files[@]}"; do
        docker compose -f "$file" down -t 0 -v --remove-orphans >/dev/null 2>&1
    done
    for project in "${projects[@]}"; do
        # Containers of a half-finished `exo run`, if `down` missed any.
        docker ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r docker rm -f >/dev/null 2>&1
        docker image ls -q --filter "reference=$project-*" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1
        docker network rm "${project}_default" >/dev/null 2>&1
    done
    if [[ -n $keep ]]; then
        mkdir -p "$keep" && cp -r "$tmp"/. "$keep"/ && echo "raw data kept in $keep" >&2
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# The two applications, under unique names
# ---------------------------------------------------------------------------
# prepare_app VARIANT SOURCE [OVERLAY]: copy SOURCE to $tmp/VARIANT renamed,
# with the files of OVERLAY over it, generate its files, build its images.
# Sets app_dir[VARIANT], file[...], project[...].
declare -A app_dir file project
prepare_app() {
    local variant=$1 source=$2 overlay=${3:-} dir=$tmp/$1 name
    name=upbench$suffix$variant
    cp -r "$source" "$dir"
    if [[ -n "$overlay" ]]; then
        cp -r "$overlay/." "$dir"
    fi
    rm -rf "$dir/docker-compose"
    sed -i "s/^name: .*/name: $name/" "$dir/application.yml"
    "$exo" -C "$dir" --no-color generate >"$tmp/generate-$variant.log" 2>&1 \
        || { cat "$tmp/generate-$variant.log" >&2; die "exo generate failed on a copy of $source"; }
    app_dir[$variant]=$dir
    file[$variant]=$dir/docker-compose/run_development.yml
    project[$variant]=$(sed -n 's/^name: //p' "${file[$variant]}")
    files+=("${file[$variant]}")
    projects+=("${project[$variant]}")
    say "building the images of ${project[$variant]} ($source)"
    docker compose -f "${file[$variant]}" build >"$tmp/build-$variant.log" 2>&1 \
        || { tail -n 30 "$tmp/build-$variant.log" >&2; die "building $source failed"; }
}
prepare_app health fixtures/chain benches/apps/upchain
prepare_app probe fixtures/chain
grep -q 'condition: service_healthy' "${file[health]}" \
    || die "${file[health]} has no service_healthy condition: benches/apps/upchain must use command health checks"

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
# Times are integers in ns since the epoch; $EPOCHREALTIME has microseconds.
now_ns() { local t=$EPOCHREALTIME; echo "${t/./}000"; }
to_ns() { date -d "$1" +%s%N; }   # RFC 3339 (Docker's timestamps)

# Each line of stdin, prefixed with the time it was read (microseconds).
stamp() {
    local line
    while IFS= read -r line || [[ -n $line ]]; do
        printf '%s %s\n' "${EPOCHREALTIME/./}" "$line"
    done
}

down() {
    docker compose -f "$1" down -t 0 -v --remove-orphans >/dev/null 2>&1 \
        || die "docker compose -f $1 down failed"
}

# started_at FILE SERVICE: .State.StartedAt of its container, in ns.
started_at() {
    local id
    id=$(docker compose -f "$1" ps -aq "$2")
    [[ -n $id ]] || return 0
    to_ns "$(docker inspect -f '{{.State.StartedAt}}' "$id")"
}

# serving_at FILE SERVICE: when the container printed "listening on port".
serving_at() {
    local id line
    id=$(docker compose -f "$1" ps -aq "$2")
    line=$(docker logs --timestamps "$id" 2>&1 | grep -m1 'listening on port' || true)
    [[ -n $line ]] && to_ns "${line%% *}"
    return 0
}

# event_at EVENTS SERVICE ACTION: time of the first such event, in ns.
event_at() {
    jq -r --arg s "$2" --arg a "$3" \
        'select(.Actor.Attributes["com.docker.compose.service"] == $s and .Action == $a) | .timeNano' \
        "$1" | head -n 1
}

# stamp_of STDERR SERVICE: when exo printed "<service> starting", in ns.
stamp_of() {
    awk -v s="$2" '$2 == s && ($3 == "starting" || $3 == "starting:") { print $1 "000"; exit }' "$1"
}

bench_end=bench-up-command-ended   # the marker line of run_up
diff_ns() { [[ -n ${1:-} && -n ${2:-} ]] && echo $(($2 - $1)) || echo -; }

# variant tool run total pre ab bc post, then for exo: ready->decided and
# decided->StartedAt for a->b and b->c, and its steps before a starts:
# command->"a starting", "a starting"->StartedAt
results=$tmp/results.tsv   # all in ns
baseline=$tmp/baseline.tsv # run service ns
mkdir -p "$tmp/runs"

# run_up VARIANT TOOL RUN: one timed `up -d --wait`, then its data, then down.
run_up() {
    local variant=$1 tool=$2 run=$3
    local f=${file[$variant]} p=${project[$variant]} base=$tmp/runs/$variant-$tool-$run
    local cmd
    if [[ $tool == exo ]]; then
        cmd=("$exo" -C "${app_dir[$variant]}" --no-color compose up -d --wait)
    else
        cmd=(docker compose -f "$f" up -d --wait)
    fi
    down "$f"
    # Docker keeps only the last 256 events and the health checks make ~45
    # a second, so they are followed live rather than asked for afterwards.
    local since
    since=$(now_ns)
    docker events --since "${since:0:10}.${since:10:9}" --format '{{json .}}' \
        --filter type=container --filter "label=com.docker.compose.project=$p" \
        --filter event=start --filter event=health_status >"$base.events" 2>/dev/null &
    local events_pid=$!
    pids+=("$events_pid")
    sleep 1   # let the follower and the previous `down` settle

    # stderr goes through `stamp`; the command's end and exit code are the
    # last line of that stream, written as soon as it exits.
    local t0 t1 rc end
    t0=$(now_ns)
    {
        echo bench-up-command-starts
        rc=0
        "${cmd[@]}" 2>&1 >"$base.out" || rc=$?
        end=$EPOCHREALTIME
        printf '%s %s %s\n' "$bench_end" "${end/./}000" "$rc"
    } | stamp >"$base.err"
    read -r _ _ t1 rc < <(grep " $bench_end " "$base.err" | tail -n 1) || true
    [[ -n ${t1:-} && -n ${rc:-} ]] || die "$variant/$tool run $run: lost the end of \`${cmd[*]}\`"
    if ((rc != 0)); then
        cat "$base.err" >&2
        die "$variant/$tool run $run: \`${cmd[*]}\` exited with $rc"
    fi

    # ready times
    local ready_a ready_b ready_c
    if [[ $variant == health ]]; then
        local i
        for ((i = 0; i < 50; i++)); do   # up to 5 s for the last event to arrive
            [[ $(grep -c 'health_status: healthy' "$base.events" || true) -ge 3 ]] && break
            sleep 0.1
        done
        ready_a=$(event_at "$base.events" a "health_status: healthy")
        ready_b=$(event_at "$base.events" b "health_status: healthy")
        ready_c=$(event_at "$base.events" c "health_status: healthy")
    else
        ready_a=$(serving_at "$f" a)
        ready_b=$(serving_at "$f" b)
        ready_c=$(serving_at "$f" c)
    fi
    kill "$events_pid" 2>/dev/null || true
    wait "$events_pid" 2>/dev/null || true
    local start_a start_b start_c
    start_a=$(started_at "$f" a)
    start_b=$(started_at "$f" b)
    start_c=$(started_at "$f" c)
    local exo_b="" exo_c="" exo_a=""
    if [[ $tool == exo ]]; then
        exo_a=$(stamp_of "$base.err" a)
        exo_b=$(stamp_of "$base.err" b)
        exo_c=$(stamp_of "$base.err" c)
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$tool" "$run" \
        "$((t1 - t0))" "$(diff_ns "$t0" "$start_a")" \
        "$(diff_ns "$ready_a" "$start_b")" "$(diff_ns "$ready_b" "$start_c")" \
        "$(diff_ns "$ready_c" "$t1")" \
        "$(diff_ns "$ready_a" "$exo_b")" "$(diff_ns "$exo_b" "$start_b")" \
        "$(diff_ns "$ready_b" "$exo_c")" "$(diff_ns "$exo_c" "$start_c")" \
        "$(diff_ns "$t0" "$exo_a")" "$(diff_ns "$exo_a" "$start_a")" >>"$results"
    awk -F'\t' -v r="$run" -v t="$tool" -v v="$variant" 'END {
        printf "    run %s %-7s %-6s total %7.0f ms, a->b %5.0f ms, b->c %5.0f ms\n", r, t, v, $4 / 1e6, $6 / 1e6, $7 / 1e6
    }' "$results" >&2
    down "$f"
}

# run_baseline RUN: `docker start` of the created, stopped containers of b and
# c (no readiness waiting involved), issue -> StartedAt.
run_baseline() {
    local run=$1 f=${file[health]} service id t0 started
    down "$f"
    docker compose -f "$f" up --no-start >/dev/null 2>&1 || die "docker compose up --no-start failed"
    sleep 1
    for service in b c; do
        id=$(docker compose -f "$f" ps -aq "$service")
        t0=$(now_ns)
        docker start "$id" >/dev/null
        started=$(to_ns "$(docker inspect -f '{{.State.StartedAt}}' "$id")")
        printf '%s\t%s\t%s\n' "$run" "$service" "$((started - t0))" >>"$baseline"
    done
    awk -F'\t' -v r="$run" 'END { printf "    run %s baseline docker start: %.0f ms\n", r, $3 / 1e6 }' "$baseline" >&2
    down "$f"
}

# ---------------------------------------------------------------------------
# 1-3. Totals, hand-offs and the baseline, in rounds
# ---------------------------------------------------------------------------
say "$runs rounds: exo and compose on ${project[health]}, exo on ${project[probe]}, baseline"
for ((run = 1; run <= runs; run++)); do
    if ((run % 2)); then
        run_up health exo "$run"
        run_up health compose "$run"
    else
        run_up health compose "$run"
        run_up health exo "$run"
    fi
    run_up probe exo "$run"
    run_baseline "$run"
done

# ---------------------------------------------------------------------------
# 4. exo run in the foreground: exo's CPU and memory once it is ready
# ---------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
cpu_ticks() { # utime + stime of PID (fields 14 and 15; after the ")" of comm)
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    echo $((fields[11] + fields[12]))
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
descendants() {
    local pid child
    for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

say "exo run on ${project[health]} in the foreground, sampled for $idle s after it is ready"
down "${file[health]}"
# What exo prints once everything is ready ("all 3 containers are ready in ..").
ready_line='containers (are )?ready|Ctrl-C stops'
run_out=$tmp/run.out
run_err=$tmp/run.err
run_launched=$(now_ns)
"$exo" -C "${app_dir[health]}" --no-color run >"$run_out" 2>"$run_err" &
exo_pid=$!
pids+=("$exo_pid")
for ((i = 0; i < 1200; i++)); do   # up to 60 s
    grep -Eqs "$ready_line" "$run_err" && break
    kill -0 "$exo_pid" 2>/dev/null || { cat "$run_err" >&2; die "exo run exited before it was ready"; }
    sleep 0.05
done
grep -Eqs "$ready_line" "$run_err" || { cat "$run_err" >&2; die "exo run was not ready within 60 s"; }
ready_ns=$(now_ns)
ticks_ready=$(cpu_ticks "$exo_pid")
rss_samples=$tmp/rss.tsv   # exo VmRSS kB, children count, children RSS kB
for ((s = 0; s < idle; s++)); do
    sleep 1
    kill -0 "$exo_pid" 2>/dev/null || die "exo run exited while it was sampled"
    kids=$(descendants "$exo_pid")
    kids_rss=0
    kids_count=0
    for kid in $kids; do
        rss=$(status_kb "$kid" VmRSS)
        [[ -n $rss ]] || continue
        kids_rss=$((kids_rss + rss))
        kids_count=$((kids_count + 1))
    done
    printf '%s\t%s\t%s\n' "$(status_kb "$exo_pid" VmRSS)" "$kids_count" "$kids_rss" >>"$rss_samples"
done
ticks_end=$(cpu_ticks "$exo_pid")
end_ns=$(now_ns)
hwm_kb=$(status_kb "$exo_pid" VmHWM)
kid_names=$(for kid in $(descendants "$exo_pid"); do
    tr '\0' ' ' <"/proc/$kid/cmdline" 2>/dev/null | awk '{ print $1, $2, "..." }'
done | sort | uniq -c | sed 's/^ */      /')
kill -TERM "$exo_pid"
for ((i = 0; i < 600; i++)); do   # up to 60 s for its `compose down`
    kill -0 "$exo_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$exo_pid" 2>/dev/null && { kill -KILL "$exo_pid"; echo "$0: exo run did not stop within 60 s of SIGTERM" >&2; }
wait "$exo_pid" 2>/dev/null || true
down "${file[health]}"
down "${file[probe]}"

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
# median_of COLUMN [FILTER-AWK]: median of a column of $results, in ms.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2] / 1e6; else print (v[NR / 2] + v[NR / 2 + 1]) / 2e6 }'; }
col() { # col VARIANT TOOL COLUMN
    awk -F'\t' -v v="$1" -v t="$2" -v c="$3" '$1 == v && $2 == t && $c != "-" { print $c }' "$results" | median
}
range() { # range VARIANT TOOL COLUMN: min-max in ms
    awk -F'\t' -v v="$1" -v t="$2" -v c="$3" '$1 == v && $2 == t && $c != "-" {
        x = $c / 1e6; if (n++ == 0 || x < lo) lo = x; if (n == 1 || x > hi) hi = x
    } END { printf "%.0f-%.0f", lo, hi }' "$results"
}
base_med=$(cut -f3 "$baseline" | median)
base_range=$(awk -F'\t' '{ x = $3 / 1e6; if (NR == 1 || x < lo) lo = x; if (NR == 1 || x > hi) hi = x } END { printf "%.0f-%.0f", lo, hi }' "$baseline")

cpu_pct=$(awk -v t="$((ticks_end - ticks_ready))" -v hz="$clk_tck" -v ns="$((end_ns - ready_ns))" 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) * 100 }')
start_cpu=$(awk -v t="$ticks_ready" -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }')
start_wall=$(awk -v ns="$((ready_ns - run_launched))" 'BEGIN { printf "%.1f", ns / 1e9 }')
rss_med=$(cut -f1 "$rss_samples" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1024 }')
rss_max=$(cut -f1 "$rss_samples" | sort -n | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }')
hwm_mb=$(awk -v k="$hwm_kb" 'BEGIN { printf "%.1f", k / 1024 }')
kids_count=$(cut -f2 "$rss_samples" | sort -n | tail -n 1)
kids_mb=$(cut -f3 "$rss_samples" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1024 }')

exo_total=$(col health exo 4)
compose_total=$(col health compose 4)
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "MISSED") }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

echo
echo "bench-up: $runs runs each, medians (min-max) in ms; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$("$exo" --version) (tree $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)), Docker $(docker version --format '{{.Server.Version}}'), Compose $(docker compose version --short), READY_AFTER=2 s per service"
echo
echo "Total, \`up -d --wait\` until a, b, c are ready (health: Compose healthchecks, same file)"
printf '  %-34s %7s %11s %7s %7s\n' "command" "median" "(range)" "pre" "post"
for row in "health exo exo compose up -d --wait" "health compose docker compose up -d --wait" "probe exo exo compose up -d --wait (probes)"; do
    read -r v t label <<<"$row"
    printf '  %-34s %7.0f %11s %7.0f %7.0f\n' "$label" "$(col "$v" "$t" 4)" "($(range "$v" "$t" 4))" "$(col "$v" "$t" 5)" "$(col "$v" "$t" 8)"
done
awk -v e="$exo_total" -v c="$compose_total" 'BEGIN { printf "  ratio compose / exo (health): %.2fx (exo %s by %.0f ms)\n", c / e, (c > e ? "faster" : "slower"), (c > e ? c - e : e - c) }'
echo "  pre: command start -> a's StartedAt; post: c ready -> the command exits"
printf '  exo'"'"'s pre, from its stderr: %.0f until "a starting", %.0f docker start a\n' \
    "$(col health exo 13)" "$(col health exo 14)"
echo
echo "Hand-off, dependency ready -> dependent's StartedAt"
printf '  %-34s %13s %13s\n' "" "a -> b" "b -> c"
for row in "health exo exo (healthy event)" "health compose compose (healthy event)" "probe exo exo (probe; \"listening\" line)"; do
    read -r v t label <<<"$row"
    printf '  %-34s %5.0f %7s %5.0f %7s\n' "$label" "$(col "$v" "$t" 6)" "($(range "$v" "$t" 6))" "$(col "$v" "$t" 7)" "($(range "$v" "$t" 7))"
done
printf '  %-34s %5.0f %7s\n' "baseline: bare docker start" "$base_med" "($base_range)"
echo "  exo's hand-off split at its \"<svc> starting\" line (stderr): ready -> exo decided / decided -> StartedAt"
for v in health probe; do
    printf '    %-32s a->b %4.0f / %4.0f    b->c %4.0f / %4.0f\n' "$v" "$(col "$v" exo 9)" "$(col "$v" exo 10)" "$(col "$v" exo 11)" "$(col "$v" exo 12)"
done
echo
echo "exo run (${project[health]}), $idle s after ready"
echo "  exo process: CPU $cpu_pct % of a core; RSS median $rss_med MB, max $rss_max MB (peak VmHWM $hwm_mb MB, including the start)"
echo "  exo process during the start: $start_cpu s of CPU in $start_wall s until ready"
echo "  note, not counted above: $kids_count child processes, $kids_mb MB RSS in total:"
echo "$kid_names"
echo
echo "Targets"
for v in health probe; do
    for link in "6 a->b" "7 b->c"; do
        read -r c name <<<"$link"
        h=$(col "$v" exo "$c")
        over=$(awk -v h="$h" -v b="$base_med" 'BEGIN { printf "%.0f", h - b }')
        printf '  exo hand-off %-6s %s <= baseline + 100 ms: %s ms over: %s\n' "$name" "($v)" "$over" "$(le "$over" 100 && verdict 1 || verdict 0)"
    done
done
printf '  exo total < compose total: %.0f vs %.0f ms: %s\n' "$exo_total" "$compose_total" "$(lt "$exo_total" "$compose_total" && verdict 1 || verdict 0)"
printf '  exo run CPU < 1%% of a core: %s %%: %s\n' "$cpu_pct" "$(lt "$cpu_pct" 1 && verdict 1 || verdict 0)"
printf '  exo run RSS < 30 MB: peak %s MB: %s\n' "$hwm_mb" "$(lt "$hwm_mb" 30 && verdict 1 || verdict 0)"
