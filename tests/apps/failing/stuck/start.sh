#!/bin/sh
# Prints a few lines, then waits forever without listening on port 8080.
echo "stuck: loading the catalogue"
echo "stuck: waiting for the licence server"
exec sleep 3600
