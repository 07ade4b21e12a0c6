"""The rendered runtime's `_encoding` module: OpenAPI parameter styles and request-body encodings.

The expected strings are the OpenAPI 3.1 style-examples table (https://spec.openapis.org/oas/v3.1.0#style-examples),
for the label style as RFC 6570 defines it, and the bracket form Stripe and Voucherify read for deepObject.
"""

from __future__ import annotations

import enum
import io
from datetime import datetime, timezone
from typing import Any

import pytest
from pydantic import BaseModel, Field

from generated.voucherify import _encoding as enc

COLOR: dict[str, Any] = {"R": 100, "G": 200, "B": 150}
COLORS = ["blue", "black", "brown"]


def _path(style: str, explode: bool, value: Any) -> str:
    return enc.path_value(enc.Param(name="color", wire="color", location="path", style=style, explode=explode), value)


def _query(style: str, explode: bool, value: Any) -> str:
    param = enc.Param(name="color", wire="color", location="query", style=style, explode=explode)
    return enc.query_string(enc.query_pairs(param, "color", value))


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("simple", False, "blue", "blue"),
        ("simple", False, COLORS, "blue,black,brown"),
        ("simple", False, COLOR, "R,100,G,200,B,150"),
        ("simple", True, COLOR, "R=100,G=200,B=150"),
        ("label", False, "blue", ".blue"),
        ("label", False, COLORS, ".blue,black,brown"),
        ("label", True, COLORS, ".blue.black.brown"),
        ("label", True, COLOR, ".R=100.G=200.B=150"),
        ("matrix", False, "blue", ";color=blue"),
        ("matrix", False, COLORS, ";color=blue,black,brown"),
        ("matrix", False, COLOR, ";color=R,100,G,200,B,150"),
        ("matrix", True, COLORS, ";color=blue;color=black;color=brown"),
        ("matrix", True, COLOR, ";R=100;G=200;B=150"),
        ("simple", False, "a/b c", "a%2Fb%20c"),  # a path segment never gains a slash
    ],
)
def test_path_styles(style: str, explode: bool, value: Any, expected: str) -> None:
    assert _path(style, explode, value) == expected


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("form", True, "blue", "color=blue"),
        ("form", True, COLORS, "color=blue&color=black&color=brown"),
        ("form", True, COLOR, "R=100&G=200&B=150"),
        ("form", False, COLORS, "color=blue%2Cblack%2Cbrown"),
        ("form", False, COLOR, "color=R%2C100%2CG%2C200%2CB%2C150"),
        ("spaceDelimited", False, COLORS, "color=blue%20black%20brown"),
        ("pipeDelimited", False, COLORS, "color=blue%7Cblack%7Cbrown"),
        ("spaceDelimited", False, COLOR, "color=R%20100%20G%20200%20B%20150"),
        ("pipeDelimited", False, COLOR, "color=R%7C100%7CG%7C200%7CB%7C150"),
        ("deepObject", True, COLOR, "color[R]=100&color[G]=200&color[B]=150"),
        # Nested objects and arrays in deepObject: the bracket form Stripe documents (`created[gt]`, `expand[0]`).
        ("deepObject", True, {"gt": 1, "in": ["a", "b"]}, "color[gt]=1&color[in][0]=a&color[in][1]=b"),
        ("form", True, True, "color=true"),
    ],
)
def test_query_styles(style: str, explode: bool, value: Any, expected: str) -> None:
    assert _query(style, explode, value) == expected


class Filters(BaseModel):
    junction: str
    created_after: datetime | None = Field(default=None, alias="createdAfter")


class Status(enum.Enum):
    DONE = "DONE"


