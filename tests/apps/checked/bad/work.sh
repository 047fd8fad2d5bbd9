#!/bin/sh
# Idles until stopped.
trap 'exit 0' TERM INT
while :; do
    sleep 5 &
    wait $!
done
