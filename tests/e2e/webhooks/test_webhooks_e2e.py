"""Webhooks over real sockets: a sender on 127.0.0.1 signs events and POSTs them to a receiver (`http.server` in
a thread) built with the generated package, which verifies and parses them. Every refusal is a 400 naming why;
an event type the spec does not list is still parsed, into the generic event. The receiver's clock is fixed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from conftest import MakePackage, mypy_strict
from generator.pipeline import package_tree
from generator.write.files import write_tree

SPEC = Path(__file__).parents[2] / "data" / "webhooks" / "events31.yaml"
KEY = b"0123456789abcdef0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
NOW = 1_700_000_000


def standard_headers(body: bytes, *, key: bytes = KEY, sent: int = NOW, msg: str = "msg_1") -> dict[str, str]:
    signature = base64.b64encode(hmac.new(key, f"{msg}.{sent}.".encode() + body, hashlib.sha256).digest())
    return {"webhook-id": msg, "webhook-timestamp": str(sent), "webhook-signature": f"v1,{signature.decode()}"}


class Receiver:
    """An HTTP endpoint that unwraps every POST with `hooks` at the fixed time NOW: 200 and the event's class
    and fields, or 400 and the verification error."""

    def __init__(self, hooks: Any, error: type[Exception]) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    event = outer.hooks.unwrap(body, dict(self.headers.items()), now=NOW)
                    status, answer = 200, {"class": type(event).__name__, "event": event.model_dump(mode="json")}
                except outer.error as refused:
                    status, answer = 400, {"error": str(refused)}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.hooks, self.error = hooks, error
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def events(make_package: MakePackage) -> ModuleType:
    return make_package(SPEC.read_text(), "events31")


@pytest.fixture
def receiver(events: ModuleType) -> Iterator[Receiver]:
    with Receiver(events.Events31Client(webhook_secret=SECRET).webhooks, events.WebhookVerificationError) as running:
        yield running


def send(receiver: Receiver, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    answer = httpx.post(receiver.url, content=body, headers=headers)
    return answer.status_code, answer.json()


PAID = json.dumps({"type": "order.paid", "id": "o_1", "amount": 3}).encode()


def test_signed_events_arrive_typed(receiver: Receiver) -> None:
    assert send(receiver, PAID, standard_headers(PAID)) == (
        200,
        {"class": "OrderPaidEvent", "event": {"type": "order.paid", "id": "o_1", "amount": 3}},
    )
    ping = b'{"type": "ping", "id": "p_1"}'
    assert send(receiver, ping, standard_headers(ping))[1]["class"] == "OnPingPostEvent"  # a callback's event


def test_unknown_event_type_is_kept_whole(receiver: Receiver) -> None:
    later = json.dumps({"type": "order.refunded", "id": "o_1", "reason": "broken"}).encode()
    assert send(receiver, later, standard_headers(later)) == (
        200,
        {"class": "EventUnknown", "event": {"type": "order.refunded", "id": "o_1", "reason": "broken"}},
    )


@pytest.mark.parametrize(
    ("body", "headers", "why"),
    [
        (PAID.replace(b"3", b"300"), standard_headers(PAID), "no signature matches"),  # tampered
        (PAID, standard_headers(PAID, key=b"another key"), "no signature matches"),  # wrong secret
        (PAID, standard_headers(PAID, sent=NOW - 301), "too old"),  # replayed
        (PAID, standard_headers(PAID, sent=NOW + 301), "too new"),
        (PAID, {k: v for k, v in standard_headers(PAID).items() if k != "webhook-signature"}, "no webhook-signature"),
        (PAID, {k: v for k, v in standard_headers(PAID).items() if k != "webhook-timestamp"}, "no webhook-timestamp"),
    ],
)
def test_refused(receiver: Receiver, body: bytes, headers: dict[str, str], why: str) -> None:
    status, answer = send(receiver, body, headers)
    assert status == 400 and why in answer["error"]


VENDOR = {
    "stripe": (
        {"header": "Stripe-Signature", "signed": "{timestamp}.{body}", "signature_key": "v1", "timestamp_key": "t"},
        lambda body, sent: {
            "Stripe-Signature": f"t={sent},v1="
            + hmac.new(b"sk", f"{sent}.".encode() + body, hashlib.sha256).hexdigest()
        },
    ),
    "github": (
        {"header": "X-Hub-Signature-256", "prefix": "sha256="},
        lambda body, sent: {"X-Hub-Signature-256": "sha256=" + hmac.new(b"sk", body, hashlib.sha256).hexdigest()},
    ),
}


@pytest.mark.parametrize("vendor", VENDOR)
def test_vendor_scheme_declared_in_the_spec(make_package: MakePackage, vendor: str) -> None:
    declared, sign = VENDOR[vendor]
    spec = yaml.safe_load(SPEC.read_text())
    spec["x-webhook-signature"] = declared
    package = make_package(spec, f"events_{vendor}")
    with Receiver(package.Webhooks(secret="sk"), package.WebhookVerificationError) as running:
        assert send(running, PAID, sign(PAID, NOW))[1]["class"] == "OrderPaidEvent"
        status, answer = send(running, PAID + b" ", sign(PAID, NOW))
        assert status == 400 and "no signature matches" in answer["error"]
        assert send(running, PAID, sign(PAID, NOW - 1000))[0] == (400 if vendor == "stripe" else 200)  # GitHub: no time


def test_the_event_union_type_checks_and_narrows(tmp_path: Path) -> None:
    write_tree(package_tree(SPEC, "events31"), tmp_path / "events31")
    program = """
