"""Lazy exports: a name is imported from its module the first time it is used.

Importing the package costs almost nothing, and a program pays only for the
types it touches, however many the API defines (as large SDKs do).
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable


def lazy_exports(
    package: str, table: str, fallback: str | None = None
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for a package whose public names are listed in `table`, one `name module`
    pair a line, and (when given) are those of the package `fallback` too. The table is read when a first
    name is asked for (`__all__` is one), not on import."""
    namespace = sys.modules[package].__dict__

    @functools.cache
    def exports() -> dict[str, str]:
        words = table.split()
        found = dict(zip(words[::2], words[1::2], strict=True))  # `name module` pairs
        if fallback is not None:
            names = importlib.import_module(fallback, package).__all__
            found = {name: fallback for name in names} | found
        return dict(sorted(found.items()))

    def get(name: str) -> object:
        value: object
        if name == "__all__":
            value = list(exports())
        elif (module := exports().get(name)) is not None:
            value = getattr(importlib.import_module(module, package), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value  # later lookups find it without calling this again
        return value

    def names() -> list[str]:
        return sorted({*namespace, *exports()})

    return get, names
