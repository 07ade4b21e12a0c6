"""Stage 3b, extensions to IR: ours (`x-poll`, `x-pagination`, `x-poll-location`, `x-async-action`,
`x-python-method`), read and checked against the types they name.

They declare behaviour the generator renders instead of hard-coding it: which
operation reports the status of asynchronous work and which values end it, how
a list is paged, and which status operation a `202 Accepted` answer points at.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from generator import ir
from generator.ir.build_models import SchemaBuilder
from generator.ir.names import Identifier
from generator.load.document import Document, join_pointer, ref_pointer

_POLL_HINT = (
    "write it as `x-poll: {status: <field>, done: [<values>], failed: [<values>], progress: <field>, "
    "error: <dotted path to the failure's message>, result: '#/components/schemas/<the done shape>'}`."
)
_PAGE_HINT = (
    "write it as `x-pagination: {items: <field>, has_more: <field>, <one way to the next page>}`, the way one of "
    "`cursor: {parameter: <query parameter>, from: <item field> | next: <answer field> | header: <name>}`, "
    "`next_url: <answer field>`, `link_header: true`, `page: <integer parameter>` or `offset: <integer "
    "parameter>`; or `x-pagination: false` (docs/extensions.md)."
)
_PAGE_PATH_HINT = "name a property of the answer; a dotted path (`meta.next_cursor`) reaches into nested objects."
_PAGE_WAYS = ("cursor", "next_url", "link_header", "page", "offset")
# Where `cursor`'s next value comes from, and the page kind that makes.
_CURSOR_SOURCES = {"from": "item_cursor", "next": "body_cursor", "header": "header_cursor"}
_FOLLOW_HINT = "write it as `x-poll-location: {header: Location, operation: <operationId with x-poll>}`."
_ACTION_HINT = (
    "write it as `x-async-action: {id: <response field>, operation: <operationId with x-poll>, "
    "types: [<discriminator values of its response>]}`."
)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _require_fields(
    doc: Document, schemas: SchemaBuilder, pointer: str, t: ir.TypeExpr | None, fields: list[str], what: str
) -> None:
    """Every model `t` can be must have each of `fields` (wire names)."""
    models = schemas.models_of(t) if t is not None else []
    if not models:
        raise doc.error(
            pointer,
            f"`{what}` is on an operation whose success response is not an object.",
            f"put `{what}` on an operation that returns a JSON object.",
        )
    for field in fields:
        missing = [m.name for m in models if all(f.wire_name != field for f in m.fields)]
        if missing:
            raise doc.error(
                pointer,
                f"`{what}` names the field {field!r}, which {', '.join(missing)} does not have.",
                "name a property of the response object.",
            )


def read_method_name(doc: Document, operation: dict[str, Any], pointer: str) -> Identifier | None:
    """`x-python-method` (or the generic `x-method-name`): the method name to use instead of a derived one."""
    key = next((k for k in ("x-python-method", "x-method-name") if k in operation), None)
    if key is None:
        return None
    name = operation[key]
    if not isinstance(name, str) or not name.strip():
        raise doc.error(f"{pointer}/{key}", f"`{key}` must be a name.", "write a snake_case name.")
    return Identifier(name)


def read_poll(
    doc: Document, schemas: SchemaBuilder, operation: dict[str, Any], pointer: str, success: ir.TypeExpr | None
) -> ir.Poll | None:
    """`x-poll` of an operation, checked against the status object it describes."""
    if "x-poll" not in operation:
        return None
    spec, pointer = operation["x-poll"], f"{pointer}/x-poll"
    valid = (
        isinstance(spec, dict)
        and isinstance(spec.get("status"), str)
        and _strings(spec.get("done"))
        and bool(spec["done"])
        and _strings(spec.get("failed", []))
        and isinstance(spec.get("progress", ""), str)
        and isinstance(spec.get("error", ""), str)
        and isinstance(spec.get("result", ""), str)
        and set(spec) <= {"status", "done", "failed", "progress", "error", "result"}
    )
    if not valid:
        raise doc.error(pointer, "`x-poll` is malformed.", _POLL_HINT)
    error = tuple(spec["error"].split(".")) if spec.get("error") else ()
    fields = [spec["status"], *filter(None, [spec.get("progress")]), *error[:1]]
    _require_fields(doc, schemas, pointer, success, fields, "x-poll")
    poll = ir.Poll(spec["status"], tuple(spec["done"]), tuple(spec.get("failed", [])), spec.get("progress"))
    result = _read_result(doc, schemas, spec.get("result"), f"{pointer}/result") if "result" in spec else None
    if result is not None:
        _require_fields(doc, schemas, f"{pointer}/result", result, [spec["status"]], "x-poll")
    return replace(poll, error_path=error, result=result)


def _read_result(doc: Document, schemas: SchemaBuilder, ref: str, pointer: str) -> ir.TypeExpr:
    """The type `x-poll`'s `result` names: a component schema, the status object's shape once done."""
    try:
        found = ref.startswith("#/components/schemas/") and isinstance(doc.resolve(ref_pointer(ref)), dict)
    except KeyError:
        found = False
    if not found:
        raise doc.error(
            pointer,
            f"`x-poll` names the result {ref!r}, which is not a schema of this document's `components/schemas`.",
            "write `result: '#/components/schemas/<Name>'` naming the status object's shape once it is done.",
        )
    return schemas.type_of({"$ref": ref}, pointer)


def _field_path(
    doc: Document, schemas: SchemaBuilder, pointer: str, t: ir.TypeExpr | None, path: str, what: str
) -> ir.TypeExpr:
    """The type at the dotted `path` of wire names through `t`, which every model on the way must have."""
    for name in path.split("."):
        models = schemas.models_of(t) if t is not None else []
        missing = [m.name for m in models if all(f.wire_name != name for f in m.fields)]
        if not models or missing:
            owner = ", ".join(missing) or "an answer that is not an object"
            raise doc.error(pointer, f"{what} names {path!r}, but {owner} has no {name!r}.", _PAGE_PATH_HINT)
        t = next(f.type for f in models[0].fields if f.wire_name == name)
        while isinstance(t, ir.Nullable):
            t = t.inner
    assert t is not None
    return t


def _query_parameter(
    doc: Document, pointer: str, parameters: tuple[ir.Parameter, ...], name: Any, numeric: bool = False
) -> str:
    """`name`, checked to be one of the query parameters (a number where the next page counts up)."""
    found = next((p for p in parameters if p.location == "query" and p.wire_name == name), None)
    if found is None:
        raise doc.error(
            pointer,
            f"`x-pagination` names the parameter {name!r}, which is not a query parameter of the operation.",
            "name one of the operation's query parameters.",
        )
    t = found.type.inner if isinstance(found.type, ir.Nullable) else found.type
    if numeric and t not in (ir.Primitive("int"), ir.Primitive("float")):
        raise doc.error(
            pointer,
            f"`x-pagination` counts the parameter {name!r} up, but it is not an integer: it is a token.",
            "declare it `type: integer`, or write `cursor: {parameter, next}` naming the field with the next token.",
        )
    return str(name)


def pagination_detected(doc: Document, operation: dict[str, Any]) -> bool:
    """Whether pagination may be recognised from `operation`'s shape: neither it nor the document say
    `x-pagination` (a top-level `x-pagination: false` switches recognition off for the whole spec)."""
    switch = doc.data.get("x-pagination", True)
    if not isinstance(switch, bool):
        raise doc.error("/x-pagination", "A top-level `x-pagination` is `false` or nothing.", _PAGE_HINT)
    return switch and "x-pagination" not in operation


def read_pagination(
    doc: Document,
    schemas: SchemaBuilder,
    operation: dict[str, Any],
    pointer: str,
    success: ir.TypeExpr | None,
    parameters: tuple[ir.Parameter, ...],
) -> ir.Pagination | None:
    """`x-pagination` of a list operation, checked against its response and parameters; `false`: not paged."""
    if operation.get("x-pagination", False) is False:
        return None
    spec, pointer = operation["x-pagination"], f"{pointer}/x-pagination"
    ways = [key for key in _PAGE_WAYS if key in spec] if isinstance(spec, dict) else []
    if not isinstance(spec, dict) or len(ways) != 1:
        raise doc.error(
            pointer, "`x-pagination` is malformed: it names no way, or several, to the next page.", _PAGE_HINT
        )
    for key in spec:
        if key not in (*_PAGE_WAYS, "items", "has_more"):
            raise doc.error(f"{pointer}/{key}", f"`x-pagination` has no {key!r}.", _PAGE_HINT)
    for key in ("items", "has_more", "next_url", "page", "offset"):
        if key in spec and not isinstance(spec[key], str):
            raise doc.error(f"{pointer}/{key}", f"`x-pagination`'s {key!r} is not a string.", _PAGE_HINT)
    at, items = pointer, success
    if "items" in spec:
        at = f"{pointer}/items"
        items = _field_path(doc, schemas, at, success, spec["items"], "`items`")
    while isinstance(items, ir.Nullable):
        items = items.inner
    if not isinstance(items, ir.ListOf):
        raise doc.error(at, "`x-pagination`'s items are not an array.", _PAGE_PATH_HINT)
    has_more = spec.get("has_more")
    if has_more is not None:
        _field_path(doc, schemas, f"{pointer}/has_more", success, has_more, "`has_more`")
    page = partial(ir.Pagination, spec.get("items", ""), has_more)
    way = ways[0]
    if way in ("page", "offset"):
        parameter = _query_parameter(doc, f"{pointer}/{way}", parameters, spec[way], numeric=True)
        return page(parameter, None, "page_number" if way == "page" else "offset")
    if way == "next_url":
        _field_path(doc, schemas, f"{pointer}/next_url", success, spec["next_url"], "`next_url`")
        return page(None, spec["next_url"], "next_url")
    if way == "link_header":
        if spec["link_header"] is not True:
            raise doc.error(f"{pointer}/link_header", "`x-pagination`'s `link_header` is not `true`.", _PAGE_HINT)
        return page(None, None, "link_header")
    cursor, at = spec["cursor"], f"{pointer}/cursor"
    sources = [key for key in _CURSOR_SOURCES if key in cursor] if isinstance(cursor, dict) else []
    if not isinstance(cursor, dict) or len(sources) != 1 or not all(isinstance(v, str) for v in cursor.values()):
        raise doc.error(at, "`x-pagination`'s `cursor` is malformed.", _PAGE_HINT)
    parameter = _query_parameter(doc, f"{at}/parameter", parameters, cursor.get("parameter"))
    source = sources[0]
    if source != "header":
        holder = items.item if source == "from" else success
        _field_path(doc, schemas, f"{at}/{source}", holder, cursor[source], f"`cursor`'s `{source}`")
    return page(parameter, cursor[source], _CURSOR_SOURCES[source])


def read_follow(doc: Document, operation: dict[str, Any], pointer: str, status: str) -> ir.Follow | None:
    """`x-poll-location` of the success response."""
    response = (operation.get("responses") or {}).get(status) or {}
    pointer += join_pointer("responses", status)
    if isinstance(response, dict) and isinstance(response.get("$ref"), str) and response["$ref"].startswith("#"):
        pointer = ref_pointer(response["$ref"])  # a shared response (`#/components/responses/...`)
        response = doc.resolve(pointer)
    if not isinstance(response, dict) or "x-poll-location" not in response:
        return None
    spec = response["x-poll-location"]
    pointer += "/x-poll-location"
    if not (isinstance(spec, dict) and isinstance(spec.get("header"), str) and isinstance(spec.get("operation"), str)):
        raise doc.error(pointer, "`x-poll-location` is malformed.", _FOLLOW_HINT)
    if spec["header"] not in (response.get("headers") or {}):
        raise doc.error(pointer, f"the response does not declare the header {spec['header']!r}.", _FOLLOW_HINT)
    return ir.Follow(spec["header"], spec["operation"])


def check_follows(doc: Document, operations: list[ir.Operation]) -> None:
    """Every `x-poll-location` must name an operation that has `x-poll`."""
    polled = {op.operation_id for op in operations if op.poll is not None}
    for op in operations:
        if op.follow is not None and op.follow.operation_id not in polled:
            raise doc.error(
                op.pointer,
                f"`x-poll-location` names {op.follow.operation_id!r}, which is not an operation with `x-poll`.",
                _FOLLOW_HINT,
            )


def read_async_action(
    doc: Document, schemas: SchemaBuilder, operation: dict[str, Any], pointer: str, successes: list[ir.Response]
) -> ir.StartsAction | None:
    """`x-async-action` of an operation that starts async work: where the ID is, what to poll, which types.

    The ID must be in one of its 2xx answers; when it is not in the first, that first answer is the result
    itself (Voucherify answers 200 with the one voucher it made at once, 202 with an action for many).
    """
    if "x-async-action" not in operation:
        return None
    spec = operation["x-async-action"]
    pointer = f"{pointer}/x-async-action"
    valid = (
        isinstance(spec, dict)
        and isinstance(spec.get("id"), str)
        and isinstance(spec.get("operation"), str)
        and _strings(spec.get("types"))
        and spec["types"]
    )
    if not valid:
        raise doc.error(pointer, "`x-async-action` is malformed.", _ACTION_HINT)
    carrying = [r for r in successes if r.type is not None and _has_field(schemas.models_of(r.type), spec["id"])]
    if not carrying:  # the error names what the first answer lacks
        _require_fields(doc, schemas, pointer, successes[0].type if successes else None, [spec["id"]], "x-async-action")
    direct = bool(successes) and successes[0] not in carrying
    return ir.StartsAction(spec["id"], spec["operation"], tuple(spec["types"]), direct)


def _has_field(models: list[ir.Model], field: str) -> bool:
    return bool(models) and all(any(f.wire_name == field for f in m.fields) for m in models)


def check_async_actions(doc: Document, schemas: SchemaBuilder, operations: list[ir.Operation]) -> None:
    """Every `x-async-action` must name an operation with `x-poll` and one path parameter (the ID), and
    types its tagged union of status objects knows."""
    by_id = {op.operation_id: op for op in operations}
    for op in operations:
        if op.starts is None:
            continue
        pointer = f"{op.pointer}/x-async-action"
        target = by_id.get(op.starts.operation_id)
        if target is None or target.poll is None or [p.location for p in target.parameters].count("path") != 1:
            raise doc.error(
                pointer,
                f"`x-async-action` names {op.starts.operation_id!r}, which is not an operation with `x-poll` "
                "and one path parameter (the ID).",
                _ACTION_HINT,
            )
        tags = schemas.tags_of(target.success.type if target.success else None)
        unknown = [t for t in op.starts.types if t not in tags]
        if unknown:
            raise doc.error(
                pointer,
                f"`x-async-action` names the type(s) {', '.join(map(repr, unknown))}, which the response of "
                f"{op.starts.operation_id!r} does not tag (it knows {', '.join(sorted(tags)) or 'none'}).",
                "name discriminator values of that operation's response union.",
            )
