#!/bin/sh
# Ignores SIGTERM and SIGINT (and so does the sleep it runs): only SIGKILL
# stops it.
trap '' TERM INT
echo "worker: ignoring SIGTERM"
while :; do
    sleep 1
done
