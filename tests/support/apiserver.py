"""A local HTTP server implementing the Voucherify async-action and Postman task endpoints,
plus a small "jobs" API with another status vocabulary.

Started by the tests on 127.0.0.1 with a random port. Async work advances with
time (each object has a schedule of states), so clients poll it for real; tests
can queue faults (a 503, a 429 with `Retry-After`), slow a path down, and read
back every request the server received.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
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
    at: float


@dataclass
class Scheduled:
    """An object whose state changes over time: `steps` are (seconds after creation, fields), on `clock`
    (the wall clock, or a `ManualClock` a test drives, so that no state depends on how busy the machine is)."""

    base: dict[str, Any]
    steps: list[tuple[float, dict[str, Any]]]
    clock: Callable[[], float] = time.monotonic
    created: float = field(init=False)

    def __post_init__(self) -> None:
        self.created = self.clock()

    def now(self) -> dict[str, Any]:
        elapsed = self.clock() - self.created
        current = dict(self.base)
        for after, fields in self.steps:
            if elapsed >= after:
                current.update(fields)
        return current


class ManualClock:
    """A clock that moves only when told to: `advance(seconds)`."""

    def __init__(self) -> None:
        self.time = 0.0

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds


@dataclass
class Fault:
    """A canned answer served instead of the real one."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class State:
    """What the fake APIs hold, and what they were asked."""

    actions: dict[str, Scheduled] = field(default_factory=dict)
    tasks: dict[str, Scheduled] = field(default_factory=dict)
    jobs: dict[str, Scheduled] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)  # path -> faults served first, in order
    delays: dict[str, float] = field(default_factory=dict)  # path -> seconds to stall before answering
    poll_retry_after: str | None = None  # a Retry-After header on every status answer
    # What schedules and request times are read on: a test that drives time sets a `ManualClock`.
    clock: Callable[[], float] = time.monotonic
    task_duration: float = 0.3  # a created Postman version task completes after this long
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # What the next call that starts an async action schedules: (type, steps); None: the type its path
    # starts, ENQUEUED -> IN_PROGRESS -> DONE within 0.3 s.
    next_action: tuple[str, list[tuple[float, dict[str, Any]]]] | None = None
    started: int = 0

    def add_action(self, action_id: str, action_type: str, steps: list[tuple[float, dict[str, Any]]]) -> None:
        """An async action that goes through `steps`."""
        base = {
            "id": action_id,
            "type": action_type,
            "status": "ENQUEUED",
            "created_at": "2022-06-23T11:21:45.578Z",
            "request_id": f"v-{action_id}",
            "progress": 0,
            "object": "async_action",
        }
        self.actions[action_id] = Scheduled(base, steps, self.clock)

    def fault(self, path: str, *faults: Fault) -> None:
        """Serve `faults` for the next requests to `path`."""
        self.faults.setdefault(path, []).extend(faults)

    def requests_to(self, path: str) -> list[Recorded]:
        """The requests received for one path."""
        return [r for r in self.requests if r.path == path]


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the Voucherify, Postman or jobs fake by path."""

    server: APIServer
    protocol_version = "HTTP/1.1"
    # One segment per answer and no Nagle: otherwise keep-alive answers stall on delayed ACKs (~40 ms each).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

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
        state = self.server.state
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        json_body = "json" in (self.headers.get("Content-Type") or "")
        body = json.loads(raw) if raw and json_body else (raw or None)
        headers = {k.lower(): v for k, v in self.headers.items()}
        query = parse_qs(url.query)
        with state.lock:
            state.requests.append(Recorded(self.command, url.path, query, headers, body, state.clock()))
            faults = state.faults.get(url.path)
            fault = faults.pop(0) if faults else None
        if url.path in state.delays:
            time.sleep(state.delays[url.path])
        if fault is not None:
            self._send(fault.status, fault.body or {"code": fault.status, "message": "Injected fault"}, fault.headers)
            return
        parts = url.path.strip("/").split("/")
        if parts[:2] == ["v1", "async-actions"]:
            self._voucherify(parts[2:], query, headers)
        elif parts[:1] == ["v1"] and parts[-1] == "vouchers" and int(query.get("vouchers_count", ["1"])[0]) == 1:
            # One voucher is made at once: the answer is the voucher, not an action.
            voucher = {"id": "v_1", "code": "NEW-1", "campaign_id": parts[2], "object": "voucher"}
            self._send(200, voucher)
        elif parts[:1] == ["v1"] and self.command in ("POST", "DELETE"):
            self._start_action(url.path)
        elif parts[:1] == ["apis"]:
            self._postman(parts[1:], headers, body)
        elif parts[:1] == ["jobs"]:
            self._jobs(parts[1:])
        else:
            self._send(404, {"code": 404, "message": "No such route"})

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def _status_headers(self) -> dict[str, str]:
        retry_after = self.server.state.poll_retry_after
        return {"Retry-After": retry_after} if retry_after else {}

    def _voucherify(self, rest: list[str], query: dict[str, list[str]], headers: dict[str, str]) -> None:
        if headers.get("x-app-id") != APP_ID or headers.get("x-app-token") != APP_TOKEN:
            self._send(401, {"code": 401, "key": "unauthorized", "message": "Unauthorized"})
            return
        actions = {key: scheduled.now() for key, scheduled in self.server.state.actions.items()}
        if not rest:
            self._list_actions(list(actions.values()), query)
        elif rest[0] in actions:
            self._send(200, actions[rest[0]], self._status_headers())
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

    def _start_action(self, path: str) -> None:
        """A call that starts an async action: schedule one and answer 202 with its ID."""
        state = self.server.state
        types = {
            "/v1/vouchers/importCSV": "VOUCHERS.IMPORT_CSV",
            "/v1/vouchers/bulk/async": "VOUCHERS.BULK_UPDATE",
            "/v1/vouchers/metadata/async": "VOUCHERS.METADATA_UPDATE",
        }
        with state.lock:
            state.started += 1
            action_id = f"aa_started_{state.started}"
            action_type, steps = state.next_action or (
                types.get(path, "VOUCHERS.IMPORT"),
                [
                    (0.1, {"status": "IN_PROGRESS", "progress": 50}),
                    (0.3, {"status": "DONE", "progress": 100, "result": {"message": "ok", "done_count": 1}}),
                ],
            )
            state.next_action = None
            state.add_action(action_id, action_type, steps)
        # The legacy loyalty API answers 200; the others 202, as the vendor's spec documents each.
        self._send(200 if path.startswith("/v1/loyalties/") else 202, {"async_action_id": action_id})

    def _list_actions(self, actions: list[dict[str, Any]], query: dict[str, list[str]]) -> None:
        limit = int(query.get("limit", ["10"])[0])
        listed = sorted(actions, key=lambda a: _instant(a["created_at"]), reverse=True)
        if "end_date" in query:
            try:
                end = _instant(query["end_date"][0])
            except ValueError:
                self._send(
                    400,
                    {
                        "code": 400,
                        "key": "invalid_query_params",
                        "message": "Invalid query params",
                        "details": "Property .end_date cannot be recognized as a ISO-8601 compliant date",
                        "request_id": "v-0c54493e444b0f61a6",
                    },
                )
                return
            listed = [a for a in listed if _instant(a["created_at"]) < end]
        page = [{k: v for k, v in a.items() if k != "result"} for a in listed[:limit]]
        body = {"object": "list", "data_ref": "async_actions", "async_actions": page, "has_more": len(listed) > limit}
        self._send(200, body)

    def _postman(self, rest: list[str], headers: dict[str, str], body: Any) -> None:
        if headers.get("x-api-key") != POSTMAN_KEY:
            self._send(401, {"type": "unauthorized", "title": "Invalid API key", "status": 401})
            return
        if headers.get("accept") != POSTMAN_MEDIA_TYPE:
            self._send(400, {"type": "bad-request", "title": "Missing v10 Accept header", "status": 400})
            return
        state = self.server.state
        if len(rest) == 3 and rest[1] == "tasks" and rest[2] in state.tasks:
            self._send(200, state.tasks[rest[2]].now(), self._status_headers())
        elif len(rest) == 2 and rest[1] == "versions" and self.command == "POST":
            error = "Version could not be created" if (body or {}).get("name") == "fail" else None
            task_id = self._start_task(rest[0], "versions", "api-version", "create", "v-1", error, body)
            version = {"id": "v-1", "name": (body or {}).get("name"), "createdAt": "2023-08-22T14:21:57.000Z"}
            self._send(202, version, {"Location": f"/apis/{rest[0]}/tasks/{task_id}"})
        elif len(rest) == 4 and rest[1:4:2] == ["collections", "sync-with-schema-tasks"] and self.command == "PUT":
            error = "The collection could not be synced" if rest[2] == "fail" else None
            task_id = self._start_task(rest[0], f"collections/{rest[2]}", "collection", "update", rest[2], error, body)
            self._send(202, {"taskId": task_id}, {"Location": f"/apis/{rest[0]}/tasks/{task_id}"})
        else:
            self._send(
                404, {"type": "not-found", "title": "Resource not found", "detail": "Task not found", "status": 404}
            )

    def _start_task(
        self, api_id: str, what: str, model: str, action: str, resource: str, error: str | None, body: Any
    ) -> str:
        """A Postman call that starts a task: schedule it (pending, then completed or failed); its ID."""
        state = self.server.state
        with state.lock:
            task_id = f"task-{len(state.tasks) + 1}"
            final = (
                {"status": "failed", "details": {"error": {"message": error}}}
                if error is not None
                else {
                    "status": "completed",
                    "details": {"resources": [{"id": resource, "url": f"/apis/{api_id}/{what}"}]},
                }
            )
            base = {
                "id": task_id,
                "meta": {"url": f"/apis/{api_id}/{what}", "model": model, "action": action},
                "status": "pending",
                "createdAt": "2023-08-22T14:21:57.000Z",
                "request": body,
            }
            state.tasks[task_id] = Scheduled(base, [(state.task_duration, final)], state.clock)
        return task_id

    def _jobs(self, rest: list[str]) -> None:
        jobs = self.server.state.jobs
        if len(rest) == 1 and rest[0] in jobs:
            self._send(200, jobs[rest[0]].now(), self._status_headers())
        else:
            self._send(404, {"message": "no such job"})


class APIServer(ThreadingHTTPServer):
    """The server, with its state; use as a context manager."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = State()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) is not an error of the server."""

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
