"""Client configuration and plain calls, over real sockets against `apiserver`."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

import generated.postman as postman
import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, POSTMAN_KEY, POSTMAN_MEDIA_TYPE, APIServer


def _voucherify(server: APIServer, **options: object) -> voucherify.VoucherifyClient:
    return voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url, **options)  # type: ignore[arg-type]


def test_get_async_action(server: APIServer) -> None:
    with _voucherify(server) as client:
        action = client.async_actions.get("aa_1")
    assert isinstance(action, voucherify.SkusImportCsvAction)
    assert action.result is not None and action.result.failed is not None
    assert action.result.failed[0].row == 2
    sent = server.state.requests[-1]
    assert (sent.method, sent.path) == ("GET", "/v1/async-actions/aa_1")
    assert sent.headers["x-app-id"] == APP_ID and sent.headers["x-app-token"] == APP_TOKEN


def test_path_parameters_are_escaped(server: APIServer) -> None:
    with _voucherify(server) as client, pytest.raises(voucherify.NotFoundError):
        client.async_actions.get("../../apis/x")
    assert server.state.requests[-1].path == "/v1/async-actions/..%2F..%2Fapis%2Fx"


def test_credentials_from_the_environment(server: APIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOUCHERIFY_APP_ID", APP_ID)
    monkeypatch.setenv("VOUCHERIFY_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("POSTMAN_API_KEY", POSTMAN_KEY)
    with voucherify.VoucherifyClient(base_url=server.url) as client:
        assert client.async_actions.get("aa_2").id == "aa_2"
    with postman.PostmanClient(base_url=server.url) as pm, pytest.raises(postman.NotFoundError):
        pm.tasks.get("api-1", "no-such-task")  # authenticated: 404, not 401


def test_base_url_from_the_cluster_variable() -> None:
    assert voucherify.VoucherifyClient(cluster="us1.api").base_url == "https://us1.api.voucherify.io"
    assert voucherify.VoucherifyClient().base_url == "https://api.voucherify.io"
    assert postman.PostmanClient().base_url == "https://api.getpostman.com"


def test_secrets_stay_out_of_repr_errors_and_logs(server: APIServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url)
    wrong = voucherify.VoucherifyClient(app_id=APP_ID, app_token="wrong-secret-2", base_url=server.url)
    client.async_actions.get("aa_1")
    with pytest.raises(voucherify.AuthenticationError) as caught:
        wrong.async_actions.get("aa_1")
    shown = [
        repr(client),
        str(client),
        repr(vars(client)),
        repr(wrong),
        str(caught.value),
        repr(caught.value),
        caplog.text,
    ]
    assert "GET /v1/async-actions/aa_1 -> 200" in caplog.text
    ours = [r for r in caplog.records if "aa_1 -> 200 (" in r.getMessage()]
    assert ours and ours[0].name == "generated.voucherify"  # `logging.getLogger("<package>")`, as httpx users expect
    assert repr(client) == f"VoucherifyClient(base_url={server.url!r}, credentials=['app_id', 'app_token'])"
    for text in shown:
        assert APP_TOKEN not in text and "wrong-secret-2" not in text
    client.close()
    wrong.close()


def test_postman_sends_the_v10_media_type_and_its_key(server: APIServer) -> None:
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as client:
        accepted = client.apis.versions.create("api-1", postman.CreateApiVersion(name="v1", release_notes="first"))
        task = client.tasks.get("api-1", accepted.location.rsplit("/", 1)[-1])
    create, get = server.state.requests[-2:]
    assert create.body == {"name": "v1", "releaseNotes": "first"}
    assert create.headers["accept"] == get.headers["accept"] == POSTMAN_MEDIA_TYPE
    assert get.headers["x-api-key"] == POSTMAN_KEY
    assert task.status is postman.AsyncTaskStatus.PENDING
    assert task.meta is not None and task.meta.model is postman.TaskModel.API_VERSION


def test_with_closes_the_pool_but_not_a_supplied_client(server: APIServer) -> None:
    with _voucherify(server) as client:
        client.async_actions.get("aa_1")
    assert client._http.is_closed
    with httpx.Client(headers={"User-Agent": "custom-agent"}) as http:
        with _voucherify(server, http_client=http) as borrowed:
            assert borrowed.async_actions.get("aa_1").id == "aa_1"
        assert not http.is_closed
    assert server.state.requests[-1].headers["user-agent"] == "custom-agent"


def test_async_clients(server: APIServer) -> None:
    async def scenario() -> tuple[object, object, bool]:
        async with httpx.AsyncClient() as http:
            async with voucherify.AsyncVoucherifyClient(
                app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url, http_client=http
            ) as v:
                action, page = await asyncio.gather(v.async_actions.get("aa_1"), v.async_actions.list(limit=5))
            borrowed_open = not http.is_closed
        async with postman.AsyncPostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as p:
            accepted = await p.apis.versions.create("api-1", {"name": "v2"})
        assert p._http.is_closed
        return action, (page, accepted), borrowed_open

    action, (page, accepted), borrowed_open = asyncio.run(scenario())
    assert isinstance(action, voucherify.SkusImportCsvAction)
    assert isinstance(page, voucherify.AsyncPage) and len(page.items) == 2
    assert isinstance(accepted, postman.AsyncAccepted) and accepted.location.endswith("/apis/api-1/tasks/task-1")
    assert isinstance(accepted.body, postman.ApiVersion) and accepted.body.name == "v2"
    assert borrowed_open