from typing import assert_type

from events31 import Events31Client, Webhooks
from events31.types import Event, EventUnknown, OnPingPostEvent, OrderCreated, OrderPaidEvent


def amount(payload: bytes, headers: dict[str, str]) -> int:
    event = Webhooks(secret="whsec_...").unwrap(payload, headers)
    assert_type(event, OrderCreated | OrderPaidEvent | OnPingPostEvent | EventUnknown)
    match event:
        case OrderPaidEvent():
            assert_type(event, OrderPaidEvent)
            return event.amount
        case OrderCreated() | OnPingPostEvent():
            return 0
        case _:
            assert_type(event, EventUnknown)
            return len(event.type)


def same(payload: str) -> Event:
    return Events31Client(webhook_secret="whsec_...").webhooks.unwrap(payload, {}, secret=["a", "b"])
"""
    (tmp_path / "program.py").write_text(program)
    mypy_strict(["program.py"], tmp_path / ".mypy_cache", cwd=tmp_path)


def test_a_webhooks_resource_keeps_its_name(make_package: MakePackage) -> None:
    spec = yaml.safe_load(SPEC.read_text())
    subscriptions = {"operationId": "listWebhooks", "tags": ["Webhooks"], "responses": {"200": {"description": "ok"}}}
    spec["paths"]["/webhooks"] = {"get": subscriptions}
    package = make_package(spec, "events_named")
    client = package.EventsNamedClient(webhook_secret=SECRET)
    assert callable(client.webhooks.list)  # the resource
    assert client.webhook_events.unwrap(PAID, standard_headers(PAID), now=NOW).amount == 3


CALLBACKS_30 = """\
openapi: 3.0.3
info: {title: Jobs, version: "1"}
paths:
  /jobs:
    post:
      operationId: startJob
      responses:
        "202": {description: started}
      callbacks:
        finished:
          "{$request.body#/callback}":
            post:
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      required: [job, ok]
                      properties:
                        job: {type: string}
                        ok: {type: boolean}
              responses:
                "200": {description: ok}
"""


def test_callbacks_of_an_openapi_30_document(make_package: MakePackage) -> None:
    package = make_package(CALLBACKS_30, "jobs")
    body = b'{"job": "j_1", "ok": true}'
    event = package.JobsClient(webhook_secret=SECRET).webhooks.unwrap(body, standard_headers(body), now=NOW)
    assert type(event).__name__ == "FinishedPostEvent" and event.ok is True
