#!/bin/sh
# Says it is ready once READY_AFTER seconds have passed.
echo "log: warming up"
sleep "$READY_AFTER"
echo "log: accepting work"
exec sleep 3600
