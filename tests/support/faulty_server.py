"""A server on 127.0.0.1 that reads each request and resets the connection instead of answering.

The other faults the hostile transport tests need (redirects to a second port, redirect loops, a body
labelled gzip that is not, deeply nested bodies, Location headers with control characters) are answers
`recording_server.RecordingServer` scripts cleanly; a reset is not an answer, so it lives here.
"""

from __future__ import annotations

import socket
import struct
import threading
from socketserver import BaseRequestHandler, ThreadingTCPServer


class _Reset(BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        connection: socket.socket = self.request
        connection.recv(65536)  # the request head: the client has sent it when it is reset
        with self.server.lock:
            self.server.requests += 1
        # Linger 0: close() sends RST, as a crashed peer or a middlebox does, not an orderly FIN.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class _Server(ThreadingTCPServer):
    daemon_threads = True
    requests = 0
    lock = threading.Lock()


class ResettingServer:
    """Start with `with ResettingServer() as server:`; `server.url` is its base URL, `server.requests`
    how many requests it has reset."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Reset)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> int:
        return self._server.requests

    def __enter__(self) -> ResettingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
