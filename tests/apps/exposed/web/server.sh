#!/bin/sh
# Serves www/ on port 8080 and, as a forgotten debug listener, on 9229.
cd "$(dirname "$0")" || exit 1
httpd -p 9229 -h www
exec httpd -f -p 8080 -h www
