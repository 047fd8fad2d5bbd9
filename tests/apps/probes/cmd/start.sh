#!/bin/sh
# Creates the file its healthcheck looks for once READY_AFTER seconds have
# passed.
echo "cmd: ready in $READY_AFTER s"
sleep "$READY_AFTER"
touch /tmp/ready
echo "cmd: ready"
exec sleep 3600
