"""Stage 4b, render: the runtime modules as every package ships them.

The runtime is real Python in `generator/runtime/`, copied into each package under its header. Where the sync and
async clients need twins (`Page` and `AsyncPage`, `send` and `async_send`), a module holds only the async one,
after the line `ASYNC_TWINS`; the sync twin is derived from it by unasync, placed before it, and the module's
imports gain what the sync twin uses. The derivation is by name: `async`/`await` go, a name loses its `Async` or
`async_` prefix (`_AsyncBoundedStream` -> `_BoundedStream`, `async_lock` -> `lock`), and `RENAMED` covers the
rest, so the async source needs no markup but that one line and stays plain, checkable Python.
"""

from __future__ import annotations

import ast
import functools
import re
import tempfile
from pathlib import Path

from generator.resources import RUNTIME

# The runtime modules copied from `generator/runtime/` into every package, under its header.
RUNTIME_FILES = (
    "_runtime.py",
    "_lenient.py",
    "_redact.py",
    "_encoding.py",
    "_lazy.py",
    "_exceptions.py",
    "_auth.py",
    "_webhooks.py",
    "_deadline.py",
    "_response.py",
    "_transport.py",
    "_streaming.py",
    "_pagination.py",
    "_paginator.py",
    "_polling.py",
    "_endpoint.py",
    "_base_client.py",
    "_api_client.py",
)
# The line after which a runtime module holds async code whose sync twin is derived (it is not shipped).
ASYNC_TWINS = "# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).\n"
# Sync names that are not the async name without its prefix (`asyncio.sleep` -> `time.sleep`).
RENAMED = {"aclose": "close", "aread": "read", "aiter_bytes": "iter_bytes", "asyncio": "time"}
_PREFIXED = re.compile(r"\b(_?)(?:Async(?=[A-Z])|async_)(\w+)")


def runtime_module(name: str, header: str) -> str:
    """The text of runtime module `name` as a package ships it, under its `header` (not yet formatted)."""
    return f"{header}\n{_runtime_modules()[name]}"


@functools.cache
def _runtime_modules() -> dict[str, str]:
    sources = {name: (RUNTIME / name).read_text(encoding="utf-8") for name in RUNTIME_FILES}
    twinned = {name: source.partition(ASYNC_TWINS) for name, source in sources.items() if ASYNC_TWINS in source}
    renames = _renames("".join(async_code for _, _, async_code in twinned.values()))
    derived = _unasync({name: async_code for name, (_, _, async_code) in twinned.items()}, renames)
    for name, (common, _, async_code) in twinned.items():
        sources[name] = f"{_with_twin_imports(common, renames)}{derived[name]}\n\n{async_code}"
    return sources


def _renames(async_code: str) -> dict[str, str]:
    """{async name: sync name} for every prefixed name the async code uses, and `RENAMED`."""
    return {match[0]: match[1] + match[2] for match in _PREFIXED.finditer(async_code)} | RENAMED


def _unasync(async_code: dict[str, str], renames: dict[str, str]) -> dict[str, str]:
    """The sync twin of each module's async code, by unasync (which works on files: a scratch directory)."""
    import unasync  # deferred: it imports setuptools, which only this derivation needs

    with tempfile.TemporaryDirectory() as scratch:
        paths = {name: Path(scratch, "_async", name) for name in async_code}
        for name, path in paths.items():
            path.parent.mkdir(exist_ok=True)
            path.write_text(async_code[name], encoding="utf-8")
        rule = unasync.Rule(fromdir="/_async/", todir="/_sync/", additional_replacements=renames)
        unasync.unasync_files([str(path) for path in paths.values()], [rule])
        return {name: Path(scratch, "_sync", name).read_text(encoding="utf-8") for name in async_code}


def _with_twin_imports(common: str, renames: dict[str, str]) -> str:
    """`common` (a module's code before its async twins) with each import naming, beside every async name it
    imports, the sync twin's: `from ._pagination import AsyncPage` also imports `Page`."""
    lines = common.splitlines(keepends=True)
    statements = [node for node in ast.walk(ast.parse(common)) if isinstance(node, (ast.Import, ast.ImportFrom))]
    imported = {alias.name for node in statements if isinstance(node, ast.Import) for alias in node.names}
    for node in sorted(statements, key=lambda n: n.lineno, reverse=True):  # from the end: line numbers hold
        indent, end = " " * node.col_offset, node.end_lineno or node.lineno
        twins = {renames[a.name] for a in node.names if a.asname is None and a.name in renames}
        if isinstance(node, ast.ImportFrom):
            names = {a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names}
            if twins - names:
                statement = f"from {'.' * node.level}{node.module or ''} import {', '.join(_isort(names | twins))}"
                lines[node.lineno - 1 : end] = [f"{indent}{statement}\n"]
        else:
            lines[end:end] = [f"{indent}import {twin}\n" for twin in sorted(twins - imported)]
    return "".join(lines)


def _isort(names: set[str]) -> list[str]:
    """Imported names in isort's order (as ruff sorts the sources): constants, classes, the rest."""
    return sorted(names, key=lambda n: (not (len(n) > 1 and n.isupper()), not n[:1].isupper(), n.lower(), n))
