"""Waiting for async work: Voucherify actions, Postman tasks, and a 202's Location, sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from driven_time import DrivenTime, drive

import generated.postman as postman
import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, POSTMAN_KEY, APIServer, Fault, ManualClock
from conftest import SKU_RESULT

FAST = {"poll_interval": 0.05, "max_poll_interval": 0.2}
LIFECYCLE = [
    (0.0, {"status": "ENQUEUED", "progress": 0}),
    (0.15, {"status": "IN_PROGRESS", "progress": 30}),
    (0.35, {"status": "IN_PROGRESS", "progress": 70}),
    (0.6, {"status": "DONE", "progress": 100, "result": SKU_RESULT, "processing_time": 600}),
]


def _client(server: APIServer) -> voucherify.VoucherifyClient:
    return voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url)


@pytest.fixture
def driven(server: APIServer, monkeypatch: pytest.MonkeyPatch) -> DrivenTime:
    """The sync clients and the server on one driven clock: every poll below happens at an exact time."""
    clock = ManualClock()
    server.state.clock = clock
    return drive(monkeypatch, clock, voucherify, postman)


def _poll_times(server: APIServer, path: str) -> list[float]:
    return [round(r.at, 4) for r in server.state.requests_to(path)]


def test_wait_returns_the_final_typed_action_and_reports_progress(server: APIServer, driven: DrivenTime) -> None:
    server.state.add_action("aa_w", "SKUS.IMPORT_CSV", LIFECYCLE)
    progress: list[Any] = []
    with _client(server) as client:
        action = client.async_actions.wait("aa_w", timeout=5, on_progress=progress.append, **FAST)
    assert isinstance(action, voucherify.SkusImportCsvAction)
    assert action.status is voucherify.AsyncActionStatus.DONE and action.result is not None
    assert action.result.failed is not None and action.result.failed[0].row == 2
    # Polls at 0, 0.05, 0.125, 0.2375, 0.4063 (the interval growing 1.5x to 0.2) and 0.6063: done.
    assert _poll_times(server, "/v1/async-actions/aa_w") == [0.0, 0.05, 0.125, 0.2375, 0.4062, 0.6062]
    assert [(p.status.value, p.progress) for p in progress] == [
        ("ENQUEUED", 0), ("ENQUEUED", 0), ("ENQUEUED", 0), ("IN_PROGRESS", 30), ("IN_PROGRESS", 70),
    ]  # fmt: skip


def test_waiting_backs_off_to_its_longest_interval(server: APIServer, driven: DrivenTime) -> None:
    server.state.add_action("aa_slow", "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS"}), (2.0, {"status": "DONE"})])
    with _client(server) as client:
        client.async_actions.wait("aa_slow", timeout=10, poll_interval=0.05, max_poll_interval=1.0)
    # 0.05 growing by 1.5x to 1.0 s: 9 polls in 2 s, where a 0.05 s loop would make 40.
    assert driven.sleeps == pytest.approx([0.05 * 1.5**n for n in range(8)])  # the 9th would be past 1.0 s
    assert len(server.state.requests_to("/v1/async-actions/aa_slow")) == 9 and driven.clock() >= 2.0


def test_failed_action_raises_with_the_final_action(server: APIServer, driven: DrivenTime) -> None:
    server.state.add_action("aa_f", "ORDERS.IMPORT", [(0, {"status": "IN_PROGRESS"}), (0.1, {"status": "FAILED"})])
    with _client(server) as client, pytest.raises(voucherify.AsyncActionFailedError) as caught:
        client.async_actions.wait("aa_f", timeout=5, **FAST)
    assert isinstance(caught.value, voucherify.WaitFailedError)
    assert isinstance(caught.value.action, voucherify.OrdersImportAction)
    assert caught.value.action.status is voucherify.AsyncActionStatus.FAILED


def test_timeout_raises_a_timeout_error_with_the_last_state(server: APIServer, driven: DrivenTime) -> None:
    server.state.add_action("aa_t", "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS", "progress": 10})])
    with _client(server) as client, pytest.raises(TimeoutError) as caught:
        client.async_actions.wait("aa_t", timeout=0.4, **FAST)
    assert isinstance(caught.value, voucherify.WaitTimeoutError)
    assert caught.value.last.progress == 10
    assert str(caught.value) == "aa_t is still IN_PROGRESS after 0.4 s"  # which work, and where it stood
    assert 0.4 <= driven.clock() <= 0.4 + FAST["max_poll_interval"]  # the last poll is made at the deadline


def test_an_unknown_status_keeps_waiting(server: APIServer, driven: DrivenTime) -> None:
    server.state.add_action("aa_u", "VOUCHERS.IMPORT", [(0, {"status": "PAUSED"}), (0.2, {"status": "DONE"})])
    seen: list[str] = []
    with _client(server) as client:
        client.async_actions.wait("aa_u", timeout=5, on_progress=lambda a: seen.append(a.status.value), **FAST)
    assert seen == ["PAUSED", "PAUSED", "PAUSED"]  # at 0, 0.05 and 0.125; done at 0.2375


def test_retry_after_on_the_status_answer_is_honoured(server: APIServer, driven: DrivenTime) -> None:
    server.state.poll_retry_after = "0.3"
    server.state.add_action("aa_r", "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS"}), (0.5, {"status": "DONE"})])
    with _client(server) as client:
        client.async_actions.wait("aa_r", timeout=5, poll_interval=0.01)
    assert _poll_times(server, "/v1/async-actions/aa_r") == [0.0, 0.3, 0.6]


def test_async_wait_and_cancellation(server: APIServer) -> None:
    server.state.add_action("aa_w", "SKUS.IMPORT_CSV", LIFECYCLE)
    server.state.add_action("aa_forever", "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS"})])

    async def scenario() -> tuple[Any, int, int]:
        async with voucherify.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as c:
            done = await c.async_actions.wait("aa_w", timeout=5, **FAST)
            waiting = asyncio.create_task(c.async_actions.wait("aa_forever", timeout=60, **FAST))
            await asyncio.sleep(0.3)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            count = len(server.state.requests_to("/v1/async-actions/aa_forever"))
            await asyncio.sleep(0.3)
            return done, count, len(server.state.requests_to("/v1/async-actions/aa_forever"))

    done, at_cancel, later = asyncio.run(scenario())
    assert isinstance(done, voucherify.SkusImportCsvAction) and done.status is voucherify.AsyncActionStatus.DONE
    assert at_cancel >= 2 and later == at_cancel  # nothing polls after cancellation


def test_postman_task_wait_completed_and_failed(server: APIServer) -> None:
    server.state.task_duration = 0.2
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
        ok = pm.apis.versions.create("api-1", {"name": "v1"})
        failing = pm.apis.versions.create("api-1", {"name": "fail"})
        task = pm.tasks.wait("api-1", ok.location.rsplit("/", 1)[-1], timeout=5, **FAST)
        with pytest.raises(postman.AsyncTaskFailedError) as caught:
            pm.tasks.wait("api-1", failing.location.rsplit("/", 1)[-1], timeout=5, **FAST)
    # A completed task comes back as one: `details` is the resources, typed and parsed so.
    assert isinstance(task, postman.CompletedAsyncTask) and isinstance(task.details, postman.TaskResources)
    assert task.status is postman.AsyncTaskStatus.COMPLETED
    assert isinstance(caught.value.task.details, postman.TaskError)
    assert caught.value.task.details.error is not None
    assert caught.value.task.details.error.message == "Version could not be created"


def test_a_completed_task_without_its_resources_is_a_validation_error(server: APIServer) -> None:
    pending = {"id": "t-odd", "status": "pending"}
    odd = {"id": "t-odd", "status": "completed", "details": {"error": {"message": "nothing was made"}}}
    server.state.fault("/apis/api-1/tasks/t-odd", Fault(200, {}, pending), Fault(200, {}, odd))
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
        with pytest.raises(postman.APIResponseValidationError) as caught:
            pm.tasks.wait("api-1", "t-odd", timeout=5, **FAST)
    # The status object parsed (details may be an error); the completed shape promised resources.
    assert caught.value.status_code == 200 and "resources" in str(caught.value)
    assert len(server.state.requests_to("/apis/api-1/tasks/t-odd")) == 2


def test_accepted_handle_follows_the_location_header(server: APIServer) -> None:
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
        accepted = pm.apis.versions.create("api-1", postman.CreateApiVersion(name="v3"))
        assert accepted.response.status_code == 202
        assert repr(accepted) == f"<Accepted 202, polling {server.url}/apis/api-1/tasks/task-1>"
        assert isinstance(accepted.body, postman.ApiVersion) and accepted.body.id == "v-1"
        assert accepted.location == f"{server.url}/apis/api-1/tasks/task-1"
        task = accepted.wait(timeout=5, **FAST)
    assert task.status is postman.AsyncTaskStatus.COMPLETED
    polls = server.state.requests_to("/apis/api-1/tasks/task-1")
    assert polls and all(p.headers["accept"] == "application/vnd.api.v10+json" for p in polls)
    assert all(p.headers["x-api-key"] == POSTMAN_KEY for p in polls)


def test_async_accepted_handle(server: APIServer) -> None:
    async def scenario() -> Any:
        async with postman.AsyncPostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
            accepted = await pm.apis.versions.create("api-1", {"name": "v4"})
            return await accepted.wait(timeout=5, **FAST)

    task = asyncio.run(scenario())
    assert task.status is postman.AsyncTaskStatus.COMPLETED


def test_a_location_on_another_origin_is_refused(server: APIServer) -> None:
    server.state.fault("/apis/api-1/versions", Fault(202, {"Location": "http://127.0.0.2:9/steal"}, {"taskId": "t"}))
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
        accepted = pm.apis.versions.create("api-1", {"name": "v5"})
        with pytest.raises(postman.APIError, match="refusing to follow"):
            accepted.wait(timeout=1)


def test_async_postman_task_wait_and_per_call_options(server: APIServer) -> None:
    server.state.task_duration = 0.2

    async def scenario() -> tuple[Any, Any]:
        async with postman.AsyncPostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
            await pm.apis.versions.create("api-1", {"name": "fail"})
            fast = pm.with_options(timeout=5, max_retries=0)
            with pytest.raises(postman.AsyncTaskFailedError) as caught:
                await fast.tasks.wait("api-1", "task-1", timeout=5, **FAST)
            return caught.value.task, fast

    task, fast = asyncio.run(scenario())
    assert task.status is postman.AsyncTaskStatus.FAILED
    assert (fast.timeout, fast.max_retries) == (5, 0)


def test_syncing_a_collection_follows_its_task_to_completion_or_failure(server: APIServer) -> None:
    server.state.task_duration = 0.1
    with postman.PostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
        accepted = pm.apis.sync_collection_with_schema("api-1", "12345678-col")
        task = accepted.wait(timeout=5, **FAST)
        failing = pm.apis.sync_collection_with_schema("api-1", "fail")
        with pytest.raises(postman.AsyncTaskFailedError) as caught:
            failing.wait(timeout=5, **FAST)
    assert accepted.response.status_code == 202 and accepted.location.endswith(f"/apis/api-1/tasks/{task.id}")
    assert isinstance(accepted.body, postman.AsyncTaskAccepted) and accepted.body.task_id == task.id
    assert isinstance(task.details, postman.TaskResources) and task.details.resources
    assert task.details.resources[0].id == "12345678-col"
    # The failure's own message, where `x-poll: {error: details.error.message}` says it is.
    assert (
        str(caught.value)
        == f"{failing.location.rsplit('/', 1)[-1]} ended as failed: The collection could not be synced"
    )
    assert server.state.requests_to("/apis/api-1/collections/fail/sync-with-schema-tasks")[0].method == "PUT"


def test_async_sync_with_schema(server: APIServer) -> None:
    server.state.task_duration = 0.1

    async def main() -> Any:
        async with postman.AsyncPostmanClient(api_key=POSTMAN_KEY, base_url=server.url) as pm:
            accepted = await pm.apis.sync_collection_with_schema("api-1", "col-2")
            return await accepted.wait(timeout=5, **FAST)

    task = asyncio.run(main())
    assert task.status is postman.AsyncTaskStatus.COMPLETED
