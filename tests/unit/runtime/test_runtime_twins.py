"""The runtime's sync twins, derived from its async code when a package is generated (`render/runtime.py`)."""

from __future__ import annotations

import ast
import re

import pytest

from generator.render.runtime import ASYNC_TWINS, RUNTIME_FILES, _with_twin_imports, runtime_module
from generator.resources import RUNTIME

TWINNED = [name for name in RUNTIME_FILES if ASYNC_TWINS in (RUNTIME / name).read_text(encoding="utf-8")]
ASYNC_NODES = (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith)


def _definitions(tree: ast.Module) -> dict[str, ast.stmt]:
    return {
        node.name: node for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
    }


def test_the_twinned_modules() -> None:
    assert TWINNED == [
        "_deadline.py",
        "_response.py",
        "_transport.py",
        "_streaming.py",
        "_pagination.py",
        "_polling.py",
        "_api_client.py",
    ]


@pytest.mark.parametrize("name", TWINNED)
def test_each_async_definition_ships_with_a_sync_twin_that_never_awaits(name: str) -> None:
    async_code = (RUNTIME / name).read_text(encoding="utf-8").partition(ASYNC_TWINS)[2]
    shipped = _definitions(ast.parse(runtime_module(name, "# header")))
    for async_name, async_node in _definitions(ast.parse(async_code)).items():
        sync_name = re.sub(r"^(_?)(?:Async|async_)", r"\1", async_name)
        assert sync_name != async_name, f"{name}: {async_name} has no Async/async_ prefix to drop"
        assert type(shipped[async_name]) is type(async_node)
        twin = shipped[sync_name]
        assert not [n for n in ast.walk(twin) if isinstance(n, ASYNC_NODES)], f"{name}: {sync_name} awaits"
        used = {n.id for n in ast.walk(twin) if isinstance(n, ast.Name)}
        used |= {n.attr for n in ast.walk(twin) if isinstance(n, ast.Attribute)}
        assert not {n for n in used if re.match(r"_?(Async|async_|aclose|aread|asyncio)", n)}, f"{name}: {sync_name}"


@pytest.mark.parametrize("name", TWINNED)
def test_the_sync_twin_comes_first_and_the_marker_is_not_shipped(name: str) -> None:
    shipped = runtime_module(name, "# header")
    assert ASYNC_TWINS not in shipped
    names = list(_definitions(ast.parse(shipped)))
    async_names = [n for n in names if re.match(r"_?(Async|async_)", n)]
    assert names.index(async_names[0]) > names.index(re.sub(r"^(_?)(?:Async|async_)", r"\1", async_names[0]))


def test_the_sync_pagination_twin_reads_as_written_by_hand() -> None:
    shipped = runtime_module("_pagination.py", "# header")
    assert "    def __iter__(self) -> Iterator[Item]:\n        for page in self.iter_pages():\n" in shipped
    assert "            body, response, at = self._fetch(following)\n" in shipped
    assert "        fetch: _Fetch,\n" in shipped


def test_imports_name_both_twins_where_the_async_code_imports_one() -> None:
    common = (
        "import asyncio\n"
        "from collections.abc import AsyncIterator, Mapping\n"
        "if TYPE_CHECKING:\n"
        "    from ._base_client import AsyncAPIClient, Endpoint\n"
        "from ._transport import SEND_ERRORS, async_send\n"
    )
    renames = {"asyncio": "time", "AsyncIterator": "Iterator", "AsyncAPIClient": "APIClient", "async_send": "send"}
    assert _with_twin_imports(common, renames) == (
        "import asyncio\n"
        "import time\n"
        "from collections.abc import AsyncIterator, Iterator, Mapping\n"
        "if TYPE_CHECKING:\n"
        "    from ._base_client import APIClient, AsyncAPIClient, Endpoint\n"
        "from ._transport import SEND_ERRORS, async_send, send\n"
    )


def test_an_import_already_there_is_not_repeated() -> None:
    assert _with_twin_imports("import asyncio\nimport time\n", {"asyncio": "time"}) == "import asyncio\nimport time\n"


def test_an_aliased_import_keeps_its_alias() -> None:
    assert _with_twin_imports("from a import b as c, AsyncX\n", {"AsyncX": "X"}) == "from a import AsyncX, X, b as c\n"
