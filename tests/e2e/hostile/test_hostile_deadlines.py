"""Timeouts are deadlines: a float `timeout` bounds a whole attempt (connect, send, every read of the body),
however slowly the server trickles; and a wait ends near its own timeout whatever the status endpoint does.

Real sockets, so the bounds are generous: what they catch is a body that would take a minute, or a wait that
sleeps a ten-second `Retry-After` it has no time for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest
from slow_server import SlowServer

import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, APIServer, Fault
from conftest import MakePackage, minimal_spec

SPEC = minimal_spec(
    {"Thing": {"type": "object"}},
    {
        "/thing": {
            "get": {
                "operationId": "getThing",
                "tags": ["default"],
                "responses": {
                    "200": {
                        "description": "a thing",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                    }
                },
            }
        }
    },
)


@pytest.fixture
def pkg(make_package: MakePackage) -> ModuleType:
    return make_package(SPEC, package="slowpkg")


@pytest.fixture
def trickling() -> Iterator[SlowServer]:
    with SlowServer(interval=0.4) as server:  # a body of 150 bytes: a minute to read
        yield server


@pytest.mark.timeout(30)
def test_a_trickled_body_is_cut_at_the_client_timeout(pkg: ModuleType, trickling: SlowServer) -> None:
    with pkg.SlowpkgClient(base_url=trickling.url, timeout=1, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(pkg.APITimeoutError):
            client.thing.get()
        assert time.monotonic() - started < 3


@pytest.mark.timeout(30)
def test_per_call_and_with_options_timeouts_are_deadlines_too(pkg: ModuleType, trickling: SlowServer) -> None:
    with pkg.SlowpkgClient(base_url=trickling.url, max_retries=0) as client:
        for call in (lambda: client.thing.get(timeout=1), client.with_options(timeout=1).thing.get):
            started = time.monotonic()
            with pytest.raises(pkg.APITimeoutError):
                call()
            assert time.monotonic() - started < 3


@pytest.mark.timeout(30)
def test_the_deadline_is_per_attempt_and_retries_get_their_own(pkg: ModuleType, trickling: SlowServer) -> None:
    with pkg.SlowpkgClient(base_url=trickling.url, timeout=1, max_retries=1) as client:
        started = time.monotonic()
        with pytest.raises(pkg.APITimeoutError):
            client.thing.get()
        assert time.monotonic() - started < 6  # two attempts of a second, a backoff of at most half one
    assert trickling.requests == 2


@pytest.mark.timeout(30)
def test_async_client_deadline(pkg: ModuleType, trickling: SlowServer) -> None:
    assert asyncio.run(_async_timed(pkg, trickling.url)) < 3


@pytest.mark.timeout(30)
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_trickled_headers_are_cut_at_the_client_timeout(pkg: ModuleType, asynchronous: bool) -> None:
    with SlowServer(interval=0.2, headers=True) as server:  # 200 bytes of headers: 40 s to read
        if asynchronous:
            assert asyncio.run(_async_timed(pkg, server.url)) < 3
            return
        with pkg.SlowpkgClient(base_url=server.url, timeout=1, max_retries=0) as client:
            started = time.monotonic()
            with pytest.raises(pkg.APITimeoutError):
                client.thing.get()
            assert time.monotonic() - started < 3


async def _async_timed(pkg: ModuleType, url: str) -> float:
    """How long a get with `timeout=1` took to fail with APITimeoutError."""
    async with pkg.AsyncSlowpkgClient(base_url=url, timeout=1, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(pkg.APITimeoutError):
            await client.thing.get()
        return time.monotonic() - started


@pytest.mark.timeout(30)
def test_a_callers_own_client_is_left_as_it_is(pkg: ModuleType) -> None:
    """Only the package's own client has its reads cut at the deadline; a caller's keeps httpx's bounds."""
    with SlowServer(interval=0, headers=True) as server, httpx.Client() as http:
        with pkg.SlowpkgClient(base_url=server.url, http_client=http) as client:
            assert client.thing.get() is not None
        backend = http._transport._pool._network_backend  # type: ignore[attr-defined]
        assert type(backend).__module__.startswith("httpcore")


@pytest.mark.timeout(30)
def test_an_httpx_timeout_is_accepted_and_keeps_its_per_phase_meaning(pkg: ModuleType) -> None:
    with SlowServer(delay=2, interval=0) as server:
        phases = httpx.Timeout(5, read=0.5)
        with pkg.SlowpkgClient(base_url=server.url, timeout=phases, max_retries=0) as client:
            with pytest.raises(pkg.APITimeoutError):
                client.thing.get()  # the headers come after 2 s: the read timeout (0.5 s) ends it
            assert client.thing.get(timeout=httpx.Timeout(5)) == {}
            assert client.with_options(timeout=httpx.Timeout(5)).thing.get() == {}


def _client(server: APIServer) -> voucherify.VoucherifyClient:
    return voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url)


@pytest.mark.timeout(60)
def test_a_wait_does_not_sleep_a_retry_after_longer_than_its_time_left(server: APIServer) -> None:
    server.state.add_action("aa_busy", "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS"})])
    busy = Fault(429, {"Retry-After": "10"}, {"code": 429, "message": "slow down"})
    server.state.fault("/v1/async-actions/aa_busy", busy, busy, busy)
    with _client(server) as client:
        started = time.monotonic()
        with pytest.raises(voucherify.APIError):
            client.async_actions.wait("aa_busy", timeout=3, poll_interval=0.1)
        assert time.monotonic() - started < 4


@pytest.mark.timeout(60)
def test_a_wait_bounds_each_status_request_by_its_time_left(server: APIServer) -> None:
    server.state.add_action("aa_slow", "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS"})])
    server.state.delays["/v1/async-actions/aa_slow"] = 5
    with _client(server) as client:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            client.async_actions.wait("aa_slow", timeout=1, poll_interval=0.1)
        assert time.monotonic() - started < 2.5


@pytest.mark.timeout(60)
def test_an_async_wait_bounds_each_status_request_by_its_time_left(server: APIServer) -> None:
    server.state.add_action("aa_slow", "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS"})])
    server.state.delays["/v1/async-actions/aa_slow"] = 5

    async def scenario() -> float:
        async with voucherify.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as c:
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                await c.async_actions.wait("aa_slow", timeout=1, poll_interval=0.1)
            return time.monotonic() - started

    assert asyncio.run(scenario()) < 2.5
