"""The __role__ service of __app__."""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    """Answers every request; add routes here."""

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, "text/plain", b"ok\n")
        else:
            body = {"service": "__role__", "application": "__app__"}
            self.reply(200, "application/json", json.dumps(body).encode() + b"\n")

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def make_server(port):
    return ThreadingHTTPServer(("0.0.0.0", port), Handler)


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = make_server(port)
    # Compose stops containers with SIGTERM; exit at once.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"__role__ listening on port {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
