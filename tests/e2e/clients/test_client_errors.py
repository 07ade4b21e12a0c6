"""Typed errors, retries and timeouts, over real sockets against `apiserver`."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

import generated.postman as postman
import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, POSTMAN_KEY, APIServer, Fault
from generated.voucherify import _base_client, _runtime

ACTION_PATH = "/v1/async-actions/aa_1"


def _client(server: APIServer, **options: object) -> voucherify.VoucherifyClient:
    return voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, voucherify.BadRequestError),
        (401, voucherify.AuthenticationError),
        (403, voucherify.PermissionDeniedError),
        (404, voucherify.NotFoundError),
        (409, voucherify.ConflictError),
        (422, voucherify.UnprocessableEntityError),
        (429, voucherify.RateLimitError),
        (500, voucherify.InternalServerError),
        (503, voucherify.InternalServerError),
    ],
)
def test_each_status_has_its_error_class(server: APIServer, status: int, error: type[Exception]) -> None:
    body = {"code": status, "key": "k", "message": f"status {status}", "details": "why", "request_id": "v-req"}
    server.state.fault(ACTION_PATH, Fault(status, {}, body))
    with _client(server, max_retries=0) as client, pytest.raises(error) as caught:
        client.async_actions.get("aa_1")
    raised = caught.value
    assert isinstance(raised, voucherify.APIStatusError) and raised.status_code == status
    assert isinstance(raised.body, voucherify.Error) and raised.body.key == "k"  # parsed as the spec's Error model
    assert raised.request_id == "v-req"
    assert f"GET {ACTION_PATH} -> {status}: status {status} (why) [request id v-req]" == str(raised)


def test_documented_error_bodies_are_typed(server: APIServer) -> None:
    with _client(server) as client, pytest.raises(voucherify.BadRequestError) as caught:
        client.async_actions.list(end_date="not-a-date")  # type: ignore[arg-type]
    assert isinstance(caught.value.body, voucherify.Error)
    assert caught.value.body.details == "Property .end_date cannot be recognized as a ISO-8601 compliant date"
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
        with pytest.raises(postman.NotFoundError) as missing:
            pm.tasks.get("api-1", "nope")
    assert isinstance(missing.value.body, postman.ProblemDetail) and missing.value.body.detail == "Task not found"
    assert "Resource not found (Task not found)" in str(missing.value)


def test_an_error_body_that_is_not_json_is_kept_as_text(server: APIServer) -> None:
    server.state.fault(ACTION_PATH, Fault(502, {}, "not json"))
    with _client(server, max_retries=0) as client, pytest.raises(voucherify.InternalServerError) as caught:
        client.async_actions.get("aa_1")
    assert caught.value.body == "not json"


def test_transient_5xx_is_retried_until_it_works(server: APIServer) -> None:
    server.state.fault(ACTION_PATH, Fault(503), Fault(500))
    with _client(server) as client:
        assert client.async_actions.get("aa_1").id == "aa_1"
    assert len(server.state.requests_to(ACTION_PATH)) == 3


def test_retries_stop_at_max_retries(server: APIServer) -> None:
    server.state.fault(ACTION_PATH, *[Fault(503)] * 5)
    with _client(server, max_retries=1) as client, pytest.raises(voucherify.InternalServerError):
        client.async_actions.get("aa_1")
    assert len(server.state.requests_to(ACTION_PATH)) == 2
    with _client(server) as client, pytest.raises(voucherify.InternalServerError):
        client.with_options(max_retries=0).async_actions.get("aa_1")
    assert len(server.state.requests_to(ACTION_PATH)) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_4xx_is_not_retried(server: APIServer, status: int) -> None:
    server.state.fault(ACTION_PATH, Fault(status))
    with _client(server) as client, pytest.raises(voucherify.APIStatusError):
        client.async_actions.get("aa_1")
    assert len(server.state.requests_to(ACTION_PATH)) == 1


def test_429_honours_retry_after_seconds(server: APIServer) -> None:
    server.state.fault(ACTION_PATH, Fault(429, {"Retry-After": "1"}))
    with _client(server) as client:
        client.async_actions.get("aa_1")
    first, second = server.state.requests_to(ACTION_PATH)
    assert second.at - first.at >= 0.95


def test_retry_after_http_date_and_its_cap() -> None:
    now = time.time()
    later = format_datetime(datetime.fromtimestamp(now, timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert _runtime.parse_retry_after(later, now) == pytest.approx(30, abs=1)
    assert _runtime.parse_retry_after("2.5", now) == 2.5
    assert _runtime.parse_retry_after("soon", now) is None
    assert _base_client.retry_delay(0, 30) == 30  # honoured within the cap
    assert _base_client.retry_delay(0, 3600) <= _base_client.INITIAL_RETRY_DELAY  # too long: backoff instead
    delays = [_base_client.retry_delay(n, None) for n in range(6)]
    assert delays[0] <= 0.5 and 0.75 <= delays[1] <= 1.0 and delays[5] <= _base_client.MAX_RETRY_DELAY


def test_post_is_not_retried_on_5xx(server: APIServer) -> None:
    path = "/apis/api-1/versions"
    server.state.fault(path, Fault(503))
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
        with pytest.raises(postman.InternalServerError):
            pm.apis.versions.create("api-1", {"name": "v1"})
    assert len(server.state.requests_to(path)) == 1


def test_timeout_is_typed_and_configurable_per_call(server: APIServer) -> None:
    server.state.delays[ACTION_PATH] = 0.5
    with _client(server, max_retries=0) as client:
        with pytest.raises(voucherify.APITimeoutError) as caught:
            client.with_options(timeout=0.1).async_actions.get("aa_1")
        assert isinstance(caught.value, TimeoutError)
        assert client.async_actions.get("aa_1").id == "aa_1"  # the client's own timeout is unchanged


def test_timeouts_are_retried_for_idempotent_requests(server: APIServer) -> None:
    server.state.delays[ACTION_PATH] = 0.3
    with _client(server, timeout=0.1, max_retries=2) as client, pytest.raises(voucherify.APITimeoutError):
        client.async_actions.get("aa_1")
    assert len(server.state.requests_to(ACTION_PATH)) == 3


def test_connection_errors_are_typed_and_retried() -> None:
    with APIServer() as stopped:
        url = stopped.url
    started = time.monotonic()
    client = voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=url, max_retries=2)
    with client, pytest.raises(voucherify.APIConnectionError) as caught:
        client.async_actions.get("aa_1")
    assert not isinstance(caught.value, voucherify.APITimeoutError)
    assert time.monotonic() - started >= 0.3 + 0.75  # two backoffs were slept: 0.5 and 1.0, less jitter


def test_async_client_retries_and_raises_the_same_errors(server: APIServer) -> None:
    server.state.fault(ACTION_PATH, Fault(503), Fault(404))

    async def scenario() -> None:
        async with voucherify.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as c:
            await c.async_actions.get("aa_1")

    with pytest.raises(voucherify.NotFoundError):
        asyncio.run(scenario())
    assert len(server.state.requests_to(ACTION_PATH)) == 2
