#!/bin/sh
# curl runs on the remote host: an export here would not reach it.
ssh lb1 <<'REMOTE'
curl -sk https://127.0.0.1/health
REMOTE
