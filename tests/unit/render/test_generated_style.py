"""Generated code reads like a hand-written SDK (issue 24): checked over the checked-in packages."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

# The runtime's spec classes, which the generated modules build one per operation, scheme or list.
RUNTIME_CONSTRUCTORS = {
    "Endpoint",
    "Param",
    "PartEncoding",
    "Body",
    "Scheme",
    "PollSpec",
    "FollowSpec",
    "ActionSpec",
    "PageSpec",
}


def _modules() -> list[Path]:
    return sorted((ROOT / "generated").rglob("*.py"))


def test_runtime_objects_are_built_with_keywords() -> None:
    positional = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.func.id}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in RUNTIME_CONSTRUCTORS
        and node.args
    ]
    assert positional == []


def test_no_empty_string_stands_for_a_default() -> None:
    keyed = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "" for k in node.keys)
    ]
    assert keyed == []
