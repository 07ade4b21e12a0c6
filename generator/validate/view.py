"""Stage 2's result as the later stages read it: the operations of a validated document, typed.

`validate` has checked the structure (every path item and operation an object, every `$ref` local and
resolving), so nothing here or in what reads it guards against malformed input; `ir/` builds from these.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.load.document import Document, join_pointer, ref_pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")  # `query`: OpenAPI 3.2


def item_operations(item: Any, item_pointer: str) -> Iterator[tuple[str, Any, str]]:
    """(method, Operation Object, its pointer) of a path item: the fixed fields, then (OpenAPI 3.2) those of
    `additionalOperations`, named by their keys (`COPY`). Tolerates a malformed item: the checks that run
    before the structural one read it too."""
    if not isinstance(item, dict):
        return
    for method in METHODS:
        if method in item:
            yield method, item[method], f"{item_pointer}/{method}"
    extra = item.get("additionalOperations")
    for method, operation in extra.items() if isinstance(extra, dict) else ():
        yield str(method), operation, item_pointer + join_pointer("additionalOperations", method)


@dataclass(frozen=True)
class Parameter:
    """A parameter of an operation, its `$ref` followed: the Parameter Object and where it is."""

    spec: dict[str, Any]
    pointer: str

    @property
    def location(self) -> str:
        return str(self.spec["in"])

    @property
    def name(self) -> str:
        return str(self.spec["name"])


@dataclass(frozen=True)
class Operation:
    """One operation: its path and method, the Operation Object and its path item, and where it is."""

    path: str
    method: str
    spec: dict[str, Any]
    item: dict[str, Any]
    pointer: str

    @property
    def operation_id(self) -> str:
        """Its `operationId`, or `method path` for one without."""
        return str(self.spec.get("operationId") or f"{self.method} {self.path}")

    def parameters(self, doc: Document) -> dict[tuple[str, str], Parameter]:
        """Its parameters by (in, name), the path item's first; one the operation redeclares replaces them."""
        found = {}
        for level, holder in ((join_pointer("paths", self.path), self.item), (self.pointer, self.spec)):
            for i, parameter in enumerate(holder.get("parameters", [])):
                at = f"{level}/parameters/{i}"
                if "$ref" in parameter:
                    at = ref_pointer(parameter["$ref"])
                    parameter = doc.resolve(at)
                found[(parameter["in"], parameter["name"])] = Parameter(parameter, at)
        return found

    def responses(self, doc: Document) -> Iterator[tuple[str, dict[str, Any], str]]:
        """(status, Response Object, its pointer) in spec order, `$ref`s followed."""
        for status, response in self.spec.get("responses", {}).items():
            at = self.pointer + join_pointer("responses", status)
            if "$ref" in response:
                at = ref_pointer(response["$ref"])
                response = doc.resolve(at)
            yield str(status), response, at


def operations(doc: Document) -> list[Operation]:
    """Every operation of the document, in path order and then method order."""
    return [
        Operation(str(path), method, operation, item, pointer)
        for path, item in doc.data.get("paths", {}).items()
        if not str(path).startswith("x-")  # an extension of the Paths Object
        for method, operation, pointer in item_operations(item, join_pointer("paths", path))
    ]
