#!/bin/sh
# Fails, saying why on both streams.
echo "bad: adding 1 and 1"
echo "bad: expected 2, got 3" >&2
exit 3
