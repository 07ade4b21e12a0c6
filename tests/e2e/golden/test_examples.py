"""Every example payload, ours and the vendor's, parses into the right type and round-trips."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

import generated.postman as postman
import generated.voucherify as voucherify
from conftest import ROOT
from jsoncompare import assert_same_json
from testdata import VENDOR_ASYNC_ACTIONS

PACKAGES = {"voucherify": voucherify, "postman": postman}
# The vendor names its schemas differently; these are the types its examples must parse as.
VENDOR_TYPES = {"AsyncActionsListResponseBody": "AsyncActionList", "AsyncActionGetResponseBody": "AsyncAction"}


def _response_examples(spec: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(example id, schema name, payload) for every request and response example of a document."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            bodies = dict(operation["responses"])
            if "requestBody" in operation:
                bodies["request"] = operation["requestBody"]
            for status, response in bodies.items():
                if "$ref" in response:  # `#/components/responses/X` or `#/components/requestBodies/X`
                    _, section, name = response["$ref"].rsplit("/", 2)
                    response = spec["components"][section][name]
                for media in response.get("content", {}).values():
                    if "$ref" not in media["schema"]:
                        continue  # an inline schema has no type to name here; loading the spec checks its examples
                    schema_name = media["schema"]["$ref"].rsplit("/", 1)[-1]
                    for name, example in media.get("examples", {}).items():
                        yield f"{method.upper()} {path} {status} {name}", schema_name, example["value"]


def _cases() -> Iterator[Any]:
    for package in PACKAGES:
        spec = yaml.safe_load((ROOT / "spec" / f"{package}.yaml").read_text())
        for example_id, schema, payload in _response_examples(spec):
            yield pytest.param(package, schema, payload, id=f"{package}: {example_id}")
    vendor = json.loads(VENDOR_ASYNC_ACTIONS.read_text())
    for example_id, schema, payload in _response_examples(vendor):
        yield pytest.param("voucherify", VENDOR_TYPES.get(schema, schema), payload, id=f"vendor: {example_id}")


def _variant_for(action_type: str) -> str:
    """The model our spec's discriminator mapping names for a type value."""
    spec = yaml.safe_load((ROOT / "spec" / "voucherify.yaml").read_text())
    mapping = spec["components"]["schemas"]["AsyncAction"]["discriminator"]["mapping"]
    return str(mapping[action_type].rsplit("/", 1)[-1])


@pytest.mark.parametrize(("package", "schema", "payload"), list(_cases()))
def test_example_parses_and_round_trips(package: str, schema: str, payload: Any) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(getattr(PACKAGES[package], schema))
    parsed = adapter.validate_json(json.dumps(payload))
    assert_same_json(adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True), payload)
    if schema == "AsyncAction":
        assert type(parsed).__name__ == _variant_for(payload["type"])


def test_seed_example_is_a_sku_import_with_row_numbers() -> None:
    """The reference page's own example: the vendor-spec generators all pick the wrong variant here."""
    action = voucherify.AsyncAction
    parsed = TypeAdapter(action).validate_json(
        json.dumps(
            {
                "id": "aa_0adad13d6f057f088e",
                "type": "SKUS.IMPORT_CSV",
                "status": "DONE",
                "result": {
                    "message": "2 sku(s) imported successfully, 6 failed.",
                    "failed": [{"row": 2, "reason": "Resource sku with id size-small is in use"}],
                    "done_count": 2,
                    "failed_count": 6,
                },
                "created_at": "2022-06-23T11:21:45.578Z",
                "object": "async_action",
            }
        )
    )
    assert isinstance(parsed, voucherify.SkusImportCsvAction)
    assert isinstance(parsed.result, voucherify.SkuCsvImportResult)
    assert parsed.result.failed is not None
    assert parsed.result.failed[0].row == 2
    assert parsed.status is voucherify.AsyncActionStatus.DONE


def test_result_items_follow_the_type() -> None:
    """`VOUCHERS.BULK_UPDATE` results carry `code`; `CUSTOMERS.BULK_UPDATE` ones carry `source_id`."""
    adapter: TypeAdapter[Any] = TypeAdapter(voucherify.AsyncAction)
    base = {"id": "aa_1", "status": "DONE", "created_at": "2022-06-23T11:21:45.578Z", "object": "async_action"}
    vouchers = adapter.validate_python(
        {**base, "type": "VOUCHERS.BULK_UPDATE", "result": {"results": [{"code": "C1", "updated": True}]}}
    )
    customers = adapter.validate_python(
        {**base, "type": "CUSTOMERS.BULK_UPDATE", "result": {"results": [{"source_id": "s1", "found": False}]}}
    )
    assert isinstance(vouchers.result.results[0], voucherify.VoucherUpdateStatus)
    assert vouchers.result.results[0].code == "C1"
    assert isinstance(customers.result.results[0], voucherify.ResourceUpdateStatus)
    assert customers.result.results[0].source_id == "s1"


def test_every_type_has_a_variant() -> None:
    assert len(voucherify.AsyncActionType) == 22
    for member in voucherify.AsyncActionType:
        assert _variant_for(member.value) in voucherify.__all__


def test_postman_details_pick_their_shape() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(postman.AsyncTask)
    done = adapter.validate_python({"status": "completed", "details": {"resources": [{"id": "r1", "url": "/r1"}]}})
    failed = adapter.validate_python({"status": "failed", "details": {"error": {"message": "boom"}}})
    assert isinstance(done.details, postman.TaskResources)
    assert isinstance(failed.details, postman.TaskError)
    assert failed.details.error is not None and failed.details.error.message == "boom"
    assert done.status is postman.AsyncTaskStatus.COMPLETED


def test_snake_case_attributes_alias_the_wire_names() -> None:
    task = postman.AsyncTask.model_validate({"createdAt": "2023-08-22T14:21:57Z"})
    assert task.created_at is not None and task.created_at.year == 2023
    built = postman.AsyncTask(created_at=task.created_at)
    assert "createdAt" in built.model_dump(mode="json", by_alias=True, exclude_unset=True)


def test_every_example_is_collected() -> None:
    """Guard against the parametrisation silently finding fewer examples than the specs hold."""
    ids = [case.id for case in _cases()]
    assert sum(i.startswith("vendor:") for i in ids) == 25  # 22 types, one list, two errors
    assert sum(i.startswith("voucherify:") for i in ids) == 25  # 8, and the answer of each of the 17 starting calls
    assert sum(i.startswith("postman:") for i in ids) == 9  # 7, and the sync call's 202 and 404
