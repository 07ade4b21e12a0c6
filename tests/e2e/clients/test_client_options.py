"""The client's options over real sockets: its User-Agent, default headers and query, per-call retries and
timeouts, idempotency keys kept across retries, the server's `x-should-retry` and `retry-after-ms`, middleware on
every attempt, and async lists iterated without an await."""

from __future__ import annotations

import asyncio
import importlib
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from driven_time import drive
from faulty_server import ResettingServer
from recording_server import RecordingServer, Seen

import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, APIServer, ManualClock
from conftest import MakePackage, minimal_spec

STRING = {"type": "string"}
THING = {"type": "object", "properties": {"id": STRING}}
KEY = {"name": "Idempotency-Key", "in": "header", "schema": STRING}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _shop_spec() -> dict[str, Any]:
    """Things listed by cursor, created and changed with an idempotency key the spec declares once."""
    page = {"type": "object", "properties": {"data": {"type": "array", "items": THING}, "next_cursor": STRING}}
    ok, keyed = {"200": {"description": "ok", **_json(THING)}}, [{"$ref": "#/components/parameters/Key"}]
    body = {"required": True, **_json(THING)}
    spec = minimal_spec(
        paths={
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": [{"name": "cursor", "in": "query", "schema": STRING}],
                    "responses": {"200": {"description": "a page", **_json(page)}},
                },
                "post": {"operationId": "createThing", "parameters": keyed, "requestBody": body, "responses": ok},
            },
            "/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": STRING}],
                "patch": {"operationId": "updateThing", "parameters": keyed, "requestBody": body, "responses": ok},
            },
        }
    )
    spec["components"]["parameters"] = {"Key": KEY}
    return spec


@pytest.fixture
def shop(make_package: MakePackage) -> ModuleType:
    return make_package(_shop_spec(), "shop")


