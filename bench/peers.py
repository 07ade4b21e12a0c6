"""Ours against the peers, side by side in one run, on the same inputs; prints one table.

Peers (pinned in `bench/peers.txt`, installed by `make bench` into `.bench/venv`):
datamodel-code-generator (with ruff-format and with its default black), openapi-python-client,
OpenAPI Generator (its PyPI wrapper ships the jar; needs Java) and the official Voucherify SDK.
Each figure is the median of several runs, tools taking turns, every run writing into a fresh
directory. Peak memory is the child process's own maximum resident set (wait4).

Run: `make bench` (or `.venv/bin/python bench/peers.py` once `.bench/venv` exists).
Set BENCH_RUNS to change the number of runs (default 5).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "support"))
import parse

from testdata import VENDOR_ASYNC_ACTIONS, VENDOR_FULL_SPEC

FULL_SPEC, SMALL_SPEC = VENDOR_FULL_SPEC, VENDOR_ASYNC_ACTIONS
PEERS = ROOT / ".bench" / "venv" / "bin"
OURS = sys.executable
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# Every tool runs as on a user's machine: bytecode cached after a first, uncounted run
# (a sandbox may set PYTHONDONTWRITEBYTECODE, which would make each run compile its sources again).
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Figure:
    """Median wall seconds and peak memory (MiB) of repeated runs; None when the tool failed."""

    seconds: float | None
    mib: float | None = None
    note: str = ""


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command to completion: (wall seconds, peak MiB of the process tree); raise if it fails."""
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: a chatty tool must never block on it
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            raise RuntimeError(f"{command[0]} failed: {stderr.read().decode(errors='replace').strip()[-300:]}")
    return elapsed, usage.ru_maxrss / 1024


def _median(pairs: list[tuple[float, float]]) -> Figure:
    return Figure(statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs))


def generators(peers: bool) -> dict[str, Callable[[Path, Path], list[str]]]:
    """Tool name -> a function giving the command that generates from a spec into an empty directory."""
    tools: dict[str, Callable[[Path, Path], list[str]]] = {
        "ours": lambda spec, out: [
            OURS,
            "-m",
            "generator",
            "generate",
            str(spec),
            "--out",
            str(out),
            "--package",
            "vf",
        ],
    }
    if not peers:
        return tools
    dcg = [str(PEERS / "datamodel-codegen"), "--input-file-type", "openapi", "--disable-timestamp",
           "--output-model-type", "pydantic_v2.BaseModel"]  # fmt: skip
    tools["dcg ruff-format"] = lambda spec, out: [*dcg, "--input", str(spec), "--output", str(out / "models.py"),
                                                  "--formatters", "ruff-format"]  # fmt: skip
    tools["dcg black"] = lambda spec, out: [*dcg, "--input", str(spec), "--output", str(out / "models.py")]
    tools["openapi-python-client"] = lambda spec, out: [str(PEERS / "openapi-python-client"), "generate",
                                                        "--path", str(spec), "--output-path", str(out / "client"),
                                                        "--overwrite"]  # fmt: skip
    if shutil.which("java"):
        tools["OpenAPI Generator"] = lambda spec, out: [str(PEERS / "openapi-generator-cli"), "generate",
                                                        "-i", str(spec), "-g", "python",
                                                        "-o", str(out / "client")]  # fmt: skip
    return tools


def generation(tools: dict[str, Callable[[Path, Path], list[str]]], spec: Path, work: Path) -> dict[str, Figure]:
    """Median generation time and peak memory of every tool on one spec, tools taking turns; run 0 warms up."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in tools}
    failed: dict[str, str] = {}
    for i in range(RUNS + 1):
        for name, command in tools.items():
            if name in failed:
                continue
            out = work / f"{_slug(name)}-{spec.stem}-{i}"
            out.mkdir(parents=True)
            try:
                measured = run(command(spec, out), cwd=ROOT, env=USER_ENV)
                if i:
                    samples[name].append(measured)
            except RuntimeError as error:
                failed[name] = str(error).splitlines()[0][:80]
    return {name: _median(s) if name not in failed else Figure(None, None, failed[name]) for name, s in samples.items()}


def _slug(name: str) -> str:
    return re.sub(r"\W+", "_", name)


def import_seconds(python: str, statement: str, cwd: Path, runs: int = RUNS) -> float:
    """Median time of `statement` in a fresh interpreter (after one run that writes the bytecode)."""
    code = f"import time\n_start = time.perf_counter()\n{statement}\nprint(time.perf_counter() - _start)"
    times = []
    for i in range(runs + 1):
        result = subprocess.run([python, "-c", code], cwd=cwd, env=USER_ENV, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{statement!r} failed: {result.stderr.strip()[-300:]}")
        if i:
            times.append(float(result.stdout.split()[-1]))
    return statistics.median(times)


def subset(data: dict[str, Any], fraction: float) -> dict[str, Any]:
    """The spec's first `fraction` of schemas (by name), every schema they refer to, and the named examples."""
    schemas = data["components"]["schemas"]
    todo = sorted(schemas)[: math.ceil(len(schemas) * fraction)]
    keep: set[str] = set()
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        todo += re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schemas[name]))
    components = {"schemas": {n: schemas[n] for n in sorted(keep)}, "examples": data["components"].get("examples", {})}
    return {**data, "paths": {}, "components": components}


