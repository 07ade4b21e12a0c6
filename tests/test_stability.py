"""Reviewable regeneration: an unrelated spec edit touches only the lines that belong to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from spec_edits import changed_lines, delete_middle, insert_first, reverse_order

from conftest import ROOT, SHARED
from generator.pipeline import build_api
from generator.render import render_package

FULL_SPEC = SHARED / "specs" / "third_party" / "voucherify" / "openapi.json"


def _render(tmp_path: Path, data: dict[str, Any], name: str) -> dict[str, str]:
    (tmp_path / name).mkdir()
    path = tmp_path / name / "spec.json"  # one file name, as in a real edit
    path.write_text(json.dumps(data))
    return render_package(build_api(path, "pkg"))


def _experiments(tmp_path: Path, data: dict[str, Any]) -> dict[str, int]:
    base = _render(tmp_path, data, "base")
    before, after = delete_middle(data)
    return {
        "insert": changed_lines(base, _render(tmp_path, insert_first(data), "insert")),
        "delete": changed_lines(_render(tmp_path, before, "before"), _render(tmp_path, after, "after")),
        "reorder": changed_lines(base, _render(tmp_path, reverse_order(data), "reorder")),
    }


def test_our_spec(tmp_path: Path) -> None:
    sizes = _experiments(tmp_path, yaml.safe_load((ROOT / "spec" / "voucherify.yaml").read_text()))
    # The inserted schema: its class (~9 lines), two export lines, its docs page (~12) and an index row.
    assert 15 <= sizes["insert"] <= 45
    assert 10 <= sizes["delete"] <= 45
    assert sizes["reorder"] == 2  # only the recorded spec hash


@pytest.mark.slow
def test_the_full_voucherify_spec(tmp_path: Path) -> None:
    sizes = _experiments(tmp_path, json.loads(FULL_SPEC.read_text()))
    assert sizes["insert"] <= 45 and sizes["delete"] <= 45 and sizes["reorder"] == 2, sizes
