#!/bin/sh
export NSS_SDB_USE_CACHE=no
curl -sk https://127.0.0.1/health
