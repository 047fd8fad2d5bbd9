#!/bin/sh
echo "quitter: no queue configured"
exit 3
