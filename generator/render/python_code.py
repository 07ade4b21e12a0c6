"""Python source fragments: type hints, literals and docstrings.

Every piece of spec text that reaches generated code goes through `literal` or
`docstring`, which only ever produce a Python string literal (escaped by
`repr` whenever the text could end or break a plain docstring).
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from generator import ir
from generator.render import descriptions
from generator.render.format import LINE_LENGTH
from generator.render.needs import Needs

_PRIMITIVE_IMPORTS = {"datetime": "datetime", "date": "datetime", "Any": "typing", "FileInput": "._runtime"}


BUILTIN_TYPES = frozenset({"str", "int", "float", "bool", "bytes", "list", "dict"})
# Names an annotation may use that a field or method of the same name would hide, and how to reach them then.
QUALIFIED = {name: f"builtins.{name}" for name in BUILTIN_TYPES} | {
    "datetime": "_datetime.datetime",
    "date": "_datetime.date",
}
QUALIFYING_IMPORTS = {"builtins": "builtins", "_datetime": "datetime as _datetime"}


def hint(t: ir.TypeExpr, shadowed: frozenset[str] = frozenset(), module: str = "") -> str:
    """The annotation for a type, e.g. `list[AsyncActionSummary] | None`.

    Names in `shadowed` (a class defines a method `list` or a field `date`, say) are written qualified
    (`builtins.list`, `_datetime.date`: see `QUALIFIED`), and so are package types named there
    (`types.Page` where the module also imports the runtime's `Page`); with `module`, every package
    type is looked up in it (`types.AsyncActionSummary`).
    """
    return _hint(t, shadowed, module, [])


def typed(t: ir.TypeExpr, shadowed: frozenset[str] = frozenset(), module: str = "") -> tuple[str, Needs]:
    """`hint(t, shadowed, module)` and what it needs imported."""
    found: list[tuple[str, str]] = []
    text = _hint(t, shadowed, module, found)
    return text, Needs(
        frozenset(f for f in found if f[0] not in ("", "import")),
        frozenset(name for kind, name in found if kind == ""),
        frozenset(name for kind, name in found if kind == "import"),
    )


def _hint(t: ir.TypeExpr, shadowed: frozenset[str], module: str, found: list[tuple[str, str]]) -> str:
    """`hint`, adding to `found` what it names: (module, name) for `from module import name`, ("", name) for a
    package type written bare, ("import", module) for a plain import."""

    def builtin(name: str) -> str:
        if name in shadowed:
            found.append(("import", QUALIFYING_IMPORTS[QUALIFIED[name].split(".")[0]]))
            return QUALIFIED[name]
        if name in _PRIMITIVE_IMPORTS:
            found.append((_PRIMITIVE_IMPORTS[name], name))
        return name

    if isinstance(t, ir.Primitive):
        return builtin(t.name)
    if isinstance(t, ir.ListOf):
        return f"{builtin('list')}[{_hint(t.item, shadowed, module, found)}]"
    if isinstance(t, ir.DictOf):
        return f"{builtin('dict')}[{builtin('str')}, {_hint(t.value, shadowed, module, found)}]"
    if isinstance(t, ir.Named):
        if module or t.name in shadowed:
            found.append((".", module or "types"))
            return f"{module or 'types'}.{t.name}"
        found.append(("", str(t.name)))
        return str(t.name)
    if isinstance(t, ir.LiteralOf):
        found.append(("typing", "Literal"))
        if t.enum:
            enum = _hint(ir.Named(t.enum), shadowed, module, found)
            return f"Literal[{', '.join(f'{enum}.{member}' for member in t.members)}]"
        return f"Literal[{', '.join(literal(v) for v in t.values)}]"
    if isinstance(t, ir.UnionOf):
        return " | ".join(dict.fromkeys(_hint(o, shadowed, module, found) for o in t.options))
    inner = _hint(t.inner, shadowed, module, found)
    return inner if inner == "Any" else f"{inner} | None"


def construct(name: str, /, **arguments: str | None) -> str:
    """`name(key=value, ...)`: a runtime constructor called with keywords, arguments that are None left out
    (the values are Python source already)."""
    return f"{name}(" + ", ".join(f"{key}={value}" for key, value in arguments.items() if value is not None) + ")"


def literal(value: Any) -> str:
    """A Python literal for a JSON value (or bytes: an example file's); strings are always `repr`-escaped."""
    if isinstance(value, (str, bytes, bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def docstring(text: str, indent: int = 0) -> str:
    """A docstring literal of spec text, HTML as plain text: triple-quoted when printable, else a `repr` literal.

    `indent` is the column its statement starts at: a line of prose that would run past `LINE_LENGTH` there
    is wrapped (`wrap`); the formatter indents the lines after the first to that column.
    """
    text = descriptions.plain(text.strip())
    plain = text.replace("\n", "").isprintable()
    # (A line ending in a backslash would read as a line continuation to the formatters: such text is a `repr`.)
    if plain and '"""' not in text and not text.endswith('"') and not re.search(r"\\$", text, re.MULTILINE):
        text = text.replace("\\", "\\\\")  # a backslash is written escaped, so `\n` stays two characters
        if "\n" not in text and indent + len(text) + 6 <= LINE_LENGTH:
            return f'"""{text}"""'
        # A multi-line docstring closes on its own line, where black and ruff both leave it.
        wrapped = wrap(text, LINE_LENGTH - indent, first=LINE_LENGTH - indent - 3)
        if "\n" not in wrapped:  # fits, but not with its closing quotes, which the formatters would put beside it
            wrapped = wrap(text, LINE_LENGTH - indent, first=LINE_LENGTH - indent - 6)
        return f'"""{wrapped}\n"""'
    return repr(text)


_FENCE = re.compile(r"\s*(```|~~~)")
_LIST_ITEM = re.compile(r"\s*([-*+]|\d+[.)]) +")
_CODE_SPAN = re.compile(r"`[^`]+`")


def wrap(text: str, width: int, first: int | None = None) -> str:
    """`text` with each line of prose longer than `width` (the first line: `first`) broken at its spaces.

    A list item's lines after its first hang under its text; code (fenced, or indented four spaces), table rows
    and `code spans` are never broken, and neither is a word longer than the width (a URL): such a line stays long.
    """
    lines: list[str] = []
    fenced = False
    for number, line in enumerate(text.split("\n")):
        limit = first if number == 0 and first is not None else width
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or _FENCE.match(line) or len(line) <= limit or line.startswith(("    ", "\t", "|")):
            lines.append(line)
            continue
        item = _LIST_ITEM.match(line)
        hang = " " * (item.end() if item else len(line) - len(line.lstrip(" ")))
        pad = " " * (width - limit)  # the first line's share of the width, taken by the opening quotes
        kept = _CODE_SPAN.sub(lambda span: span.group().replace(" ", "\0"), line)
        broken = textwrap.wrap(
            kept, width, initial_indent=pad, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False
        )
        lines += [part.replace("\0", " ") for part in [broken[0][len(pad) :], *broken[1:]]]
    return "\n".join(lines)


def import_lines(needed: dict[str, set[str]], modules: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Import lines in isort order: standard library, third party, then local.

    `needed` holds `from module import names`; `modules` are plain `import module` lines.
    """

    def group(module: str) -> int:
        return 2 if module.startswith(".") else 1 if module in ("pydantic", "httpx", "typing_extensions") else 0

    entries = [(group(m), 0, m, f"import {m}") for m in modules]
    entries += [(group(m), 1, m, f"from {m} import {', '.join(sorted(n))}") for m, n in needed.items() if n]
    lines: list[str] = []
    previous = None
    for rank, _, _, line in sorted(entries):
        if previous is not None and rank != previous:
            lines.append("")
        lines.append(line)
        previous = rank
    return tuple(lines)
