#!/bin/sh
# Serves www/ on port 8080 once READY_AFTER seconds have passed.
echo "http: listening in $READY_AFTER s"
sleep "$READY_AFTER"
echo "http: listening"
exec httpd -f -p 8080 -h /mnt/www
