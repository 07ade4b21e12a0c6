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
import re
import secrets
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from generator.errors import Location, SpecError

# The tools whose versions define the output; the manifest records them (`write/manifest.py`).
PINNED = {"ruff": "0.17.5", "black": "26.10.1", "markdownify": "1.2.3", "unasync": "0.6.0"}
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
        for name, text in sources.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8", newline="\n")
        command = [sys.executable, "-m", "ruff", "format", "--no-cache", "--isolated",
                   f"--line-length={LINE_LENGTH}", f"--target-version={TARGET}", str(root)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own arguments
        if result.returncode != 0:
            # ruff names the scratch file; the reader needs the generated file's name and ruff's own words.
            said = (result.stderr or result.stdout).replace(f"{root}{os.sep}", "").strip()
            raise RuntimeError(f"generated code is not valid Python (a generator bug); ruff says: {said}")
        return {name: (root / name).read_text(encoding="utf-8") for name in sources}


def format_snippets(snippets: dict[str, str]) -> dict[str, str]:
    """Format many small, independent Python snippets (the docs' examples and signatures) as one file.

    Writing, formatting and reading a scratch file each cost more than formatting a snippet (Microsoft
    Graph's docs have 34,000). The snippets are joined with marker comments, which ruff keeps on lines of
    their own, and split again; what ruff does to a snippet does not depend on its neighbours, except
    for the blank lines around the markers, which are dropped. Formatted alone are: a snippet that holds
    a `fmt:` pragma, which could reach past its own end; one that opens with a string, which alone is a
    module docstring; and every snippet if the markers do not come back one each, in order.
    """
    marker = f"# snippet-{secrets.token_hex(8)}"
    batched = [key for key, source in snippets.items() if "fmt:" not in source and not _OPENING_STRING.match(source)]
    joined = "".join(f"{marker}\n{snippets[key]}\n" for key in batched)
    parts = format_source(joined, "snippets.py").split(f"{marker}\n")[1:] if batched else []
    if len(parts) != len(batched):
        batched, parts = [], []
    formatted = {key: part.strip("\n") + "\n" if part.strip() else "" for key, part in zip(batched, parts, strict=True)}
    # Scratch names by position: a snippet's key can be spec text, never a file name.
    alone = {key: f"s{i}.py" for i, key in enumerate(k for k in snippets if k not in formatted)}
    by_file = format_sources({name: snippets[key] for key, name in alone.items()})
    return {key: formatted[key] if key in formatted else by_file[alone[key]] for key in snippets}


_OPENING_STRING = re.compile(r"""\s*(?:#[^\n]*\n\s*)*[rRbBuUfF]{0,2}["']""")


def format_source(source: str, name: str) -> str:
    """Format one Python source (see `format_sources`)."""
    scratch = Path(name).name or "module.py"
    return format_sources({scratch: source})[scratch]
