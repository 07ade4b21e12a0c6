"""Stage 5a, format: black's style, at the speed of ruff.

The output's style contract is black (the design card's formatter). Formatting is
done by `ruff format`, black-compatible and about 250 times faster on the full
Voucherify package; the code is rendered in the shapes where the two agree
(`views` parenthesise over-long annotations, multi-line docstrings close on
their own line), and the tests run `black --check` on the output to prove them
byte-identical. Both tools are pinned: a different installed version is an
error, so output never depends on the machine.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from generator.errors import Location, SpecError
from generator.write.files import write_files
from generator.write.manifest import PINNED

LINE_LENGTH = 120
TARGET = "py310"
# Scratch files for ruff: in memory where the system offers it, since creating a file on some disks costs ~1 ms.
# (Safe on a shared mount: TemporaryDirectory makes a private, randomly named directory there.)
_SHM = "/dev/shm"  # noqa: S108
_SCRATCH = _SHM if os.path.isdir(_SHM) and os.access(_SHM, os.W_OK) else None


@functools.cache
def _check_versions() -> None:
    for tool, pinned in PINNED.items():
        installed = version(tool)
        if installed != pinned:
            raise SpecError.at(
                Location(tool),
                f"{tool} {installed} is installed, but the output is defined by {tool} {pinned}.",
                f"run `make generate` (it installs the pinned tools), or `pip install {tool}=={pinned}`.",
            )


def format_sources(sources: dict[str, str]) -> dict[str, str]:
    """Format many Python sources in one `ruff format` run; keys are relative file names."""
    _check_versions()
    if not sources:
        return {}
    with tempfile.TemporaryDirectory(dir=_SCRATCH) as directory:
        root = Path(directory)
        write_files(sources, root, threads=_SCRATCH is None)
        command = [sys.executable, "-m", "ruff", "format", "--no-cache", "--isolated",
                   f"--line-length={LINE_LENGTH}", f"--target-version={TARGET}", str(root)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own arguments
        if result.returncode != 0:
            # ruff names the scratch file; the reader needs the generated file's name and ruff's own words.
            said = (result.stderr or result.stdout).replace(f"{root}{os.sep}", "").strip()
            raise RuntimeError(f"generated code is not valid Python (a generator bug); ruff says: {said}")
        return {name: (root / name).read_text(encoding="utf-8") for name in sources}


def format_source(source: str, name: str) -> str:
    """Format one Python source (see `format_sources`)."""
    scratch = Path(name).name or "module.py"
    return format_sources({scratch: source})[scratch]
