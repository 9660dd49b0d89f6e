#!/bin/sh
sudo -u monitor curl -sk https://127.0.0.1/health
