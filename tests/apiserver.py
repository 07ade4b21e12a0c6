"""A local HTTP server implementing the Voucherify async-action and Postman task endpoints.

Started by the tests on 127.0.0.1 with a random port; it records every request
so tests can assert what the clients really sent over the socket.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

APP_ID, APP_TOKEN, POSTMAN_KEY = "app-id-1", "app-token-secret-1", "PMAK-secret-1"
POSTMAN_MEDIA_TYPE = "application/vnd.api.v10+json"


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class State:
    """What the fake APIs hold, and what they were asked."""

    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the Voucherify or Postman fake by path."""

    server: APIServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.state.requests.append(Recorded(self.command, url.path, parse_qs(url.query), headers, body))
        parts = url.path.strip("/").split("/")
        if parts[:2] == ["v1", "async-actions"]:
            self._voucherify(parts[2:], parse_qs(url.query), headers)
        elif parts[:1] == ["apis"]:
            self._postman(parts[1:], headers, body)
        else:
            self._send(404, {"code": 404, "message": "No such route"})

    do_GET = do_POST = _handle

    def _voucherify(self, rest: list[str], query: dict[str, list[str]], headers: dict[str, str]) -> None:
        if headers.get("x-app-id") != APP_ID or headers.get("x-app-token") != APP_TOKEN:
            self._send(401, {"code": 401, "key": "unauthorized", "message": "Unauthorized"})
            return
        actions = self.server.state.actions
        if not rest:
            limit = int(query.get("limit", ["10"])[0])
            end = query.get("end_date", [None])[0]
            listed = sorted(actions.values(), key=lambda a: a["created_at"], reverse=True)
            if end:
                listed = [a for a in listed if a["created_at"] < end]
            page = [{k: v for k, v in a.items() if k != "result"} for a in listed[:limit]]
            body = {"object": "list", "data_ref": "async_actions", "async_actions": page}
            self._send(200, {**body, "has_more": len(listed) > limit})
        elif rest[0] in actions:
            self._send(200, actions[rest[0]])
        else:
            self._send(
                404,
                {
                    "code": 404,
                    "key": "not_found",
                    "message": "Resource not found",
                    "details": f"Cannot find async_action with id {rest[0]}",
                    "request_id": "v-0aeb88df54c82af560",
                    "resource_id": rest[0],
                    "resource_type": "async_action",
                },
            )

    def _postman(self, rest: list[str], headers: dict[str, str], body: Any) -> None:
        if headers.get("x-api-key") != POSTMAN_KEY:
            self._send(401, {"type": "unauthorized", "title": "Invalid API key", "status": 401})
            return
        if headers.get("accept") != POSTMAN_MEDIA_TYPE:
            self._send(400, {"type": "bad-request", "title": "Missing v10 Accept header", "status": 400})
            return
        tasks = self.server.state.tasks
        if len(rest) == 3 and rest[1] == "tasks" and rest[2] in tasks:
            self._send(200, tasks[rest[2]])
        elif len(rest) == 2 and rest[1] == "versions" and self.command == "POST":
            task_id = f"task-{len(tasks) + 1}"
            url = f"/apis/{rest[0]}/tasks/{task_id}"
            tasks[task_id] = {
                "id": task_id,
                "meta": {"url": f"/apis/{rest[0]}/versions", "model": "api-version", "action": "create"},
                "status": "pending",
                "createdAt": "2023-08-22T14:21:57.000Z",
                "updatedAt": "2023-08-22T14:21:57.000Z",
                "request": body,
            }
            self._send(202, {"taskId": task_id, "url": url}, {"Location": url})
        else:
            self._send(
                404, {"type": "not-found", "title": "Resource not found", "detail": "Task not found", "status": 404}
            )


class APIServer(ThreadingHTTPServer):
    """The server, with its state; use as a context manager."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = State()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        """The base URL the clients should use."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> APIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()
