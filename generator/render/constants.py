"""A module's constants (parsers, `Endpoint`s, poll, page and action specs), planned before they are named.

A node that uses a constant holds the `Constant` itself, inside its `Code`: text whose parts are strings or
constants. Once a module's nodes are built, one pure pass (`names`) gathers the constants they reach, each
distinct value once, and names them; `source` then writes any of the module's code with those names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.ir.names import words
from generator.render.needs import NOTHING, Needs
from generator.render.python_code import construct


@dataclass(frozen=True)
class Constant:
    """A module-level constant `name: hint = value` before it has a name.

    Two constants are one when their hint and value are (what `base` says it is for does not count: the
    first one asked for names it); `needs` are what its hint and value import.
    """

    hint: str
    value: Code
    base: str = field(compare=False)
    needs: Needs = field(default=NOTHING, compare=False)
    # Constants to name before those its value names, when they were asked for first (an `Endpoint`'s error
    # parsers come before its response's, and the order is what the modules have always printed).
    first: tuple[Constant, ...] = field(default=(), compare=False)


Code = tuple["str | Constant", ...]


def code(*parts: str | Constant | Code) -> Code:
    """The parts as one piece of code (nested code flattened, adjacent strings joined: equal text is equal
    code however it was put together)."""
    strings = [part for part in parts if isinstance(part, str)]
    if len(strings) == len(parts):  # most code names no constant (the parameters of an Endpoint)
        text = "".join(strings)
        return (text,) if text else ()
    flat: list[str | Constant] = []
    for part in parts:
        for piece in part if isinstance(part, tuple) else (part,):
            if isinstance(piece, str) and flat and isinstance(flat[-1], str):
                flat[-1] += piece
            elif piece != "":
                flat.append(piece)
    return tuple(flat)


def separated(separator: str, items: Iterable[str | Constant | Code]) -> Code:
    """`separator.join(items)` for code."""
    parts: list[str | Constant | Code] = []
    for number, item in enumerate(items):
        parts += [separator, item] if number else [item]
    return code(*parts)


def call(name: str, /, **arguments: str | Constant | Code | None) -> Code:
    """`construct` whose arguments may be (or hold) constants."""
    texts = {key: value for key, value in arguments.items() if isinstance(value, str) or value is None}
    if len(texts) == len(arguments):
        return (construct(name, **texts),)
    return code(f"{name}(", separated(", ", [code(f"{k}=", v) for k, v in arguments.items() if v is not None]), ")")


def names(roots: Iterable[Code]) -> dict[Constant, str]:
    """Every constant `roots` reach, in the order they are first reached (a constant after those it names),
    each named once: `_` and its base in capitals, a counter telling apart values whose names would be alike."""
    found: dict[Constant, str] = {}
    taken: set[str] = set()

    def reach(constant: Constant) -> None:
        if constant in found:
            return
        for part in (*constant.first, *constant.value):
            if isinstance(part, Constant):
                reach(part)
        name = "_" + "_".join(words(constant.base)).upper()
        unique, counter = name, 1
        while unique in taken:
            counter += 1
            unique = f"{name}_{counter}"
        taken.add(unique)
        found[constant] = unique

    for root in roots:
        for part in root:
            if isinstance(part, Constant):
                reach(part)
    return found


def source(piece: Code, named: dict[Constant, str]) -> str:
    """The text of `piece`, each constant written by its name."""
    return "".join(part if isinstance(part, str) else named[part] for part in piece)


@dataclass(frozen=True)
class ConstantView:
    """A named module-level constant as the template prints it: `name: hint = value`."""

    name: str
    hint: str
    value: str
    needs: Needs = NOTHING


def defined(named: dict[Constant, str]) -> tuple[ConstantView, ...]:
    """The module-level statements of the named constants, each after those it names."""
    return tuple(ConstantView(name, c.hint, source(c.value, named), c.needs) for c, name in named.items())
