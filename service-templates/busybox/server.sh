#!/bin/sh
# Serves www/ on port 8080 in the foreground until stopped.
echo "__role__ listening on port 8080"
exec httpd -f -p 8080 -h www
