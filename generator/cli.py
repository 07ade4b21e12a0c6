"""The command line: `sdk-generator generate|check|diff` (also `python -m generator`).

Exit codes: 0 success, 1 the output is stale (check) or a breaking change (diff --fail-on-breaking),
2 the input has errors, 3 an internal error (a bug of ours; `--debug` shows the traceback), 4 hand edits
of generated files conflict with the new output (generate wrote git's markers; check: they are there).
Diagnostics are printed here, once; user mistakes never show a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import sys
import traceback
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from generator.config import Project, Release, checked_release, load_project
from generator.diff.revisions import in_words, specs_at
from generator.diff.semantic_diff import Change, as_json, as_text, compare
from generator.errors import Diagnostic, InternalError, Location, Severity, SpecError
from generator.ir.names import Identifier
from generator.write import manifest
from generator.write.edits import unresolved
from generator.write.files import (
    PYPROJECT_MARKER,
    Written,
    diff_trees,
    expected_tree,
    generated_tree,
    write_owned_file,
    write_tree,
)
from generator.write.leftovers import recover

EXIT_OK, EXIT_DRIFT, EXIT_ERROR, EXIT_INTERNAL, EXIT_CONFLICT = 0, 1, 2, 3, 4


class _GeneratorVersion(argparse.Action):
    """`--version`: print the installed generator's version and exit (looked up only when asked)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"sdk-generator {metadata.version('sdk-generator')}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sdk-generator", description="Generate Python SDKs from OpenAPI specs.")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    parser.add_argument("--version", action=_GeneratorVersion, nargs=0, help="print the generator's version")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="render every spec of the project, or one SPEC")
    generate.add_argument("spec", nargs="?", type=Path, help="an OpenAPI 3.0/3.1/3.2 file (YAML or JSON)")
    generate.add_argument("--out", type=Path, help="directory to put the package in (with SPEC)")
    generate.add_argument("--package", help="name of the package to create (with SPEC; default: the file's stem)")
    generate.add_argument(
        "--pyproject", action="store_true", help="also write OUT/pyproject.toml, so `pip install OUT` installs it"
    )
    generate.add_argument(
        "--dist-name",
        help="the distribution's name (with SPEC; default: the package's, which may be a real PyPI project's)",
    )
    generate.add_argument("--version", help="the distribution's version (with SPEC; default: the spec's info.version)")
    generate.add_argument("--discard-edits", action="store_true", help="overwrite every hand edit of generated files")
    generate.add_argument(
        "--discard-edit", action="append", default=[], metavar="PATH", help="overwrite the hand edits of this file"
    )
    check = commands.add_parser("check", help="exit 1 with a diff when the output differs from a fresh render")
    diff = commands.add_parser("diff", help="what changed for callers between two revisions of the specs")
    diff.add_argument("old", nargs="?", help="revision to compare from (default: HEAD)")
    diff.add_argument("new", nargs="?", help="revision to compare to (default: the working tree)")
    diff.add_argument("--json", action="store_true", help="print JSON instead of text")
    diff.add_argument("--append", type=Path, help="also append the text summary to this file (e.g. CHANGES.md)")
    diff.add_argument("--fail-on-breaking", action="store_true", help="exit 1 when a change is breaking")
    for sub in (generate, check, diff):
        sub.add_argument("--ref-root", type=Path, help="directory `$ref`d files may come from (default: the spec's)")
        sub.add_argument("--specs", type=Path, help="spec directory (default: [tool.sdk-generator] specs, or spec)")
        sub.add_argument("--generated", type=Path, help="output (default: [tool.sdk-generator] out, or generated)")
        sub.add_argument(
            "--overlay",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="apply this OpenAPI Overlay to every spec, after its configured ones (repeatable); with diff: "
            "show what it changes for callers",
        )
        sub.add_argument("--strict", action="store_true", help="an overlay target that matches nothing is an error")
    return parser


