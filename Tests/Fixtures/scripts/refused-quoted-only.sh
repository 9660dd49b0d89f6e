#!/bin/sh
su monitor -c "curl -sk https://127.0.0.1/health"
