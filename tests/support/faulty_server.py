"""A server on 127.0.0.1 that reads each request and resets the connection instead of answering (all of them,
or the first `resets`, answering the rest `200 {"ok": true}`), keeping every request's headers.

The other faults the hostile transport tests need (redirects to a second port, redirect loops, a body
labelled gzip that is not, deeply nested bodies, Location headers with control characters) are answers
`recording_server.RecordingServer` scripts cleanly; a reset is not an answer, so it lives here.
"""

from __future__ import annotations

import socket
import struct
import threading
from socketserver import BaseRequestHandler, ThreadingTCPServer

_OK = b'{"ok": true}'


class _Reset(BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        connection: socket.socket = self.request
        data = connection.recv(65536)  # the request head: the client has sent it when it is reset
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")[1:]
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        with self.server.lock:
            self.server.heads.append(headers)
            answer = self.server.resets is not None and len(self.server.heads) > self.server.resets
        if answer:
            missing = int(headers.get("content-length") or 0) - len(body)
            while missing > 0 and (chunk := connection.recv(65536)):  # the whole body: closing then sends FIN
                missing -= len(chunk)
            head_out = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(_OK)}\r\n"
            connection.sendall(head_out.encode() + b"Connection: close\r\n\r\n" + _OK)
            return
        # Linger 0: close() sends RST, as a crashed peer or a middlebox does, not an orderly FIN.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class _Server(ThreadingTCPServer):
    daemon_threads = True
    lock = threading.Lock()

    def __init__(self, resets: int | None) -> None:
        super().__init__(("127.0.0.1", 0), _Reset)
        self.resets = resets
        self.heads: list[dict[str, str]] = []


class ResettingServer:
    """Start with `with ResettingServer() as server:`; `server.url` is its base URL, `server.requests`
    how many requests it has received, `server.heads` their headers (names lower-case). With `resets=n`, only
    the first n are reset."""

    def __init__(self, resets: int | None = None) -> None:
        self._server = _Server(resets)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> int:
        return len(self._server.heads)

    @property
    def heads(self) -> list[dict[str, str]]:
        return self._server.heads

    def __enter__(self) -> ResettingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
