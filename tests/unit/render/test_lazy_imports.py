"""Import cost: a generated package imports nothing until a name is used, then only that name's module."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys

from conftest import ROOT


def _modules_loaded(statement: str) -> list[str]:
    """The modules of `generated` (and pydantic, httpx) that `statement` imports, in a fresh interpreter."""
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        f"{statement}\n"
        "print(json.dumps(sorted(m for m in set(sys.modules) - before "
        "if m.split('.')[0] in ('generated', 'pydantic', 'httpx'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return list(json.loads(result.stdout))


def test_importing_the_package_imports_nothing_else() -> None:
    assert _modules_loaded("import generated.voucherify") == [
        "generated",
        "generated.voucherify",
        "generated.voucherify._lazy",
    ]


def test_a_type_brings_only_its_own_module_and_those_it_uses() -> None:
    loaded = _modules_loaded("from generated.voucherify import AsyncActionStatus")
    ours = [m for m in loaded if m.startswith("generated.")]
    assert ours == [
        "generated.voucherify",
        "generated.voucherify._lazy",
        "generated.voucherify._runtime",
        "generated.voucherify.types",
        "generated.voucherify.types.async_action_status",
    ]
    assert "httpx" not in loaded  # no client code for a type


def test_the_client_imports_no_model_until_a_response_needs_one() -> None:
    loaded = _modules_loaded("from generated.voucherify import VoucherifyClient")
    assert "generated.voucherify.client" in loaded
    assert not [m for m in loaded if m.startswith("generated.voucherify.types.")]


def test_a_resource_module_loads_when_the_resource_is_first_used() -> None:
    loaded = _modules_loaded("from generated.voucherify import VoucherifyClient")
    assert not [m for m in loaded if m.startswith("generated.voucherify.resources.")]
    used = _modules_loaded(
        "from generated.voucherify import VoucherifyClient\n"
        "client = VoucherifyClient(app_id='a', app_token='t')\n"
        "copy = client.with_options(timeout=5)\n"
        "assert client.async_actions._client is client and copy.async_actions._client is copy\n"
        "assert client.async_actions is client.async_actions"
    )
    resources = [m for m in used if m.startswith("generated.voucherify.resources.")]
    assert resources == ["generated.voucherify.resources.async_actions"]  # the others stay unloaded


def test_the_stubs_type_checkers_read_declare_what_the_runtime_exports() -> None:
    """`__init__.py` holds only the lazy table; `__init__.pyi` imports every name for type checkers. Both
    must list the same names, each imported in the stub from the module the table names."""
    for package in ("generated.voucherify", "generated.voucherify.types", "generated.postman.types"):
        module = importlib.import_module(package)
        stub = ast.parse((ROOT / package.replace(".", "/") / "__init__.pyi").read_text())
        declared = next(n.value for n in stub.body if isinstance(n, ast.Assign) and n.targets[0].id == "__all__")  # type: ignore[attr-defined]
        assert ast.literal_eval(declared) == module.__all__
        imported = {
            a.name: f"{'.' * n.level}{n.module}" for n in stub.body if isinstance(n, ast.ImportFrom) for a in n.names
        }
        assert set(imported) == set(module.__all__)
        for name, where in imported.items():
            assert getattr(importlib.import_module(where, package), name) is getattr(module, name), name
