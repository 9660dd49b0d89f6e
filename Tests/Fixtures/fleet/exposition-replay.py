#!/usr/bin/env python3
"""A stand-in for `memsleuth-serve serve --bundle FILE --replay` in the
fleet end-to-end tests, until serve exists: serves GET /metrics from a
directory of Prometheus exposition frames (0000.prom, 0001.prom, ...),
advancing one frame every --interval seconds from start and holding the
last. Binds 127.0.0.1 on a free port and prints the port on the first line
of stdout, so the test never races for a port. Stops on SIGTERM.
"""
import argparse
import http.server
import os
import signal
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    frames = sorted(name for name in os.listdir(args.dir) if name.endswith(".prom"))
    if not frames:
        sys.exit("no .prom frames in " + args.dir)
    start = time.monotonic()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            index = min(int((time.monotonic() - start) / args.interval), len(frames) - 1)
            with open(os.path.join(args.dir, frames[index]), "rb") as frame:
                body = frame.read()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A child of the Swift test runner starts with SIGTERM blocked (the
    # mask is inherited through posix_spawn): unblock it, or stop() hangs.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
