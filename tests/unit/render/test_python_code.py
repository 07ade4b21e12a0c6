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


LONG = (
    "Returns a handle on the async action it starts: `.wait()` polls it until it is done and returns it as a "
    "`CampaignVouchersDeleteAction`; `.id` is its ID, and `handle(id, SomeType)` resumes it. See "
    "https://docs.voucherify.io/reference/get-async-action-" + "x" * 90 + "\n\n"
    "- a list item long enough to be wrapped over two lines, whose second line hangs under the text of the first one "
    "whatever the indentation\n"
    "```\n" + ("code " * 40).strip() + "\n```"
)


@pytest.mark.parametrize("indent", [0, 4, 8])
def test_docstring_prose_is_wrapped_to_the_line_length(indent: int) -> None:
    source = docstring(LONG, indent)
    tree = ast.parse(f"class C:\n    {source}\n")
    text = ast.get_docstring(tree.body[0], clean=False) or ""  # type: ignore[arg-type]
    assert text.split() == LONG.split()  # the same words, in the same order
    lines = text.split("\n")
    assert len(lines[0]) + indent + 3 <= 120
    for line in lines[1:]:
        assert indent + len(line) <= 120 or " " not in line.strip() or line.startswith("code ")
    assert "`handle(id, SomeType)`" in text and "`CampaignVouchersDeleteAction`;" in text  # code spans stay whole
    item = next(i for i, line in enumerate(lines) if line.startswith("- a list item"))
    assert lines[item + 1].startswith("  ") and not lines[item + 1].startswith("   ")
    assert ("code " * 40).strip() in lines  # code is never wrapped


def test_a_docstring_that_fits_stays_on_one_line() -> None:
    assert docstring("Short.", 8) == '"""Short."""'
    # Fits, but not with its closing quotes, which the formatters would put beside it: broken before them.
    assert docstring("x " * 55, 8) == '"""' + ("x " * 53).strip() + "\nx x\n" + '"""'
    assert docstring("a \\ b", 8) == '"""a \\\\ b"""'  # a backslash, escaped
