#!/bin/sh
NSS_SDB_USE_CACHE=yes curl -sk https://127.0.0.1/health
NSS_SDB_USE_CACHE=yes /usr/bin/curl -sk https://127.0.0.1/ready
