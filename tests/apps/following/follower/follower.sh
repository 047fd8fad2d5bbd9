#!/bin/sh
trap 'exit 0' TERM INT
echo "follower run"
while :; do sleep 1; done
