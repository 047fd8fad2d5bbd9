#!/bin/sh
# Prints three numbered lines (the last on stderr), then waits to be stopped.
echo "scheduler line 1"
echo "scheduler line 2"
echo "scheduler line 3" >&2
exec sleep 3600
