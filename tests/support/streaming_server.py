"""A server on 127.0.0.1 that streams scripted answers chunk by chunk, for the clients' `Stream`s.

`scripts` maps a path to the steps of its answer, played in order: bytes (written and flushed as one HTTP chunk),
a `threading.Event` (waited for: the test decides when the stream goes on), a float (seconds of silence), `CUT` (the connection closed
without the last chunk: a stream dropped mid-body), `HANG_UP` (the body ended cleanly, as it stands) or
`WAIT_CLOSED` (wait until the client closes its end, then set `closed`). `errors` maps a path to a JSON error
answer given instead. `queued` maps a path to scripts played one per request, before `scripts` (a stream that
drops, then the one its reconnection gets). `finished` is set once an answer has been written to its end; `seen` holds each
request's path and headers.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

CUT = "cut"
HANG_UP = "hang up"
WAIT_CLOSED = "wait closed"
Step = bytes | threading.Event | float | str


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        streaming = self.server.streaming
        path = urlsplit(self.path).path
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        streaming.seen.append((path, dict(self.headers.items()), body))
        if path in streaming.errors:
            status, payload = streaming.errors[path]
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        time.sleep(streaming.header_delays.get(path, 0.0))
        self.send_response(200)
        self.send_header("Content-Type", streaming.content_types.get(path, "text/event-stream"))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        queued = streaming.queued.get(path)
        try:
            self._play(queued.pop(0) if queued else streaming.scripts.get(path, ()))
        except OSError:  # the client hung up
            self.close_connection = True

    def _play(self, steps: Sequence[Step]) -> None:
        streaming = self.server.streaming
        for step in steps:
            if isinstance(step, threading.Event):
                step.wait(10)
            elif isinstance(step, float):
                time.sleep(step)
            elif step == CUT:
                self.close_connection = True
                return
            elif step == HANG_UP:
                break
            elif step == WAIT_CLOSED:
                self.connection.settimeout(10)
                try:
                    while self.connection.recv(1024):
                        pass
                except ConnectionResetError:  # closed with our chunks unread: a reset, not a FIN
                    pass
                streaming.closed.set()
                self.close_connection = True
                return
            elif isinstance(step, bytes):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(step), step))
                self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        streaming.finished.set()

    do_GET = do_POST = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    streaming: StreamingServer


class StreamingServer:
    """Start with `with StreamingServer() as server:`; `server.url` is its base URL."""

    def __init__(self) -> None:
        self.scripts: dict[str, Sequence[Step]] = {}
        self.queued: dict[str, list[Sequence[Step]]] = {}
        self.header_delays: dict[str, float] = {}  # seconds before the headers of a path's answers
        self.content_types: dict[str, str] = {}
        self.errors: dict[str, tuple[int, Any]] = {}
        self.seen: list[tuple[str, dict[str, str], bytes]] = []
        self.finished = threading.Event()
        self.closed = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.streaming = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> StreamingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
