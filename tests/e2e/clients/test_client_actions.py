"""Calls that start async actions (`x-async-action`): a typed handle per call, waited on to the action's
own result type, resumed from an ID alone; over real sockets against the local Voucherify server."""

from __future__ import annotations

import asyncio
import inspect
import io
import json
from pathlib import Path
from typing import get_args

import pytest

import generated.voucherify as vf
from apiserver import APP_ID, APP_TOKEN, APIServer
from conftest import ROOT, mypy_strict
from generator import ir
from generator.pipeline import build_api
from jsoncompare import assert_same_json

CSV_RESULT = {
    "message": "1 voucher(s) imported successfully, 1 failed.",
    "failed": [{"code": "PROMO-1", "row": 2, "reason": "code already exists"}],
    "done_count": 1,
    "failed_count": 1,
}
DONE_CSV = [
    (0.05, {"status": "IN_PROGRESS", "progress": 50}),
    (0.2, {"status": "DONE", "progress": 100, "result": CSV_RESULT}),
]


def _client(server: APIServer) -> vf.VoucherifyClient:
    return vf.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url)


def test_a_csv_upload_is_waited_on_to_its_typed_result(server: APIServer) -> None:
    server.state.next_action = ("VOUCHERS.IMPORT_CSV", DONE_CSV)
    seen: list[str] = []
    with _client(server) as client:
        handle = client.vouchers.import_csv({"file": io.BytesIO(b"code\nPROMO-1\n")})
        assert handle.id == "aa_started_1" and handle.started.async_action_id == handle.id
        assert repr(handle) == "<ActionHandle aa_started_1 (VOUCHERS.IMPORT_CSV)>"
        action = handle.wait(timeout=10, poll_interval=0.02, on_progress=lambda a: seen.append(str(a.status)))
    assert isinstance(action, vf.VouchersImportCsvAction) and action.result is not None
    assert action.result.failed and action.result.failed[0].row == 2
    assert seen and set(seen) <= {"ENQUEUED", "IN_PROGRESS"}
    (upload,) = server.state.requests_to("/v1/vouchers/importCSV")
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b'filename="file"\r\nContent-Type: text/csv\r\n\r\ncode\nPROMO-1\n' in upload.body


def test_a_failed_bulk_update_raises_the_typed_error_carrying_the_action(server: APIServer) -> None:
    server.state.next_action = (
        "VOUCHERS.BULK_UPDATE",
        [(0.05, {"status": "FAILED", "result": {"message": "bad metadata"}})],
    )
    with _client(server) as client:
        handle = client.vouchers.update_in_bulk([{"code": "PROMO-1", "metadata": {"lang": "en"}}])
        with pytest.raises(vf.AsyncActionFailedError) as failed:
            handle.wait(timeout=10, poll_interval=0.02)
    assert failed.value.action.id == handle.id and str(failed.value.action.status) == "FAILED"
    assert server.state.requests_to("/v1/vouchers/bulk/async")[0].body == [
        {"code": "PROMO-1", "metadata": {"lang": "en"}}
    ]


def test_a_wait_that_runs_out_of_time(server: APIServer) -> None:
    server.state.next_action = ("VOUCHERS.METADATA_UPDATE", [(60, {"status": "DONE"})])
    with _client(server) as client:
        handle = client.vouchers.update_metadata_in_bulk({"codes": ["A"], "metadata": {"region": "EU"}})
        with pytest.raises(vf.WaitTimeoutError) as timed_out:
            handle.wait(timeout=0.2, poll_interval=0.05)
    assert timed_out.value.last.id == handle.id


def test_a_handle_rebuilt_from_its_id_in_a_new_client(server: APIServer) -> None:
    server.state.add_action("aa_earlier", "VOUCHERS.IMPORT_CSV", [(0, {"status": "DONE", "result": CSV_RESULT})])
    with _client(server) as client:
        typed = client.async_actions.handle("aa_earlier", vf.VouchersImportCsvAction)
        assert typed.wait(timeout=5).result is not None
        whole = client.async_actions.handle("aa_earlier").get()
        assert isinstance(whole, vf.VouchersImportCsvAction)
        with pytest.raises(vf.UnexpectedActionError) as unexpected:
            client.async_actions.handle("aa_earlier", vf.SkusImportCsvAction).get()
    assert "VOUCHERS.IMPORT_CSV" in str(unexpected.value) and unexpected.value.action.id == "aa_earlier"


