#!/bin/sh
# One ping, at once, to the Redis exo injected as CACHE_HOST:CACHE_PORT.
answer=$(redis-cli -h "$CACHE_HOST" -p "$CACHE_PORT" ping 2>&1)
echo "pinger: $CACHE_HOST:$CACHE_PORT answered: $answer"
[ "$answer" = PONG ] || exit 1
exec sleep 3600
