"""Spec text becomes Python literals only: whatever the text, the code means what it says."""

from __future__ import annotations

import ast

import pytest

from generator import ir
from generator.ir.names import ClassName
from generator.render.python_code import docstring, hint, literal

HOSTILE = [
    "plain text",
    'ends with a quote"',
    'triple """ quotes """ inside',
    "triple ''' single",
    "back\\slash \\n not a newline",
    "line one\nline two",
    "{{ jinja }} and {% raw %}",
    "NUL \x00 and bell \x07 and escape \x1b[31m",
    "line\u2028separator\u2029paragraph",
    '"""; import os; os.system("touch canary"); """',
    "x" * 10_000,
    "non-ASCII: zażółć gęślą jaźń ✓",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_is_one_literal_with_the_same_text(text: str) -> None:
    source = docstring(text)
    tree = ast.parse(f"class C:\n    {source}\n")
    (cls,) = tree.body
    assert isinstance(cls, ast.ClassDef) and len(cls.body) == 1
    assert (ast.get_docstring(cls, clean=False) or "").rstrip("\n") == text.strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_round_trips(text: str) -> None:
    assert ast.literal_eval(literal(text)) == text
    assert ast.literal_eval(literal({"k": [text, 1, 2.5, True, None]})) == {"k": [text, 1, 2.5, True, None]}


def test_hints() -> None:
    nested = ir.Nullable(ir.ListOf(ir.DictOf(ir.Named(ClassName("Item")))))
    assert hint(nested) == "list[dict[str, Item]] | None"
    assert hint(ir.LiteralOf(("a'b", 1, None))) == 'Literal["a\'b", 1, None]'
    assert hint(ir.Nullable(ir.Primitive("Any"))) == "Any"
    assert hint(ir.UnionOf((ir.Primitive("str"), ir.Primitive("int"), ir.Primitive("str")))) == "str | int"
