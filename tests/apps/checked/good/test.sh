#!/bin/sh
# Checks the page it serves.
set -eu
cd "$(dirname "$0")"
grep -q "good page" www/index.html
echo "good: ok"
