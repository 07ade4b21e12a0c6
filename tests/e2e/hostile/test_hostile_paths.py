"""Path arguments an attacker controls: dot segments never reach the server as `.`/`..` (which would move the
request up the path), and a missing or empty required path argument is refused before anything is sent."""

from __future__ import annotations

import asyncio

import pytest

import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, APIServer


def _client(server: APIServer) -> voucherify.VoucherifyClient:
    return voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url, max_retries=0)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("value", "sent"),
    [("..", "%2E%2E"), (".", "%2E"), ("...", "..."), ("a..b", "a..b"), ("../x", "..%2Fx"), (".%2E", ".%252E")],
)
def test_dot_segments_reach_the_server_encoded(server: APIServer, value: str, sent: str) -> None:
    with _client(server) as client, pytest.raises(voucherify.APIError):
        client.async_actions.get(value)  # the fake server knows no such action: what matters is the path it saw
    assert [r.path for r in server.state.requests] == [f"/v1/async-actions/{sent}"]


@pytest.mark.timeout(30)
def test_delete_dot_dot_does_not_delete_the_collection(server: APIServer) -> None:
    with _client(server) as client:
        client.campaigns.delete("..")
    assert [(r.method, r.path) for r in server.state.requests] == [("DELETE", "/v1/campaigns/%2E%2E")]


@pytest.mark.timeout(30)
def test_missing_or_empty_path_arguments_are_refused_before_sending(server: APIServer) -> None:
    with _client(server) as client:
        with pytest.raises(TypeError, match="async_action_id"):
            client.async_actions.get(None)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="async_action_id"):
            client.async_actions.get("")
        with pytest.raises(ValueError, match="campaign_id"):
            client.campaigns.delete("")
    assert server.state.requests == []


@pytest.mark.timeout(30)
def test_async_client_refuses_and_encodes_the_same_way(server: APIServer) -> None:
    async def scenario() -> None:
        async with voucherify.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as c:
            with pytest.raises(TypeError, match="async_action_id"):
                await c.async_actions.get(None)  # type: ignore[arg-type]
            await c.campaigns.delete(".")

    asyncio.run(scenario())
    assert [(r.method, r.path) for r in server.state.requests] == [("DELETE", "/v1/campaigns/%2E")]
