#!/bin/sh
# Serves www/ (and its CGI scripts) on port 8080; a killed httpd makes the
# container fail, so that the engine restarts it.
cd "$(dirname "$0")" || exit 1
httpd -f -p 8080 -h www &
pid=$!
echo "$pid" > /tmp/httpd.pid
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
wait "$pid"
