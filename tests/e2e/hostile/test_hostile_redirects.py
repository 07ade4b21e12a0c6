"""Credentials stay on their origin: a redirect to another origin (here a second local port) followed by
the caller's own `httpx.Client(follow_redirects=True)` reaches it without any API key, sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest
from keyed_api import APP_ID, APP_TOKEN, QUERY_KEY, SESSION, client_options, keyed_package
from recording_server import RecordingServer, Seen

from conftest import MakePackage

SECRETS = (APP_ID, APP_TOKEN, QUERY_KEY, SESSION)


@pytest.fixture
def keyed(make_package: MakePackage) -> ModuleType:
    return keyed_package(make_package)


@pytest.fixture
def servers() -> Iterator[tuple[RecordingServer, RecordingServer]]:
    with RecordingServer() as origin, RecordingServer() as other:
        yield origin, other


def _redirect_everything(origin: RecordingServer, to: str, status: int) -> None:
    # The query is kept, as a server moved to another host redirects: `?api_key=...` included.
    for path in ("/things", "/search", "/session"):
        origin.recorder.routes[path] = lambda seen, path=path: (status, {}, {"Location": f"{to}{path}?{seen.query}"})


def _leaked(seen: list[Seen]) -> list[str]:
    return [f"{s.method} {s.path}?{s.query} {s.headers}" for s in seen if any(x in str(s) for x in SECRETS)]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("status", [302, 307, 308])
def test_no_credential_follows_a_redirect_to_another_origin(
    keyed: ModuleType, servers: tuple[RecordingServer, RecordingServer], status: int
) -> None:
    origin, other = servers
    _redirect_everything(origin, other.url, status)
    with httpx.Client(follow_redirects=True) as http:
        with keyed.KeyedClient(**client_options(origin.url), http_client=http) as client:
            assert client.things.list() == {"ok": True}
            assert client.things.create(body={"a": 1}) == {"ok": True}
            assert client.search.get() == {"ok": True}
            assert client.session.get() == {"ok": True}
    assert [s.path for s in other.recorder.seen] == ["/things", "/things", "/search", "/session"]
    assert _leaked(other.recorder.seen) == []
    assert len(_leaked(origin.recorder.seen)) == 4  # they were sent where they were configured for


@pytest.mark.timeout(30)
@pytest.mark.parametrize("status", [302, 307, 308])
def test_no_credential_follows_a_redirect_to_another_origin_async(
    keyed: ModuleType, servers: tuple[RecordingServer, RecordingServer], status: int
) -> None:
    origin, other = servers
    _redirect_everything(origin, other.url, status)

    async def scenario() -> None:
        async with httpx.AsyncClient(follow_redirects=True) as http:
            async with keyed.AsyncKeyedClient(**client_options(origin.url), http_client=http) as client:
                assert await client.things.list() == {"ok": True}
                assert await client.things.create(body={"a": 1}) == {"ok": True}
                assert await client.search.get() == {"ok": True}
                assert await client.session.get() == {"ok": True}

    asyncio.run(scenario())
    assert [s.path for s in other.recorder.seen] == ["/things", "/things", "/search", "/session"]
    assert _leaked(other.recorder.seen) == []


@pytest.mark.timeout(30)
def test_a_redirect_on_the_same_origin_keeps_the_keys(
    keyed: ModuleType, servers: tuple[RecordingServer, RecordingServer]
) -> None:
    origin, _ = servers
    origin.recorder.routes["/things"] = lambda seen: (307, {}, {"Location": "/moved"})
    with httpx.Client(follow_redirects=True) as http:
        with keyed.KeyedClient(**client_options(origin.url), http_client=http) as client:
            assert client.things.create(body={"a": 1}) == {"ok": True}
    (moved,) = origin.recorder.to("/moved")
    assert moved.method == "POST" and moved.body == b'{"a":1}'
    assert moved.headers["X-App-Id"] == APP_ID and moved.headers["X-App-Token"] == APP_TOKEN


@pytest.mark.timeout(30)
def test_without_follow_redirects_the_redirect_is_the_answer(
    keyed: ModuleType, servers: tuple[RecordingServer, RecordingServer]
) -> None:
    origin, other = servers
    _redirect_everything(origin, other.url, 302)
    with keyed.KeyedClient(**client_options(origin.url), max_retries=0) as client:
        with pytest.raises(keyed.APIStatusError) as caught:
            client.things.list()
    assert caught.value.status_code == 302 and other.recorder.seen == []
