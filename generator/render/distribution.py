"""The `pyproject.toml` that makes a generated package an installable distribution (`--pyproject`).

Every value is decided here and arrives in the template as a TOML literal: spec text (the title,
the version) never becomes TOML syntax.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from generator import ir
from generator.render.release import Release
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
    readme: str
    description: str
    dependencies: tuple[str, ...]
    subpackages: str  # the pattern its subpackages match
    source_name: str
    source_sha256: str


def toml_string(text: str) -> str:
    """`text` as a TOML basic string: JSON's escapes are TOML's, and DEL is escaped too."""
    return json.dumps(text).replace("\x7f", "\\u007f")


def render_pyproject(api: ir.Api, release: Release) -> str:
    """The `pyproject.toml` of distribution `release` holding package `api.package` and its subpackages, its README
    the long description, its README and reference docs package data."""
    comment_safe = re.sub(r"[^\w.\- ]", "_", api.source_name)  # the file name goes into a TOML comment
    view = DistributionView(
        module=api.package,
        package=toml_string(api.package),
        name=toml_string(release.name),
        version=toml_string(release.version),
        readme=toml_string(f"{api.package}/README.md"),
        description=toml_string(" ".join((api.title or api.package).split())),
        dependencies=tuple(toml_string(r) for r in RUNTIME_REQUIREMENTS),
        subpackages=toml_string(f"{api.package}.*"),
        source_name=comment_safe,
        source_sha256=api.source_sha256,
    )
    return environment().get_template("dist/pyproject.toml.jinja").render(view=view)
