"""The generated code reads like a hand-written SDK: what a user reads there is checked over generated/."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

from conftest import MakePackage, minimal_spec
from generator.ir.names import indefinite
from generator.render.format import LINE_LENGTH
from testdata import ROOT

GENERATED = ROOT / "generated"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("AsyncAction", "an AsyncAction"),
        ("Voucher", "a Voucher"),
        ("`OrdersImportAction`", "an `OrdersImportAction`"),
        ("`CampaignVouchersDeleteAction`", "a `CampaignVouchersDeleteAction`"),
        ("enum", "an enum"),
        ("model", "a model"),
        ("union", "a union"),  # a vowel letter, a consonant sound
        ("UserProfile", "a UserProfile"),
        ("European", "a European"),
        ("hour", "an hour"),  # the reverse
        ("Item", "an Item"),
    ],
)
def test_indefinite_article(word: str, expected: str) -> None:
    assert indefinite(word) == expected
    assert indefinite(word, start=True) == expected[0].upper() + expected[1:]


def _spec_modules() -> list[Path]:
    """The modules generated from each spec (the client, its resources, the types); not the runtime's own."""
    packages = [p for p in GENERATED.iterdir() if (p / "client.py").is_file()]
    assert {p.name for p in packages} >= {"voucherify", "postman"}
    return sorted(
        path
        for package in packages
        for path in [package / "client.py", *(package / "resources").glob("*.py"), *(package / "types").glob("*.py")]
    )


def _runtime_classes(tree: ast.Module) -> set[str]:
    """The classes a module imports from the package's runtime (`from .._polling import PollSpec`), and `tag_by`."""
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level and (node.module or "").split(".")[-1].startswith("_")
        for alias in node.names
        if alias.name[:1].isupper() or alias.name == "tag_by"
    }


def test_runtime_objects_are_built_with_keywords() -> None:
    """`PollSpec(status="status", done=...)`, never `PollSpec("status", frozenset(["DONE"]), ...)`."""
    positional = []
    built = set()
    for path in _spec_modules():
        tree = ast.parse(path.read_text())
        classes = _runtime_classes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
                built.add(node.func.id)
                # A paginator holds a call not yet made, not data: its arguments are that call's, as written.
                if node.args and node.func.id != "AsyncPaginator":
                    positional.append(f"{path.relative_to(GENERATED)}:{node.lineno}: {ast.unparse(node)[:100]}")
    assert {"Endpoint", "Param", "PollSpec", "PageSpec", "ActionSpec", "Scheme", "ResponseType", "tag_by"} <= built
    assert positional == []


def test_no_magic_keys() -> None:
    """The error body for statuses an operation does not list is the client's `default_error=`, not `{"": ...}`."""
    empty_keys = [
        f"{path.relative_to(GENERATED)}:{node.lineno}"
        for path in _spec_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "" for k in node.keys)
    ]
    assert empty_keys == []
    client = ast.parse((GENERATED / "voucherify" / "client.py").read_text())
    passed = {k.arg for node in ast.walk(client) if isinstance(node, ast.Call) for k in node.keywords}
    assert "default_error" in passed and "errors" not in passed


def test_no_private_name_is_imported_from_another_module() -> None:
    """A name two modules share is public, or each module that uses it defines it (`_OP_GET_ASYNC_ACTION` was
    imported from client.py by every resource polling it; the methods' `_operation` decorator from `_response`)."""
    imported = [
        f"{path.relative_to(GENERATED)}:{node.lineno}: {alias.name}"
        for path in sorted(GENERATED.glob("*/**/*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert imported == []


def _docstring_lines(tree: ast.Module) -> set[int]:
    """The line numbers of every docstring (module, class, function) in a module."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def _string_lines(source: str) -> set[int]:
    """The line numbers a string literal (any, docstrings included) spans."""
    return {
        line
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.STRING
        for line in range(token.start[0], token.end[0] + 1)
    }


def test_lines_fit_the_formatters_width_but_long_literals() -> None:
    """A line over 120 characters is a long string value (a field's `description="..."`); a docstring's prose is
    wrapped, so one of its lines is long only for a word that cannot be broken (a URL)."""
    long_lines = []
    for path in sorted(GENERATED.glob("*/**/*.py")):
        source = path.read_text()
        docstrings, strings = _docstring_lines(ast.parse(source)), _string_lines(source)
        for number, line in enumerate(source.splitlines(), 1):
            if len(line) <= LINE_LENGTH:
                continue
            indent = len(line) - len(line.lstrip())
            unbreakable = indent + 3 + max(len(word) for word in line.split()) > LINE_LENGTH
            if (number in docstrings and not unbreakable) or number not in strings:
                long_lines.append(f"{path.relative_to(GENERATED)}:{number}: {line[:100]}")
    assert long_lines == []


def test_a_module_of_many_types_names_a_few(make_package: MakePackage) -> None:
    # One named schema with four inline objects: one module of five types.
    inline = {f"part{i}": {"type": "object", "properties": {"x": {"type": "string"}}} for i in range(4)}
    package = make_package(minimal_spec({"Order": {"type": "object", "properties": inline}}), "shop")
    doc = ast.get_docstring(ast.parse(Path(package.__file__).with_name("types").joinpath("order.py").read_text())) or ""
    assert doc == "The `Order`, `OrderPart0`, `OrderPart1` and 2 other types of the shop API."
