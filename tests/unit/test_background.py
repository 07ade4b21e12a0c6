"""The background stage: its value, its SpecError and its crash all reach the parent."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from generator.background import in_background
from generator.errors import Location, SpecError


def test_the_value_comes_back_from_another_process() -> None:
    with in_background(lambda: (os.getpid(), [1, 2])) as pending:
        pid, value = pending.result()
    assert value == [1, 2]
    if sys.platform == "linux":
        assert pid != os.getpid()  # really in another process (elsewhere the stage runs inline)


def _invalid() -> None:
    raise SpecError.at(Location("spec.yaml", "/paths", 3, 1), "broken.", "mend it.")


def test_a_spec_error_is_raised_in_the_parent_with_its_location() -> None:
    with in_background(_invalid) as pending, pytest.raises(SpecError) as caught:
        pending.result()
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.location.line, diagnostic.message) == (3, "broken.")


def test_a_crash_is_a_generator_bug_not_a_hang() -> None:
    with in_background(lambda: 1 // 0) as pending, pytest.raises(RuntimeError, match="ZeroDivisionError"):
        pending.result()


def test_with_other_threads_running_the_stage_runs_in_process() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with in_background(os.getpid) as pending:
            assert pending.result() == os.getpid()  # no fork while another thread could hold a lock
    finally:
        stop.set()
        thread.join()