def test_models_enums_and_dates_go_out_by_wire_name_and_value() -> None:
    param = enc.Param(name="filters", wire="filters", location="query", style="deepObject", explode=True)
    value = Filters(junction="and", createdAfter=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert enc.query_pairs(param, "filters", value) == [
        ("filters[junction]", "and"),
        ("filters[createdAfter]", "2024-01-02T03:04:05Z"),
    ]
    assert enc.query_pairs(enc.Param(name="s", wire="s", location="query"), "s", Status.DONE) == [("s", "DONE")]


def test_allow_reserved_and_content_parameters() -> None:
    pairs = [("next", "/a?b=c&d")]
    assert enc.query_string(pairs) == "next=%2Fa%3Fb%3Dc%26d"
    assert enc.query_string(pairs, frozenset({"next"})) == "next=/a?b=c&d"
    content = enc.Param(name="q", wire="q", location="query", content="application/json")
    assert enc.query_pairs(content, "q", {"b": [1, 2]}) == [("q", '{"b":[1,2]}')]


def test_a_querystring_parameter_is_the_whole_query_by_its_media_type() -> None:
    form = enc.Param(name="f", wire="f", location="querystring", content="application/x-www-form-urlencoded")
    value = {"name": "a&b c", "tags": ["x", "y"], "skip": None, "meta": {"k": "v"}}
    assert enc.querystring_value(form, value) == "name=a%26b%20c&tags=x&tags=y&k=v"
    as_json = enc.Param(name="f", wire="f", location="querystring", content="application/json")
    assert enc.querystring_value(as_json, {"a": [1, "b c"]}) == "%7B%22a%22%3A%5B1%2C%22b%20c%22%5D%7D"
    plain = enc.Param(name="f", wire="f", location="querystring", content="text/plain")
    assert enc.querystring_value(plain, "x=1&y") == "x%3D1%26y"


def test_header_values() -> None:
    assert enc.header_value(enc.Param(name="X-C", wire="X-C", location="header"), COLORS) == "blue,black,brown"
    assert (
        enc.header_value(enc.Param(name="X-C", wire="X-C", location="header", explode=True), COLOR)
        == "R=100,G=200,B=150"
    )
    assert enc.header_value(enc.Param(name="X-C", wire="X-C", location="header"), False) == "false"


def test_form_body_honours_each_property_encoding() -> None:
    spec = enc.Body(
        media_type="application/x-www-form-urlencoded",
        kind="form",
        encoding={
            "metadata": enc.PartEncoding(style="deepObject", explode=True),
            "tags": enc.PartEncoding(explode=False),
            "extra": enc.PartEncoding(content_type="application/json"),
        },
    )
    body = {"email": "a@b.c", "metadata": {"k": "v"}, "tags": ["x", "y"], "extra": {"n": 1}, "skip": None}
    assert enc.form_fields(body, spec) == [
        ("email", "a@b.c"),
        ("metadata[k]", "v"),
        ("tags", "x,y"),
        ("extra", '{"n":1}'),
    ]


def test_multipart_parts_files_json_and_text() -> None:
    spec = enc.Body(
        media_type="multipart/form-data", kind="multipart", encoding={"file": enc.PartEncoding(content_type="text/csv")}
    )
    upload = io.BytesIO(b"code\nA1\n")
    upload.name = "/tmp/vouchers.csv"
    parts = enc.multipart_parts(
        {
            "file": upload,
            "more": [b"1", ("two.bin", b"2", "application/x-two")],
            "meta": {"a": 1, "at": datetime(2024, 1, 2, tzinfo=timezone.utc), "status": Status.DONE},
            "tags": ["x", "y"],
            "flag": True,
        },
        spec,
    )
    assert parts == (
        {"tags": ["x", "y"], "flag": ["true"]},
        [
            ("file", ("vouchers.csv", upload, "text/csv")),
            ("more", ("more", b"1", "application/octet-stream")),
            ("more", ("two.bin", b"2", "application/x-two")),
            ("meta", (None, b'{"a":1,"at":"2024-01-02T00:00:00Z","status":"DONE"}', "application/json")),
        ],
    )
