"""The name and version a generated package is distributed under.

By default the distribution is named after the package and versioned as the spec's `info.version`; a
project chooses others with `--dist-name`/`--version` or `[tool.sdk-generator]` (`config.Release`), because
the default name may be a real project's on PyPI (`openai`, `box`), which installing this one would replace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from generator import ir


@dataclass(frozen=True)
class Release:
    """A distribution's name (normalised, PEP 503) and version (PEP 440); `chosen`: the name was not the default."""

    name: str
    version: str
    chosen: bool = False


def distribution_version(spec_version: str) -> str:
    """A PEP 440 version for `info.version`: itself when valid, else its numbers (`v2018-08-01` -> 2018.8.1)."""
    try:
        return str(Version(spec_version))
    except InvalidVersion:
        numbers = [str(int(n)) for n in re.findall(r"\d+", spec_version)]
        return ".".join(numbers) or "0"


def release_of(api: ir.Api, name: str | None = None, version: str | None = None) -> Release:
    """The release of `api`'s package: `name` and `version` where given (already checked), else the defaults."""
    return Release(
        canonicalize_name(name or api.package),
        distribution_version(version or api.version),
        chosen=name is not None,
    )
