"""The project a command works on: which specs, which package names, where the output goes.

Defaults are this repository's layout (`spec/` → `generated/`). Another project sets its own in
the `[tool.sdk-generator]` table of the `pyproject.toml` in the current directory:

    [tool.sdk-generator]
    specs = "openapi"              # directory of specs (default "spec"); each file becomes a package
    out = "src/acme/sdks"          # where the packages go (default "generated"); imported as acme.sdks.<name>
    ref-root = ".."                # optional: where `$ref`d files may come from (default: each spec's own directory)
    untyped-properties = "exact"   # optional: `properties` with no `type` admit non-objects too (default "object")
    [tool.sdk-generator.packages]  # optional: a package name other than the file's stem
    "billing-v2.yaml" = "billing"
    [tool.sdk-generator.dist-names]  # optional: the distribution's name (default: the package's, normalised)
    "voucherify.yaml" = "acme-voucherify"
    [tool.sdk-generator.versions]  # optional: the distribution's version (default: the spec's `info.version`)
    "voucherify.yaml" = "1.2.0"
    [tool.sdk-generator.naming."stripe.json"]  # optional, per spec: how resources and methods are named
    resources = "paths"            # resources from the paths even though the spec has tags ("tags": the reverse)
    methods = { GetCustomersCustomer = "customers.retrieve" }  # operationId -> [resource.]method
    [tool.sdk-generator.overlays]  # optional, per spec: OpenAPI Overlays applied in order (docs/overlays.md)
    "voucherify.json" = ["spec/overlays/voucherify.overlay.yaml"]  # paths from this directory

Command-line options (`--specs`, `--generated`, `--ref-root`) win over the table; `--overlay` adds to it.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

from generator.errors import Location, SpecError
from generator.ir.names import Identifier

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
TABLE = "tool.sdk-generator"
_KEYS = {"specs", "out", "packages", "ref-root", "naming", "untyped-properties", "overlays", "dist-names", "versions"}


@dataclass(frozen=True)
class Naming:
    """How one spec's resources and methods are named, where the project overrides the generator's choice.

    `by_paths`: True for resources from paths, False from tags, None to decide (paths when the tags do not
    partition the operations: `ir/tag_names.fallback`); `methods`: operationId -> `resource.sub.method` or just
    `method`, winning over every heuristic (a resource that exists gets the method).
    """

    by_paths: bool | None = None
    methods: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Release:
    """The name and version a spec's distribution is published under, where the project chooses them (None:
    the package's name and the spec's `info.version`; see `render/release.py`)."""

    name: str | None = None
    version: str | None = None


def checked_release(name: str | None, version: str | None, where: Location) -> Release:
    """`Release(name, version)`, once both are valid: a PEP 508 project name and a PEP 440 version."""
    if name is not None and not re.fullmatch(r"[A-Z0-9]([A-Z0-9._-]*[A-Z0-9])?", name, re.IGNORECASE):
        raise SpecError.at(where, f"{name!r} is not a distribution name.", "letters, digits, `-`, `_` and `.`.")
    if version is not None:
        try:
            Version(version)
        except InvalidVersion:
            raise SpecError.at(where, f"{version!r} is not a PEP 440 version.", "e.g. 1.2.0 or 2024.1.0b1.") from None
    return Release(name, version)


@dataclass(frozen=True)
class Overlays:
    """The Overlay files applied to one spec, in order, and whether a target that matches nothing is an error."""

    files: tuple[Path, ...] = ()
    strict: bool = False


@dataclass(frozen=True)
class Project:
    """Where a project's specs are, what their packages are called, and where they are written."""

    specs: Path = Path("spec")
    out: Path = Path("generated")
    packages: dict[str, str] = field(default_factory=dict)  # spec file name -> package name
    import_root: str = "generated"  # the dotted name `out` is imported as
    ref_root: Path | None = None  # the directory local `$ref` files may come from (None: see `bundle`)
    naming: dict[str, Naming] = field(default_factory=dict)  # spec file name -> its naming overrides
    exact_objects: bool = False  # `untyped-properties = "exact"`: see `SchemaBuilder`
    dist_names: dict[str, str] = field(default_factory=dict)  # spec file name -> its distribution's name
    versions: dict[str, str] = field(default_factory=dict)  # spec file name -> its distribution's version
    overlays: dict[str, tuple[Path, ...]] = field(default_factory=dict)  # spec file name -> its overlays
    cli_overlays: tuple[Path, ...] = ()  # `--overlay`: applied to every spec, after its own
    strict: bool = False  # `--strict`: an overlay target that matches nothing is an error

    def package_for(self, spec: Path) -> Identifier:
        """The package name of a spec file: the configured one, else the file's stem."""
        return Identifier(self.packages.get(spec.name, spec.stem))

    def release_for(self, spec: Path) -> Release:
        """The distribution name and version the project chooses for a spec file (none by default)."""
        return Release(self.dist_names.get(spec.name), self.versions.get(spec.name))

    def naming_for(self, spec: Path) -> Naming:
        """The naming overrides of a spec file (none by default)."""
        return self.naming.get(spec.name, Naming())

    def overlays_for(self, spec: Path) -> Overlays:
        """The overlays applied to a spec file: its configured ones, then those of the command line."""
        return Overlays(self.overlays.get(spec.name, ()) + self.cli_overlays, self.strict)

    @property
    def settings(self) -> dict[str, object]:
        """What, besides the files, decides the output (recorded in the manifest)."""
        settings: dict[str, object] = {"packages": dict(sorted(self.packages.items())), "import_root": self.import_root}
        if self.naming:  # only when set, so that a project without overrides keeps its manifest
            settings["naming"] = {k: [n.by_paths, sorted(n.methods.items())] for k, n in sorted(self.naming.items())}
        if self.exact_objects:
            settings["untyped_properties"] = "exact"
        for key, chosen in (("dist_names", self.dist_names), ("versions", self.versions)):
            if chosen:  # only when set, as above
                settings[key] = dict(sorted(chosen.items()))
        if self.overlays or self.cli_overlays:  # the files themselves are inputs too (write/manifest.py)
            every = {"*": self.cli_overlays} if self.cli_overlays else {}
            settings["overlays"] = {k: [p.as_posix() for p in v] for k, v in sorted((self.overlays | every).items())}
        if self.ref_root is not None:  # relative, so that the digest is the same in every checkout
            settings["ref_root"] = Path(os.path.relpath(self.ref_root, self.specs)).as_posix()
        return settings


