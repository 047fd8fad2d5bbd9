#!/bin/sh
# Runs, but its healthcheck never passes.
echo "sick: started without a database"
exec sleep 3600
