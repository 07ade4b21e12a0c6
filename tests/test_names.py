"""Names are made safe once, where they are created."""

from __future__ import annotations

import keyword

import pytest

from generator.ir.names import ClassName, ConstantName, Identifier, dedupe


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
