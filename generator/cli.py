"""The command line: `python -m generator generate|check`.

Exit codes: 0 success, 1 `generated/` is stale (check), 2 the input has errors.
Diagnostics are printed here, once; user mistakes never show a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.errors import Diagnostic, SpecError
from generator.names import Identifier
from generator.pipeline import package_tree, project_tree
from generator.write import diff_trees, read_tree, write_tree

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Generate Python SDKs from OpenAPI specs.")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="render every spec in spec/ into generated/, or one SPEC")
    generate.add_argument("spec", nargs="?", type=Path, help="an OpenAPI 3.0/3.1 file (YAML or JSON)")
    generate.add_argument("--out", type=Path, help="directory to put the package in (with SPEC)")
    generate.add_argument("--package", help="name of the package to create (with SPEC; default: the file's stem)")
    check = commands.add_parser("check", help="exit 1 with a diff when generated/ differs from a fresh render")
    for sub in (generate, check):
        sub.add_argument("--specs", type=Path, default=Path("spec"), help="spec directory (default: spec)")
        sub.add_argument("--generated", type=Path, default=Path("generated"), help="output (default: generated)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    args = _parser().parse_args(argv)
    warnings: list[Diagnostic] = []
    try:
        if args.command == "check":
            return _check(args.specs, args.generated, warnings)
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
    diff = diff_trees(project_tree(specs, warnings), read_tree(generated), generated.as_posix())
    if diff:
        sys.stdout.write(diff)
        print(f"\n{generated} is stale: run `make generate` and review the diff.", file=sys.stderr)
        return EXIT_DRIFT
    print(f"{generated} is up to date.")
    return EXIT_OK
