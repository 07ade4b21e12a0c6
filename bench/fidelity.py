"""`make fidelity`: differential fuzzing of the generated types against the specs' own validator.

For every OpenAPI 3.x document of the corpus (`bench/corpus.py`'s two pinned npm packages, cached in
~/.cache/sdk-generator/corpus), one worker process per document:

1. generates our package (`package_tree` + `write_tree`) and imports it, and generates
   datamodel-code-generator's models (`--extra-fields allow`, as `tests/e2e/golden/test_differential.py` runs it);
2. for every operation's JSON response schema (every status) and JSON request body schema, draws
   instances with hypothesis-jsonschema (OAS 3.0 converted to JSON Schema first, see
   `bench/fidelity_schemas.py`) and keeps those the spec's own validator accepts
   (openapi-schema-validator's OAS30Read/Write or OAS31 validator, formats checked, `$ref`s resolved
   against the whole document);
3. feeds each kept instance to the generated type *the client uses*, found on the generated client and
   not re-derived: a response through its `Endpoint`'s `ResponseType.parse` for that status, a request
   body through the method's `body` annotation (a `TypeAdapter`) and the client's own JSON encoder;
4. checks it is accepted and round-trips: `dump_python(mode="json", by_alias=True, exclude_unset=True)`
   equals the input (numbers by value, date-times by instant); a body's encoding must also satisfy the
   validator. dcg gets the same instances where the schema is a `$ref` to a component (its class of
   that name): dcg renders no operations, so inline schemas have no dcg type to compare;
5. prints one table (documents, operations, schemas, instances drawn, valid, accepted, round-trip
   mismatches, causes) for us and for dcg, and writes $cache/fidelity-report.json. Every failure is
   appended to $cache/fidelity-failures.jsonl as it happens (document, tool, operation, status or body,
   schema pointer, instance, cause, error).

Options (environment): FIDELITY_LIMIT=N (the first N documents by name), FIDELITY_SAMPLE=N (a seeded
random sample of N documents instead), FIDELITY_ONLY=substring, FIDELITY_SEED (default 12; the sample
and hypothesis), FIDELITY_EXAMPLES (draws per schema, default 10), FIDELITY_BUDGET (seconds of drawing
per document, default 60), FIDELITY_JOBS (default 2), FIDELITY_DCG=0 to leave the peer out,
FIDELITY_UNTYPED=exact to generate ours with `untyped-properties = "exact"` (`properties` without a `type`
then also admit non-objects, as JSON Schema reads them; by default they are classes).

Run: `make fidelity` (or `.venv/bin/python bench/fidelity.py`). `tests/e2e/conformance/test_fidelity.py` runs the same
code on three small documents checked into tests/data/third_party/fidelity/.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import fidelity_schemas as schemas
from corpus import CACHE, PACKAGES, fetch
from fidelity_types import (
    Operation,
    client_operations,
    dcg_classes,
    generate_dcg,
    generate_ours,
    normalized,
    response_parser,
    successes,
)

HARD_TIMEOUT = 900  # seconds for one document's worker, generation included


@dataclass
class Tally:
    """One tool's counts over some schemas."""

    schemas: int = 0
    instances: int = 0
    accepted: int = 0
    rejected: int = 0
    mismatched: int = 0
    causes: dict[str, int] = field(default_factory=dict)  # a plain dict: `asdict` mangles a Counter

    def add(self, other: Tally) -> None:
        for name in ("schemas", "instances", "accepted", "rejected", "mismatched"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for cause, count in other.causes.items():
            self.causes[cause] = self.causes.get(cause, 0) + count


@dataclass
class DocumentResult:
    """What happened to one document."""

    document: str
    outcome: str = "ok"  # ok | refused | import | timeout | crash
    reason: str = ""
    operations: int = 0
    schemas: int = 0
    no_parser: int = 0  # schemas the generated client reads with no typed parser (a shared default error, text)
    undrawable: int = 0  # hypothesis-jsonschema could not handle the schema
    over_budget: int = 0
    drawn: int = 0
    valid: int = 0
    dcg_outcome: str = "off"
    seconds: float = 0.0
    tallies: dict[str, Tally] = field(default_factory=dict)  # "ours", "ours on dcg's schemas", "dcg"


@dataclass(frozen=True)
class Outcome:
    """One instance through one type: None cause means accepted and round-tripped."""

    accepted: bool
    cause: str | None = None
    detail: str = ""


# --- checks -------------------------------------------------------------------------------------------


def _rejection(error: Exception) -> Outcome:
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        first = error.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        # The JSON kind of the refused value tells "a string where the type wants an object" from "an object
        # missing a key": the same pydantic error type, different bugs.
        cause = f"rejected: {first['type']} on {schemas.json_kind(first.get('input'))}"
        return Outcome(False, cause, f"{loc}: {first['msg']}"[:300])
    return Outcome(False, f"rejected: {type(error).__name__}", str(error)[:300])


def check_response(parser: Any, instance: Any) -> Outcome:
    """Parse the instance as the client reads a body, then dump it back as the models promise."""
    try:
        value = parser.parse(json.dumps(instance).encode())
    except Exception as error:  # every way of refusing is a finding
        return _rejection(error)
    return _round_trip(parser._adapter, value, instance)


def check_body(adapter: Any, instance: Any, encode: Callable[[Any], bytes], accepts: Callable[[Any], bool]) -> Outcome:
    """Validate the instance into the body type, encode it as the client sends it; the spec must accept that."""
    try:
        value = adapter.validate_python(instance)
    except Exception as error:  # every way of refusing is a finding
        return _rejection(error)
    try:
        sent = json.loads(encode(value))
    except Exception as error:  # the client would fail to send it: a finding
        return Outcome(True, "encoding fails", f"{type(error).__name__}: {error}"[:300])
    if not accepts(sent):
        return Outcome(True, "sent body invalid", json.dumps(sent)[:300])
    found = schemas.difference(sent, instance)
    return Outcome(True, f"round trip: {found[0]}", found[1]) if found else Outcome(True)


def check_model(adapter: Any, instance: Any) -> Outcome:
    """A peer's model: parse the instance's JSON, dump it back."""
    try:
        value = adapter.validate_json(json.dumps(instance))
    except Exception as error:  # every way of refusing is a finding
        return _rejection(error)
    return _round_trip(adapter, value, instance)


def _round_trip(adapter: Any, value: Any, instance: Any) -> Outcome:
    try:
        dumped = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    except Exception as error:  # the value cannot be written back: a finding
        return Outcome(True, "round trip: dump fails", f"{type(error).__name__}: {error}"[:300])
    found = schemas.difference(dumped, instance)
    return Outcome(True, f"round trip: {found[0]}", found[1]) if found else Outcome(True)


# --- one document -------------------------------------------------------------------------------------


@dataclass
class Run:
    """Settings of a run, and where its failures go."""

    examples: int = 10
    seed: int = 12
    budget: float = 60.0
    dcg: bool = True
    failures: Path | None = None  # the JSONL file failures are appended to
    package: str = "fidelity_pkg"
    exact_objects: bool = False  # generate ours with `untyped-properties = "exact"`
    found: list[dict[str, Any]] = field(default_factory=list)  # the failures, in this process


def check_document(document: Path, work: Path, run: Run, name: str | None = None) -> DocumentResult:
    """Generate, draw and check every operation schema of one document (in this process)."""
    result = DocumentResult(name or document.name)
    spec = json.loads(document.read_text(encoding="utf-8"))
    oas30 = str(spec.get("openapi", "")).startswith("3.0")
    try:
        operations = client_operations(generate_ours(document, work, run.package, run.exact_objects))
    except Exception as error:  # a refusal or a crash: counted, the run goes on
        result.outcome = "refused" if type(error).__name__ == "SpecError" else "import"
        result.reason = f"{type(error).__name__}: {str(error)[:300]}"
        return result
    peer = _peer(document, work, run, result)
    result.tallies = {key: Tally() for key in ("ours", "ours on dcg's schemas", "dcg")}
    deadline = time.monotonic() + run.budget
    found = list(schemas.targets(spec))
    result.operations = len({t.operation for t in found})
    for target in found:
        result.schemas += 1
        if time.monotonic() > deadline:
            result.over_budget += 1
            continue
        _check_target(spec, oas30, target, operations, peer, run, result)
    return result


def _peer(document: Path, work: Path, run: Run, result: DocumentResult) -> dict[str, Any]:
    if not run.dcg:
        return {}
    module, result.dcg_outcome = generate_dcg(document, work)
    return dcg_classes(module) if module is not None else {}


def _check_target(
    spec: dict[str, Any], oas30: bool, target: schemas.Target, operations: dict[tuple[str, str], Operation],
    peer: dict[str, Any], run: Run, result: DocumentResult,
) -> None:  # fmt: skip
    from pydantic import TypeAdapter

    operation = operations.get((target.method, target.path))
    ours = _our_check(spec, oas30, target, operation)
    if ours is None:
        result.no_parser += 1
        return
    accepts = schemas.validator(spec, target.pointer, oas30, reading=target.where != "body")
    try:
        drawn = schemas.draw(schemas.drawable(spec, target.schema, oas30), run.examples, run.seed)
    except Exception:  # recursion, unsatisfiable, too large: hypothesis-jsonschema's limits
        result.undrawable += 1
        return
    valid = [i for i in drawn if accepts(i)]
    result.drawn += len(drawn)
    result.valid += len(valid)
    theirs = peer.get(normalized(target.component)) if target.component else None
    outcomes = [ours(instance) for instance in valid]
    _tally(result, "ours", target, valid, outcomes, run)
    if theirs is not None:
        adapter = _adapter(TypeAdapter, theirs)
        _tally(result, "ours on dcg's schemas", target, valid, outcomes, None)
        peers = [check_model(adapter, i) if adapter else Outcome(False, "rejected: class unusable") for i in valid]
        _tally(result, "dcg", target, valid, peers, run)


def _adapter(factory: Any, cls: Any) -> Any:
    try:
        return factory(cls)
    except Exception:  # a peer's class pydantic cannot build: its every instance is refused
        return None


def _our_check(
    spec: dict[str, Any], oas30: bool, target: schemas.Target, operation: Operation | None
) -> Callable[[Any], Outcome] | None:
    """How our client handles an instance of `target`, or None when it has no typed JSON reading of it."""
    if operation is None:
        return None
    if target.where == "body":
        if operation.body is None:
            return None
        return _body_check(spec, oas30, target, operation)
    item = schemas.resolve(spec, spec["paths"][target.path])
    parser = response_parser(operation, target.where, successes(item[target.method.lower()]))
    if parser is None or parser.kind != "json" or parser._type() is None:
        return None
    return lambda instance: check_response(parser, instance)


def _body_check(spec: dict[str, Any], oas30: bool, target: schemas.Target, operation: Operation) -> Any:
    from pydantic import TypeAdapter

    encoding = sys.modules[f"{operation.endpoint.__module__.rsplit('.', 1)[0]}._encoding"]
    accepts = schemas.validator(spec, target.pointer, oas30, reading=False)
    try:
        adapter = TypeAdapter(operation.body)
    except Exception as error:  # a type pydantic cannot build refuses every instance
        why = str(error)[:300]
        return lambda instance: Outcome(False, "rejected: type unusable", why)
    return lambda instance: check_body(adapter, instance, encoding.json_bytes, accepts)


def _tally(
    result: DocumentResult, tool: str, target: schemas.Target, valid: list[Any], outcomes: list[Outcome],
    run: Run | None,
) -> None:  # fmt: skip
    tally = result.tallies[tool]
    tally.schemas += 1
    for instance, outcome in zip(valid, outcomes, strict=True):
        tally.instances += 1
        tally.accepted += outcome.accepted
        tally.rejected += not outcome.accepted
        if outcome.cause is not None:
            tally.mismatched += outcome.accepted
            tally.causes[outcome.cause] = tally.causes.get(outcome.cause, 0) + 1
            if run is not None:
                _log(run, result, tool, target, instance, outcome)


def _log(run: Run, result: DocumentResult, tool: str, target: schemas.Target, instance: Any, outcome: Outcome) -> None:
    record = {
        "document": result.document, "tool": tool, "operation": target.operation, "where": target.where,
        "pointer": target.pointer, "instance": instance, "cause": outcome.cause, "error": outcome.detail,
    }  # fmt: skip
    run.found.append(record)
    if run.failures is not None:
        with run.failures.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record, default=str) + "\n")  # one write per line: whole lines from two workers


