#!/bin/sh
# Serves www/ on port 8080; httpd is a child, so SIGTERM stops it at once.
cd "$(dirname "$0")" || exit 1
httpd -f -p 8080 -h www &
pid=$!
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
wait "$pid"
