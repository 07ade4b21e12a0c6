"""The generated clients over real sockets, against the local server in `apiserver`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timezone

import httpx
import pytest

import generated.postman as postman
import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, POSTMAN_KEY, POSTMAN_MEDIA_TYPE, APIServer

ACTION = {
    "id": "aa_1",
    "type": "SKUS.IMPORT_CSV",
    "status": "DONE",
    "result": {"message": "1 imported", "failed": [{"row": 2, "reason": "in use"}], "done_count": 1},
    "created_at": "2022-06-23T11:21:45.578Z",
    "object": "async_action",
}


@pytest.fixture
def server() -> Iterator[APIServer]:
    with APIServer() as running:
        running.state.actions["aa_1"] = ACTION
        running.state.actions["aa_2"] = {**ACTION, "id": "aa_2", "created_at": "2022-06-24T00:00:00.000Z"}
        yield running


def test_get_async_action(server: APIServer) -> None:
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
        action = client.async_actions.get("aa_1")
    assert isinstance(action, voucherify.SkusImportCsvAction)
    assert action.result is not None and action.result.failed is not None
    assert action.result.failed[0].row == 2
    sent = server.state.requests[-1]
    assert (sent.method, sent.path) == ("GET", "/v1/async-actions/aa_1")
    assert sent.headers["x-app-id"] == APP_ID and sent.headers["x-app-token"] == APP_TOKEN


def test_list_sends_query_parameters(server: APIServer) -> None:
    end = datetime(2022, 6, 24, tzinfo=timezone.utc)
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
        page = client.async_actions.list(limit=1, end_date=end)
    assert [a.id for a in page.async_actions] == ["aa_1"]
    assert page.has_more is False
    assert server.state.requests[-1].query == {"limit": ["1"], "end_date": ["2022-06-24T00:00:00+00:00"]}


def test_path_parameters_are_escaped(server: APIServer) -> None:
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
        with pytest.raises(voucherify.APIStatusError):
            client.async_actions.get("../../apis/x")
    assert server.state.requests[-1].path == "/v1/async-actions/..%2F..%2Fapis%2Fx"


def test_credentials_from_the_environment(server: APIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOUCHERIFY_APP_ID", APP_ID)
    monkeypatch.setenv("VOUCHERIFY_APP_TOKEN", APP_TOKEN)
    with voucherify.VoucherifyClient(base_url=server.url) as client:
        assert client.async_actions.get("aa_2").id == "aa_2"
        assert APP_TOKEN not in repr(client) and APP_TOKEN not in str(vars(client).get("base_url"))


def test_not_found_raises_a_status_error_with_the_server_message(server: APIServer) -> None:
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
        with pytest.raises(voucherify.APIStatusError) as caught:
            client.async_actions.get("aa_missing")
    error = caught.value
    assert error.status_code == 404
    assert error.request_id == "v-0aeb88df54c82af560"
    assert "Resource not found" in str(error) and "Cannot find async_action with id aa_missing" in str(error)
    assert APP_TOKEN not in str(error)


def test_server_url_comes_from_the_cluster_variable() -> None:
    assert voucherify.VoucherifyClient(cluster="us1.api").base_url == "https://us1.api.voucherify.io"
    assert voucherify.VoucherifyClient().base_url == "https://api.voucherify.io"


def test_connection_errors_are_typed() -> None:
    with APIServer() as stopped:
        url = stopped.url
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=url) as client:
        with pytest.raises(voucherify.APIConnectionError):
            client.async_actions.get("aa_1")


def test_postman_task_sends_the_v10_media_type(server: APIServer) -> None:
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as client:
        accepted = client.api_versions.create("api-1", postman.CreateApiVersion(name="v1", release_notes="first"))
        task = client.tasks.get("api-1", accepted.task_id or "")
    create, get = server.state.requests[-2:]
    assert create.body == {"name": "v1", "releaseNotes": "first"}
    assert create.headers["accept"] == get.headers["accept"] == POSTMAN_MEDIA_TYPE
    assert get.headers["x-api-key"] == POSTMAN_KEY
    assert task.status is postman.AsyncTaskStatus.PENDING
    assert task.meta is not None and task.meta.model is postman.TaskModel.API_VERSION


def test_user_supplied_http_client_is_used_and_left_open(server: APIServer) -> None:
    with httpx.Client(headers={"User-Agent": "custom-agent"}) as http:
        with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url, http_client=http):
            pass
        client = voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url, http_client=http)
        assert client.async_actions.get("aa_1").id == "aa_1"
        assert not http.is_closed
    assert server.state.requests[-1].headers["user-agent"] == "custom-agent"


def test_async_clients(server: APIServer) -> None:
    async def scenario() -> tuple[object, object, object]:
        async with voucherify.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as v:
            action, page = await asyncio.gather(v.async_actions.get("aa_1"), v.async_actions.list(limit=5))
        async with postman.AsyncPostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as p:
            accepted = await p.api_versions.create("api-1", {"name": "v2"})
        return action, page, accepted

    action, page, accepted = asyncio.run(scenario())
    assert isinstance(action, voucherify.SkusImportCsvAction)
    assert isinstance(page, voucherify.AsyncActionList) and len(page.async_actions) == 2
    assert isinstance(accepted, postman.AsyncTaskAccepted) and accepted.task_id == "task-1"
