"""Stage 3, the header an API reads idempotency keys from, when its spec declares one (a header parameter
named `Idempotency-Key`, in any case, on an operation or among the components). The generated client sends
that header itself, one key per call kept across its retries, so the parameter is no method argument: a
caller sets the key with the per-call option `idempotency_key`.
"""

from __future__ import annotations

from typing import Any

from generator.load.document import Document
from generator.validate import view

_NAME = "idempotency-key"


def is_idempotency_key(parameter: view.Parameter) -> bool:
    """Whether `parameter` is the idempotency key header, which the client sends itself."""
    return parameter.location == "header" and parameter.name.lower() == _NAME


def idempotency_header(doc: Document) -> str | None:
    """The idempotency key header as the spec spells it, if any operation or the components declare it."""
    declared = [p for route in view.operations(doc) for p in route.parameters(doc).values()]
    components: dict[str, Any] = doc.data.get("components", {}).get("parameters", {})
    declared += [view.Parameter(p, "") for p in components.values() if isinstance(p, dict) and "$ref" not in p]
    return next((p.name for p in declared if is_idempotency_key(p)), None)
