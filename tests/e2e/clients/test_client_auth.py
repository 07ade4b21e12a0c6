"""Auth over real sockets: every scheme kind, per-operation alternatives, the OAuth2 client-credentials
flow, missing credentials refused before sending, and secrets kept out of sight."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from recording_server import RecordingServer

from conftest import MakePackage


def _get(security: list[dict[str, list[str]]] | None) -> dict[str, Any]:
    # Tagged, so that methods are named from the operations (`basic.get`), not from the paths.
    ok = {"200": {"description": "ok", "content": {"application/json": {}}}}
    operation: dict[str, Any] = {"tags": ["default"], "responses": ok}
    if security is not None:
        operation["security"] = security
    return {"get": operation}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Auth", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "tags": [{"name": "calls"}],
    "paths": {
        "/key-query": _get([{"keyQuery": []}]),
        "/key-cookie": _get([{"keyCookie": []}]),
        "/basic": _get([{"basic": []}]),
        "/either": _get([{"bearer": []}, {"basic": []}]),
        "/both": _get([{"keyHeader": [], "basic": []}]),
        "/oauth": _get([{"oauth": ["read"]}]),
        "/public": _get([]),
        "/optional": _get([{}, {"bearer": []}]),
    },
    "components": {
        "securitySchemes": {
            "keyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
            "keyCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            "keyHeader": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "basic": {"type": "http", "scheme": "basic"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "oauth": {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {"read": "read things"}}},
            },
        }
    },
}


@pytest.fixture
def pkg(make_package: MakePackage) -> ModuleType:
    return make_package(SPEC, package="authpkg")


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as running:
        yield running


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_api_keys_go_where_the_scheme_says(pkg: ModuleType, server: RecordingServer) -> None:
    with pkg.AuthpkgClient(base_url=server.url, api_key="k 1", session="c1") as client:
        client.key_query.get()
        client.key_cookie.get()
    query, cookie = server.recorder.seen
    assert query.query == "api_key=k%201" and "authorization" not in {h.lower() for h in query.headers}
    assert cookie.headers["Cookie"] == "session=c1"


def test_basic_bearer_and_alternatives(pkg: ModuleType, server: RecordingServer) -> None:
    with pkg.AuthpkgClient(base_url=server.url, username="u", password="p", key="hk") as client:
        client.basic.get()
        client.either.get()  # no bearer token: the second alternative (basic) is used
        client.both.get()
    basic, either, both = server.recorder.seen
    assert basic.headers["Authorization"] == either.headers["Authorization"] == _basic("u", "p")
    assert both.headers["Authorization"] == _basic("u", "p") and both.headers["X-Key"] == "hk"
    with pkg.AuthpkgClient(base_url=server.url, bearer_token="bt", username="u", password="p") as client:
        client.either.get()  # the first alternative wins when both are possible
    assert server.recorder.seen[-1].headers["Authorization"] == "Bearer bt"


def test_missing_credentials_are_refused_before_anything_is_sent(pkg: ModuleType, server: RecordingServer) -> None:
    with pkg.AuthpkgClient(base_url=server.url, username="u", password="p") as client:
        with pytest.raises(pkg.MissingCredentialsError) as raised:
            client.both.get()
        client.public.get()  # `security: []` needs nothing
        client.optional.get()  # `{}` among the alternatives: nothing is needed either
    assert "key (or $AUTHPKG_KEY)" in str(raised.value) and "GET /both" in str(raised.value)
    assert [s.path for s in server.recorder.seen] == ["/public", "/optional"]
    assert all("Authorization" not in s.headers for s in server.recorder.seen)


def test_credentials_come_from_the_environment(
    pkg: ModuleType, server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHPKG_BEARER_TOKEN", "from-env")
    with pkg.AuthpkgClient(base_url=server.url) as client:
        client.optional.get()
    assert server.recorder.seen[0].headers["Authorization"] == "Bearer from-env"


def test_oauth2_client_credentials_fetches_caches_and_refreshes_once(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/oauth"] = [(200, {"n": 1}), (401, {"message": "revoked"}), (200, {"n": 2})]
    with pkg.AuthpkgClient(base_url=server.url, client_id="cid", client_secret="cs") as client:
        client.oauth.get()
        assert "tok-1" not in repr(vars(client)) and "cs" not in repr(vars(client))
        client.oauth.get()  # 401: the token is fetched again and the call retried once
    token_requests = server.recorder.to("/oauth/token")
    assert len(token_requests) == 2
    assert token_requests[0].body == b"grant_type=client_credentials"
    assert token_requests[0].headers["Authorization"] == _basic("cid", "cs")
    calls = [s.headers["Authorization"] for s in server.recorder.to("/oauth")]
    assert calls == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_oauth2_token_is_refreshed_before_it_expires(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.token_lifetime = 1  # refreshed half a second before it expires
    with pkg.AuthpkgClient(base_url=server.url, client_id="cid", client_secret="cs") as client:
        client.oauth.get()
        time.sleep(0.6)
        client.oauth.get()
    assert [s.headers["Authorization"] for s in server.recorder.to("/oauth")] == ["Bearer tok-1", "Bearer tok-2"]


def test_async_oauth2_and_a_plain_access_token(pkg: ModuleType, server: RecordingServer) -> None:
    async def main() -> None:
        async with pkg.AsyncAuthpkgClient(base_url=server.url, client_id="cid", client_secret="cs") as client:
            await client.oauth.get()
            await client.oauth.get()
        async with pkg.AsyncAuthpkgClient(base_url=server.url, access_token="given") as client:
            await client.oauth.get()

    asyncio.run(main())
    assert len(server.recorder.to("/oauth/token")) == 1
    calls = [s.headers["Authorization"] for s in server.recorder.to("/oauth")]
    assert calls == ["Bearer tok-1", "Bearer tok-1", "Bearer given"]


def test_secrets_stay_out_of_repr_and_errors(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/basic"] = [(403, {"message": "no"})]
    with pkg.AuthpkgClient(base_url=server.url, username="u", password="hunter2") as client:
        with pytest.raises(pkg.PermissionDeniedError) as raised:
            client.basic.get(extra_query={"x": "1"})
        shown = repr(client) + repr(vars(client)) + str(raised.value)
    assert "hunter2" not in shown and base64.b64encode(b"u:hunter2").decode() not in shown
