"""Shared fixtures: generate a package from an inline spec, import it, and clean up after."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import repo_guard
import yaml
from importing import imported

from apiserver import APIServer
from generator.pipeline import package_tree
from generator.write.files import write_tree
from testdata import ROOT

MakePackage = Callable[..., ModuleType]

# Every read beside the repository this run refused (see `repo_guard`); filled by the audit hook.
REFUSED_READS = repo_guard.install(ROOT)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when any test read beside the repository, even if it caught the guard's error."""
    if REFUSED_READS:
        print("\nRead outside the repository (copy these into tests/data/):", *sorted(set(REFUSED_READS)), sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def minimal_spec(schemas: dict[str, Any] | None = None, paths: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OpenAPI 3.1 document with the given component schemas and paths."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Test API", "version": "1"},
        "servers": [{"url": "http://127.0.0.1"}],
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


@pytest.fixture
def make_package(tmp_path: Path) -> Iterator[MakePackage]:
    """Generate a package from a spec (dict or YAML text), import it, and return the module; keyword
    options go to `package_tree`."""
    out = tmp_path / "out"
    with contextlib.ExitStack() as imports:

        def make(
            spec: dict[str, Any] | str, package: str = "pkg", filename: str = "spec.yaml", **options: Any
        ) -> ModuleType:
            spec_path = tmp_path / filename
            text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False)
            spec_path.write_text(text, encoding="utf-8")
            write_tree(package_tree(spec_path, package, **options), out / package)
            return imports.enter_context(imported(out, package))

        yield make


SKU_RESULT = {"message": "1 imported", "failed": [{"row": 2, "reason": "in use"}], "done_count": 1}


@pytest.fixture
def server() -> Iterator[APIServer]:
    """The local API server, holding two finished async actions (`aa_1`, `aa_2`)."""
    with APIServer() as running:
        done = {"status": "DONE", "progress": 100, "result": SKU_RESULT}
        running.state.add_action("aa_1", "SKUS.IMPORT_CSV", [(0, done)])
        running.state.add_action("aa_2", "SKUS.IMPORT_CSV", [(0, {**done, "created_at": "2022-06-24T00:00:00.000Z"})])
        yield running


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of spec/ and generated/ to break freely."""
    shutil.copytree(ROOT / "spec", tmp_path / "spec")
    shutil.copytree(ROOT / "generated", tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def run_generator(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` in `cwd`, as a user runs it; `env` is added to this environment."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def mypy_strict(
    target: Path | str | list[str], cache: Path, *, cwd: Path = ROOT, config: list[str] | None = None
) -> str:
    """Run `mypy --strict` on `target` (or several); return its output, failing the test when it finds anything."""
    targets = [str(t) for t in target] if isinstance(target, list) else [str(target)]
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), *(config or []), *targets]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
    return result.stdout


def type_check_code_blocks(blocks: list[str], tmp_path: Path) -> None:
    """Write each code block to its own module and type-check them all strictly (packages beside them import)."""
    names = []
    for index, block in enumerate(blocks):
        (tmp_path / f"example_{index}.py").write_text(block)
        names.append(f"example_{index}.py")
    mypy_strict(names, tmp_path / ".mypy_cache", cwd=tmp_path)
