#!/usr/bin/env bash
# Writes an application of DEPS dependencies used by SERVICES services into
# DIR: the scale case of issue 22 (6000 x 40 is an application.yml of about
# 180 KB), for measuring `exo generate` of every target.
#
#   scripts/many-dependencies-app.sh DIR [DEPS] [SERVICES]   # 6000, 40
#   /usr/bin/time -v exo -C DIR generate             # Compose
#   /usr/bin/time -v exo -C DIR generate kubernetes
#   /usr/bin/time -v exo -C DIR generate terraform
#
# Each dependency is `redis:7` (exo's catalog: a port, a health check and
# three variables offered to every service); each service is private, with a
# port, so every service waits for every dependency. One Kubernetes
# environment (staging) and one AWS environment (production).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
    echo "usage: $0 DIR [DEPS] [SERVICES]" >&2
    exit 2
fi
dir=$1
deps=${2:-6000}
services=${3:-40}
for n in "$deps" "$services"; do
    if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 1 || n > 99999)); then
        echo "$0: counts must be between 1 and 99999, got '$n'" >&2
        exit 2
    fi
done
mkdir -p "$dir"
{
    printf 'name: scale\nlocal:\n  dependencies:\n'
    for ((i = 1; i <= deps; i++)); do
        printf '    d%05d:\n      image: redis:7\n' "$i"
    done
    printf 'remote:\n  environments:\n    staging:\n      target: kubernetes\n      registry: registry.example.com\n'
    printf '    production:\n      target: aws\n      region: eu-west-1\n      account-id: "123456789012"\n'
    printf 'services:\n'
    for ((i = 1; i <= services; i++)); do
        printf '  s%03d:\n    location: ./s%03d\n' "$i" "$i"
    done
} >"$dir/application.yml"
for ((i = 1; i <= services; i++)); do
    mkdir -p "$dir/$(printf 's%03d' "$i")"
    printf 'type: private\nproduction:\n  port: 8080\n' >"$dir/$(printf 's%03d' "$i")/service.yml"
done
