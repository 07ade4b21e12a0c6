"""The command line: `python -m generator generate|check`.

Exit codes: 0 success, 1 `generated/` is stale (check), 2 the input has errors.
Diagnostics are printed here, once; user mistakes never show a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.diff.revisions import specs_at
from generator.diff.semantic_diff import Change, as_json, as_text, compare
from generator.errors import Diagnostic, SpecError
from generator.ir.names import Identifier
from generator.write import manifest
from generator.write.files import diff_trees, read_tree, write_tree

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Generate Python SDKs from OpenAPI specs.")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="render every spec in spec/ into generated/, or one SPEC")
    generate.add_argument("spec", nargs="?", type=Path, help="an OpenAPI 3.0/3.1 file (YAML or JSON)")
    generate.add_argument("--out", type=Path, help="directory to put the package in (with SPEC)")
    generate.add_argument("--package", help="name of the package to create (with SPEC; default: the file's stem)")
    check = commands.add_parser("check", help="exit 1 with a diff when generated/ differs from a fresh render")
    diff = commands.add_parser("diff", help="what changed for callers between two revisions of the specs")
    diff.add_argument("old", nargs="?", default="HEAD", help="revision to compare from (default: HEAD)")
    diff.add_argument("new", nargs="?", help="revision to compare to (default: the working tree)")
    diff.add_argument("--json", action="store_true", help="print JSON instead of text")
    diff.add_argument("--append", type=Path, help="also append the text summary to this file (e.g. CHANGES.md)")
    diff.add_argument("--fail-on-breaking", action="store_true", help="exit 1 when a change is breaking")
    for sub in (generate, check, diff):
        sub.add_argument("--specs", type=Path, default=Path("spec"), help="spec directory (default: spec)")
        sub.add_argument("--generated", type=Path, default=Path("generated"), help="output (default: generated)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    args = _parser().parse_args(argv)
    warnings: list[Diagnostic] = []
    if args.command == "generate" and args.spec is None and manifest.up_to_date(args.specs, args.generated):
        # Nothing changed: answer before loading the pipeline (jinja2, validators, pydantic).
        print(f"unchanged: {args.generated} (inputs and outputs match {manifest.NAME})")
        return EXIT_OK
    from generator.pipeline import package_tree, project_tree

    try:
        if args.command == "check":
            return _check(args.specs, args.generated, warnings)
        if args.command == "diff":
            return _diff(args, warnings)
        if args.spec is not None:
            package = Identifier(args.package or args.spec.stem)
            out = args.out if args.out is not None else args.generated
            changed = write_tree(package_tree(args.spec, package, warnings=warnings), out / package)
            print(f"{'wrote' if changed else 'unchanged'}: {out / package}")
            return EXIT_OK
        changed = write_tree(project_tree(args.specs, warnings), args.generated)
        print(f"{'wrote' if changed else 'unchanged'}: {args.generated}")
        return EXIT_OK
    except SpecError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic, file=sys.stderr)
        return EXIT_ERROR
    finally:
        for warning in warnings:
            print(warning, file=sys.stderr)


def _check(specs: Path, generated: Path, warnings: list[Diagnostic]) -> int:
    from generator.pipeline import project_tree

    diff = diff_trees(project_tree(specs, warnings), read_tree(generated), generated.as_posix())
    if diff:
        sys.stdout.write(diff)
        print(f"\n{generated} is stale: run `make generate` and review the diff.", file=sys.stderr)
        try:
            summary = as_text(changes_between("HEAD", None, specs, []))
            print(f"What changed for callers since HEAD:\n{summary}", file=sys.stderr)
        except SpecError:
            pass  # no git history to compare with: the line diff above is the answer
        return EXIT_DRIFT
    print(f"{generated} is up to date.")
    return EXIT_OK


def changes_between(old: str, new: str | None, specs: Path, warnings: list[Diagnostic]) -> list[Change]:
    """Caller-visible changes of every package between revision `old` and `new` (None: the working tree)."""
    from generator.pipeline import build_api, specs_in

    with contextlib.ExitStack() as stack:
        old_dir = stack.enter_context(specs_at(old, specs))
        new_dir = stack.enter_context(specs_at(new, specs)) if new else specs
        old_specs = {s.stem: s for s in specs_in(old_dir)} if old_dir.is_dir() else {}
        new_specs = {s.stem: s for s in specs_in(new_dir)} if new_dir.is_dir() else {}
        changes: list[Change] = []
        for stem in sorted(old_specs.keys() | new_specs.keys()):
            package = Identifier(stem)
            before = build_api(old_specs[stem], package) if stem in old_specs else None
            after = build_api(new_specs[stem], package, warnings=warnings) if stem in new_specs else None
            changes += compare(package, before, after)
        return changes


def _diff(args: argparse.Namespace, warnings: list[Diagnostic]) -> int:
    changes = changes_between(args.old, args.new, args.specs, warnings)
    sys.stdout.write(as_json(changes) if args.json else as_text(changes))
    if args.append is not None:
        title = f"{args.old}..{args.new or 'working tree'}"
        with args.append.open("a", encoding="utf-8") as log:
            log.write(f"\n## {title}\n\n```\n{as_text(changes)}```\n")
    return EXIT_DRIFT if args.fail_on_breaking and any(c.breaking for c in changes) else EXIT_OK
