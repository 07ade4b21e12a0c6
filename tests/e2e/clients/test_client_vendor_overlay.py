"""The vendor's own Voucherify spec, untouched, plus our overlay (spec/overlays/voucherify-vendor.overlay.yaml):
the calls that start async actions return handles whose `.wait()` is typed as the action started, for mypy
and at run time, over a real socket against the local Voucherify server."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from e2e.clients.test_client_actions import CSV_RESULT, DONE_CSV
from importing import imported

from apiserver import APP_ID, APP_TOKEN, APIServer
from conftest import ROOT, type_check_code_blocks
from generator.config import Overlays
from generator.pipeline import package_tree
from generator.write.files import write_tree
from testdata import VENDOR_FULL_SPEC

OVERLAY = ROOT / "spec" / "overlays" / "voucherify-vendor.overlay.yaml"


@pytest.fixture(scope="module")
def vendor_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vendor")
    overlays = Overlays((OVERLAY,), strict=True)  # every action of the overlay applies
    write_tree(package_tree(VENDOR_FULL_SPEC, "vf_vendor", overlays=overlays), out / "vf_vendor")
    return out


@pytest.fixture
def vf(vendor_dir: Path) -> Iterator[ModuleType]:
    with imported(vendor_dir, "vf_vendor") as package:
        yield package


def test_the_vendor_file_is_untouched() -> None:
    readme = (ROOT / "tests" / "data" / "README.md").read_text()
    assert hashlib.sha256(VENDOR_FULL_SPEC.read_bytes()).hexdigest() in readme


def test_wait_returns_the_started_variant_over_a_socket(vf: ModuleType) -> None:
    with APIServer() as server:
        server.state.next_action = ("VOUCHERS.IMPORT_CSV", DONE_CSV)
        with vf.VfVendorClient(app_id=APP_ID, app_token=APP_TOKEN, access_token="t", base_url=server.url) as client:
            handle = client.vouchers.import_csv({"file": io.BytesIO(b"code\nPROMO-1\n")})
            action = handle.wait(timeout=10, poll_interval=0.02)
    assert type(action) is vf.VouchersImportCsvAction and str(action.status) == "DONE"
    assert (
        action.result is not None and action.result.model_dump(exclude_unset=True)["message"] == CSV_RESULT["message"]
    )
    assert server.state.requests_to("/v1/vouchers/importCSV")


def test_wait_is_typed_as_the_started_variant(vendor_dir: Path) -> None:
    program = """
from typing import assert_type

from vf_vendor import CampaignVouchersDeleteAction, VfVendorClient, VouchersImportCsvAction
from vf_vendor.types import VouchersImportCSVRequestBody


def started(client: VfVendorClient, body: VouchersImportCSVRequestBody) -> None:
    assert_type(client.vouchers.import_csv(body).wait(), VouchersImportCsvAction)
    assert_type(client.campaigns.delete("camp_1").wait(), CampaignVouchersDeleteAction)
"""
    type_check_code_blocks([program], vendor_dir)
