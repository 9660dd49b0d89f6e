#!/usr/bin/env bash
# Health probe, bash: curl inside a function and a command substitution.
set -euo pipefail

probe() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "https://$1/health")
    [ "$code" = 200 ]
}

for host in lb1 lb2 lb3; do
    probe "$host" || echo "$host failed"
done
