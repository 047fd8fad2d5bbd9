#!/bin/sh
n=$(cat /tmp/runs 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > /tmp/runs
echo "base run $n"
if [ "$n" -le 2 ]; then
    sleep 0.5
    exit 1
fi
echo "base steady"
trap 'exit 0' TERM INT
while :; do sleep 1; done