def _collect_less_often() -> None:
    """Run Python's cycle collector a thousand times less often than its default.

    Generation builds millions of small objects that live until the end and form almost no
    cycles; by default the collector scans them again every 700 allocations, a quarter of
    Microsoft Graph's time (14.7 -> 11.3 s). The collector still runs, so memory stays bounded.
    This is the command's choice, not the library's: `generator.pipeline` leaves it alone.
    """
    gc.set_threshold(700_000, 10, 10)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    args = _parser().parse_args(argv)
    warnings: list[Diagnostic] = []
    try:
        project = load_project(Path.cwd(), args.specs, args.generated, args.ref_root)
        extra = () if args.command == "diff" else tuple(args.overlay)  # diff compares without and with them
        project = dataclasses.replace(project, cli_overlays=extra, strict=args.strict)
        no_op = args.command == "generate" and args.spec is None and project.specs.is_dir()
        if no_op:
            recover(project.out)  # what a killed run left, even when there is nothing else to do
        discarding = no_op and (args.discard_edits or args.discard_edit)
        if no_op and not discarding and manifest.up_to_date(project.specs, project.settings, project.out):
            # Nothing changed: answer before loading the pipeline (jinja2, validators, pydantic).
            print(f"unchanged: {project.out} (inputs and outputs match {manifest.NAME})")
            _say_kept(manifest.edited(project.out), project.out)
            conflicts = unresolved(project.out)  # still there: a run that wrote them said so, and so does this one
            warnings.extend(_conflicts(conflicts, project.out))
            return EXIT_CONFLICT if conflicts else EXIT_OK
        _collect_less_often()
        return _run(args, project, warnings)
    except SpecError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic, file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # a bug of ours, not the user's: one paragraph, the traceback only on request
        if args.debug:
            traceback.print_exc()
        if isinstance(error, InternalError):
            where, what = f" while processing {error.location}", str(error)
        else:
            where = f" while processing {args.spec}" if getattr(args, "spec", None) else ""
            what = f"{type(error).__name__}: {error}"
        print(
            f"internal error{where}: {what}. This is a bug in sdk-generator, not in the spec; "
            "rerun with --debug for the traceback and report it with the spec.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        for warning in warnings:
            print(warning, file=sys.stderr)


def _run(args: argparse.Namespace, project: Project, warnings: list[Diagnostic]) -> int:
    from generator.pipeline import distribution, package_tree, project_tree

    if args.command == "check":
        return _check(project, warnings)
    if args.command == "diff":
        return _diff(args, project, warnings)
    if args.spec is None:
        if args.pyproject or args.package or args.out or args.dist_name or args.version:
            raise SpecError.at(
                Location("command line"),
                "--out, --package, --pyproject, --dist-name and --version go with a SPEC.",
                "name the spec file.",
            )
        written = write_tree(project_tree(project, warnings), project.out, _discarded(args, project.out))
        return _report(written, project.out, warnings)
    package = Identifier(args.package or args.spec.stem)
    out = args.out if args.out is not None else project.out
    naming, overlays = project.naming_for(args.spec), project.overlays_for(args.spec)
    release, discard = _release(args, project), _discarded(args, out / package)
    if args.pyproject:
        files, pyproject = distribution(
            args.spec, package, warnings, ref_root=project.ref_root, naming=naming, overlays=overlays, release=release
        )
        written = write_tree(files, out / package, discard)
        if write_owned_file(out / "pyproject.toml", pyproject, PYPROJECT_MARKER):
            written = dataclasses.replace(written, changed=True)
    else:
        files = package_tree(
            args.spec,
            package,
            warnings=warnings,
            ref_root=project.ref_root,
            naming=naming,
            overlays=overlays,
            release=release,
        )
        written = write_tree(files, out / package, discard)
    return _report(written, out / package, warnings)


def _discarded(args: argparse.Namespace, root: Path) -> list[str] | None:
    """The files whose hand edits `generate` overwrites, as the manifest names them (None: every file's)."""
    if args.discard_edits:
        return None
    return [
        Path(os.path.relpath(path, root)).as_posix() if Path(path).resolve().is_relative_to(root.resolve()) else path
        for path in args.discard_edit
    ]


def _report(written: Written, root: Path, warnings: list[Diagnostic]) -> int:
    """Say what `generate` wrote, the hand edits it kept and those that conflict; the exit code."""
    print(f"{'wrote' if written.changed else 'unchanged'}: {root}")
    _say_kept(written.edited, root)
    warnings.extend(written.notes)
    warnings.extend(_conflicts(written.conflicts, root))
    return EXIT_CONFLICT if written.conflicts else EXIT_OK


def _say_kept(edited: list[str], root: Path) -> None:
    if edited:
        files = ", ".join((root / name).as_posix() for name in edited)
        print(f"kept {len(edited)} edited file{'s' if len(edited) > 1 else ''}: {files}")


def _conflicts(names: list[str], root: Path) -> list[Diagnostic]:
    return [
        Diagnostic(
            Severity.ERROR,
            Location((root / name).as_posix()),
            "your edits conflict with the new output: generate writes both between git's <<<<<<< and >>>>>>> markers.",
            "keep what you need, delete the markers, then run generate (or generate --discard-edit on the file).",
        )
        for name in names
    ]


def _release(args: argparse.Namespace, project: Project) -> Release:
    """The distribution's name and version: the command line's, else the project's for this spec."""
    chosen = project.release_for(args.spec)
    name = checked_release(args.dist_name, None, Location("--dist-name")).name or chosen.name
    return Release(name, checked_release(None, args.version, Location("--version")).version or chosen.version)


def _check(project: Project, warnings: list[Diagnostic]) -> int:
    from generator.pipeline import project_tree

    generated = project.out
    expected = expected_tree(project_tree(project, warnings), generated)
    warnings.extend(expected.notes)
    if expected.conflicts:
        warnings.extend(_conflicts(expected.conflicts, generated))
        return EXIT_CONFLICT
    diff = diff_trees(expected.tree, generated_tree(generated), generated.as_posix())
    if diff:
        sys.stdout.write(diff)
        print(f"\n{generated} is stale: run `make generate` and review the diff.", file=sys.stderr)
        if expected.edited:
            print(
                f"generate keeps the hand edits of {', '.join(expected.edited)} (generate --discard-edit PATH "
                "drops them).",
                file=sys.stderr,
            )
        try:
            summary = as_text(changes_between("HEAD", None, project, []))
            print(f"What changed for callers since HEAD:\n{summary}", file=sys.stderr)
        except SpecError:
            pass  # no git history to compare with: the line diff above is the answer
        return EXIT_DRIFT
    if expected.edited:
        print(f"{len(expected.edited)} generated file(s) carry kept edits: {', '.join(expected.edited)}")
    print(f"{generated} is up to date.")
    return EXIT_OK


def changes_between(old: str, new: str | None, project: Project, warnings: list[Diagnostic]) -> list[Change]:
    """Caller-visible changes of every package between revision `old` and `new` (None: the working tree)."""
    from generator.pipeline import build_api, specs_in

    with contextlib.ExitStack() as stack:
        old_dir = stack.enter_context(specs_at(old, project.specs))
        new_dir = stack.enter_context(specs_at(new, project.specs)) if new else project.specs
        old_specs = {project.package_for(s): s for s in specs_in(old_dir)} if old_dir.is_dir() else {}
        new_specs = {project.package_for(s): s for s in specs_in(new_dir)} if new_dir.is_dir() else {}
        changes: list[Change] = []
        for package in sorted(old_specs.keys() | new_specs.keys()):
            old_spec, new_spec = old_specs.get(package), new_specs.get(package)
            before = after = None
            if old_spec:
                before = build_api(
                    old_spec, package, naming=project.naming_for(old_spec), overlays=project.overlays_for(old_spec)
                )
            if new_spec:
                after = build_api(
                    new_spec,
                    package,
                    warnings=warnings,
                    naming=project.naming_for(new_spec),
                    overlays=project.overlays_for(new_spec),
                )
            changes += compare(package, before, after)
        return changes


def overlay_changes(project: Project, overlays: Sequence[Path], warnings: list[Diagnostic]) -> list[Change]:
    """Caller-visible changes `overlays` make to every package of the working tree (after its own overlays)."""
    from generator.pipeline import build_api, specs_in

    changes: list[Change] = []
    with_them = dataclasses.replace(project, cli_overlays=tuple(overlays))
    for spec in specs_in(project.specs):
        package, naming = project.package_for(spec), project.naming_for(spec)
        before = build_api(spec, package, naming=naming, overlays=project.overlays_for(spec))
        after = build_api(spec, package, warnings=warnings, naming=naming, overlays=with_them.overlays_for(spec))
        changes += compare(package, before, after)
    return changes


def _diff(args: argparse.Namespace, project: Project, warnings: list[Diagnostic]) -> int:
    if args.overlay:
        if args.old or args.new:
            raise SpecError.at(
                Location("command line"),
                "--overlay compares the working tree without and with the overlay: it takes no revisions.",
                "drop the revisions, or the --overlay.",
            )
        changes = overlay_changes(project, args.overlay, warnings)
        title = f"Changes made by {', '.join(p.as_posix() for p in args.overlay)}"
    else:
        old = args.old or "HEAD"
        changes = changes_between(old, args.new, project, warnings)
        title = f"Changes from {in_words(old, project.specs)} to {in_words(args.new, project.specs)}"
    sys.stdout.write(as_json(changes) if args.json else f"{title}\n{as_text(changes)}")
    if args.append is not None:
        with args.append.open("a", encoding="utf-8") as log:
            log.write(f"\n## {title}\n\n```\n{as_text(changes)}```\n")
    return EXIT_DRIFT if args.fail_on_breaking and any(c.breaking for c in changes) else EXIT_OK
