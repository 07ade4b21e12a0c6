"""The checked-in generated/ is the golden record: regenerating gives it back, byte for byte, anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from generator.config import Project
from generator.pipeline import project_tree
from generator.write.files import diff_trees, read_tree


def test_generated_is_up_to_date() -> None:
    diff = diff_trees(project_tree(Project(specs=ROOT / "spec")), read_tree(ROOT / "generated"), "generated")
    assert not diff, f"generated/ is stale; run `make generate`:\n{diff[:5000]}"


@pytest.mark.parametrize("seed", ["0", "1", "4242"])
def test_output_is_identical_under_any_hash_seed(tmp_path: Path, seed: str) -> None:
    out = tmp_path / "generated"
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--generated", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": seed},
        check=True,
        capture_output=True,
    )
    assert read_tree(out) == read_tree(ROOT / "generated")


def test_no_timestamps_or_machine_paths_in_output() -> None:
    for relative, text in read_tree(ROOT / "generated").items():
        assert str(ROOT) not in text, relative
        assert "/home/" not in text and "/tmp/" not in text and "/root" not in text, relative
    init = (ROOT / "generated" / "voucherify" / "__init__.py").read_text()
    assert "__spec_sha256__ = " in init


def test_output_keeps_blacks_style(tmp_path: Path) -> None:
    """Formatting is done by ruff; black, the style contract, must find nothing to change."""
    result = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--line-length", "120", "--target-version", "py310", "generated"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_output_has_no_unused_imports_or_undefined_names() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,E9", "--line-length", "120", "generated"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
