#!/usr/bin/env bash
# Writes a synthetic exo application of N services into DIR, for benchmarks.
#
#   scripts/synthetic-app.sh DIR [N]      # N defaults to 100
#
# DIR gets application.yml and one directory with a service.yml per service
# (except the image-only ones). benches/compile.rs and
# scripts/bench-generate.sh both use it.
#
# Service `svc-NNNN` with index i is, by i mod 4:
#   0  public: dev port 8080 (explicit host-port 20000+i when i mod 100 = 0,
#      otherwise exo assigns one), prod port 80, HTTP health check, watch rules
#   1  private: port 4000, HTTP health check with timings, restart policy,
#      service.yml dependency-data; every 50th also declares a service-level
#      dependency `search`
#   2  worker: log health check, depends-on earlier services, watch: rebuild
#   3  worker: depends-on earlier services, restart: false; every 100th
#      (i mod 100 = 99) is image-only (`docker-image`) instead
# Every service has environment variables; public and private ones a secret;
# every third has application-level dependency-data for `db`. The application
# has three catalog dependencies (postgres:16, redis:7, nats:2.10),
# environment variables and a secret.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 DIR [N]" >&2
    exit 2
fi
dir=$1
count=${2:-100}
if ! [[ $count =~ ^[0-9]+$ ]] || ((count < 1 || count > 20000)); then
    echo "$0: N must be between 1 and 20000 (public services get host ports below 65536), got '$count'" >&2
    exit 2
fi
mkdir -p "$dir"

role() { printf 'svc-%04d' "$1"; }

{
    cat <<'EOF'
# Synthetic application for benchmarks (scripts/synthetic-app.sh).
name: synthetic
description: generated for benchmarks

local:
  dependencies:
    db:
      image: postgres:16
      persist: true
    cache:
      image: redis:7
    queue:
      image: nats:2.10
  environment-variables:
    LOG_LEVEL: info
    REGION: local
  secrets: [API_TOKEN]

services:
EOF
    for ((i = 0; i < count; i++)); do
        r=$(role "$i")
        echo "  $r:"
        if ((i % 100 == 99)); then
            echo "    docker-image: example/sidecar:1"
        else
            echo "    location: ./$r"
        fi
        if ((i % 3 == 0)); then
            printf '    dependency-data:\n      db:\n        schema: svc_%04d\n' "$i"
        fi
    done
} >"$dir/application.yml"

for ((i = 0; i < count; i++)); do
    ((i % 100 == 99)) && continue
    r=$(role "$i")
    mkdir -p "$dir/$r"
    case $((i % 4)) in
    0)
        {
            echo "type: public"
            echo "description: synthetic public service $i"
            echo "development:"
            echo "  port: 8080"
            ((i % 100 == 0)) && echo "  host-port: $((20000 + i))"
            cat <<'EOF'
  scripts:
    run: ./serve --dev
    test: ./test
  health-check: /healthz
  watch:
    paths: [src, public]
    ignore: ["*.log"]
    rules:
      - paths: [Dockerfile.dev, package.json]
        action: rebuild
production:
  port: 80
  health-check: /healthz
local:
  environment-variables:
EOF
            echo "    SERVICE_INDEX: \"$i\""
            echo "    LOG_FORMAT: json"
            echo "  secrets: [SESSION_KEY]"
        } >"$dir/$r/service.yml"
        ;;
    1)
        {
            echo "type: private"
            echo "description: synthetic private service $i"
            echo "dependency-data:"
            echo "  cache:"
            echo "    prefix: $r"
            cat <<'EOF'
development:
  port: 4000
  scripts:
    run: ./api
  health-check:
    http: /ready
    interval: 2s
    retries: 5
  restart:
    initial-delay: 500ms
    max-delay: 30s
production:
  port: 4000
  health-check: /ready
local:
EOF
            if ((i % 50 == 1)); then
                cat <<'EOF'
  dependencies:
    search:
      image: custom/search:1
      port: 9200
      health-check:
        tcp: true
EOF
            fi
            echo "  environment-variables:"
            echo "    SERVICE_INDEX: \"$i\""
            echo "    DB_POOL: \"10\""
            echo "  secrets: [DB_PASSWORD]"
        } >"$dir/$r/service.yml"
        ;;
    *)
        {
            echo "type: worker"
            echo "description: synthetic worker $i"
            echo "development:"
            echo "  scripts:"
            echo "    run: ./work"
            ((i % 4 == 2)) && printf '  health-check:\n    log: worker started\n'
            if ((i / 2 == i - 1)); then
                echo "  depends-on: [$(role $((i - 1)))]"
            else
                echo "  depends-on: [$(role $((i - 1))), $(role $((i / 2)))]"
            fi
            if ((i % 4 == 2)); then
                printf '  watch:\n    action: rebuild\n'
            else
                echo "  restart: false"
            fi
            echo "local:"
            echo "  environment-variables:"
            echo "    SERVICE_INDEX: \"$i\""
            echo "    QUEUE: jobs-$i"
        } >"$dir/$r/service.yml"
        ;;
    esac
done
