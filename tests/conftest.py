"""Shared fixtures: generate a package from an inline spec, import it, and clean up after."""

from __future__ import annotations

import contextlib
import functools
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
    """Fail the run when any test read beside the repository, even if it caught the guard's error.

    Under pytest-xdist each worker hands its refused reads to the controller (`pytest_testnodedown`),
    which fails the run: a worker's own exit status is not the run's."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["refused_reads"] = list(REFUSED_READS)
        return
    if REFUSED_READS:
        print("\nRead outside the repository (copy these into tests/data/):", *sorted(set(REFUSED_READS)), sep="\n  ")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker finished: collect the reads beside the repository it refused."""
    REFUSED_READS.extend(getattr(node, "workeroutput", {}).get("refused_reads", []))


@functools.cache
def _one_unit(path: str) -> bool:
    """Whether the test module at `path` (relative to the repository) runs on one worker, first: it defines a
    module-scoped fixture, or it has a test marked slow. (Read from the source: xdist's controller collects
    nothing, so it sees no fixtures or markers.)"""
    file = ROOT / path
    if file.suffix != ".py" or not file.is_file():
        return False
    source = file.read_text(encoding="utf-8")
    return 'scope="module"' in source or "mark.slow" in source


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`-n N` (`--dist load`): tests go to the workers one by one, except that the tests of a module with a
    module-scoped fixture (a generated Stripe or Voucherify package, a fidelity run) stay on one worker, so the
    fixture is built once, not once per worker; those modules, and the ones with a slow test, are sent first
    (largest first), so that no long test is left for the end. (xdist's `loadgroup` cannot say this under
    pytest 9: it renames `item._nodeid`, which `nodeid` no longer reads.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::")[0]
            return module if _one_unit(module) else nodeid

    return ModuleFixtureScheduling(config, log)


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
