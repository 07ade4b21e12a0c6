"""The generated packages pass mypy --strict, with and without the pydantic plugin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.mark.parametrize("config", ["pyproject.toml", "none"])
def test_generated_passes_mypy_strict(config: str, tmp_path: Path) -> None:
    config_args = ["--config-file", str(ROOT / "pyproject.toml")] if config != "none" else ["--config-file", ""]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), *config_args, "generated"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_a_typed_program_using_the_package_passes_mypy(tmp_path: Path) -> None:
    program = tmp_path / "use.py"
    program.write_text(
        """
from generated.voucherify import AsyncAction, SkusImportCsvAction, VoucherifyClient
from generated.postman import AsyncTask, PostmanClient


def first_failed_row(client: VoucherifyClient, action_id: str) -> int | None:
    action: AsyncAction = client.async_actions.get(action_id)
    if isinstance(action, SkusImportCsvAction) and action.result and action.result.failed:
        return action.result.failed[0].row
    return None


def task_status(client: PostmanClient) -> str | None:
    task: AsyncTask = client.tasks.get("api", "task")
    return task.status.value if task.status else None
"""
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(program)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_examples_type_check(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [block.split("```", 1)[0] for block in readme.split("```python\n")[1:]]
    assert len(blocks) >= 2
    for index, block in enumerate(blocks):
        (tmp_path / f"example_{index}.py").write_text(block)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
