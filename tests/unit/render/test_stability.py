"""Reviewable regeneration: an unrelated spec edit touches only the lines that belong to it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from spec_edits import changed_lines, delete_middle, diff_lines, insert_first, reverse_order

from conftest import ROOT
from generator.pipeline import build_api
from generator.render.templates import render_package
from testdata import VENDOR_FULL_SPEC

FULL_SPEC = VENDOR_FULL_SPEC


def _render(tmp_path: Path, data: dict[str, Any], name: str) -> dict[str, str]:
    (tmp_path / name).mkdir()
    path = tmp_path / name / "spec.json"  # one file name, as in a real edit
    path.write_text(json.dumps(data))
    return render_package(build_api(path, "pkg"))


def _only_hash(lines: list[str]) -> bool:
    """Lines every edit may touch: the recorded spec hash, and export lists (imports, tables, `__all__`)."""
    return all(
        line.startswith(("__spec_sha256__ = ", "from ."))
        or line.endswith(("',", '",'))
        or line == ")"  # the end of a `from . import (...)` block
        or _EXPORT.fullmatch(line)
        for line in lines
    )


_EXPORT = re.compile(r"\s*\w+ \.[\w.]+")  # a `name module` line of a lazy export table


def _check_edits(tmp_path: Path, data: dict[str, Any]) -> dict[str, int]:
    """Run the three edits; assert each touches only its own schema's lines; return the changed-line counts."""
    base = _render(tmp_path, data, "base")
    inserted = _render(tmp_path, insert_first(data), "insert")
    new_files = inserted.keys() - base.keys()
    assert new_files and all("aaa_inserted" in name for name in new_files), sorted(new_files)
    removed, added = diff_lines(base, {name: inserted[name] for name in base})  # the files that were there
    assert _only_hash(removed), removed[:10]  # inserting removes nothing but the hash and export lines
    unexpected = [line for line in added if "AaaInserted" not in line and not _only_hash([line])]
    assert added and not unexpected, unexpected[:10]
    before, after = delete_middle(data)
    removed, added = diff_lines(_render(tmp_path, before, "before"), _render(tmp_path, after, "after"))
    assert _only_hash(added), added[:10]  # deleting adds nothing but the hash and export lines
    removed, added = diff_lines(base, _render(tmp_path, reverse_order(data), "reorder"))
    assert _only_hash(removed) and _only_hash(added), (removed[:5], added[:5])
    return {"insert": changed_lines(base, inserted), "reorder": len(removed) + len(added)}


def test_our_spec(tmp_path: Path) -> None:
    sizes = _check_edits(tmp_path, yaml.safe_load((ROOT / "spec" / "voucherify.yaml").read_text()))
    assert sizes["reorder"] == 2  # the recorded spec hash, before and after


@pytest.mark.slow
def test_the_full_voucherify_spec(tmp_path: Path) -> None:
    sizes = _check_edits(tmp_path, json.loads(FULL_SPEC.read_text()))
    assert sizes["reorder"] == 2
