"""The generated packages pass mypy --strict, with and without the pydantic plugin, and so do the README's examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, mypy_strict, type_check_code_blocks
from generator.pipeline import package_tree
from generator.write.files import write_tree
from testdata import STRIPE_SPEC, VENDOR_FULL_SPEC


@pytest.mark.parametrize("config", ["pyproject.toml", "none"])
def test_generated_passes_mypy_strict(config: str, tmp_path: Path) -> None:
    config_args = ["--config-file", str(ROOT / "pyproject.toml") if config != "none" else ""]
    assert "Success: no issues found" in mypy_strict("generated", tmp_path / "cache", config=config_args)


def test_a_typed_program_using_the_package_passes_mypy(tmp_path: Path) -> None:
    program = """
from collections.abc import Awaitable, Callable

import httpx

from generated.voucherify import (
    AsyncAction,
    AsyncActionSummary,
    AsyncMiddleware,
    AsyncPage,
    AsyncPaginator,
    AsyncVoucherifyClient,
    Middleware,
    SkusImportCsvAction,
    VoucherifyClient,
)
from generated.postman import AsyncTask, PostmanClient


def traced(request: httpx.Request, send_on: Callable[[httpx.Request], httpx.Response]) -> httpx.Response:
    return send_on(request)


async def async_traced(
    request: httpx.Request, send_on: Callable[[httpx.Request], Awaitable[httpx.Response]]
) -> httpx.Response:
    return await send_on(request)


MIDDLEWARE: list[Middleware] = [traced]
ASYNC_MIDDLEWARE: list[AsyncMiddleware] = [async_traced]


def configured() -> VoucherifyClient:
    client = VoucherifyClient(
        default_headers={"X-Team": "a"}, default_query={"tenant": 1}, idempotency_header=None, middleware=MIDDLEWARE
    )
    client.async_actions.get("aa_1", max_retries=0, timeout=httpx.Timeout(5.0), idempotency_key="k")
    return client


async def every_action(client: AsyncVoucherifyClient) -> list[str]:
    # No await before the list: its call iterates as it is, and awaited it is the first page.
    first: AsyncPage[AsyncActionSummary] = await client.async_actions.list(limit=10)
    listing: AsyncPaginator[AsyncActionSummary] = client.async_actions.list(limit=10, max_retries=1)
    return [action.id async for action in listing] + [action.id for action in first.items]


def async_client() -> AsyncVoucherifyClient:
    return AsyncVoucherifyClient(middleware=ASYNC_MIDDLEWARE)


def first_failed_row(client: VoucherifyClient, action_id: str) -> int | None:
    action: AsyncAction = client.async_actions.get(action_id)
    if isinstance(action, SkusImportCsvAction) and action.result and action.result.failed:
        return action.result.failed[0].row
    return None


def task_status(client: PostmanClient) -> str | None:
    task: AsyncTask = client.tasks.get("api", "task")
    return task.status.value if task.status else None
"""
    type_check_code_blocks([program], tmp_path)


# Packages the README's examples generate from third-party specs, as the README says to.
README_PACKAGES = {"vf": VENDOR_FULL_SPEC, "stripe": STRIPE_SPEC}


def test_readme_examples_type_check(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [block.split("```", 1)[0] for block in readme.split("```python\n")[1:]]
    assert len(blocks) >= 3
    for package, spec in README_PACKAGES.items():
        assert f"--package {package}" in readme
        write_tree(package_tree(spec, package), tmp_path / package)
    type_check_code_blocks(blocks, tmp_path)
