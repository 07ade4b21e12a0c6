"""Diagnostics: what went wrong, where, and how to fix it.

Every stage raises `SpecError` (one or more `Diagnostic`s) for problems in user
input. Only the CLI prints them, once, and turns them into an exit code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    """How bad a diagnostic is: errors stop generation, warnings do not, notes say what was decided."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Location:
    """A place in a spec file: path, JSON pointer, and line/column when known (1-based)."""

    file: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.pointer:
            where += f" at #{self.pointer}"
        return where


@dataclass(frozen=True)
class Diagnostic:
    """One problem: severity, location, what is wrong, and the fix."""

    severity: Severity
    location: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.severity.value}: {self.location}: {self.message}"
        if self.hint:
            text += f" {'To change it' if self.severity is Severity.NOTE else 'Fix'}: {self.hint}"
        return text


class InternalError(Exception):
    """A bug of the generator's, met while processing a place in a spec; the CLI reports that place."""

    def __init__(self, location: Location, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.location = location


class SpecError(Exception):
    """A user-facing failure carrying diagnostics; never shown as a traceback."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics

    @classmethod
    def at(cls, location: Location, message: str, hint: str) -> SpecError:
        """One error at one location: what is wrong, and how to fix it."""
        return cls([Diagnostic(Severity.ERROR, location, message, hint)])
