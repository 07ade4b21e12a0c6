"""Run one stage on the second core while the pipeline goes on.

Validation needs nothing from the stages after it and they need nothing from it
but its verdict, so on a full vendor spec it runs in a forked child while the IR,
code and docs are built (about a quarter of a cold run). The verdict is awaited
before anything is returned, so an invalid spec still fails as before and never
reaches the disk. Where `fork` is unavailable or unsafe (Windows; macOS; a process
that already runs other threads, whose locks a child would inherit) the stage simply
runs first, in process.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from generator.errors import SpecError

T = TypeVar("T")


class Pending(Generic[T]):
    """The outcome of a background stage: `result()` waits for it and re-raises its SpecError."""

    def __init__(self, outcome: Callable[[], tuple[str, Any]]) -> None:
        self._outcome = outcome
        self._done: tuple[str, Any] | None = None

    def result(self) -> T:
        """The stage's return value; its SpecError is raised here, in the parent."""
        if self._done is None:
            self._done = self._outcome()
        kind, value = self._done
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "spec-error":
            raise SpecError(value)
        raise RuntimeError(f"the background stage failed; this is a generator bug:\n{value}")


def _settle(function: Callable[[], T]) -> tuple[str, Any]:
    try:
        return "ok", function()
    except SpecError as error:
        return "spec-error", error.diagnostics
    except Exception:  # a bug: carried to the parent as text, which is always picklable
        return "crash", traceback.format_exc()


@contextmanager
def in_background(function: Callable[[], T]) -> Iterator[Pending[T]]:
    """Start `function` in a forked child; the block runs meanwhile; the child never outlives it."""
    if sys.platform != "linux" or threading.active_count() > 1:
        settled = _settle(function)
        yield Pending(lambda: settled)
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        send.send(_settle(function))

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()

    def outcome() -> tuple[str, Any]:
        try:
            value: tuple[str, Any] = receive.recv()
        except EOFError:
            process.join()
            return "crash", f"the child process ended with exit code {process.exitcode}"
        process.join()
        return value

    try:
        yield Pending(outcome)
    finally:
        if process.is_alive():
            process.kill()
            process.join()
        receive.close()
