"""The client's modules (and those of `types/`) are planned first, as frozen nodes that report what they
import, and rendered from the plan: the imports are the union of the nodes', never read from the rendered code.

The rendered modules are parsed (`ast`) to check the plan against what the code really names.
"""

from __future__ import annotations

import ast
import builtins
import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import minimal_spec
from generator import ir
from generator.pipeline import build_api
from generator.render.client_context import ClientContext
from generator.render.client_modules import client_view, resource_module
from generator.render.client_views import MODULE_NAMES
from generator.render.constants import Constant, call, code, defined, names, source
from generator.render.python_code import hint, typed
from generator.render.templates import render_code
from testdata import READMEEXAMPLES, ROOT

SPECS = [ROOT / "spec" / "voucherify.yaml", ROOT / "spec" / "postman.yaml", READMEEXAMPLES / "file-uploads.json"]


@pytest.fixture(scope="module", params=SPECS, ids=lambda p: p.stem)
def api(request: pytest.FixtureRequest) -> ir.Api:
    spec: Path = request.param
    return build_api(spec, spec.stem)


def _imported_and_free(source: str) -> tuple[set[str], set[str]]:
    """The names a module imports, and the names it uses that it neither binds nor gets from builtins."""
    tree = ast.parse(source)
    imported: set[str] = set()
    bound: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            imported |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            imported |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return imported, used - bound - set(dir(builtins))


def _client_modules(files: dict[str, str]) -> dict[str, str]:
    return {name: text for name, text in files.items() if name == "client.py" or name.startswith("resources/")}


def _planned_modules(files: dict[str, str]) -> dict[str, str]:
    """The client's modules and those of `types/`: every module whose imports its nodes report."""
    types = {name: text for name, text in files.items() if name.startswith("types/") and name.endswith(".py")}
    return _client_modules(files) | {name: text for name, text in types.items() if name != "types/__init__.py"}


def test_every_import_is_used_and_every_free_name_imported(api: ir.Api) -> None:
    """The plan's imports are exactly what the rendered code names from elsewhere: none missing, none unused."""
    for name, text in _planned_modules(render_code(api)).items():
        imported, free = _imported_and_free(text)
        assert free <= imported, f"{name} uses {sorted(free - imported)} without importing them"
        assert imported <= free, f"{name} imports {sorted(imported - free)} and never uses them"


def test_a_string_that_spells_an_imported_name_imports_nothing(tmp_path: Path) -> None:
    """A parameter whose wire name is `Page` (Twilio's) is a string in the code, no use of the runtime's `Page`."""
    operation = {
        "operationId": "listCalls",
        "parameters": [{"name": "Page", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}},
    }
    spec = tmp_path / "calls.yaml"
    spec.write_text(yaml.safe_dump(minimal_spec(paths={"/calls": {"get": operation}})), encoding="utf-8")
    files = _client_modules(render_code(build_api(spec, "calls")))
    for name, text in files.items():
        imported, free = _imported_and_free(text)
        assert "Page" not in imported, name
        assert imported == free, name


def test_rendering_is_a_function_of_the_plan(api: ir.Api) -> None:
    """Rendering one plan twice gives the same files, and leaves every node of the plan as it was."""
    plan = client_view(api)
    before = copy.deepcopy(plan)
    first = render_code(api, plan)
    assert render_code(api, plan) == first
    assert plan == before


def test_the_plan_is_frozen_data(api: ir.Api) -> None:
    """Every node of a client's plan is a frozen dataclass: nothing is filled in after it is built."""
    seen: list[Any] = []

    def nodes(value: Any) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            seen.append(value)
            for field in dataclasses.fields(value):
                nodes(getattr(value, field.name))
        elif isinstance(value, (tuple, list)):
            for item in value:
                nodes(item)
        elif isinstance(value, dict):
            for item in value.values():
                nodes(item)

    nodes(client_view(api))
    assert {type(n).__name__ for n in seen} >= {"ClientView", "ResourceModuleView", "GroupView", "MethodView"}
    assert all(type(n).__dataclass_params__.frozen for n in seen)  # type: ignore[attr-defined]


