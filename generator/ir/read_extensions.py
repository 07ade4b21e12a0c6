"""Stage 3b, extensions to IR: ours (`x-poll`, `x-pagination`, `x-poll-location`, `x-async-action`,
`x-python-method`, `x-stream-terminator`), read into the operation.

They declare behaviour the generator renders instead of hard-coding it: which
operation reports the status of asynchronous work and which values end it, how
a list is paged, and which status operation a `202 Accepted` answer points at.
`validate/extensions.py` has checked each is well formed and names what exists.
"""

from __future__ import annotations

from typing import Any

from generator import ir
from generator.ir.build_models import SchemaBuilder
from generator.ir.names import Identifier
from generator.load.document import Document
from generator.validate.extensions import CURSOR_SOURCES, PAGE_WAYS
from generator.validate.webhook_signature import SIGNATURE_FIELDS, STANDARD

# The page kind each way to the next page makes (`ir.PAGE_KINDS`); a cursor's, by where its next value comes from.
_PAGE_KINDS = {"page": "page_number", "offset": "offset", "next_url": "next_url", "link_header": "link_header"}
_CURSOR_KINDS = dict(zip(CURSOR_SOURCES, ("item_cursor", "body_cursor", "header_cursor"), strict=True))


def read_method_name(operation: dict[str, Any]) -> Identifier | None:
    """`x-python-method` (or the generic `x-method-name`): the method name to use instead of a derived one."""
    name = operation.get("x-python-method", operation.get("x-method-name"))
    return None if name is None else Identifier(name)


def read_stream_terminator(media: dict[str, Any], default: str | None) -> str | None:
    """`x-stream-terminator` of a stream's media type object: the `data` (or line) that ends the stream, None
    (`null`) for none; `default` without it."""
    value = media.get("x-stream-terminator", default)
    return None if value is None else str(value)


def read_poll(schemas: SchemaBuilder, operation: dict[str, Any], pointer: str) -> ir.Poll | None:
    """`x-poll` of an operation: how to tell from its status object that the work is finished."""
    if "x-poll" not in operation:
        return None
    spec = operation["x-poll"]
    result = schemas.type_of({"$ref": spec["result"]}, f"{pointer}/x-poll/result") if "result" in spec else None
    return ir.Poll(
        spec["status"],
        tuple(spec["done"]),
        tuple(spec.get("failed", [])),
        spec.get("progress"),
        tuple(spec["error"].split(".")) if spec.get("error") else (),
        result,
    )


def pagination_detected(doc: Document, operation: dict[str, Any]) -> bool:
    """Whether pagination may be recognised from `operation`'s shape: neither it nor the document say
    `x-pagination` (a top-level `x-pagination: false` switches recognition off for the whole spec)."""
    return bool(doc.data.get("x-pagination", True)) and "x-pagination" not in operation


def read_pagination(operation: dict[str, Any]) -> ir.Pagination | None:
    """`x-pagination` of a list operation; `false`: not paged."""
    spec = operation.get("x-pagination", False)
    if spec is False:
        return None
    way = next(key for key in PAGE_WAYS if key in spec)
    items, has_more = spec.get("items", ""), spec.get("has_more")
    if way in ("page", "offset"):
        return ir.Pagination(items, has_more, spec[way], None, _PAGE_KINDS[way])
    if way in ("next_url", "link_header"):
        return ir.Pagination(items, has_more, None, spec.get("next_url"), _PAGE_KINDS[way])
    cursor = spec["cursor"]
    source = next(key for key in CURSOR_SOURCES if key in cursor)
    return ir.Pagination(items, has_more, cursor["parameter"], cursor[source], _CURSOR_KINDS[source])


def read_follow(response: dict[str, Any]) -> ir.Follow | None:
    """`x-poll-location` of the success response (its `$ref` followed)."""
    spec = response.get("x-poll-location")
    return None if spec is None else ir.Follow(spec["header"], spec["operation"])


def read_async_action(
    schemas: SchemaBuilder, operation: dict[str, Any], successes: list[ir.Response]
) -> ir.StartsAction | None:
    """`x-async-action` of an operation that starts async work: where the ID is, what to poll, which types.

    The ID is in one of its 2xx answers; when it is not in the first, that first answer is the result
    itself (Voucherify answers 200 with the one voucher it made at once, 202 with an action for many).
    """
    if "x-async-action" not in operation:
        return None
    spec = operation["x-async-action"]
    first = schemas.models_of(successes[0].type) if successes and successes[0].type is not None else []
    direct = not (first and all(any(f.wire_name == spec["id"] for f in m.fields) for m in first))
    return ir.StartsAction(spec["id"], spec["operation"], tuple(spec["types"]), direct)


def read_webhook_signatures(data: dict[str, Any]) -> tuple[ir.Signature, ...]:
    """`x-webhook-signature` at the document's root: `standard-webhooks`, a scheme's fields, or a list of
    those (a receiver accepts any); Standard Webhooks when absent. `validate/webhook_signature.py` checked it."""
    declared = data.get("x-webhook-signature", STANDARD)
    schemes = declared if isinstance(declared, list) else [declared]
    return tuple(
        ir.STANDARD_WEBHOOKS
        if scheme == STANDARD
        else ir.Signature(
            signature_header=scheme["header"], **{k: v for k, v in scheme.items() if k in SIGNATURE_FIELDS}
        )
        for scheme in schemes
    )
