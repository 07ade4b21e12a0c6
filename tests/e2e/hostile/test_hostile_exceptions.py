"""Whatever goes wrong in a call surfaces as the package's `APIError` tree, never as httpx's or Python's
own exception: the original is kept as `__cause__`, and no message shows a credential."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest
from keyed_api import APP_ID, APP_TOKEN, QUERY_KEY, SESSION, client_options, keyed_package
from recording_server import RecordingServer

import generated.postman as postman
from conftest import MakePackage

SECRETS = (APP_ID, APP_TOKEN, QUERY_KEY, SESSION)


@pytest.fixture
def keyed(make_package: MakePackage) -> ModuleType:
    return keyed_package(make_package)


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as running:
        yield running


def _check(error: BaseException, kind: type[BaseException], cause: type[BaseException]) -> None:
    assert isinstance(error, kind), repr(error)
    assert isinstance(error.__cause__, cause), repr(error.__cause__)
    assert not [secret for secret in SECRETS if secret in str(error)], str(error)


@pytest.mark.timeout(30)
def test_a_redirect_loop_is_a_connection_error(keyed: ModuleType, server: RecordingServer) -> None:
    server.recorder.routes["/search"] = lambda seen: (302, {}, {"Location": f"/search?{seen.query}"})
    with httpx.Client(follow_redirects=True, max_redirects=5) as http:
        with keyed.KeyedClient(**client_options(server.url), http_client=http) as client:
            with pytest.raises(keyed.APIError) as caught:
                client.search.get()
    _check(caught.value, keyed.APIConnectionError, httpx.TooManyRedirects)
    assert len(server.recorder.to("/search")) == 6  # the first request and 5 redirects; not retried


@pytest.mark.timeout(30)
def test_a_redirect_loop_is_a_connection_error_async(keyed: ModuleType, server: RecordingServer) -> None:
    server.recorder.routes["/things"] = lambda seen: (307, {}, {"Location": "/things"})

    async def scenario() -> BaseException:
        async with httpx.AsyncClient(follow_redirects=True, max_redirects=3) as http:
            async with keyed.AsyncKeyedClient(**client_options(server.url), http_client=http) as client:
                with pytest.raises(keyed.APIError) as caught:
                    await client.things.list()
        return caught.value

    _check(asyncio.run(scenario()), keyed.APIConnectionError, httpx.TooManyRedirects)


@pytest.mark.timeout(30)
def test_a_body_labelled_gzip_that_is_not_is_a_connection_error(keyed: ModuleType, server: RecordingServer) -> None:
    server.recorder.routes["/search"] = lambda seen: (200, "not gzip at all", {"Content-Encoding": "gzip"})
    with keyed.KeyedClient(**client_options(server.url)) as client, pytest.raises(keyed.APIError) as caught:
        client.search.get()
    _check(caught.value, keyed.APIConnectionError, httpx.DecodingError)
    assert len(server.recorder.to("/search")) == 1  # the same bytes would come again: not retried


@pytest.mark.timeout(30)
@pytest.mark.parametrize("status", [400, 200])
def test_a_deeply_nested_body_is_typed(keyed: ModuleType, server: RecordingServer, status: int) -> None:
    server.recorder.answers["/things"] = [(status, b"[" * 100_000, "application/json")]
    with keyed.KeyedClient(**client_options(server.url)) as client, pytest.raises(keyed.APIError) as caught:
        client.things.list()
    if status == 400:  # the error is still the status's, its body kept as text
        assert isinstance(caught.value, keyed.BadRequestError) and caught.value.body == "[" * 100_000
        assert isinstance(caught.value.__cause__, RecursionError)
    else:
        assert isinstance(caught.value, keyed.APIResponseValidationError)


@pytest.mark.timeout(30)
def test_a_non_ascii_header_value_is_an_invalid_request(keyed: ModuleType, server: RecordingServer) -> None:
    with keyed.KeyedClient(**client_options(server.url)) as client:
        with pytest.raises(keyed.APIError) as parameter:
            client.notes.list(x_note="café")
        with pytest.raises(keyed.APIError) as extra:
            client.things.list(extra_headers={"X-Trace": "naïve"})
    _check(parameter.value, keyed.InvalidRequestError, UnicodeEncodeError)
    _check(extra.value, keyed.InvalidRequestError, UnicodeEncodeError)
    assert isinstance(parameter.value, ValueError) and server.recorder.seen == []


@pytest.mark.timeout(30)
@pytest.mark.skipif(
    tuple(int(p) for p in httpx.__version__.split(".")[:2]) < (0, 24),
    reason="httpx 0.23 accepts a tab in a URL: there is no error to type",
)
def test_a_location_with_a_tab_after_an_accepted_post_is_a_validation_error(server: RecordingServer) -> None:
    location = "/apis/api-1/tasks/\ttask-1"
    server.recorder.routes["/apis/api-1/versions"] = lambda seen: (202, {"id": "v-1"}, {"Location": location})
    with postman.PostmanClient(api_key="pm-key", base_url=server.url) as pm, pytest.raises(postman.APIError) as caught:
        pm.apis.versions.create("api-1", postman.CreateApiVersion(name="v3"))
    assert isinstance(caught.value, postman.APIResponseValidationError), repr(caught.value)
    assert isinstance(caught.value.__cause__, httpx.InvalidURL) and caught.value.status_code == 202
    assert "Location" in str(caught.value) and "pm-key" not in str(caught.value)


@pytest.mark.timeout(30)
def test_closing_while_other_threads_send_raises_only_api_errors(keyed: ModuleType, server: RecordingServer) -> None:
    release = threading.Event()
    server.recorder.routes["/things"] = lambda seen: (200, {"waited": release.wait(20)}, {})
    client = keyed.KeyedClient(**client_options(server.url), max_retries=0)
    raised: list[BaseException] = []

    def send_twice() -> None:
        for _ in range(2):  # one in flight while the client closes, one after
            try:
                client.things.list()
            except BaseException as exc:  # every escaping exception is what is checked
                raised.append(exc)

    threads = [threading.Thread(target=send_twice) for _ in range(3)]
    for thread in threads:
        thread.start()
    while len(server.recorder.to("/things")) < 3:
        threading.Event().wait(0.01)
    client.close()
    release.set()
    for thread in threads:
        thread.join(20)
    assert raised and all(isinstance(exc, keyed.APIError) for exc in raised), raised
    closed = [exc for exc in raised if isinstance(exc.__cause__, RuntimeError)]
    assert len(closed) >= 3 and all(isinstance(exc, keyed.APIConnectionError) for exc in closed)
