"""Time a test drives: the generated runtime's clock and sleeps, and the local server's schedules, all on one
`ManualClock`, so a wait's polls, backoff and deadlines are exact and never depend on how busy the machine is.

Only the `time` module the runtime's modules see is replaced (each holds its own reference); requests still
go over real sockets, taking no time on the driven clock.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from apiserver import ManualClock

# The runtime modules that read the clock or sleep (sync; the async client sleeps with asyncio).
_TIMED = ("_base_client", "_api_client", "_deadline", "_polling", "_auth")
_EPOCH = 1_750_000_000.0  # the wall-clock time when the driven clock reads 0


class DrivenTime:
    """Stands in for the `time` module: `monotonic()` reads the clock, `time()` too (from `_EPOCH`), and
    `sleep(seconds)` moves it on at once, noting each sleep."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.clock()

    def time(self) -> float:
        return _EPOCH + self.clock()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(max(seconds, 0.0))


def drive(monkeypatch: pytest.MonkeyPatch, clock: ManualClock, *packages: ModuleType) -> DrivenTime:
    """Run the sync clients of `packages` on `clock` for the rest of the test."""
    driven = DrivenTime(clock)
    for package in packages:
        for name in _TIMED:
            monkeypatch.setattr(importlib.import_module(f"{package.__name__}.{name}"), "time", driven)
    return driven
