#!/bin/sh
# Starts the server on a spare port and checks the page it serves.
httpd -p 127.0.0.1:8181 -h www
for attempt in 1 2 3 4 5; do
    page=$(wget -q -O - http://127.0.0.1:8181/) && break
    sleep 1
done
case "$page" in
    *"__role__"*) echo "__role__: 1 test passed" ;;
    *) echo "__role__: the page does not name the service: $page"; exit 1 ;;
esac