# --- the corpus ---------------------------------------------------------------------------------------


def _worker(document: Path, run: Run) -> DocumentResult:
    """One document in a child process of its own: generated packages, imports and crashes stay there."""
    name = document.relative_to(CACHE).as_posix()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fidelity-") as scratch:
        settings = json.dumps({**asdict(run), "found": []}, default=str)
        command = [sys.executable, __file__, "--one", str(document), name, scratch, settings]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=HARD_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return DocumentResult(name, "timeout", f"over {HARD_TIMEOUT} s", seconds=HARD_TIMEOUT)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return DocumentResult(name, "crash", done.stderr.strip()[-300:], seconds=time.perf_counter() - started)
    result = _result_from(json.loads(lines[-1]))
    result.seconds = time.perf_counter() - started
    print(f"{result.seconds:5.0f} s {result.outcome:8} {result.valid:5} valid  {name}", file=sys.stderr, flush=True)
    return result


def _result_from(data: dict[str, Any]) -> DocumentResult:
    tallies = {k: Tally(**v) for k, v in data.pop("tallies").items()}
    return DocumentResult(**data, tallies=tallies)


def _one(argv: list[str]) -> int:
    """The worker's side: `--one DOCUMENT NAME WORKDIR RUN-JSON`; prints the result as one JSON line."""
    document, name, work, settings = Path(argv[0]), argv[1], Path(argv[2]), json.loads(argv[3])
    run = Run(**{**settings, "failures": Path(settings["failures"]) if settings["failures"] else None, "found": []})
    print(json.dumps(asdict(check_document(document, work, run, name))))
    return 0


