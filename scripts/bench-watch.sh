#!/usr/bin/env bash
# From a file being saved to the service answering with it again: `exo run`
# (its watch restarts the service) against `docker compose watch` with
# `action: restart`, side by side on the same generated file, and a bare
# `docker restart` as the baseline.
#
#   scripts/bench-watch.sh            # 10 saves per tool
#   scripts/bench-watch.sh --runs 20
#
# The application (benches/apps/watchbench, copied to a temporary directory
# under a unique project name) is one busybox httpd that serves what
# message.txt held when it started, from a bind mount of its directory: a
# new answer means the container restarted. Each save writes a new
# message.txt; the time runs from the write until GET / on the container
# answers with the new text, polled every 5 ms from the host once the engine
# reports the container started. (Polling a stopped container's address
# leaves the host's ARP entry for it failed, which delays the first answer
# of the new run by about a second, for any tool.)
#
#   exo       `exo run`: native file events, acting on the first change
#             (changes during the restart make one more), docker stop +
#             start, host-side readiness
#   compose   `docker compose watch --no-up` with a `develop.watch` entry
#             (path: the service directory, action: restart) added by an
#             override file
#   restart   `docker restart` issued by this script: the container
#             restart alone, no file watching
#
# Target: exo's median < the restart median + 100 ms,
# and below Compose's.
#
# Everything it creates (containers, networks, images, the temporary
# directory) is removed at the end, also on failure or Ctrl-C.
#
# Needs: cargo, python3, Docker with Compose v2, the image exo-base/busybox:1
# (scripts/provision.sh).
set -euo pipefail

runs=10
while [[ $# -gt 0 ]]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
exo=$root/target/release/exo
work=$(mktemp -d)
name=watchbench-$$
cp -r "$root/benches/apps/watchbench" "$work/app"
sed -i "s/^name: .*/name: $name/" "$work/app/application.yml"
"$exo" -C "$work/app" generate >/dev/null
file=$work/app/docker-compose/run_development.yml
cat >"$work/app/docker-compose/watch.yml" <<EOF
services:
  page:
    develop:
      watch:
        - path: ../page
          action: restart
EOF

cleanup() {
    status=$?
    # Best effort from here: a killed process's status must not end the cleanup.
    set +e
    if [[ $status -ne 0 && -f $work/exo.log ]]; then
        echo "--- exo run's output:" >&2
        tail -n 30 "$work/exo.log" >&2
    fi
    [[ -n ${exo_pid:-} ]] && kill -INT "$exo_pid" 2>/dev/null && wait "$exo_pid" 2>/dev/null
    [[ -n ${watch_pid:-} ]] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
    for project in "$name-exo" "$name-compose"; do
        docker compose -f "$file" -p "$project" down -t 0 --remove-orphans >/dev/null 2>&1 || true
    done
    # Each project's image is tagged with its own name.
    docker image rm -f "$name-exo-page:development" "$name-compose-page:development" \
        "$name-page:development" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Saves message.txt RUNS times and times each answer; with --restart, runs
# `docker restart` itself instead of saving.
measure() {
    python3 - "$@" <<'PY'
import json, subprocess, sys, time, urllib.request

project, message, runs, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def container():
    ids = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={project}"],
                         capture_output=True, text=True, check=True).stdout.split()
    return ids[0]

def address(cid):
    fmt = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"
    return subprocess.run(["docker", "inspect", "--format", fmt, cid],
                          capture_output=True, text=True, check=True).stdout.strip()

def answer(ip):
    try:
        with urllib.request.urlopen(f"http://{ip}:8080/", timeout=0.2) as r:
            return r.read().decode().strip()
    except Exception:
        return None

def wait_for(ip, text, limit=30):
    """Until the page answers `text`, or anything when `text` is None."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        said = answer(ip)
        if said is not None and text in (None, said):
            return
        time.sleep(0.005)
    sys.exit(f"{project}: no answer {text!r} within {limit} s")

cid = container()
ip = address(cid)
times = []
for i in range(runs):
    wait_for(ip, None)
    time.sleep(1.0)
    text = f"{mode} {i} {time.time_ns()}"
    started = subprocess.Popen(["docker", "events", "--filter", f"container={cid}",
                                "--filter", "event=start", "--format", "{{.Action}}"],
                               stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    with open(message, "w") as f:
        f.write(text + "\n")
    start = time.monotonic()
    if mode == "restart":
        subprocess.run(["docker", "restart", "-t", "10", cid], capture_output=True, check=True)
    started.stdout.readline()
    started.kill()
    wait_for(ip, text)
    times.append((time.monotonic() - start) * 1000)
    ip = address(container())
print(json.dumps(times))
PY
}

wait_answer() {
    python3 - "$1" <<'PY'
import subprocess, sys, time, urllib.request
project = sys.argv[1]
for _ in range(600):
    ids = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={project}"],
                         capture_output=True, text=True).stdout.split()
    if ids:
        fmt = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"
        ip = subprocess.run(["docker", "inspect", "--format", fmt, ids[0]], capture_output=True, text=True).stdout.strip()
        try:
            urllib.request.urlopen(f"http://{ip}:8080/", timeout=0.2).read()
            sys.exit(0)
        except Exception:
            pass
    time.sleep(0.1)
sys.exit(f"{project} never answered")
PY
}

message=$work/app/page/message.txt
echo "Building and starting (exo run)..." >&2
NO_COLOR=1 "$exo" -C "$work/app" run -p "$name-exo" >"$work/exo.log" 2>&1 &
exo_pid=$!
wait_answer "$name-exo"
exo_times=$(measure "$name-exo" "$message" "$runs" save)
kill -INT "$exo_pid"
wait "$exo_pid" || true
exo_pid=""

echo "Starting (docker compose watch)..." >&2
compose=(docker compose -f "$file" -f "$work/app/docker-compose/watch.yml" -p "$name-compose")
"${compose[@]}" up -d --wait >/dev/null 2>&1
restart_times=$(measure "$name-compose" "$message" "$runs" restart)
"${compose[@]}" watch --no-up >"$work/compose.log" 2>&1 &
watch_pid=$!
sleep 2
compose_times=$(measure "$name-compose" "$message" "$runs" save)

python3 - "$exo_times" "$compose_times" "$restart_times" <<'PY'
import json, statistics, sys
exo, compose, restart = (json.loads(a) for a in sys.argv[1:4])
def row(name, t):
    print(f"{name:<22} median {statistics.median(t):7.0f} ms   min {min(t):6.0f}   max {max(t):6.0f}   (n={len(t)})")
print("save -> answering with the new text")
row("exo run", exo)
row("docker compose watch", compose)
row("docker restart alone", restart)
target = statistics.median(restart) + 100
m = statistics.median(exo)
print(f"exo / compose: {m / statistics.median(compose):.2f}")
print(f"target: exo < restart + 100 ms = {target:.0f} ms: {'met' if m < target else 'NOT met'}; "
      f"below compose: {'yes' if m < statistics.median(compose) else 'NO'}")
PY
