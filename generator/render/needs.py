"""What a piece of generated code names from outside its module, reported by the code that writes it.

Every view node (a constant, a method, a wait error, a model, a field) carries the `Needs` of its text; a
module's imports are the union of its nodes' (`client_modules.import_plan`, `views.type_module_view`), so
nothing is recovered from the rendered source afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Needs:
    """The names a fragment of code uses that its module must import.

    `names` are `from module import name` pairs, the module written as seen from the package's top
    (`._polling`, `.` for the `types` subpackage, `typing`); `types` are the package's types written bare,
    imported for type checkers only; `modules` are plain `import x` lines (`builtins`).
    """

    names: frozenset[tuple[str, str]] = frozenset()
    types: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()

    def __or__(self, other: Needs) -> Needs:
        return Needs(self.names | other.names, self.types | other.types, self.modules | other.modules)


NOTHING = Needs()


def uses(module: str, *names: str) -> Needs:
    """`from module import names`, the module written from the package's top."""
    return Needs(names=frozenset((module, name) for name in names))


def joined(parts: list[Needs] | tuple[Needs, ...]) -> Needs:
    """Everything any of `parts` needs."""
    return Needs(
        frozenset().union(*(p.names for p in parts)),
        frozenset().union(*(p.types for p in parts)),
        frozenset().union(*(p.modules for p in parts)),
    )