def test_every_action_variant_is_an_async_action_summary(server: APIServer) -> None:
    """Each variant's schema is `allOf` the summary plus its `type` and `result`: its class subclasses the
    summary, and so does the fallback. An answer parses as one, and dumps back as it was sent."""
    union, _ = get_args(vf.AsyncAction)
    variants = [get_args(member)[0] for member in get_args(union)]
    assert len(variants) == 23 and all(issubclass(v, vf.AsyncActionSummary) for v in variants)
    server.state.add_action(
        "aa_csv", "VOUCHERS.IMPORT_CSV", [(0, {"status": "DONE", "progress": 100, "result": CSV_RESULT})]
    )
    server.state.add_action("aa_new", "VOUCHERS.BRAND_NEW", [(0, {"status": "DONE", "result": {"rows": [1, 2]}})])
    with _client(server) as client:
        answers = [client.async_actions.get.with_raw_response(i) for i in ("aa_csv", "aa_new")]
    for raw, expected in zip(answers, (vf.VouchersImportCsvAction, vf.AsyncActionUnknown), strict=True):
        action = raw.parsed
        assert type(action) is expected and isinstance(action, vf.AsyncActionSummary)
        assert action.type == raw.http_response.json()["type"]
        assert_same_json(action.model_dump(mode="json", by_alias=True, exclude_unset=True), raw.http_response.json())


def test_another_type_than_promised_is_reported_not_passed_off(server: APIServer) -> None:
    server.state.next_action = ("VOUCHERS.BRAND_NEW", [(0, {"status": "DONE"})])  # unknown to this package
    with _client(server) as client:
        handle = client.vouchers.import_csv({"file": b"code\n"})
        with pytest.raises(vf.UnexpectedActionError) as unexpected:
            handle.wait(timeout=5, poll_interval=0.02)
    assert "VOUCHERS.BRAND_NEW" in str(unexpected.value) and "VOUCHERS.IMPORT_CSV" in str(unexpected.value)
    assert isinstance(unexpected.value.action, vf.AsyncActionUnknown)  # the union's fallback still parsed it


def test_async_start_and_wait(server: APIServer) -> None:
    server.state.next_action = ("VOUCHERS.IMPORT_CSV", DONE_CSV)

    async def main() -> vf.VouchersImportCsvAction:
        async with vf.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
            handle = await client.vouchers.import_csv({"file": b"code\nPROMO-1\n"})
            return await handle.wait(timeout=10, poll_interval=0.02)

    action = asyncio.run(main())
    assert action.result is not None and action.result.done_count == 1


def test_a_small_job_done_at_once_returns_its_result(server: APIServer) -> None:
    with _client(server) as client:
        one = client.campaigns.add_vouchers("camp_1", body={"category": "new"})
        many = client.campaigns.add_vouchers("camp_1", vouchers_count=500)
    assert isinstance(one, vf.Voucher) and one.code == "NEW-1"
    assert isinstance(many, vf.ActionHandle) and many.id.startswith("aa_started_")


USE = """
from typing import assert_type

from generated.voucherify import ActionHandle, CampaignVouchersGenerateAction, Voucher, VoucherifyClient
from generated.voucherify import VouchersBulkUpdateAction, VouchersImportCsvAction
from generated.voucherify.types import AsyncAction

client = VoucherifyClient()
handle = client.vouchers.import_csv({"file": open("vouchers.csv", "rb")})
assert_type(handle, ActionHandle[VouchersImportCsvAction])
result = handle.wait(timeout=600)
assert_type(result, VouchersImportCsvAction)
if result.result and result.result.failed:
    row: int | None = result.result.failed[0].row
assert_type(client.vouchers.update_in_bulk([]).wait(), VouchersBulkUpdateAction)
assert_type(client.async_actions.handle("aa_1").wait(), AsyncAction)
added = client.campaigns.add_vouchers("camp_1", vouchers_count=2)
if not isinstance(added, Voucher):
    assert_type(added.wait(), CampaignVouchersGenerateAction)
assert_type(client.async_actions.handle("aa_1", VouchersImportCsvAction).wait(), VouchersImportCsvAction)

# A Postman task, once waited on, is a completed one: its details are the resources, no isinstance needed.
from generated.postman import AsyncPostmanClient, CompletedAsyncTask, PostmanClient, TaskResources

postman = PostmanClient()
task = postman.apis.sync_collection_with_schema("api-1", "col-1").wait()
assert_type(task, CompletedAsyncTask)
assert_type(task.details, TaskResources)
first_id: str | None = (task.details.resources or [])[0].id
assert_type(postman.tasks.wait("api-1", "task-1"), CompletedAsyncTask)


async def waits() -> None:
    accepted = await AsyncPostmanClient().apis.versions.create("api-1", {"name": "v1"})
    assert_type(await accepted.wait(), CompletedAsyncTask)
"""


