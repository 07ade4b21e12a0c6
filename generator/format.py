"""Stage 5a, format: black, at the version the project pins.

Output must not depend on what happens to be installed, so a different black
version is an error rather than a silent source of diffs.
"""

from __future__ import annotations

import black

from generator.errors import Diagnostic, Location, Severity, SpecError

BLACK_VERSION = "26.10.1"
LINE_LENGTH = 120
_MODE = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY310})


def format_source(source: str, name: str) -> str:
    """Format one Python file; a file black cannot parse is a generator bug, reported as such."""
    if black.__version__ != BLACK_VERSION:
        raise SpecError(
            [
                Diagnostic(
                    Severity.ERROR,
                    Location(name),
                    f"black {black.__version__} is installed, but output is defined by black {BLACK_VERSION}.",
                    f"run `make generate` (it installs the pinned tools), or `pip install black=={BLACK_VERSION}`.",
                )
            ]
        )
    try:
        return black.format_str(source, mode=_MODE)
    except black.InvalidInput as exc:
        raise RuntimeError(f"generated {name} is not valid Python ({exc}); this is a generator bug") from exc