def load_project(
    directory: Path, specs: Path | None = None, out: Path | None = None, ref_root: Path | None = None
) -> Project:
    """The project of `directory`: its `[tool.sdk-generator]` table, overridden by `specs`/`out`/`ref_root`."""
    table = _table(directory / PYPROJECT)
    where = Location(PYPROJECT, f"/{TABLE.replace('.', '/')}")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise SpecError.at(where, f"unknown key(s) {', '.join(map(repr, unknown))}.", f"use only {sorted(_KEYS)}.")
    packages = table.get("packages", {})
    if not isinstance(packages, dict) or not all(isinstance(v, str) for v in packages.values()):
        raise SpecError.at(where, "`packages` must map spec file names to package names.", '"api.yaml" = "api".')
    releases: dict[str, dict[str, str]] = {}
    for key in ("dist-names", "versions"):
        chosen = table.get(key, {})
        if not isinstance(chosen, dict) or not all(isinstance(v, str) for v in chosen.values()):
            raise SpecError.at(where, f"`{key}` must map spec file names to strings.", f'{key}."api.yaml" = "1.0".')
        releases[key] = chosen
    for spec in releases["dist-names"].keys() | releases["versions"].keys():
        checked_release(releases["dist-names"].get(spec), releases["versions"].get(spec), where)
    for key in ("specs", "out", "ref-root"):
        if not isinstance(table.get(key, ""), str):
            raise SpecError.at(where, f"`{key}` must be a directory path (a string).", f'{key} = "{key}".')
    naming = _naming(table.get("naming", {}), where)
    untyped = table.get("untyped-properties", "object")
    if untyped not in ("object", "exact"):
        raise SpecError.at(where, '`untyped-properties` must be "object" or "exact".', 'untyped-properties = "exact".')
    target = out or Path(str(table.get("out", "generated")))
    project = Project(
        specs=specs or Path(str(table.get("specs", "spec"))),
        out=target,
        packages=dict(packages),
        import_root=import_root(target, directory),
        ref_root=ref_root or (directory / str(table["ref-root"]) if "ref-root" in table else None),
        naming=naming,
        exact_objects=untyped == "exact",
        dist_names=dict(releases["dist-names"]),
        versions=dict(releases["versions"]),
        overlays=_overlays(table.get("overlays", {}), where),
    )
    if not all(part.isidentifier() for part in project.import_root.split(".")):
        raise SpecError.at(
            Location("--generated") if out else where,
            f"the output directory {project.out.as_posix()!r} cannot be imported as a Python package.",
            "name an output directory whose parts are Python identifiers (e.g. generated or src/acme/sdks).",
        )
    return project


