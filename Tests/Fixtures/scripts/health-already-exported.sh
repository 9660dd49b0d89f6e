#!/bin/bash
# Already fixed by hand.
export NSS_SDB_USE_CACHE=yes
while sleep 5; do
    curl -sk https://127.0.0.1/health > /dev/null
done
