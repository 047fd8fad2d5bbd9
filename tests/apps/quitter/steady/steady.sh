#!/bin/sh
# Runs until stopped; SIGTERM ends it at once.
trap 'exit 0' TERM INT
echo "steady: running"
while :; do
    sleep 1 &
    wait $!
done
