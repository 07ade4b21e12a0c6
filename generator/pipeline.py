"""The whole pipeline: load -> validate -> IR -> render -> format.

Each function returns data; nothing here writes files (see `write`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator import ir
from generator.background import in_background
from generator.config import Naming, Overlays, Project, Release
from generator.errors import Diagnostic, InternalError, Location, Severity, SpecError
from generator.ir.build_events import build_webhooks
from generator.ir.build_groups import build_groups
from generator.ir.build_models import SchemaBuilder
from generator.ir.build_operations import build_server
from generator.ir.build_params import build_params
from generator.ir.build_security import build_auth
from generator.ir.idempotency import idempotency_header
from generator.ir.names import RESERVED_CLASS_NAMES, ClassName, Identifier, async_name
from generator.ir.type_depth import refuse_deep_chains
from generator.load.bundle import bundle
from generator.load.document import Document, load
from generator.load.jsonschema_input import is_json_schema, to_openapi
from generator.load.overlay import apply_overlays
from generator.render.distribution import render_pyproject
from generator.render.format import format_source
from generator.render.release import release_of
from generator.render.templates import render_package, render_root
from generator.validate.examples import conformance, reconcile
from generator.validate.rules import validate
from generator.write import manifest
from generator.write.files import Tree

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
NO_OVERRIDES = Naming()
NO_OVERLAYS = Overlays()
DEFAULT_RELEASE = Release()


def _read(
    spec: Path, ref_root: Path | None, overlays: Overlays = NO_OVERLAYS, warnings: list[Diagnostic] | None = None
) -> Document:
    """Load a spec file, as OpenAPI (a JSON Schema is wrapped), with the local files it `$ref`s bundled in
    (files under `ref_root`; see `bundle`) and `overlays` applied (their warnings go to `warnings`)."""
    doc = load(spec)
    if is_json_schema(doc):
        doc = to_openapi(doc, spec.stem)
    found = [] if warnings is None else warnings
    return apply_overlays(bundle(doc, spec, ref_root), overlays.files, found, overlays.strict)


def _ir(
    doc: Document, spec: Path, package: str, import_name: str | None, naming: Naming, exact_objects: bool
) -> tuple[ir.Api, list[Diagnostic]]:
    """The IR of a loaded spec, with its schemas relaxed where its own examples contradict them."""
    doc, relaxed = reconcile(doc)
    name = Identifier(package)
    client_name = ClassName(f"{ClassName(name)}Client")
    reserved = frozenset({client_name, async_name(client_name)})
    schemas = SchemaBuilder(doc, conformance(doc), reserved, exact_objects=exact_objects)
    server_url, variables = build_server(doc)
    auth = build_auth(doc, name, {v.name for v in variables}, schemas.warnings)
    try:
        schemas.build_components()
        groups = build_groups(doc, schemas, auth, naming.by_paths, naming.methods)
        webhooks = build_webhooks(schemas)
        params = build_params(schemas.definitions(), groups, reserved | RESERVED_CLASS_NAMES)
        refuse_deep_chains(schemas.definitions(), doc)
    except (SpecError, InternalError):
        raise
    except Exception as exc:  # a bug of ours: say where in the spec it happened
        raise InternalError(doc.locate(schemas.last_pointer), exc) from exc
    info = doc.data["info"]  # with its `title` and `version`: `validate` checked them
    api = ir.Api(
        package=name,
        import_name=import_name or name,
        source_name=spec.name,
        source_sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        title=str(info["title"]),
        description=str(info.get("description", "")),
        version=str(info["version"]),
        client_name=client_name,
        server_url=server_url,
        server_variables=variables,
        auth=auth,
        definitions=schemas.definitions(),
        groups=groups,
        webhooks=webhooks,
        idempotency_header=idempotency_header(doc),
        params=params,
    )
    note = schemas.untyped_note()
    return api, relaxed.warnings + schemas.warnings + ([note] if note else [])


def build_api(
    spec: Path,
    package: str,
    import_name: str | None = None,
    warnings: list[Diagnostic] | None = None,
    *,
    ref_root: Path | None = None,
    naming: Naming = NO_OVERRIDES,
    exact_objects: bool = False,
    overlays: Overlays = NO_OVERLAYS,
) -> ir.Api:
    """Load, validate and turn one spec into the IR of package `package`; warnings go to `warnings`."""
    doc = _read(spec, ref_root, overlays, warnings)
    found = validate(doc)
    api, relaxed = _ir(doc, spec, package, import_name, naming, exact_objects)
    if warnings is not None:
        warnings.extend(found + relaxed)
    return api


def package_tree(
    spec: Path,
    package: str,
    import_name: str | None = None,
    warnings: list[Diagnostic] | None = None,
    *,
    ref_root: Path | None = None,
    naming: Naming = NO_OVERRIDES,
    exact_objects: bool = False,
    overlays: Overlays = NO_OVERLAYS,
    release: Release = DEFAULT_RELEASE,
) -> Tree:
    """The formatted files of the package generated from `spec` (imported as `import_name`); `exact_objects`:
    see `SchemaBuilder`; `release`: the distribution its README and User-Agent name."""
    return _generate(spec, package, import_name, warnings, ref_root, naming, exact_objects, overlays, release)[1]


def distribution(
    spec: Path,
    package: str,
    warnings: list[Diagnostic] | None = None,
    *,
    ref_root: Path | None = None,
    naming: Naming = NO_OVERRIDES,
    exact_objects: bool = False,
    overlays: Overlays = NO_OVERLAYS,
    release: Release = DEFAULT_RELEASE,
) -> tuple[Tree, str]:
    """The files of the package generated from `spec`, and the `pyproject.toml` that makes it installable as
    distribution `release` (by default the package's name and the spec's version)."""
    api, files = _generate(spec, package, None, warnings, ref_root, naming, exact_objects, overlays, release)
    chosen = release_of(api, release.name, release.version)
    if release.name is None and warnings is not None:
        warnings.append(
            Diagnostic(
                Severity.NOTE,
                Location("--dist-name"),
                f"the distribution is named {chosen.name!r}, after the package; should PyPI have a project of that "
                "name, installing either replaces the other.",
                "--dist-name NAME (or `dist-names` in [tool.sdk-generator]).",
            )
        )
    return files, render_pyproject(api, chosen)


def _generate(
    spec: Path,
    package: str,
    import_name: str | None,
    warnings: list[Diagnostic] | None,
    ref_root: Path | None,
    naming: Naming,
    exact_objects: bool,
    overlays: Overlays,
    release: Release,
) -> tuple[ir.Api, Tree]:
    """The IR and formatted files of one package.

    Validation runs on the other core meanwhile (`background`); its verdict is awaited before anything returns.
    The IR is built trusting what validation guarantees (structure, references, extensions), so a malformed
    spec may make it fail: then the validation errors are what is raised.
    """
    doc = _read(spec, ref_root, overlays, warnings)  # its warnings are shown even if a later stage fails
    with in_background(lambda: validate(doc)) as validation:
        try:
            api, relaxed = _ir(doc, spec, package, import_name, naming, exact_objects)
            files = render_package(api, release_of(api, release.name, release.version))
        except Exception as exc:
            validation.result()  # an invalid spec explains a failure better than the error it caused here
            if isinstance(exc, (SpecError, InternalError)):
                raise
            raise InternalError(Location(doc.name), exc) from exc
        found = validation.result()
    if warnings is not None:
        warnings.extend(found + relaxed)
    return api, files


def specs_in(spec_dir: Path) -> list[Path]:
    """The spec files of a directory, in name order: not its subdirectories, nor the overlays beside the specs
    (`name.overlay.yaml`, the Overlay Specification's naming convention)."""
    return sorted(
        p for p in spec_dir.iterdir() if p.suffix in SPEC_SUFFIXES and not p.stem.endswith(".overlay") and p.is_file()
    )


def project_tree(project: Project, warnings: list[Diagnostic] | None = None) -> Tree:
    """The whole output tree of a project: one package per spec, the root `__init__.py` and `py.typed`."""
    if not project.specs.is_dir():
        raise SpecError.at(
            Location(project.specs.as_posix()),
            "there is no spec directory here to generate from.",
            "run in a project that has one, name it (--specs DIR or `specs` in [tool.sdk-generator] of "
            "pyproject.toml), or generate one file: generate SPEC --out DIR --package NAME.",
        )
    tree: Tree = {}
    packages: list[str] = []
    for spec in specs_in(project.specs):
        package = project.package_for(spec)
        packages.append(package)
        import_name = f"{project.import_root}.{package}"
        naming = project.naming_for(spec)
        files = package_tree(
            spec,
            package,
            import_name,
            warnings,
            ref_root=project.ref_root,
            naming=naming,
            exact_objects=project.exact_objects,
            overlays=project.overlays_for(spec),
            release=project.release_for(spec),
        )
        tree.update({f"{package}/{name}": text for name, text in files.items()})
    tree["__init__.py"] = format_source(render_root(project.import_root, packages), "__init__.py")
    tree["py.typed"] = ""  # the root is a package too: type checkers outside the repository see its types
    tree[manifest.NAME] = manifest.render(project.specs, project.settings, tree)
    return tree
