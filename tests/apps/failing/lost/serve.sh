#!/bin/sh
# Serves this directory on port 8080 until stopped. httpd runs as a child,
# not as PID 1 (which ignores SIGTERM), so that a stop is immediate.
httpd -f -p 8080 -h /mnt &
pid=$!
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
wait "$pid"
