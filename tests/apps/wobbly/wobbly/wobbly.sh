#!/bin/sh
trap 'exit 0' TERM INT
touch /tmp/healthy
echo "wobbly run"
sleep 2
rm -f /tmp/healthy
echo "wobbly sick"
while :; do sleep 1; done
