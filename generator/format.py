"""Stage 5a, format: black, at the version the project pins.

Output must not depend on what happens to be installed, so a different black
version is an error rather than a silent source of diffs.
"""

from __future__ import annotations

import functools
from importlib.metadata import version

from black import format_str
from black.mode import Mode, TargetVersion
from black.parsing import InvalidInput

from generator.errors import Diagnostic, Location, Severity, SpecError

BLACK_VERSION = "26.10.1"
LINE_LENGTH = 120
_MODE = Mode(line_length=LINE_LENGTH, target_versions={TargetVersion.PY310})


@functools.cache
def _check_black_version() -> None:
    installed = version("black")
    if installed != BLACK_VERSION:
        raise SpecError(
            [
                Diagnostic(
                    Severity.ERROR,
                    Location("black"),
                    f"black {installed} is installed, but the output is defined by black {BLACK_VERSION}.",
                    f"run `make generate` (it installs the pinned tools), or `pip install black=={BLACK_VERSION}`.",
                )
            ]
        )


def format_source(source: str, name: str) -> str:
    """Format one Python file; a file black cannot parse is a generator bug, reported as such."""
    _check_black_version()
    try:
        return format_str(source, mode=_MODE)
    except InvalidInput as exc:
        raise RuntimeError(f"generated {name} is not valid Python ({exc}); this is a generator bug") from exc
