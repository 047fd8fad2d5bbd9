#!/bin/sh
# A TCP echo server (not HTTP) on port 9000 once READY_AFTER seconds have
# passed.
echo "tcp: listening in $READY_AFTER s"
sleep "$READY_AFTER"
echo "tcp: listening"
exec nc -ll -p 9000 -e cat