def documents() -> list[Path]:
    """The corpus documents this run covers (FIDELITY_ONLY, then FIDELITY_SAMPLE or FIDELITY_LIMIT)."""
    found = fetch()
    if only := os.environ.get("FIDELITY_ONLY"):
        found = [d for d in found if only in d.as_posix()]
    if "FIDELITY_SAMPLE" in os.environ:
        seeded = random.Random(int(os.environ.get("FIDELITY_SEED", "12")))  # noqa: S311 - a reproducible sample
        found = sorted(seeded.sample(found, min(len(found), int(os.environ["FIDELITY_SAMPLE"]))))
    if "FIDELITY_LIMIT" in os.environ:
        found = found[: int(os.environ["FIDELITY_LIMIT"])]
    return found


def main() -> int:
    """Run the corpus and print the table."""
    run = Run(
        examples=int(os.environ.get("FIDELITY_EXAMPLES", "10")),
        seed=int(os.environ.get("FIDELITY_SEED", "12")),
        budget=float(os.environ.get("FIDELITY_BUDGET", "60")),
        dcg=os.environ.get("FIDELITY_DCG", "1") != "0",
        exact_objects=os.environ.get("FIDELITY_UNTYPED", "object") == "exact",
        failures=CACHE / "fidelity-failures.jsonl",
    )
    assert run.failures is not None
    run.failures.unlink(missing_ok=True)
    chosen = documents()
    started = time.perf_counter()
    with ThreadPoolExecutor(int(os.environ.get("FIDELITY_JOBS", "2"))) as pool:
        results = list(pool.map(lambda d: _worker(d, run), chosen))
    report(results, run, time.perf_counter() - started)
    (CACHE / "fidelity-report.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


def report(results: list[DocumentResult], run: Run, seconds: float) -> None:
    """Print the table: what was drawn and kept, then each tool's verdicts and their causes."""
    counts = Counter(r.outcome for r in results)
    total = {key: Tally() for key in ("ours", "ours on dcg's schemas", "dcg")}
    for r in results:
        for key, tally in r.tallies.items():
            total[key].add(tally)
    checked = [r for r in results if r.outcome == "ok"]
    sources = ", ".join(f"{p}@{v}" for p, v in PACKAGES.items())
    print(f"\nFidelity: {len(results)} documents ({sources}); {run.examples} draws per schema, seed {run.seed}, "
          f"{run.budget:.0f} s of drawing per document; untyped properties read as "
          f"{'exact' if run.exact_objects else 'objects'}; {seconds:.0f} s\n")  # fmt: skip
    print("| documents | generated | refused | other failures | operations | schemas | no typed JSON parser "
          "| could not draw | over budget | instances drawn | accepted by the validator |")  # fmt: skip
    print("|" + "---|" * 11)
    failed = len(results) - counts["ok"] - counts["refused"]
    print(f"| {len(results)} | {counts['ok']} | {counts['refused']} | {failed} "
          f"| {sum(r.operations for r in checked)} | {sum(r.schemas for r in checked)} "
          f"| {sum(r.no_parser for r in checked)} | {sum(r.undrawable for r in checked)} "
          f"| {sum(r.over_budget for r in checked)} | {sum(r.drawn for r in checked)} "
          f"| {sum(r.valid for r in checked)} |")  # fmt: skip
    dcg_ok = sum(r.dcg_outcome == "ok" for r in checked)
    print(f"\ndcg generated and imported for {dcg_ok} of {len(checked)} documents; it is compared on the schemas that "
          "are a `$ref` to a component (its class of that name), beside ours on exactly those schemas.\n")  # fmt: skip
    print("| tool | schemas | valid instances | accepted | rejected | round-trip mismatches | clean |\n|" + "---|" * 7)
    for key, tally in total.items():
        clean = tally.instances - tally.rejected - tally.mismatched
        share = f"{100 * clean / tally.instances:.1f} %" if tally.instances else "-"
        print(f"| {key} | {tally.schemas} | {tally.instances} | {tally.accepted} | {tally.rejected} "
              f"| {tally.mismatched} | {clean} ({share}) |")  # fmt: skip
    print("\n| cause | ours | ours on dcg's schemas | dcg |\n|---|---|---|---|")
    ours, subset, dcg = (Counter(total[key].causes) for key in ("ours", "ours on dcg's schemas", "dcg"))
    causes = ours + dcg
    for cause, _ in causes.most_common(25):
        print(f"| {cause} | {ours[cause]} | {subset[cause]} | {dcg[cause]} |")
    for r in [r for r in results if r.outcome not in ("ok", "refused")][:15]:
        print(f"\n{r.outcome}: {r.document}\n  {r.reason[:300]}")


if __name__ == "__main__":
    sys.exit(_one(sys.argv[2:]) if sys.argv[1:2] == ["--one"] else main())
