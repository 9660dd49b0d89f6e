#!/bin/sh
wget -q -O /dev/null https://127.0.0.1/health
