"""The vendor's full Voucherify spec (OpenAPI 3.0.1, 161 paths, 875 schemas) generates a working package."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest
from importing import imported
from pydantic import TypeAdapter

from conftest import ROOT, mypy_strict
from generator import ir
from generator.pipeline import build_api
from generator.render.python_code import hint
from testdata import VENDOR_FULL_SPEC

FULL_SPEC = VENDOR_FULL_SPEC
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, ModuleType]]:
    out = tmp_path_factory.mktemp("full")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(FULL_SPEC), "--out", str(out), "--package", "vf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with imported(out, "vf") as vf:
        yield out, result.stderr, vf


def test_generates_with_warnings_not_errors(full: tuple[Path, str, ModuleType]) -> None:
    _, stderr, _ = full
    assert "error:" not in stderr
    assert "364 schema(s) have an empty `required` list" in stderr
    assert "example(s) contradict their schemas" in stderr


def test_every_operation_has_a_method(full: tuple[Path, str, ModuleType]) -> None:
    _, _, package = full
    spec = json.loads(FULL_SPEC.read_text())
    operations = sum(
        1 for item in spec["paths"].values() for m in item if m in ("get", "put", "post", "delete", "patch")
    )
    client = package.VfClient(base_url="http://127.0.0.1:9")
    methods = []
    holders: list[Any] = [client]
    while holders:  # the client's resources (properties), and the resources nested in them (attributes)
        holder = holders.pop()
        if holder is not client:
            holders += [value for name, value in vars(holder).items() if not name.startswith("_")]
        for name, member in vars(type(holder)).items():
            if isinstance(member, cached_property):
                holders.append(getattr(holder, name))  # each module loads when used
            elif holder is not client and callable(member) and not name.startswith(("_", "wait")):
                methods.append(name)
    assert operations == 241 and len(methods) == 241
    client.close()


def _examples(api: ir.Api) -> Iterator[tuple[str, ir.TypeExpr, Any]]:
    for group in api.groups:
        for op in group.operations:
            for response in op.responses:
                if response.type is not None:
                    yield from ((f"{op.operation_id} {response.status}", response.type, e) for e in response.examples)
            if op.body is not None:
                yield from ((f"{op.operation_id} body", op.body, e) for e in op.body_examples)


def test_every_example_parses_with_the_model_its_response_names(full: tuple[Path, str, ModuleType]) -> None:
    assert full  # the package is generated and importable
    types = importlib.import_module("vf.types")
    namespace: dict[str, Any] = {"Any": Any, "Literal": Literal, "date": date, "datetime": datetime}
    namespace |= {name: getattr(types, name) for name in types.__all__}
    failures, count = [], 0
    for where, t, example in _examples(build_api(FULL_SPEC, "vf")):
        count += 1
        adapter = TypeAdapter(eval(hint(t), namespace))
        try:  # a body's example may be made up with a file's bytes (`ir/example_values.py`): no JSON for those
            adapter.validate_python(example) if where.endswith(" body") else adapter.validate_json(json.dumps(example))
        except ValueError as error:
            failures.append(f"{where}: {str(error).splitlines()[0]}")
    assert count > 300
    assert not failures, failures


def test_full_package_passes_mypy_strict(full: tuple[Path, str, ModuleType], tmp_path: Path) -> None:
    out, _, _ = full
    mypy_strict("vf", tmp_path / "cache", cwd=out)


def test_full_package_keeps_blacks_style_and_is_pyflakes_clean(full: tuple[Path, str, ModuleType]) -> None:
    out, _, _ = full
    command = [sys.executable, "-m", "black", "--check", "--line-length", "120", "--target-version", "py310", "vf"]
    result = subprocess.run(command, cwd=out, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    command = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,E9", "--line-length", "120", "vf"]
    result = subprocess.run(command, cwd=out, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
