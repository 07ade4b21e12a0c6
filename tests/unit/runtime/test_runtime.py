"""The runtime's own sources (`generator/runtime/`), unit-tested where they are written, not only through the
packages they are copied into. `_package.py` there stands in for a package's: its API-key query parameter
is `api_key`."""

from __future__ import annotations

import httpx
import pytest

from generator.runtime._encoding import Param, path_value, query_pairs
from generator.runtime._redact import redact
from generator.runtime._runtime import retry_after


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://user:secret@api.example.com/v1?api_key=k1&page=2",
            "https://***@api.example.com/v1?api_key=***&page=2",
        ),
        ("https://api.example.com/v1?page=2", "https://api.example.com/v1?page=2"),
        ("https://api.example.com/v1?API_KEY=k1", "https://api.example.com/v1?API_KEY=k1"),  # names are exact
    ],
)
def test_redact_hides_userinfo_and_query_credentials(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_path_values_in_each_style_and_dot_segments_escaped() -> None:
    ids = Param(name="ids", wire="ids", location="path")
    assert path_value(ids, ["a b", "c"]) == "a%20b,c"
    assert path_value(Param(name="ids", wire="ids", location="path", style="label", explode=True), ["a", "b"]) == ".a.b"
    assert path_value(Param(name="ids", wire="ids", location="path", style="matrix"), ["a", "b"]) == ";ids=a,b"
    assert path_value(ids, "..") == "%2E%2E"  # a dot segment would move the request to another resource
    with pytest.raises(ValueError, match="must not be empty"):
        path_value(ids, "")


def test_query_pairs_explode_arrays_and_deep_objects() -> None:
    assert query_pairs(Param(name="tag", wire="tag", location="query"), "tag", ["a", "b"]) == [
        ("tag", "a"),
        ("tag", "b"),
    ]
    deep = Param(name="filter", wire="filter", location="query", style="deepObject", explode=True)
    assert query_pairs(deep, "filter", {"created": {"gt": 1}}) == [("filter[created][gt]", "1")]


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "250", "Retry-After": "7"}, 0.25),  # milliseconds first
        ({"Retry-After-Ms": "-5"}, 0.0),
        ({"retry-after-ms": "soon", "Retry-After": "7"}, 7.0),  # not a number: Retry-After instead
        ({"retry-after-ms": "inf", "Retry-After": "7"}, 7.0),
        ({"retry-after-ms": "nan"}, None),
        ({}, None),
    ],
)
def test_retry_after_reads_milliseconds_before_seconds(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after(httpx.Headers(headers), 0.0) == seconds