def _package_dir(out: Path) -> Path:
    """The importable package a peer wrote under `out` (the directory with an `__init__.py`)."""
    return next(p.parent for p in sorted(out.rglob("__init__.py")) if not (p.parent.parent / "__init__.py").exists())


def _fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "failed"
    return f"{value * 1000:.0f} ms" if unit == "s" and value < 1 else f"{value:.2f} {unit}".rstrip()


def main() -> None:
    """Measure everything and print the tables."""
    have_peers = (PEERS / "datamodel-codegen").exists()
    if not have_peers:
        print("note: .bench/venv is missing; run `make bench` to install the peers. Measuring ours only.\n")
    tools = generators(have_peers)
    with tempfile.TemporaryDirectory(dir=ROOT / ".bench" if (ROOT / ".bench").is_dir() else None) as tmp:
        work = Path(tmp)
        full = generation(tools, FULL_SPEC, work / "full")
        small = generation(tools, SMALL_SPEC, work / "small")

        data = json.loads(FULL_SPEC.read_text())
        scaling: list[tuple[float, int, dict[str, Figure]]] = []
        scale_tools = {k: v for k, v in tools.items() if k in ("ours", "dcg ruff-format")}
        for fraction in (0.25, 0.5, 1.0):
            spec = work / f"schemas-{int(fraction * 100)}.json"
            part = subset(data, fraction)
            spec.write_text(json.dumps(part))
            scaling.append(
                (fraction, len(part["components"]["schemas"]), generation(scale_tools, spec, work / spec.stem))
            )

        interpreter = statistics.median(run([OURS, "-c", "pass"], env=USER_ENV)[0] for _ in range(RUNS))
        regenerate = [OURS, "-m", "generator", "generate"]
        noop = statistics.median(run(regenerate, cwd=ROOT, env=USER_ENV)[0] for _ in range(RUNS))

        ours_pkg = work / "full" / "ours-openapi-0"
        imports = {
            "import pydantic, httpx (baseline)": import_seconds(OURS, "import pydantic, httpx", ROOT),
            "import httpx; from pydantic import BaseModel (what using any model costs)": import_seconds(
                OURS, "import httpx\nfrom pydantic import BaseModel", ROOT
            ),
            "ours: import generated.voucherify": import_seconds(OURS, "import generated.voucherify", ROOT),
            "ours: from generated.voucherify import VoucherifyClient, AsyncAction": import_seconds(
                OURS, "from generated.voucherify import VoucherifyClient, AsyncAction", ROOT
            ),
            "ours, full spec: import vf": import_seconds(OURS, "import vf", ours_pkg),
            "ours, full spec: from vf import VfClient, AsyncAction": import_seconds(
                OURS, "from vf import VfClient, AsyncAction", ours_pkg
            ),
            "ours, full spec: every type": import_seconds(
                OURS, "import vf.types as vt\nfor n in vt.__all__: getattr(vt, n)", ours_pkg
            ),
        }
        if have_peers:
            peer_python = str(PEERS / "python")
            imports["datamodel-code-generator, full spec: import models"] = import_seconds(
                peer_python, "import models", work / "full" / f"{_slug('dcg ruff-format')}-openapi-0"
            )
            for name in ("openapi-python-client", "OpenAPI Generator"):
                out = work / "full" / f"{_slug(name)}-openapi-0" / "client"
                if full.get(name, Figure(None)).seconds is not None and out.exists():
                    package = _package_dir(out)
                    imports[f"{name}, full spec: import {package.name}"] = import_seconds(
                        peer_python, f"import {package.name}", package.parent
                    )
            imports["official Voucherify SDK: import voucherify"] = import_seconds(
                peer_python, "import voucherify", ROOT
            )
        black_ok = _black_check([ROOT / "generated", ours_pkg / "vf"])

    parse_ours, parse_theirs = parse.rates()
    _print(full, small, scaling, imports, interpreter, noop, (parse_ours, parse_theirs), black_ok)


