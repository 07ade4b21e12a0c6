"""The runtime's client, unit-tested from its own sources (`generator/runtime/`): the async code as written there,
against an `httpx.MockTransport`. The sync twin derived from it is tested through the generated packages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from typing_extensions import Unpack

from generator.runtime._api_client import AsyncAPIClient
from generator.runtime._auth import Scheme
from generator.runtime._encoding import Omit, Param, omit
from generator.runtime._endpoint import Endpoint
from generator.runtime._exceptions import NotFoundError
from generator.runtime._pagination import PageSpec
from generator.runtime._response import AsyncOperation, RawResponse, RequestOptions
from generator.runtime._runtime import ResponseType

Handler = Callable[[httpx.Request], httpx.Response]
THING = Endpoint(
    method="GET",
    path="/things/{id}",
    response=ResponseType[dict[str, Any]](target=lambda: dict[str, Any]),
    params=(Param(name="id", wire="id", location="path"),),
    security=(("key",),),
)
KEY = {"key": Scheme(kind="apiKey", arguments=(("api_key", "TEST_API_KEY"),), name="X-Key")}


def _client(handler: Handler) -> AsyncAPIClient:
    return AsyncAPIClient(
        base_url="https://api.example.com",
        credentials={"api_key": "secret"},
        schemes=KEY,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True),
    )


def test_a_request_is_retried_as_retry_after_asks_and_parsed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.raw_path.decode()} {request.headers['X-Key']}")
        if len(seen) == 1:
            return httpx.Response(503, headers={"Retry-After": "0"})
        return httpx.Response(200, json={"id": "t 1"})

    assert asyncio.run(_client(handler).request(THING, {"id": "t 1"})) == {"id": "t 1"}
    assert seen == ["/things/t%201 secret"] * 2


def test_an_error_status_raises_its_typed_error_with_the_body_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "no such thing"}, headers={"X-Request-Id": "r1"})

    with pytest.raises(NotFoundError, match=r"GET /things/x -> 404: no such thing \[request id r1\]"):
        asyncio.run(_client(handler).request(THING, {"id": "x"}))


def test_a_redirect_to_another_origin_drops_the_credentials() -> None:
    sent: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.url.host, request.headers.get("X-Key")))
        if request.url.host == "api.example.com":
            return httpx.Response(302, headers={"Location": "https://cdn.example.net/things/x"})
        return httpx.Response(200, json={})

    asyncio.run(_client(handler).request(THING, {"id": "x"}))
    assert sent == [("api.example.com", "secret"), ("cdn.example.net", None)]


def test_pages_are_fetched_as_they_are_reached() -> None:
    pages = {None: (["a", "b"], "c2"), "c2": (["c"], None)}
    listing = Endpoint(
        method="GET",
        path="/letters",
        response=ResponseType[dict[str, Any]](target=lambda: dict[str, Any]),
        params=(Param(name="cursor", wire="cursor", location="query"),),
    )

    def handler(request: httpx.Request) -> httpx.Response:
        items, following = pages[request.url.params.get("cursor")]
        return httpx.Response(200, json={"data": items, "next": following})

    async def walk() -> list[str]:
        spec = PageSpec[str](items="data", parameter="cursor", source="next", kind="body_cursor")
        first = await _client(handler).paginate(listing, {}, spec)
        return [item async for item in first]

    assert asyncio.run(walk()) == ["a", "b", "c"]


class Things:
    """A resource as the generated modules write one: its methods made operations."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @AsyncOperation
    async def get(self, thing_id: str, **options: Unpack[RequestOptions]) -> dict[str, Any]:
        """Fetch one thing."""
        return await self._client.request(THING, {"id": thing_id}, options=options)


def test_an_operation_gives_its_result_or_the_raw_response() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": request.url.path.rsplit("/", 1)[1]}, headers={"X-Rate": "9"})

    things = Things(_client(handler))

    async def calls() -> tuple[dict[str, Any], RawResponse[dict[str, Any]]]:
        return await things.get("a"), await things.get.with_raw_response("b")

    parsed, raw = asyncio.run(calls())
    assert parsed == {"id": "a"}
    assert (raw.parsed, raw.status_code, raw.headers["X-Rate"]) == ({"id": "b"}, 200, "9")
    assert things.get.__doc__ == "Fetch one thing."


def test_cookie_style_values_are_sent_as_written_and_form_style_ones_percent_encoded() -> None:
    # OpenAPI 3.2's `style: cookie` applies no percent-encoding (RFC 6265's syntax); `form`, the default, does.
    params = (
        Param(name="raw", wire="raw", location="cookie", style="cookie", explode=True),
        Param(name="form", wire="form", location="cookie"),
    )
    endpoint = Endpoint(method="GET", path="/c", response=THING.response, params=params)
    cookies: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        cookies.append(request.headers["Cookie"])
        return httpx.Response(200, json={})

    asyncio.run(_client(handler).request(endpoint, {"raw": ["a/b", "c d"], "form": "a/b c"}))
    assert cookies == ["raw=a/b; raw=c d; form=a%2Fb%20c"]


def test_an_omitted_argument_is_not_sent_and_none_is_sent_only_where_the_schema_admits_null() -> None:
    listing = Endpoint(
        method="GET",
        path="/things",
        response=ResponseType[dict[str, Any]](target=lambda: dict[str, Any]),
        params=(
            Param(name="limit", wire="limit", location="query"),
            Param(name="cursor", wire="cursor", location="query", nullable=True),
            Param(name="trace", wire="X-Trace", location="header", nullable=True, content="application/json"),
        ),
    )
    sent: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.url.query.decode(), request.headers.get("X-Trace")))
        return httpx.Response(200, json={})

    client = _client(handler)
    asyncio.run(client.request(listing, {"limit": omit, "cursor": omit, "trace": omit}))
    asyncio.run(client.request(listing, {"limit": None, "cursor": None, "trace": None}))
    asyncio.run(client.request(listing, {"limit": 0, "cursor": "c"}))
    assert sent == [("", None), ("cursor=", "null"), ("limit=0&cursor=c", None)]
    assert not omit and repr(omit) == "omit" and isinstance(omit, Omit)
