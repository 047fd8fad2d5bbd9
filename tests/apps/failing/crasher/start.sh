#!/bin/sh
# Fails while starting, before it listens on port 8080: at once, or after
# CRASH_AFTER seconds.
echo "crasher: reading /etc/crasher.conf"
echo "crasher: fatal: /etc/crasher.conf: no such file" >&2
sleep "${CRASH_AFTER:-0}"
exit 3
