#!/bin/sh
# Waits READY_AFTER seconds (default 2), then serves www/ on port 8081.
# Exits 0 on SIGTERM at once, while waiting and while serving (httpd runs as
# a child: PID 1 ignores SIGTERM, so exec'ing it would make
# `docker compose stop` wait 10 s).
cd "$(dirname "$0")" || exit 1
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; exit 0' TERM INT
echo "a: starting, listening in ${READY_AFTER:-2}s"
sleep "${READY_AFTER:-2}" &
wait $!
echo "a: listening on port 8081"
httpd -f -p 8081 -h www &
pid=$!
wait "$pid"
