"""Names are made safe once, where they are created."""

from __future__ import annotations

import ast
import keyword
from pathlib import Path

import pytest

from generated import postman, voucherify
from generator.ir.names import (
    CLIENT_ATTRIBUTES,
    RESOURCE_ATTRIBUTES,
    ClassName,
    ConstantName,
    Identifier,
    async_name,
    dedupe,
)
from generator.render.client_context import FAILED_ERROR_ATTRIBUTES
from testdata import ROOT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("createdAt", "created_at"),
        ("asyncActionId", "async_action_id"),
        ("X-App-Id", "x_app_id"),
        ("from", "from_"),
        ("class", "class_"),
        ("match", "match_"),
        ("17_res_obj", "n17_res_obj"),
        ("__init__", "init"),
        ("__class__", "class_"),
        ("zażółć", "zazolc"),
        ("größe", "grosse"),
        ("", "value"),
        ("HTTPServerURL", "http_server_url"),
        ("APIs", "apis"),
        ("listURLs", "list_urls"),
    ],
)
def test_identifiers(raw: str, expected: str) -> None:
    name = Identifier(raw)
    assert name.isidentifier() and not keyword.iskeyword(name)
    assert name == expected


def test_reserved_identifiers_get_an_underscore() -> None:
    assert Identifier("json", frozenset({"json"})) == "json_"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AsyncAction", "AsyncAction"),
        ("17_res_obj_get_async_action", "Model17ResObjGetAsyncAction"),
        ("get-async-action", "GetAsyncAction"),
        ("type", "Type"),
        ("object", "Object"),
        ("list", "List"),
        ("None", "NoneModel"),
        ("APIModel", "APIModelModel"),
        ("Field", "FieldModel"),
    ],
)
def test_class_names(raw: str, expected: str) -> None:
    assert ClassName(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CAMPAIGN.VOUCHERS_IMPORT", "CAMPAIGN_VOUCHERS_IMPORT"),
        ("api-version", "API_VERSION"),
        ("pending", "PENDING"),
        (1, "VALUE_1"),
        (-2, "VALUE_MINUS_2"),
        ("name", "NAME_"),
        ("", "EMPTY"),
        ("3d", "VALUE_3D"),
    ],
)
def test_constant_names(raw: object, expected: str) -> None:
    assert ConstantName(raw) == expected


def test_dedupe_keeps_order_and_type() -> None:
    names = dedupe([ClassName("Foo"), ClassName("Foo"), ClassName("Foo2")])
    assert names == ["Foo", "Foo3", "Foo2"]
    assert all(isinstance(n, ClassName) for n in names)
    assert dedupe([Identifier("a"), Identifier("a")]) == ["a", "a_2"]


def test_very_long_names_are_cut_and_stay_unique() -> None:
    first, second = Identifier("word " * 100 + "a"), Identifier("word " * 100 + "b")
    assert len(first) <= 64 and first != second and first.isidentifier()
    assert len(ClassName("word " * 100)) <= 64 and len(ConstantName("x" * 500)) <= 64


@pytest.mark.parametrize(
    "client", [voucherify.VoucherifyClient, voucherify.AsyncVoucherifyClient, postman.PostmanClient]
)
def test_client_attributes_are_every_public_name_of_the_rendered_clients(client: type) -> None:
    """A resource named like one of these would hide it; the list is checked against the clients themselves
    (an instance, for what `__init__` sets) and the decorator of their class body."""
    resources = {name for name, value in vars(client).items() if not name.startswith("_") and value is not None}
    public = {name for name in dir(client(base_url="http://127.0.0.1:9")) if not name.startswith("_")}
    source = ast.parse((ROOT / "generated" / client.__module__.split(".")[1] / "client.py").read_text())
    body = next(n for n in source.body if isinstance(n, ast.ClassDef) and n.name == client.__name__).body
    decorators = {d.id for node in body if isinstance(node, ast.FunctionDef) for d in node.decorator_list
                  if isinstance(d, ast.Name)}  # fmt: skip
    assert (public - resources) | decorators == CLIENT_ATTRIBUTES
    assert all(Identifier(name, CLIENT_ATTRIBUTES) == f"{name}_" for name in CLIENT_ATTRIBUTES)
    assert Identifier("_client") == "client"  # private names cannot be made: nothing to reserve for them


def test_resource_attributes_are_the_decorators_of_the_rendered_resources() -> None:
    """The decorators a method could hide: those named as an `Identifier` can be (not `Operation`)."""
    trees = [ast.parse(path.read_text()) for path in (ROOT / "generated").glob("*/resources/*.py")]
    functions = [node for tree in trees for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]  # fmt: skip
    decorators = {d.id for node in functions for d in node.decorator_list if isinstance(d, ast.Name)}
    assert {"Operation", "AsyncOperation"} < decorators
    assert {name for name in decorators if Identifier(name) == name} == RESOURCE_ATTRIBUTES


def test_no_schema_can_take_a_name_the_rendered_modules_import() -> None:
    """Every name a types module imports from the runtime or a library, and every runtime name the package
    root exports, is one `ClassName` never gives: no type hides it or is hidden behind it. (The client
    modules write such a type `types.X`, see `client_views.MODULE_NAMES`.)"""
    modules = [*(ROOT / "generated").glob("*/types/*.py*"), *(ROOT / "generated").glob("*/__init__.py*")]
    imported = {
        alias.asname or alias.name
        for path in modules
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and (node.level == 0 or (node.module or "").startswith("_"))
        for alias in node.names
    }
    assert {"APIModel", "Field", "Annotated", "Page", "NotFoundError", "FileInput"} <= imported
    assert sorted(name for name in imported if ClassName(name) == name) == []


def test_failed_error_attributes_are_every_public_name_of_the_rendered_error() -> None:
    error = postman.WaitFailedError("failed", final=None)
    assert {name for name in dir(error) if not name.startswith("_")} == FAILED_ERROR_ATTRIBUTES


@pytest.mark.parametrize(
    ("sync", "expected"),
    [
        ("VouchersResource", "AsyncVouchersResource"),
        ("VoucherifyClient", "AsyncVoucherifyClient"),
        ("AsyncActionsResource", "AsyncActionsResourceAsync"),  # the tag `Async Actions`: no `AsyncAsync...`
        ("AsyncActionsResource2", "AsyncActionsResource2Async"),
        ("AsyncResource", "AsyncResourceAsync"),
        ("AsyncioResource", "AsyncAsyncioResource"),  # another word
    ],
)
def test_async_names_never_double_the_prefix(sync: str, expected: str) -> None:
    assert async_name(sync) == expected


@pytest.mark.parametrize("package", ["voucherify", "postman"])
def test_every_class_of_a_package_has_a_name_of_its_own(package: str) -> None:
    """Resource classes, sync and async, stay apart from each other, the clients, the wait errors and the types."""
    root = ROOT / "generated" / package

    def classes(*paths: Path) -> list[str]:
        return [n.name for p in paths for n in ast.walk(ast.parse(p.read_text())) if isinstance(n, ast.ClassDef)]

    resources = classes(*(root / "resources").glob("*.py"))
    every = resources + classes(root / "client.py", *(root / "types").glob("*.py"))
    assert len(every) == len(set(every))
    assert not [name for name in every if name.startswith("AsyncAsync")]
    twins = {name: async_name(name) for name in resources if async_name(name) in resources}
    assert sorted([*twins, *twins.values()]) == sorted(resources)  # each sync resource and its async twin
