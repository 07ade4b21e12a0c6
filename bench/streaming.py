"""Decoding a large stream of server-sent events: a generated client's `Stream` against openai-python's `Stream`
(and httpx-sse's decoder, the one the issue suggested using), on the same bytes, in one run; prints one table.

The stream is `BENCH_STREAM_MB` (default 100) MB of small JSON events (`data: {"id": .., "index": .., "delta":
..}`), written once to a file and fed to each client by an httpx `MockTransport` in 64 KiB chunks, so what is
measured is the client's work: splitting events, parsing and validating each item into a model. Each decoder
runs in a process of its own (ours in the project's environment; openai and httpx-sse in `.bench/venv`, from
`bench/peers.txt`), as many times as `BENCH_RUNS` (default 3), taking turns; the figures are medians. Items/s
count from the first byte to the last item; peak memory is the process's maximum resident set (VmHWM), and
how much of it the stream added to the peak before it started.

Run: `make bench` (or `.venv/bin/python bench/streaming.py` once `.bench/venv` has openai and httpx-sse).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.pipeline import package_tree
from generator.write.files import write_tree

PEERS = ROOT / ".bench" / "venv" / "bin" / "python"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
MEGABYTES = int(os.environ.get("BENCH_STREAM_MB", "100"))
CHUNK = {
    "type": "object",
    "required": ["id", "index", "delta"],
    "properties": {"id": {"type": "string"}, "index": {"type": "integer"}, "delta": {"type": "string"}},
}
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Bench", "version": "1"},
    "paths": {
        "/events": {
            "get": {
                "operationId": "events",
                "tags": ["default"],
                "responses": {
                    "200": {
                        "description": "events",
                        "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}}},
                    }
                },
            }
        }
    },
    "components": {"schemas": {"Chunk": CHUNK}},
}

# Each child prints {"items": n, "seconds": s, "baseline_kib": rss before the stream}; `FEED` is shared.
FEED = """
import sys, time
PATH = sys.argv[1]

def chunks():
    with open(PATH, "rb") as f:
        while block := f.read(65536):
            yield block

def baseline():
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's size when it was forked.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""
OURS = (
    FEED
    + """
import httpx
sys.path.insert(0, sys.argv[2])
from benchpkg import BenchpkgClient

def handler(request):
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=chunks())

http = httpx.Client(transport=httpx.MockTransport(handler))
client = BenchpkgClient(base_url="http://bench.invalid", http_client=http)
client.default.events  # imported before the baseline, as the peers' are
before = baseline()
start = time.perf_counter()
n = 0
with client.default.events() as stream:
    for chunk in stream:
        n += 1
print(n, time.perf_counter() - start, before, baseline())
"""
)
OPENAI = (
    FEED
    + """
import httpx2
from openai import OpenAI, Stream
from pydantic import BaseModel

class Chunk(BaseModel):
    id: str
    index: int
    delta: str

def handler(request):
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=chunks())

strict = sys.argv[2] == "strict"
http = httpx2.Client(transport=httpx2.MockTransport(handler))
client = OpenAI(api_key="x", base_url="http://bench.invalid", http_client=http, _strict_response_validation=strict)
before = baseline()
start = time.perf_counter()
response = http.send(http.build_request("GET", "http://bench.invalid/events"), stream=True)
n = 0
for chunk in Stream(cast_to=Chunk, response=response, client=client):
    n += 1
print(n, time.perf_counter() - start, before, baseline())
"""
)
HTTPX_SSE = (
    FEED
    + """
import httpx
from httpx_sse import EventSource
from pydantic import BaseModel, TypeAdapter

class Chunk(BaseModel):
    id: str
    index: int
    delta: str

def handler(request):
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=chunks())

adapter = TypeAdapter(Chunk)
http = httpx.Client(transport=httpx.MockTransport(handler))
before = baseline()
start = time.perf_counter()
n = 0
with http.stream("GET", "http://bench.invalid/events") as response:
    for event in EventSource(response).iter_sse():
        if event.data == "[DONE]":
            break
        adapter.validate_json(event.data)
        n += 1
print(n, time.perf_counter() - start, before, baseline())
"""
)


def write_stream(path: Path) -> int:
    """About `MEGABYTES` MB of small JSON events ending with `[DONE]`; the number of events."""
    target, written, n = MEGABYTES * 1_000_000, 0, 0
    with path.open("wb") as out:
        while written < target:
            block = b"".join(
                b"data: %s\n\n" % json.dumps({"id": f"chunk-{n + i}", "index": n + i, "delta": "token "}).encode()
                for i in range(1000)
            )
            out.write(block)
            written, n = written + len(block), n + 1000
        out.write(b"data: [DONE]\n\n")
    return n


def measure(command: list[str]) -> tuple[int, float, float, float]:
    """Run one decoder: (items, seconds, peak MiB, peak MiB above its peak before the stream)."""
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {done.stderr.decode()[-500:]}")
    items, seconds, before, peak = done.stdout.split()
    return int(items), float(seconds), int(peak) / 1024, (int(peak) - int(before)) / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "spec.yaml").write_text(yaml.safe_dump(SPEC, sort_keys=False))
        write_tree(package_tree(work / "spec.yaml", "benchpkg"), work / "out" / "benchpkg")
        events = write_stream(work / "stream.sse")
        size = (work / "stream.sse").stat().st_size
        decoders = {
            "ours: `Stream[Chunk]` (validated)": [
                sys.executable, "-c", OURS, str(work / "stream.sse"), str(work / "out")],
            "openai-python: `Stream` (its default: models built unvalidated)": [
                str(PEERS), "-c", OPENAI, str(work / "stream.sse"), "lenient"],
            "openai-python: `Stream`, `_strict_response_validation=True`": [
                str(PEERS), "-c", OPENAI, str(work / "stream.sse"), "strict"],
            "httpx-sse `EventSource` + pydantic `validate_json`": [
                str(PEERS), "-c", HTTPX_SSE, str(work / "stream.sse")],
        }  # fmt: skip
        figures: dict[str, list[tuple[int, float, float, float]]] = {name: [] for name in decoders}
        for _ in range(RUNS):
            for name, command in decoders.items():
                figures[name].append(measure(command))
    print(f"{size / 1e6:.0f} MB, {events:,} events, median of {RUNS} runs\n")
    print("| decoder | items/s | MB/s | peak memory | of which after the stream started |")
    print("|---|---|---|---|---|")
    for name, runs in figures.items():
        assert all(run[0] == events for run in runs), f"{name} did not decode every event"
        seconds, peak, grown = (statistics.median(run[i] for run in runs) for i in (1, 2, 3))
        print(f"| {name} | {events / seconds:,.0f} | {size / 1e6 / seconds:.1f} | {peak:.0f} MiB | {grown:.1f} MiB |")


if __name__ == "__main__":
    main()
