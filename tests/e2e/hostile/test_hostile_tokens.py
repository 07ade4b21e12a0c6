"""Token stampede: callers that need an OAuth2 client-credentials token at the same moment wait for one fetch
and share its token, from threads (sync client) or tasks (async client), also after a 401 revokes it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from e2e.clients.test_client_auth import SPEC
from recording_server import RecordingServer, Seen

from conftest import MakePackage


@pytest.fixture
def pkg(make_package: MakePackage) -> ModuleType:
    return make_package(SPEC, package="stampede")


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    """A token endpoint slow enough (0.2 s) that callers starting together all find no token yet."""
    issued: list[int] = []
    lock = threading.Lock()

    def token(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        time.sleep(0.2)
        with lock:
            issued.append(len(issued) + 1)
            return 200, {"access_token": f"tok-{issued[-1]}", "expires_in": 3600}, {}

    with RecordingServer() as running:
        running.recorder.routes["/oauth/token"] = token
        yield running


def _bearers(server: RecordingServer) -> set[str]:
    return {s.headers["Authorization"] for s in server.recorder.to("/oauth")}


@pytest.mark.timeout(60)
def test_sixteen_threads_share_one_token_fetch(pkg: ModuleType, server: RecordingServer) -> None:
    start = threading.Barrier(16)

    def call(client: Any) -> None:
        start.wait()
        client.oauth.get()

    with pkg.StampedeClient(base_url=server.url, client_id="cid", client_secret="cs") as client:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(call, [client] * 8 + [client.with_options(max_retries=0)] * 8))  # copies share the cache
    assert len(server.recorder.to("/oauth/token")) == 1
    assert len(server.recorder.to("/oauth")) == 16 and _bearers(server) == {"Bearer tok-1"}


@pytest.mark.timeout(60)
def test_fifty_tasks_share_one_token_fetch_on_each_event_loop_they_run_in(
    pkg: ModuleType, server: RecordingServer
) -> None:
    client = pkg.AsyncStampedeClient(base_url=server.url, client_id="cid", client_secret="cs")

    async def burst() -> None:
        await asyncio.gather(*(client.oauth.get() for _ in range(50)))

    asyncio.run(burst())
    assert len(server.recorder.to("/oauth/token")) == 1
    asyncio.run(burst())  # another event loop, the same client: its lock and token still serve
    asyncio.run(client.close())
    assert len(server.recorder.to("/oauth/token")) == 1
    assert len(server.recorder.to("/oauth")) == 100 and _bearers(server) == {"Bearer tok-1"}


@pytest.mark.timeout(60)
def test_a_revoked_token_is_fetched_again_once_for_all_threads(pkg: ModuleType, server: RecordingServer) -> None:
    revoked = {"Bearer tok-1"}

    def oauth(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        refused = seen.headers["Authorization"] in revoked
        return (401, {"message": "revoked"}, {}) if refused else (200, {"ok": True}, {})

    server.recorder.routes["/oauth"] = oauth
    start = threading.Barrier(8)

    def call(client: Any) -> None:
        start.wait()
        client.oauth.get()

    with pkg.StampedeClient(base_url=server.url, client_id="cid", client_secret="cs") as client:
        client.oauth.get()  # tok-1 is fetched and refused; tok-2 is fetched and used
        revoked.add("Bearer tok-2")
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(call, [client] * 8))
    # tok-2 refused to 8 threads at once: one more fetch (tok-3) for all of them, not one each.
    assert len(server.recorder.to("/oauth/token")) == 3
    after = Counter(s.headers["Authorization"] for s in server.recorder.to("/oauth")[2:])
    assert set(after) <= {"Bearer tok-2", "Bearer tok-3"} and after["Bearer tok-3"] == 8  # each thread, once
