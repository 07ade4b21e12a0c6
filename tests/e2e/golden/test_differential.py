"""Differential test: datamodel-code-generator, given the same spec, reads every example as we do.

It is the reference implementation named by the design card. Where both accept a payload, they
must choose the same variant and dump the same JSON; only forward compatibility (unknown tags and
enum values, which it rejects) is ours alone.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

import generated.voucherify as voucherify
from conftest import ROOT
from jsoncompare import assert_same_json
from testdata import VENDOR_ASYNC_ACTIONS


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("dcg") / "dcg_voucherify.py"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(ROOT / "spec" / "voucherify.yaml"),
            "--input-file-type",
            "openapi",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--extra-fields",
            "allow",
            "--disable-timestamp",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    spec = importlib.util.spec_from_file_location("dcg_voucherify", out)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dcg_voucherify"] = module
    spec.loader.exec_module(module)
    return module


def _action_examples() -> list[Any]:
    spec = yaml.safe_load((ROOT / "spec" / "voucherify.yaml").read_text())
    media = spec["paths"]["/v1/async-actions/{asyncActionId}"]["get"]["responses"]["200"]["content"]
    examples = [e["value"] for e in media["application/json"]["examples"].values()]
    vendor = json.loads(VENDOR_ASYNC_ACTIONS.read_text())
    vendor_media = vendor["paths"]["/v1/async-actions/{asyncActionId}"]["get"]["responses"]["200"]["content"]
    return examples + [e["value"] for e in vendor_media["application/json"]["examples"].values()]


@pytest.mark.parametrize("payload", _action_examples(), ids=lambda p: f"{p['type']}-{p['id']}")
def test_same_variant_and_same_json_as_the_reference(reference: ModuleType, payload: Any) -> None:
    ours = TypeAdapter(voucherify.AsyncAction).validate_python(payload)
    theirs = reference.AsyncAction.model_validate(payload).root
    assert type(theirs).__name__ == type(ours).__name__
    assert_same_json(
        TypeAdapter(voucherify.AsyncAction).dump_python(ours, mode="json", by_alias=True, exclude_unset=True),
        theirs.model_dump(mode="json", by_alias=True, exclude_unset=True),
    )


def test_only_ours_accepts_a_type_added_later(reference: ModuleType) -> None:
    payload = {**_action_examples()[0], "type": "GIFT_CARDS.REFILL"}
    assert isinstance(TypeAdapter(voucherify.AsyncAction).validate_python(payload), voucherify.AsyncActionUnknown)
    with pytest.raises(ValueError):
        reference.AsyncAction.model_validate(payload)
