"""Values the server adds later parse, keep their value, and equal no known member."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

import generated.postman as postman
import generated.voucherify as voucherify
from jsoncompare import assert_same_json

ACTION: TypeAdapter[Any] = TypeAdapter(voucherify.AsyncAction)


def _action(**changes: Any) -> dict[str, Any]:
    payload = {
        "id": "aa_1",
        "type": "VOUCHERS.IMPORT",
        "status": "DONE",
        "created_at": "2022-06-23T11:21:45.578Z",
        "object": "async_action",
    }
    return {**payload, **changes}


def test_unknown_status_is_kept_and_equals_no_member() -> None:
    payload = _action(status="PAUSED")
    parsed = ACTION.validate_json(json.dumps(payload))
    assert parsed.status.value == "PAUSED"
    assert parsed.status not in list(voucherify.AsyncActionStatus)
    assert all(parsed.status != member for member in voucherify.AsyncActionStatus)
    assert_same_json(ACTION.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True), payload)


def test_unknown_type_parses_into_the_fallback_with_the_raw_result() -> None:
    payload = _action(type="GIFT_CARDS.REFILL", result={"refilled": 3, "cards": [{"code": "G1"}]})
    parsed = ACTION.validate_json(json.dumps(payload))
    assert isinstance(parsed, voucherify.AsyncActionUnknown)
    assert parsed.type == "GIFT_CARDS.REFILL"
    assert parsed.result == {"refilled": 3, "cards": [{"code": "G1"}]}
    assert parsed.status is voucherify.AsyncActionStatus.DONE
    assert_same_json(ACTION.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True), payload)


def test_unknown_keys_survive_a_round_trip() -> None:
    payload = _action(result={"message": "ok", "done_count": 1, "skipped": 4}, region="eu")
    parsed = ACTION.validate_json(json.dumps(payload))
    assert_same_json(ACTION.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True), payload)


def test_unknown_postman_status_and_enum_values() -> None:
    payload = {"id": "t1", "status": "cancelled", "meta": {"model": "mock-server", "action": "delete"}}
    task = postman.AsyncTask.model_validate(payload)
    assert task.status is not None and task.status.value == "cancelled"
    assert task.status not in list(postman.AsyncTaskStatus)
    assert task.meta is not None and task.meta.model is not None and task.meta.model.value == "mock-server"
    assert_same_json(task.model_dump(mode="json", by_alias=True, exclude_unset=True), payload)


def test_known_values_are_the_members_themselves() -> None:
    assert voucherify.AsyncActionStatus("DONE") is voucherify.AsyncActionStatus.DONE
    assert voucherify.AsyncActionStatus("PAUSED") is not voucherify.AsyncActionStatus("DONE")
