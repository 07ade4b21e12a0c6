"""A guard that fails the tests when they read a file beside the repository instead of inside it.

A user's clone has nothing next to it (no sibling folders, no other checkout), so a test that reads
a file in the parent directory passes only on our machines. An audit hook sees every `open`, `listdir` and
`scandir` of this process and refuses those that land in the repository's parent directory but
outside the repository. The interpreter's own directories and the temporary directory are exempt
(a clone may sit in either), but not the part of the temporary directory that holds the clone. `.ci/run` adds the other half of the proof: it runs the whole suite,
subprocesses included, in a copy of the clone that has no siblings at all.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})


class ReadOutsideRepository(RuntimeError):
    """Raised inside a test that reads a file beside the repository (never an OSError, so never swallowed)."""


def _under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def install(repository: Path) -> list[str]:
    """Refuse reads beside `repository` from now on; returns the list the refused paths are added to."""
    repo, parent = str(repository), str(repository.parent)
    exempt = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    # The temporary directory is exempt (pytest's tmp_path lives there), except the part of it that holds
    # the clone: a clone in /tmp/ci/repo must still not read /tmp/ci/shared.
    temp = os.path.realpath(tempfile.gettempdir())
    clone_in_temp = os.path.join(temp, os.path.relpath(repo, temp).split(os.sep)[0]) if _under(repo, temp) else ""
    refused: list[str] = []

    def exempted(path: str) -> bool:
        if _under(path, temp) and not (clone_in_temp and _under(path, clone_in_temp)):
            return True
        return any(_under(path, e) for e in exempt)

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event not in _EVENTS or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path = os.path.abspath(os.fsdecode(args[0]))
        if _under(path, parent) and not _under(path, repo) and not exempted(path):
            refused.append(path)
            raise ReadOutsideRepository(
                f"{path} is outside the repository ({repo}); a user's clone has nothing beside it. "
                "Copy the file into tests/data/ (with its source in tests/data/README.md) and read it from there."
            )

    sys.addaudithook(hook)
    return refused