def test_wait_is_typed_as_the_action_the_call_starts(tmp_path: Path) -> None:
    use = tmp_path / "use_actions.py"
    use.write_text(USE)
    mypy_strict(use.name, tmp_path / "cache", cwd=tmp_path)


def _starting_calls() -> list[tuple[str, str, str, object]]:
    """(resource, method, action type, a body) of every call the spec declares as starting an async action."""
    api = build_api(ROOT / "spec" / "voucherify.yaml", "voucherify")
    calls = []
    for group in api.groups:
        for op in group.operations:
            if op.starts is not None:
                kind = op.bodies[0].kind if op.bodies else None
                body = BODIES.get(kind or "") if not isinstance(op.body, ir.ListOf) else []
                calls.append(pytest.param(group.name, op.name, op.starts.types[0], body, id=f"{group.name}.{op.name}"))
    return calls


BODIES: dict[str, object] = {
    "multipart": {"file": b"code\nA1\n"},
    "json": {"codes": ["A"], "source_ids": ["A"], "metadata": {"k": "v"}},
}


@pytest.mark.parametrize(("resource", "method", "action_type", "body"), _starting_calls())
def test_every_starting_call_yields_its_own_action_type(
    server: APIServer, resource: str, method: str, action_type: str, body: object
) -> None:
    server.state.next_action = (action_type, [(0, {"status": "DONE", "progress": 100})])
    with _client(server) as client:
        call = getattr(getattr(client, resource), method)
        parameters = inspect.signature(call).parameters
        args: list[object] = ["camp_1"] if "campaign_id" in parameters else []
        more: dict[str, object] = {"vouchers_count": 3} if "vouchers_count" in parameters else {}  # 1: done at once
        if "body" in parameters and parameters["body"].kind is inspect.Parameter.KEYWORD_ONLY:
            more["body"] = body
        elif "body" in parameters:
            args.append(body)
        action = call(*args, **more).wait(timeout=5, poll_interval=0.02)
    assert action.type == action_type and type(action).__name__ != "AsyncActionUnknown"


def test_a_starting_call_streamed_or_raw_gives_its_own_response(server: APIServer) -> None:
    """Issue 24: the raw and streamed forms are options of the one call, so a call that builds more than
    its answer (a handle on an action, a page) hands over the answer and builds nothing from an unread body."""
    with _client(server) as client:
        with client.campaigns.delete.with_streaming_response("camp_1") as streamed:
            assert streamed.status_code == 202 and not streamed.is_closed
            assert json.loads(streamed.read())["async_action_id"] == "aa_started_1"
        assert streamed.is_closed
        raw = client.campaigns.delete.with_raw_response("camp_2")
        assert isinstance(raw.parsed, vf.ActionHandle) and raw.parsed.id == "aa_started_2"
        assert raw.status_code == 202
        with client.async_actions.list.with_streaming_response(limit=1) as listed:
            assert json.loads(listed.read())["data_ref"] == "async_actions"
        # Calls made while a streamed response is open are plain calls.
        with client.campaigns.delete.with_streaming_response("camp_3") as streamed:
            assert isinstance(client.campaigns.delete("camp_4"), vf.ActionHandle)
    assert [r.path for r in server.state.requests if r.method == "DELETE"] == [
        f"/v1/campaigns/camp_{i}" for i in range(1, 5)
    ]


def test_a_raw_list_keeps_its_first_response_and_pages_on(server: APIServer) -> None:
    for i in range(3):
        server.state.add_action(f"aa_{i}", "CAMPAIGN.VOUCHERS_DELETE", [])
    with _client(server) as client:
        raw = client.async_actions.list.with_raw_response(limit=1)
        assert raw.http_response.url.params["limit"] == "1" and "end_date" not in raw.http_response.url.params
        listed = [a.id for a in raw.parsed]  # the following pages are fetched as plain calls
        fetched = len(server.state.requests_to("/v1/async-actions"))
        assert listed == [a.id for a in client.async_actions.list(limit=1)]
    assert fetched >= 2 and len(server.state.requests_to("/v1/async-actions")) == 2 * fetched


def test_async_starting_call_streamed(server: APIServer) -> None:
    async def scenario() -> tuple[int, str]:
        async with vf.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
            async with client.campaigns.delete.with_streaming_response("camp_1") as streamed:
                return streamed.status_code, json.loads(await streamed.aread())["async_action_id"]

    assert asyncio.run(scenario()) == (202, "aa_started_1")
