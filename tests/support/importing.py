"""The one way tests import a package they generated: from its directory, forgotten afterwards."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType


@contextlib.contextmanager
def imported(directory: Path, package: str) -> Iterator[ModuleType]:
    """Import `package` from `directory`; afterwards drop the path entry and every module of the package, so
    the next test imports its own copy."""
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(directory))
        for name in [n for n in sys.modules if n.split(".")[0] == package]:
            del sys.modules[name]
