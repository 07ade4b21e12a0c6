"""A server on 127.0.0.1 that answers slowly on purpose: after `delay` seconds it sends its headers, then the
body one byte every `interval` seconds (a 150-byte JSON object: a minute at the default 0.4 s). With
`headers=True` it trickles its status line and headers instead (about 200 bytes), then sends the body at once.

`requests` counts the requests it started to answer. Its threads are daemons and stop writing as soon as the
client hangs up, so a client that gives up early ends the answer too.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BODY = b"{" + b" " * 148 + b"}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        slow = self.server.slow
        with slow.lock:
            slow.requests += 1
        time.sleep(slow.delay)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: %s\r\nContent-Length: %d\r\n\r\n"
        head %= (b"p" * 100, len(BODY))
        slow_part, rest = (head, BODY) if slow.headers else (BODY, b"")
        try:
            if not slow.headers:
                self.wfile.write(head)
            for byte in slow_part:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(slow.interval)
            self.wfile.write(rest)
            self.wfile.flush()
        except OSError:  # the client hung up: nothing left to answer
            self.close_connection = True

    do_GET = do_POST = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    slow: SlowServer


class SlowServer:
    """Start with `with SlowServer(interval=0.4) as server:`; `server.url` is its base URL."""

    def __init__(self, *, delay: float = 0.0, interval: float = 0.4, headers: bool = False) -> None:
        self.delay = delay
        self.interval = interval
        self.headers = headers
        self.requests = 0
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.slow = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SlowServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
