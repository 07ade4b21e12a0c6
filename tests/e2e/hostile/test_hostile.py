"""Hostile and broken specs: no spec text ever runs, and every failure is a clean error."""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importing import imported

from conftest import ROOT
from generator.errors import SpecError
from generator.load.document import split_pointer
from generator.pipeline import package_tree
from generator.write.files import write_tree

BASE = yaml.safe_load((ROOT / "spec" / "postman.yaml").read_text())


def _evil(canary: Path) -> str:
    code = f"import pathlib; pathlib.Path({str(canary)!r}).write_text('pwned')"
    return (
        f'"""\n{code}\n""" \'\'\'\n{code}\n\'\'\' \\" \\\\ \n#{code}\n'
        f"{{{{ cycler.__init__.__globals__.os.system('touch {canary}') }}}} {{% raw %}} "
        "\x00 \x07 \x1b[31m \u2028 \u2029 <script>alert(1)</script> | `x` " + "y" * 5000
    )


# (pointer of the value to replace, or of a key to rename) for every place spec text ends up.
PLACES = [
    "/info/title",
    "/info/description",
    "/servers/0/url",
    "/tags/0/name",
    "/tags/0/description",
    "/paths/~1apis~1{apiId}~1tasks~1{taskId}/get/summary",
    "/paths/~1apis~1{apiId}~1tasks~1{taskId}/get/description",
    "/paths/~1apis~1{apiId}~1tasks~1{taskId}/get/operationId",
    "/paths/~1apis~1{apiId}~1tasks~1{taskId}/get/x-python-method",
    "/paths/~1apis~1{apiId}~1tasks~1{taskId}/get/responses/200/description",
    "/components/parameters/AcceptV10/schema/const",
    "/components/parameters/AcceptV10/description",
    "/components/securitySchemes/ApiKey/name",
    "/components/schemas/AsyncTask/description",
    "/components/schemas/AsyncTask/properties/id/description",
    "/components/schemas/AsyncTask/properties/id/examples/0",
    "/components/schemas/TaskModel/enum/0",
    "/components/schemas/TaskModel/x-enum-descriptions/0",
    "/components/schemas/ProblemDetail/title",
    "key:/components/schemas/AsyncTask/properties/id",
    "key:/components/schemas/TaskError",
    "key:/paths/~1apis~1{apiId}~1tasks~1{taskId}",
]


def _set(document: dict[str, Any], place: str, value: str) -> None:
    rename = place.startswith("key:")
    parts = split_pointer(place.removeprefix("key:"))
    parent: Any = document
    for part in parts[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent[part]
    last = parts[-1]
    if rename:
        parent[value] = parent.pop(last)
    elif isinstance(parent, list):
        parent[int(last)] = value
    else:
        parent[last] = value


def _import_everything(out: Path, package: str) -> None:
    with imported(out, package) as root:
        for path in sorted((out / package).rglob("*.py")):
            parts = path.relative_to(out).with_suffix("").parts
            importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        assert all(getattr(root, name) is not None for name in root.__all__)  # every lazy export resolves


def _generate(tmp_path: Path, document: dict[str, Any], package: str) -> Path | None:
    """Generate and import; None when the generator refused the spec with a clean error."""
    spec = tmp_path / f"{package}.json"
    spec.write_text(json.dumps(document))
    try:
        tree = package_tree(spec, package)
    except SpecError as error:
        assert error.diagnostics and all(d.hint for d in error.diagnostics)
        return None
    out = tmp_path / "out"
    write_tree(tree, out / package)
    _import_everything(out, package)
    return out


@pytest.mark.parametrize("place", PLACES)
def test_hostile_text_is_inert_wherever_it_goes(tmp_path: Path, place: str) -> None:
    canary = tmp_path / "canary"
    for index, text in enumerate([_evil(canary), "__class__"]):
        document = copy.deepcopy(BASE)
        value = text
        if place.startswith("key:/paths/"):
            value = "/apis/" + text.replace("/", "_")
        _set(document, place, value)
        _generate(tmp_path, document, f"hostile_{index}")
        assert not canary.exists(), f"{place}: spec text ran"


def _pointers(node: Any, pointer: str = "") -> Iterator[str]:
    yield pointer
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _pointers(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _pointers(value, f"{pointer}/{index}")


ALL_POINTERS = [p for p in _pointers(BASE) if p]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(ALL_POINTERS), st.one_of(st.just("delete"), json_values)), min_size=1, max_size=3
    )
)
def test_any_mutation_gives_a_package_or_a_clean_error(tmp_path: Path, mutations: list[tuple[str, Any]]) -> None:
    document = copy.deepcopy(BASE)
    for pointer, value in mutations:
        parts = split_pointer(pointer)
        parent: Any = document
        try:
            for part in parts[:-1]:
                parent = parent[int(part)] if isinstance(parent, list) else parent[part]
            key: Any = int(parts[-1]) if isinstance(parent, list) else parts[-1]
            if value == "delete":
                del parent[key]
            else:
                parent[key] = value
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # an earlier mutation removed this place
    _generate(tmp_path, document, "mutated")
