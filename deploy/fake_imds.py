#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for the EC2 instance metadata service, for deploy/test_deploy.sh.

IMDSv2 only, as the launch template demands (HttpTokens: required): a GET
without the token that PUT /latest/api/token handed out gets 401. Serves
/latest/meta-data/PATH from a JSON object {"PATH": "content", ...}; a listing
("network/interfaces/macs/") is just a PATH ending in "/". Listens on
127.0.0.1 on a free port, which it writes to --port-file once it listens;
logs one line per request to --log; exits after --lifetime seconds whatever
happens, so a test that dies cannot leave it behind for long.
"""
import argparse
import http.server
import json
import os
import secrets
import threading


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="JSON: meta-data path -> content")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=60)
    args = ap.parse_args()
    with open(args.data, encoding="utf-8") as f:
        data = json.load(f)
    token = "fake-" + secrets.token_hex(16)
    log = open(args.log, "a", encoding="utf-8", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self, status, body=""):
            raw = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_PUT(self):  # noqa: N802 (the http.server API)
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            ok = self.path == "/latest/api/token" and ttl.isdigit() and 1 <= int(ttl) <= 21600
            log.write(f"PUT {self.path} ttl={ttl or 'missing'}\n")
            self.reply(200, token) if ok else self.reply(400, "bad token request\n")

        def do_GET(self):  # noqa: N802
            got = self.headers.get("X-aws-ec2-metadata-token")
            state = "ok" if got == token else ("missing" if got is None else "bad")
            log.write(f"GET {self.path} token={state}\n")
            if state != "ok":
                return self.reply(401)
            prefix = "/latest/meta-data/"
            path = self.path[len(prefix):] if self.path.startswith(prefix) else None
            if path is None or path not in data:
                return self.reply(404, "Not Found\n")
            return self.reply(200, data[path])

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Timer(args.lifetime, server.shutdown).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(tmp, args.port_file)
    server.serve_forever()
    os._exit(0)  # the lifetime timer may still be pending


if __name__ == "__main__":
    main()