def _naming(table: object, where: Location) -> dict[str, Naming]:
    """`[tool.sdk-generator.naming."<spec file>"]` tables, checked."""
    hint = 'naming."api.yaml" = { resources = "paths", methods = { getThing = "things.get" } }.'
    if not isinstance(table, dict):
        raise SpecError.at(where, "`naming` must map spec file names to tables.", hint)
    found = {}
    for spec, entry in table.items():
        resources = entry.get("resources") if isinstance(entry, dict) else None
        methods = entry.get("methods", {}) if isinstance(entry, dict) else None
        valid = (
            isinstance(entry, dict)
            and set(entry) <= {"resources", "methods"}
            and resources in (None, "paths", "tags")
            and isinstance(methods, dict)
            and all(isinstance(v, str) and all(p.isidentifier() for p in v.split(".")) for v in methods.values())
        )
        if not valid or not isinstance(methods, dict):
            raise SpecError.at(where, f"`naming` of {spec!r} is malformed.", hint)
        found[str(spec)] = Naming(None if resources is None else resources == "paths", dict(methods))
    return found


def _overlays(table: object, where: Location) -> dict[str, tuple[Path, ...]]:
    """`[tool.sdk-generator.overlays]`: spec file name -> the overlay files applied to it, in order."""
    if not isinstance(table, dict) or not all(
        isinstance(files, list) and all(isinstance(f, str) for f in files) for files in table.values()
    ):
        raise SpecError.at(
            where,
            "`overlays` must map spec file names to lists of overlay files.",
            '"api.yaml" = ["api.overlay.yaml"].',
        )
    return {str(spec): tuple(Path(f) for f in files) for spec, files in table.items()}


def import_root(out: Path, directory: Path) -> str:
    """The dotted name the output directory is imported as: its path from the project's directory,
    less a leading `src` (`src/acme/sdks` -> `acme.sdks`); only its name when it lies elsewhere."""
    try:
        parts = (directory / out).resolve().relative_to(directory.resolve()).parts
    except ValueError:
        parts = (out.resolve().name,)
    if parts[:1] == ("src",):
        parts = parts[1:]
    return ".".join(parts)


def _table(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SpecError.at(
            Location(path.as_posix()), f"cannot read it: {error.strerror}.", "check its permissions."
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError.at(Location(path.as_posix()), f"not valid TOML: {error}.", "fix the TOML syntax.") from None
    table = document.get("tool", {}).get("sdk-generator", {})
    if not isinstance(table, dict):
        raise SpecError.at(Location(path.as_posix(), f"/{TABLE.replace('.', '/')}"), "must be a table.", f"[{TABLE}].")
    return table
