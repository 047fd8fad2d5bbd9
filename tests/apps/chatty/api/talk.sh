#!/bin/sh
# Prints three numbered lines (the last on stderr), then waits to be stopped.
echo "api line 1"
echo "api line 2"
echo "api line 3" >&2
exec sleep 3600
