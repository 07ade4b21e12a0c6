"""Where `bench/fidelity.py` finds the types it judges, without re-deriving them from the schema: ours on
the generated client (the `Endpoint` constant of each operation, whose `ResponseType`s parse its answers,
and the `body` annotation of the method that sends it), datamodel-code-generator's by component name.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
import subprocess
import sys
import types as pytypes
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from typing_extensions import is_typeddict

DCG_TIMEOUT = 180  # seconds for datamodel-code-generator on one document
PLAIN = (dict[str, Any], list[dict[str, Any]], type(None))  # what a method's `body` also takes, untyped


def generate_ours(document: Path, out: Path, package: str, exact_objects: bool = False) -> pytypes.ModuleType:
    """Generate and import our package for `document` (as tests/conftest.py's `make_package` does)."""
    from generator.pipeline import package_tree
    from generator.write.files import write_tree

    write_tree(package_tree(document, package, exact_objects=exact_objects), out / package)
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    return importlib.import_module(package)


class _TypesNamespace(dict):  # type: ignore[type-arg]
    """Locals for evaluating a method's annotations: names the module imports only under TYPE_CHECKING
    come from the package's lazy `types` module."""

    def __init__(self, types_module: pytypes.ModuleType) -> None:
        super().__init__()
        self._types = types_module

    def __missing__(self, name: str) -> Any:
        try:
            return getattr(self._types, name)
        except AttributeError:
            raise KeyError(name) from None


@dataclass(frozen=True)
class Operation:
    """What the generated client holds for one operation: its Endpoint constant and its body's type."""

    endpoint: Any
    body: Any = None


def client_operations(package: pytypes.ModuleType) -> dict[tuple[str, str], Operation]:
    """(METHOD, path) -> the Endpoint constant and the `body` annotation of the method that sends it."""
    found: dict[tuple[str, str], Operation] = {}
    namespace = _TypesNamespace(importlib.import_module(f"{package.__name__}.types"))
    for module in _client_modules(package):
        constants = {n: v for n, v in vars(module).items() if type(v).__name__ == "Endpoint"}
        for endpoint in constants.values():
            found[(endpoint.method, endpoint.path)] = Operation(endpoint)
        for function in _methods(module):
            used = [constants[n] for n in function.__code__.co_names if n in constants]
            hint = function.__annotations__.get("body")
            if len(used) == 1 and hint is not None:
                found[(used[0].method, used[0].path)] = Operation(used[0], _body_type(hint, module, namespace))
    return found


def _client_modules(package: pytypes.ModuleType) -> Iterator[pytypes.ModuleType]:
    yield importlib.import_module(f"{package.__name__}.client")
    resources = f"{package.__name__}.resources"
    if importlib.util.find_spec(resources) is not None:
        module = importlib.import_module(resources)
        for info in pkgutil.walk_packages(module.__path__, resources + "."):
            yield importlib.import_module(info.name)


def _methods(module: pytypes.ModuleType) -> Iterator[Any]:
    for cls in vars(module).values():
        if isinstance(cls, type) and cls.__module__ == module.__name__ and not cls.__name__.startswith("Async"):
            for attribute in vars(cls).values():
                function = inspect.unwrap(attribute)  # `@Operation` is a descriptor holding the method
                if inspect.isfunction(function):
                    yield function


def _body_type(hint: str, module: pytypes.ModuleType, namespace: _TypesNamespace) -> Any:
    try:
        return _typed_body(eval(hint, vars(module), namespace))  # noqa: S307 - our own generated annotation
    except Exception:  # an annotation that does not evaluate: the body counts as unreadable
        return None


def _typed_body(annotation: Any) -> Any:
    """The body's own type: the method also takes plain data (dicts, typed by its `Param` TypedDict, which
    pydantic would pick for a dict and drop the keys it does not list) and None when optional; a list body is
    a `Sequence` of either."""
    options = get_args(annotation) if get_origin(annotation) in (Union, pytypes.UnionType) else (annotation,)
    options = tuple(
        list[_typed_body(get_args(o)[0])] if get_origin(o) is Sequence else o  # type: ignore[misc]
        for o in options
    )
    typed = [o for o in options if o not in PLAIN and not is_typeddict(o)] or [
        o for o in options if o is not type(None)
    ]
    return typed[0] if len(typed) == 1 else Union[tuple(typed)]  # noqa: UP007 - a runtime union of types


def response_parser(operation: Operation, status: str, successes: list[str]) -> Any:
    """The `ResponseType` the client reads `status` with (the runtime's own lookup order), or None."""
    endpoint = operation.endpoint
    if status in successes:
        return endpoint.responses.get(status, endpoint.response)
    errors = endpoint.errors
    return errors.get(status) or errors.get(f"{status[0]}XX") or errors.get("default")


def successes(operation: dict[str, Any]) -> list[str]:
    """The statuses the client returns (2xx, or `default` when there is none), as the generator decides."""
    statuses = [str(s) for s in (operation.get("responses") or {})]
    return [s for s in statuses if s.startswith("2")] or [s for s in statuses if s == "default"][:1]


# --- the peer ---------------------------------------------------------------------------------------


def generate_dcg(document: Path, out: Path) -> tuple[pytypes.ModuleType | None, str]:
    """datamodel-code-generator's models for `document`, imported; (None, why) when it cannot."""
    target = out / "dcg_models.py"
    command = [sys.executable, "-m", "datamodel_code_generator", "--input", str(document), "--input-file-type",
               "openapi", "--output-model-type", "pydantic_v2.BaseModel", "--extra-fields", "allow",
               "--disable-timestamp", "--output", str(target)]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=DCG_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None, f"generation over {DCG_TIMEOUT} s"
    if done.returncode != 0 or not target.is_file():
        return None, "generation fails"
    try:
        spec = importlib.util.spec_from_file_location("fidelity_dcg_models", target)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    except Exception:  # an annotation that does not evaluate: the body counts as unreadable
        return None, "import fails"
    return module, "ok"


def dcg_classes(module: pytypes.ModuleType) -> dict[str, Any]:
    """Normalized name -> dcg's class (its names are the component names, re-cased and stripped)."""
    found: dict[str, list[Any]] = {}
    for name, value in vars(module).items():
        if isinstance(value, type) and value.__module__ == module.__name__:
            found.setdefault(normalized(name), []).append(value)
    return {key: values[0] for key, values in found.items() if len(values) == 1}


def normalized(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())
