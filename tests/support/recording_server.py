"""A tiny HTTP server on 127.0.0.1 that records every request and answers from a script.

`answers` maps a path to a list of answers served in turn (the last repeats): (status, JSON body), or
(status, raw bytes, content type); unknown paths get `200 {"ok": true}`. `/oauth/token` hands out
numbered OAuth2 tokens. `routes` maps a path to a function of the request that answers it, for a
server with state of its own: (status, JSON body, headers).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Recorder:
    """What the server saw and what it will answer."""

    seen: list[Seen] = field(default_factory=list)
    answers: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    routes: dict[str, Callable[[Seen], tuple[int, Any, dict[str, str]]]] = field(default_factory=dict)
    tokens_issued: int = 0
    token_lifetime: int = 3600

    def to(self, path: str) -> list[Seen]:
        """The requests made to `path`."""
        return [s for s in self.seen if s.path == path]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        recorder = self.server.recorder
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(self.command, parts.path, parts.query, dict(self.headers.items()), body)
        recorder.seen.append(seen)
        answer: tuple[Any, ...]
        headers: dict[str, str] = {}
        if parts.path in recorder.routes:
            status, payload, headers = recorder.routes[parts.path](seen)
            answer = (status, payload)
        elif parts.path == "/oauth/token":
            recorder.tokens_issued += 1
            token = {"access_token": f"tok-{recorder.tokens_issued}", "expires_in": recorder.token_lifetime}
            answer = (200, token)
        else:
            queue = recorder.answers.get(parts.path) or [(200, {"ok": True})]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        status, content_type = answer[0], answer[2] if len(answer) > 2 else "application/json"
        data = answer[1] if len(answer) > 2 else json.dumps(answer[1]).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_QUERY = do_COPY = _handle  # QUERY: OpenAPI 3.2


class _Server(ThreadingHTTPServer):
    recorder: Recorder


class RecordingServer:
    """Start with `with RecordingServer() as server:`; `server.url` is its base URL."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.recorder = Recorder()
        self.recorder = self._server.recorder
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
