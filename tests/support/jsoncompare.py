"""Compare JSON values the way a round trip must preserve them: timestamps by instant, not by spelling."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _instant(value: str) -> datetime | None:
    if len(value) < 19 or value[4:5] != "-" or value[10:11] != "T":
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def assert_same_json(actual: Any, expected: Any, path: str = "$") -> None:
    """Fail with the JSON path of the first difference; key order is ignored, key sets are not."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        assert actual.keys() == expected.keys(), f"{path}: keys {sorted(actual)} != {sorted(expected)}"
        for key in expected:
            assert_same_json(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r} != {expected!r}"
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same_json(a, e, f"{path}[{index}]")
    elif isinstance(expected, str) and _instant(expected) is not None:
        assert isinstance(actual, str) and _instant(actual) == _instant(expected), f"{path}: {actual!r} != {expected!r}"
    else:
        assert type(actual) is type(expected) and actual == expected, f"{path}: {actual!r} != {expected!r}"