def _black_check(paths: list[Path]) -> bool:
    command = [OURS, "-m", "black", "--check", "--quiet", "--line-length", "120", "--target-version", "py310"]
    return subprocess.run([*command, *map(str, paths)], capture_output=True).returncode == 0


def _print(
    full: dict[str, Figure],
    small: dict[str, Figure],
    scaling: list[tuple[float, int, dict[str, Figure]]],
    imports: dict[str, float],
    interpreter: float,
    noop: float,
    parse_rates: tuple[float, float],
    black_ok: bool,
) -> None:
    print(f"Medians of {RUNS} runs (after one warm-up run each) on this machine ({os.cpu_count()} cores); "
          f"full spec: {FULL_SPEC.name} (2.9 MB), small: {SMALL_SPEC.name}.\n")  # fmt: skip
    print("| generator | small spec | full spec | full spec peak memory |")
    print("|---|---|---|---|")
    for name in full:
        f, s = full[name], small[name]
        memory = f"{f.mib:.0f} MiB" if f.mib is not None else f.note
        print(f"| {name} | {_fmt(s.seconds)} | {_fmt(f.seconds)} | {memory} |")
    print("\n| import (fresh interpreter, bytecode cached) | time |")
    print("|---|---|")
    for what, seconds in imports.items():
        print(f"| {what} | {_fmt(seconds)} |")
    print("\n| scaling: schemas (of the full spec, no paths) | ours | dcg ruff-format |")
    print("|---|---|---|")
    for fraction, count, figures in scaling:
        theirs = figures.get("dcg ruff-format", Figure(None))
        print(f"| {fraction:.0%}: {count} schemas | {_fmt(figures['ours'].seconds)} | {_fmt(theirs.seconds)} |")

    ours_full, dcg_full = full["ours"], full.get("dcg ruff-format", Figure(None))
    baseline = imports["import pydantic, httpx (baseline)"]
    rows = [
        ("1. cold full-spec generation vs dcg ruff-format", "<= 0.5x",
         _ratio(ours_full.seconds, dcg_full.seconds), _ok(ours_full.seconds, dcg_full.seconds, 0.5)),
        ("1. peak memory, full spec", "< 200 MiB", f"{ours_full.mib:.0f} MiB" if ours_full.mib else "failed",
         "yes" if ours_full.mib is not None and ours_full.mib < 200 else "no"),
        ("2. no-op `python -m generator generate`, beyond interpreter start", "< 0.3 s",
         _fmt(noop - interpreter), "yes" if noop - interpreter < 0.3 else "no"),
        ("3. import generated.voucherify vs import pydantic, httpx", "<= 1.5x",
         _ratio(imports["ours: import generated.voucherify"], baseline),
         _ok(imports["ours: import generated.voucherify"], baseline, 1.5)),
        ("3. one type from the full-spec package vs from ours", "does not grow",
         _ratio(imports["ours, full spec: from vf import VfClient, AsyncAction"],
                imports["ours: from generated.voucherify import VoucherifyClient, AsyncAction"]),
         _ok(imports["ours, full spec: from vf import VfClient, AsyncAction"],
             imports["ours: from generated.voucherify import VoucherifyClient, AsyncAction"], 1.5)),
        ("4. AsyncAction parses/s vs dcg's model of the vendor spec", ">= 3x",
         f"{parse_rates[0]:,.0f} vs {parse_rates[1]:,.0f}/s = {parse_rates[0] / parse_rates[1]:.1f}x",
         "yes" if parse_rates[0] >= 3 * parse_rates[1] else "no"),
        ("5. output passes black --check (generated/ and the full-spec package)", "passes",
         "passes" if black_ok else "fails", "yes" if black_ok else "no"),
    ]  # fmt: skip
    print("\n| target | goal | measured | met |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None:
        return "n/a"
    return f"{_fmt(ours)} vs {_fmt(theirs)} = {ours / theirs:.2f}x"


def _ok(ours: float | None, theirs: float | None, limit: float) -> str:
    return "yes" if ours is not None and theirs is not None and ours <= limit * theirs else "no"


if __name__ == "__main__":
    main()
