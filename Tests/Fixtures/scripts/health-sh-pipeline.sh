#!/bin/sh
# HTTPS health check for the load balancer pool.
# Runs from cron every minute.

set -u
URL="https://127.0.0.1:8443/health"
curl -sk --max-time 2 "$URL" | grep -q '"status":"ok"' || logger -t health "backend down"
