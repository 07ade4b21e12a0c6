"""What an interrupted `write_tree` leaves beside its target, and putting it right.

`write_tree` stages the new tree in `.NAME-new-PID-*` beside the target NAME, renames the target to
`.NAME-old-PID`, the staging directory to NAME, and deletes the old copy. A run killed on the way leaves
a staging directory (complete or not) beside an intact target; or no target, but its old copy; or the new
target and its old copy (perhaps half deleted). The next run puts the old copy back when the target is
missing, and deletes the rest. A leftover of a process still running is that run's work, left alone.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path


def staging_prefix(root: Path) -> str:
    """The name prefix of this process's staging directories for `root`."""
    return f".{root.name}-new-{os.getpid()}-"


def old_copy(root: Path) -> Path:
    """Where this process moves `root` aside while the new tree takes its place."""
    return root.with_name(f".{root.name}-old-{os.getpid()}")


def recover(root: Path) -> None:
    """Put `root` back from an interrupted write's old copy when it is missing; delete the leftovers."""
    if not root.parent.is_dir():
        return
    pattern = re.compile(rf"\.{re.escape(root.name)}-(new|old)-(\d+)(-.*)?")
    found = [
        (match.group(1), path)
        for path in root.parent.iterdir()
        if (match := pattern.fullmatch(path.name)) and path.is_dir() and not _running(int(match.group(2)))
    ]
    olds = sorted((path for kind, path in found if kind == "old"), key=lambda path: path.stat().st_ctime)
    if olds and not root.exists():
        # Killed between the two renames: the old copy is whole (it is deleted only once the new tree is in).
        olds[-1].rename(root)
    for _, path in found:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether `pid` is another process that is still running."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # someone else's process
        return True
    return True
