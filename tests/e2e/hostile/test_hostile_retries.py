"""Only failures that can change are retried: a reset connection or a timeout may not happen again; an
invalid header value, an undecodable body or a redirect loop will, so they fail at once."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest
from faulty_server import ResettingServer
from keyed_api import client_options, keyed_package
from recording_server import RecordingServer

from conftest import MakePackage


@pytest.fixture
def keyed(make_package: MakePackage, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    package = keyed_package(make_package)
    # The retry backoff is driven, not slept: every retry that happens, happens at once.
    monkeypatch.setattr(importlib.import_module("keyed._base_client"), "retry_delay", lambda attempt, retry_after: 0.0)
    return package


@pytest.mark.timeout(30)
@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\rb"])
def test_a_header_value_with_a_line_break_is_not_retried(
    keyed: ModuleType, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    caplog.set_level("DEBUG", logger="keyed")
    with RecordingServer() as server, keyed.KeyedClient(**client_options(server.url), max_retries=2) as client:
        with pytest.raises(keyed.APIError) as caught:
            client.notes.list(x_note=value)
        assert server.recorder.seen == []
    assert isinstance(caught.value, keyed.InvalidRequestError), repr(caught.value)
    assert value not in str(caught.value)
    attempts = [r.getMessage() for r in caplog.records if r.name == "keyed" and "/notes" in r.getMessage()]
    assert len(attempts) == 1, attempts


@pytest.mark.timeout(30)
def test_a_reset_connection_is_still_retried(keyed: ModuleType) -> None:
    with ResettingServer() as server, keyed.KeyedClient(**client_options(server.url), max_retries=2) as client:
        with pytest.raises(keyed.APIConnectionError):
            client.things.list()
        assert server.requests == 3


@pytest.mark.timeout(30)
def test_a_reset_post_is_not_retried(keyed: ModuleType) -> None:
    # The server may have acted on it before the reset: sending it again could do it twice.
    with ResettingServer() as server, keyed.KeyedClient(**client_options(server.url), max_retries=2) as client:
        with pytest.raises(keyed.APIConnectionError):
            client.things.create(body={})
        assert server.requests == 1