@pytest.fixture
def no_backoff(shop: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries happen at once: the backoff is not slept (what the server asks still is, where a test checks it)."""
    base_client = importlib.import_module(f"{shop.__name__}._base_client")
    monkeypatch.setattr(base_client, "retry_delay", lambda attempt, retry_after: 0.0)


def _served(*answers: tuple[int, Any, dict[str, str]]) -> Callable[[Seen], tuple[int, Any, dict[str, str]]]:
    """A route answering `answers` in turn, the last one again and again."""
    queue = list(answers)
    return lambda seen: queue.pop(0) if len(queue) > 1 else queue[0]


def _uuid4(value: str) -> bool:
    return uuid.UUID(value).version == 4


def test_the_user_agent_and_the_default_headers_and_query_go_with_every_request(shop: ModuleType) -> None:
    user_agent = f"shop/1 python/{sys.version_info[0]}.{sys.version_info[1]} httpx/{httpx.__version__}"
    options: dict[str, Any] = {"default_headers": {"X-Team": "a"}, "default_query": {"tenant": "t1", "cursor": "x"}}
    with RecordingServer() as server, shop.ShopClient(base_url=server.url, **options) as client:
        client.things.list()
        client.things.list(cursor="c", extra_headers={"X-Team": "b"})
        client.with_options(max_retries=0).things.create({"id": "t"})
        with shop.ShopClient(base_url=server.url, default_headers={"User-Agent": "mine/2"}) as own:
            own.things.list()
        with httpx.Client() as http, shop.ShopClient(base_url=server.url, http_client=http) as borrowing:
            borrowing.things.list()  # httpx's own User-Agent is replaced; one set on the httpx client is kept
    first, second, created, own_agent, borrowed = server.recorder.seen
    assert first.headers["User-Agent"] == created.headers["User-Agent"] == borrowed.headers["User-Agent"] == user_agent
    assert first.headers["X-Team"] == "a" and parse_qs(first.query) == {"tenant": ["t1"], "cursor": ["x"]}
    # The call's own values win: a parameter it sets, and its extra headers.
    assert second.headers["X-Team"] == "b" and parse_qs(second.query) == {"cursor": ["c"], "tenant": ["t1"]}
    assert own_agent.headers["User-Agent"] == "mine/2"


def test_max_retries_and_timeout_per_call(shop: ModuleType, no_backoff: None, server: APIServer) -> None:
    unavailable = (503, {"message": "later"}, {})
    with RecordingServer() as recording, shop.ShopClient(base_url=recording.url) as client:
        recording.recorder.routes["/things"] = _served(unavailable)
        for retries, sent in ((0, 1), (None, 3), (4, 5)):
            recording.recorder.seen.clear()
            with pytest.raises(shop.InternalServerError):
                client.things.list(**({} if retries is None else {"max_retries": retries}))
            assert len(recording.recorder.seen) == sent, retries
    server.state.delays["/v1/async-actions/aa_1"] = 0.5
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as vf:
        with pytest.raises(voucherify.APITimeoutError):
            vf.async_actions.get("aa_1", timeout=0.1, max_retries=0)
        assert vf.async_actions.get("aa_1").id == "aa_1"  # the client's own timeout is unchanged
    assert len(server.state.requests_to("/v1/async-actions/aa_1")) == 2


@pytest.mark.timeout(30)
def test_a_post_with_an_idempotency_key_is_retried_with_the_same_key_after_a_dropped_connection(
    shop: ModuleType, no_backoff: None
) -> None:
    with ResettingServer(resets=1) as server, shop.ShopClient(base_url=server.url) as client:
        assert client.things.create({"id": "t1"}).model_extra == {"ok": True}
        client.things.update("t1", {"id": "t1"})  # a PATCH gets a key of its own
        client.things.list()
    reset, retried, patched, listed = server.heads
    assert reset["idempotency-key"] == retried["idempotency-key"] != patched["idempotency-key"]
    assert _uuid4(retried["idempotency-key"]) and _uuid4(patched["idempotency-key"])
    assert "idempotency-key" not in listed  # a GET changes nothing: no key


@pytest.mark.timeout(30)
def test_a_key_given_per_call_or_none_at_all(shop: ModuleType, no_backoff: None) -> None:
    with ResettingServer(resets=1) as server, shop.ShopClient(base_url=server.url, idempotency_header="X-Key") as c:
        c.things.create({"id": "t1"}, idempotency_key="mine")
    assert [head["x-key"] for head in server.heads] == ["mine", "mine"]
    assert not any("idempotency-key" in head for head in server.heads)
    # Without keys a POST the server may have acted on is not sent again.
    with ResettingServer(resets=1) as server, shop.ShopClient(base_url=server.url, idempotency_header=None) as c:
        with pytest.raises(shop.APIConnectionError):
            c.things.create({"id": "t1"})
    assert server.requests == 1 and "idempotency-key" not in server.heads[0]


def test_x_should_retry_decides_over_the_status_and_the_method(shop: ModuleType, no_backoff: None) -> None:
    refused = (400, {"message": "try again"}, {"x-should-retry": "true"})
    unavailable = (503, {"message": "do not"}, {"x-should-retry": "false"})
    with RecordingServer() as server, shop.ShopClient(base_url=server.url, idempotency_header=None) as client:
        server.recorder.routes["/things"] = _served(refused, (200, {"id": "t1"}, {}))
        assert client.things.create({"id": "t1"}).id == "t1"  # a 400 on a POST without a key: the server says so
        assert [s.method for s in server.recorder.seen] == ["POST", "POST"]
        server.recorder.routes["/things"] = _served(unavailable)
        with pytest.raises(shop.InternalServerError):
            client.things.list()
        assert len(server.recorder.seen) == 3


def test_retry_after_ms_is_honoured_before_retry_after(shop: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    driven = drive(monkeypatch, ManualClock(), shop)
    limited = (429, {"message": "slow down"}, {"retry-after-ms": "1500", "Retry-After": "10"})
    with RecordingServer() as server, shop.ShopClient(base_url=server.url) as client:
        server.recorder.routes["/things"] = _served(limited, (429, {}, {"Retry-After": "3"}), (200, {"data": []}, {}))
        assert client.things.list().items == []
    assert driven.sleeps == [1.5, 3.0]


def test_middleware_runs_on_every_attempt_outermost_first(shop: ModuleType, no_backoff: None) -> None:
    order: list[str] = []
    spans: list[tuple[str, str, int]] = []

    def trace(request: httpx.Request, send_on: Callable[[httpx.Request], httpx.Response]) -> httpx.Response:
        order.append("trace")
        request.headers["traceparent"] = f"00-{len(spans):032x}-{1:016x}-01"
        response = send_on(request)
        spans.append((request.method, request.url.path, response.status_code))
        return response

    def count(request: httpx.Request, send_on: Callable[[httpx.Request], httpx.Response]) -> httpx.Response:
        order.append("count")
        request.headers["X-Attempt"] = str(order.count("count"))
        return send_on(request)

    with RecordingServer() as server:
        server.recorder.routes["/things"] = _served((503, {}, {}), (200, {"data": []}, {}))
        with shop.ShopClient(base_url=server.url, middleware=[trace, count]) as client:
            client.things.list()
        sent = [(s.headers["X-Attempt"], s.headers["traceparent"][3:35]) for s in server.recorder.seen]
    assert sent == [("1", f"{0:032x}"), ("2", f"{1:032x}")]
    assert order == ["trace", "count", "trace", "count"]
    assert spans == [("GET", "/things", 503), ("GET", "/things", 200)]


@pytest.mark.timeout(30)
def test_async_middleware_sees_each_attempt_of_a_dropped_post(shop: ModuleType, no_backoff: None) -> None:
    seen: list[str] = []

    async def count(
        request: httpx.Request, send_on: Callable[[httpx.Request], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        seen.append(request.headers["Idempotency-Key"])
        try:
            response = await send_on(request)
        except httpx.TransportError as exc:  # the dropped connection reaches the middleware first
            seen.append(type(exc).__name__)
            raise
        seen.append(str(response.status_code))
        return response

    async def create(url: str) -> None:
        async with shop.AsyncShopClient(base_url=url, middleware=[count]) as client:
            await client.things.create({"id": "t1"})

    with ResettingServer(resets=1) as server:
        asyncio.run(create(server.url))
    key, error, again, status = seen
    assert key == again and error in ("RemoteProtocolError", "ReadError") and status == "200"


@pytest.fixture
def pages() -> Iterator[RecordingServer]:
    """Three things over two pages, by cursor."""
    with RecordingServer() as server:
        later = (200, {"data": [{"id": "t3"}], "next_cursor": None}, {})
        server.recorder.routes["/things"] = lambda seen: (
            later if "cursor=" in seen.query else (200, {"data": [{"id": "t1"}, {"id": "t2"}], "next_cursor": "c2"}, {})
        )
        yield server


def test_an_async_list_iterates_without_an_await_or_awaits_to_its_first_page(
    shop: ModuleType, pages: RecordingServer
) -> None:
    async def scenario() -> tuple[list[str], list[str], int, str]:
        async with shop.AsyncShopClient(base_url=pages.url) as client:
            every = [thing.id async for thing in client.things.list()]
            listing = client.things.list()  # nothing is sent until it is awaited or iterated
            sent = len(pages.recorder.seen)
            first = await listing
            raw = await client.things.list.with_raw_response()
            return every, [thing.id for thing in first.items], sent, raw.http_response.request.method

    every, first, sent, method = asyncio.run(scenario())
    assert every == ["t1", "t2", "t3"] and first == ["t1", "t2"] and sent == 2 and method == "GET"
    assert [parse_qs(s.query).get("cursor") for s in pages.recorder.seen] == [None, ["c2"], None, None]