def test_a_module_planned_alone_is_the_module_planned_with_the_others(api: ir.Api) -> None:
    """No module's nodes depend on what planning another filled in (its constants, its wait errors)."""
    plan = client_view(api)
    ctx = ClientContext(api, MODULE_NAMES)
    tops = [g for g in api.groups if not g.parent]
    for top, planned in reversed(list(zip(tops, plan.resource_modules, strict=True))):
        assert resource_module(api, top, ctx) == planned


@pytest.mark.parametrize(
    "t",
    [
        ir.UnionOf((ir.ListOf(ir.Named("Pet")), ir.Primitive("datetime"), ir.LiteralOf(("a",)))),
        ir.Nullable(ir.DictOf(ir.Primitive("Any"))),
        ir.ListOf(ir.Primitive("date")),
    ],
)
def test_a_hint_reports_what_it_names(t: ir.TypeExpr) -> None:
    text, needs = typed(t, frozenset({"list", "date"}))
    assert text == hint(t, frozenset({"list", "date"}))
    written = {name for _, name in needs.names} | needs.types | {m.split()[-1] for m in needs.modules}
    _, free = _imported_and_free(f"x: {text}")
    assert free == written


def test_constants_are_named_by_one_pass_over_the_nodes() -> None:
    """Equal values are one constant (the first base names it); a constant follows those it names, and
    alike names are told apart by a counter in the order the constants are reached."""
    parser = Constant("ResponseType[Pet]", ("ResponseType(target=lambda: types.Pet)",), "Pet")
    error = Constant("ResponseType[Problem]", ("ResponseType(target=lambda: types.Problem)",), "Problem")
    endpoint = Constant("Endpoint[Pet]", call("Endpoint", response=parser), "op getPet", first=(error,))
    again = Constant("ResponseType[Pet]", ("ResponseType(target=lambda: types.Pet)",), "another base")
    alike = Constant("ResponseType[pet]", ("ResponseType(target=lambda: types.pet)",), "Pet")
    roots = [code("return request(", endpoint, ")"), code(again, alike)]
    named = names(roots)
    assert list(named.values()) == ["_PROBLEM", "_PET", "_OP_GET_PET", "_PET_2"]
    assert named[again] == "_PET"
    assert names(roots) == named
    assert source(roots[0], named) == "return request(_OP_GET_PET)"
    assert [c.value for c in defined(named)][2] == "Endpoint(response=_PET)"


def test_every_name_a_client_module_imports_is_reserved(api: ir.Api) -> None:
    """`MODULE_NAMES` holds every name the client's modules may import besides the package's types (and
    their wait errors): a schema of such a name is written `types.X` there rather than imported over it."""
    for name, text in _client_modules(render_code(api)).items():
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.ImportFrom) or node.module in (None, "__future__", "types", "client"):
                continue  # (`from .. import types`, the types, the wait errors)
            if not node.module.startswith("resources"):
                classes = {a.name for a in node.names if a.name[0].isupper()}  # what a schema could be named
                assert classes <= MODULE_NAMES, (name, node.module)


def test_a_field_that_hides_a_builtin_imports_builtins_only_when_written(tmp_path: Path) -> None:
    """A field `list` hides the builtin in its class; `builtins` is imported only where an annotation needs it."""
    thing = {"type": "object", "properties": {"list": {"type": "string"}, "size": {"type": "integer"}}}
    other = {"type": "object", "properties": {"list": {"type": "array", "items": {"type": "string"}}}}
    spec = tmp_path / "things.yaml"
    spec.write_text(yaml.safe_dump(minimal_spec({"Thing": thing, "Other": other})), encoding="utf-8")
    files = render_code(build_api(spec, "things"))
    assert "import builtins" not in files["types/thing.py"]
    assert "builtins.list[str]" in files["types/other.py"]
    for name, text in _planned_modules(files).items():
        imported, free = _imported_and_free(text)
        assert imported == free, name
