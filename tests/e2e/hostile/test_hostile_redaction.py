"""No credential is ever shown: every URL in an error, a repr or a log line (the package's and httpx's
own) has its query credentials and its userinfo redacted."""

from __future__ import annotations

import logging
import threading
from types import ModuleType

import pytest
from faulty_server import ResettingServer
from keyed_api import APP_ID, APP_TOKEN, QUERY_KEY, SESSION, client_options, keyed_package
from recording_server import RecordingServer

import generated.postman as postman
from conftest import MakePackage

USERINFO = "userinfo-secret"
SECRETS = (APP_ID, APP_TOKEN, QUERY_KEY, SESSION, USERINFO)


@pytest.fixture
def keyed(make_package: MakePackage) -> ModuleType:
    return keyed_package(make_package)


def _with_userinfo(url: str) -> str:
    return url.replace("http://", f"http://someone:{USERINFO}@")


def _assert_hidden(*texts: str) -> None:
    for text in texts:
        assert not [secret for secret in SECRETS if secret in text], text


def _assert_error_hidden(error: BaseException) -> None:
    _assert_hidden(str(error), repr(error))
    assert "/search?api_key=" in str(error)  # the URL is shown, its key is not


@pytest.mark.timeout(30)
def test_a_timeout_error_shows_no_credential(keyed: ModuleType) -> None:
    release = threading.Event()  # the server answers only once the test is done: a timeout, no clock involved
    with RecordingServer() as server:
        server.recorder.routes["/search"] = lambda seen: (200, {"late": release.wait(20)}, {})
        try:
            options = {**client_options(_with_userinfo(server.url)), "timeout": 0.2, "max_retries": 0}
            with keyed.KeyedClient(**options) as client, pytest.raises(keyed.APITimeoutError) as caught:
                client.search.get()
        finally:
            release.set()
    _assert_error_hidden(caught.value)


@pytest.mark.timeout(30)
def test_a_connection_error_shows_no_credential(keyed: ModuleType) -> None:
    with ResettingServer() as server:
        options = {**client_options(_with_userinfo(server.url)), "max_retries": 0}
        with keyed.KeyedClient(**options) as client, pytest.raises(keyed.APIConnectionError) as caught:
            client.search.get()
    _assert_error_hidden(caught.value)


@pytest.mark.timeout(30)
def test_a_validation_error_shows_no_credential(keyed: ModuleType) -> None:
    with RecordingServer() as server:
        server.recorder.answers["/search"] = [(200, [1, 2])]  # documented as an object
        with keyed.KeyedClient(**client_options(_with_userinfo(server.url))) as client:
            with pytest.raises(keyed.APIResponseValidationError) as caught:
                client.search.get()
    _assert_error_hidden(caught.value)


@pytest.mark.timeout(30)
def test_a_page_and_a_pagination_loop_show_no_credential(keyed: ModuleType) -> None:
    with RecordingServer() as server:
        # The next URL is the page itself, as the server echoes it: key included.
        again = f"{server.url}/pages?api_key={QUERY_KEY}"
        server.recorder.answers["/pages"] = [(200, {"data": [{}], "next": again})]
        with keyed.KeyedClient(**client_options(server.url)) as client:
            page = client.pages.list()
            with pytest.raises(keyed.PaginationLoopError) as caught:
                list(page)
    _assert_hidden(repr(page), str(caught.value), repr(caught.value))
    assert "/pages?api_key=" in repr(page)


@pytest.mark.timeout(30)
def test_an_accepted_answer_shows_no_userinfo_of_its_location() -> None:
    with RecordingServer() as server:
        location = f"{_with_userinfo(server.url)}/apis/api-1/tasks/task-1"
        server.recorder.routes["/apis/api-1/versions"] = lambda seen: (202, {"id": "v-1"}, {"Location": location})
        with postman.PostmanClient(api_key="pm-key", base_url=server.url) as pm:
            accepted = pm.apis.versions.create("api-1", postman.CreateApiVersion(name="v3"))
    _assert_hidden(repr(accepted))
    assert "/apis/api-1/tasks/task-1" in repr(accepted)


@pytest.mark.timeout(30)
def test_clients_show_no_credential(keyed: ModuleType) -> None:
    options = client_options(_with_userinfo("http://127.0.0.1:1"))
    with keyed.KeyedClient(**options) as client:
        _assert_hidden(repr(client), repr(client.with_options(timeout=1.0)), repr(keyed.AsyncKeyedClient(**options)))
        assert "127.0.0.1:1" in repr(client) and "app_token" in repr(client)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
def test_log_lines_show_no_credential(keyed: ModuleType, caplog: pytest.LogCaptureFixture, level: int) -> None:
    caplog.set_level(level, logger="httpx")
    caplog.set_level(level, logger="keyed")
    with RecordingServer() as server:
        with keyed.KeyedClient(**client_options(_with_userinfo(server.url))) as client:
            client.search.get()
            client.things.list()
            client.session.get()
    _assert_hidden(caplog.text, *(record.getMessage() for record in caplog.records))
    if level == logging.DEBUG:  # httpx logs its line at INFO from 0.24 on, at DEBUG (on "httpx._client") before
        lines = [record.getMessage() for record in caplog.records if record.name.startswith("httpx")]
        assert any("/search?api_key=" in line for line in lines), lines  # httpx's own line, redacted
