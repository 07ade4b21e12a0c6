"""The deepest chain of types (`ir/type_depth.py`) of every corpus spec that builds, the deepest printed first.

Run: `.venv/bin/python bench/type_depth.py [N]` (N: how many to print, 10 by default). This is where the
figures in `type_depth.py` and docs/security.md come from (2,684 specs measured, the deepest 43).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import corpus

import generator.pipeline as pipeline
from generator.errors import InternalError, SpecError
from generator.ir.type_depth import deepest_chain


def depth(spec: Path) -> tuple[int, str] | None:
    """The length of the spec's deepest chain, with the spec's name; None when it does not build."""
    # Measure every spec, the refused ones too.
    pipeline.refuse_deep_chains = lambda *args: None  # type: ignore[attr-defined]
    try:
        return len(deepest_chain(pipeline.build_api(spec, "bench").definitions)), spec.name
    except (SpecError, InternalError, RecursionError):
        return None


def main() -> None:
    shown = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with ProcessPoolExecutor() as pool:
        found = [d for d in pool.map(depth, corpus.fetch(), chunksize=8) if d is not None]
    print(f"{len(found)} specs measured")
    for length, name in sorted(found, reverse=True)[:shown]:
        print(f"{length:4d}  {name}")


if __name__ == "__main__":
    main()
