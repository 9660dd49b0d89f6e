#!/bin/sh
CMD="curl -sk https://127.0.0.1/health"
eval "$CMD"
