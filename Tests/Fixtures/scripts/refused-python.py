#!/usr/bin/env python3
import subprocess
subprocess.run(["curl", "-sk", "https://127.0.0.1/health"])
