"""The `pyproject.toml` that makes a generated package an installable distribution (`--pyproject`).

Every value is decided here and arrives in the template as a TOML literal: spec text (the title,
the version) never becomes TOML syntax.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from generator import ir
from generator.render.templates import environment

# What the rendered runtime needs: callable discriminators (`Discriminator`, `Tag`) came in pydantic 2.5;
# the httpx API it uses (Client, AsyncClient, transports, timeouts) is unchanged since 0.23.
# `.ci/install-check` installs a generated distribution with exactly these lower bounds.
RUNTIME_REQUIREMENTS = ("pydantic>=2.5,<3", "httpx>=0.23,<1", "typing-extensions>=4.6.1")


@dataclass(frozen=True)
class DistributionView:
    """The strings of a generated package's `pyproject.toml`, each already a TOML literal."""

    module: str  # the import name as it is (an Identifier: safe in a comment)
    package: str
    name: str
    version: str
    description: str
    dependencies: tuple[str, ...]
    subpackages: str  # the pattern its subpackages match
    source_name: str
    source_sha256: str


def toml_string(text: str) -> str:
    """`text` as a TOML basic string: JSON's escapes are TOML's, and DEL is escaped too."""
    return json.dumps(text).replace("\x7f", "\\u007f")


def distribution_version(spec_version: str) -> str:
    """A PEP 440 version for `info.version`: itself when valid, else its numbers (`v2018-08-01` -> 2018.8.1)."""
    try:
        return str(Version(spec_version))
    except InvalidVersion:
        numbers = [str(int(n)) for n in re.findall(r"\d+", spec_version)]
        return ".".join(numbers) or "0"


def render_pyproject(api: ir.Api) -> str:
    """The `pyproject.toml` of a distribution holding package `api.package` and its subpackages."""
    comment_safe = re.sub(r"[^\w.\- ]", "_", api.source_name)  # the file name goes into a TOML comment
    view = DistributionView(
        module=api.package,
        package=toml_string(api.package),
        name=toml_string(api.package.replace("_", "-")),
        version=toml_string(distribution_version(api.version)),
        description=toml_string(" ".join((api.title or api.package).split())),
        dependencies=tuple(toml_string(r) for r in RUNTIME_REQUIREMENTS),
        subpackages=toml_string(f"{api.package}.*"),
        source_name=comment_safe,
        source_sha256=api.source_sha256,
    )
    return environment().get_template("dist/pyproject.toml.jinja").render(view=view)
