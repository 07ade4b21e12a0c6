"""Stage 3c, webhooks to IR: every OpenAPI 3.1 `webhooks` entry and every operation of a `callbacks` entry
becomes a typed event (its JSON request body; a named schema keeps its name), and all of them one union.

The union is tagged when every event's schema pins one common property to a value (`const`, or an `enum` of
one), each event its own (`type` preferred, then `event`, `event_type`, `kind`, else the first by name); it
then gets the `<Union>Unknown` fallback a discriminated `oneOf` gets, so an event type added later still
parses, every field kept. Otherwise it is a plain union, tried in order. An event without a JSON body is
left out with a located warning.
"""

from __future__ import annotations

from typing import Any

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.build_media import media_kind
from generator.ir.build_models import SchemaBuilder
from generator.ir.read_extensions import read_webhook_signatures
from generator.load.document import join_pointer
from generator.validate import view

_PREFERRED_TAGS = ("type", "event", "event_type", "kind")
_Found = tuple[str, str, dict[str, Any], str]  # event name, class-name hint, operation, its pointer


def build_webhooks(schemas: SchemaBuilder) -> ir.Webhooks | None:
    """The API's events and how they are signed; None when it documents none."""
    found = list(_operations(schemas))
    if not found:
        return None
    events: list[tuple[Any, str, ir.TypeExpr]] = []
    names: list[tuple[str, str]] = []
    for name, hint, operation, at in found:
        body = _json_body(schemas, operation, at)
        if body is None:
            continue
        schema, schema_at = body
        events.append((schema, schema_at, schemas.type_of(schema, schema_at, hint)))
        names.append((name, str(operation.get("summary", ""))))
    tag = _common_tag(schemas, events)
    union, tags = schemas.event_union(events, "/x-events", tag)
    return ir.Webhooks(
        events=tuple(
            ir.Event(name, event_type, event_tags, summary)
            for (name, summary), (_, _, event_type), event_tags in zip(names, events, tags, strict=True)
        ),
        union=union,
        discriminator=tag,
        signatures=read_webhook_signatures(schemas.doc.data),
    )


def _operations(schemas: SchemaBuilder) -> list[_Found]:
    doc = schemas.doc
    found: list[_Found] = []
    for name, item in doc.data.get("webhooks", {}).items():
        at = join_pointer("webhooks", name)
        item, at = schemas.deref(item, at)
        for _, operation, op_at in view.item_operations(item, at):
            found.append((str(name), f"{name}_event", operation, op_at))
    used: set[str] = set()
    for op in view.operations(doc):
        for callback_name, callback in op.spec.get("callbacks", {}).items():
            callback, cb_at = schemas.deref(callback, op.pointer + join_pointer("callbacks", callback_name))
            used.add(cb_at)
            for expression, item in callback.items():
                if str(expression).startswith("x-"):  # an extension of the Callback Object
                    continue
                item, item_at = schemas.deref(item, cb_at + join_pointer(expression))
                for method, operation, op_at in view.item_operations(item, item_at):
                    event = f"{op.operation_id}/{callback_name}"
                    hint = str(operation.get("operationId") or f"{callback_name}_{method}_event")
                    found.append((event, hint, operation, op_at))
    _unused_callbacks(schemas, used)
    return found


def _unused_callbacks(schemas: SchemaBuilder, used: set[str]) -> None:
    """A callback of `components` that no operation names is no event of the API: say so, at the first."""
    unused = [
        at for name in schemas.doc.data.get("components", {}).get("callbacks", {})
        if (at := join_pointer("components", "callbacks", name)) not in used
    ]  # fmt: skip
    if unused:
        more = f" ({len(unused) - 1} more like it)" if len(unused) > 1 else ""
        schemas.warnings.append(
            Diagnostic(
                Severity.WARNING,
                schemas.doc.locate(unused[0]),
                f"no operation names this callback in its `callbacks`{more}, so it is no event of the API: "
                "no typed event is generated for it.",
                "name it from the operation that registers it (`callbacks: {name: {$ref: ...}}`), or remove it.",
            )
        )


def _json_body(schemas: SchemaBuilder, operation: dict[str, Any], at: str) -> tuple[Any, str] | None:
    body, body_at = schemas.deref(operation.get("requestBody"), f"{at}/requestBody")
    content = body.get("content", {}) if isinstance(body, dict) else {}
    media = next((m for m in content if media_kind(m) == "json"), None)
    if media is None or "schema" not in content[media]:
        schemas.warnings.append(
            Diagnostic(
                Severity.WARNING,
                schemas.doc.locate(body_at if isinstance(body, dict) else at),
                "this webhook or callback has no JSON request body with a schema, so no typed event is "
                "generated for it; `Webhooks.unwrap` still verifies it, but parses it only if another event fits.",
                "give it `requestBody: {content: {application/json: {schema: ...}}}`.",
            )
        )
        return None
    return content[media]["schema"], body_at + join_pointer("content", media, "schema")


def _pinned(schema: Any) -> dict[str, str]:
    """{property: value} of the properties a schema pins to one value (`const`, or an `enum` of one)."""
    pinned = {}
    for source in [schema, *schema.get("allOf", [])] if isinstance(schema, dict) else []:
        for name, prop in (source.get("properties", {}) if isinstance(source, dict) else {}).items():
            if isinstance(prop, dict) and "const" in prop:
                pinned[str(name)] = str(prop["const"])
            elif isinstance(prop, dict) and len(prop.get("enum", [])) == 1:
                pinned[str(name)] = str(prop["enum"][0])
    return pinned


def _common_tag(schemas: SchemaBuilder, events: list[tuple[Any, str, ir.TypeExpr]]) -> str | None:
    """The property every event pins, to a value no other event type shares; None when there is none."""
    if not events:
        return None
    pinned = [_pinned(schemas.deref(schema, at)[0]) for schema, at, _ in events]
    common = set.intersection(*(set(p) for p in pinned))
    by_value: dict[str, dict[str, ir.TypeExpr]] = {}
    for name in common:
        for values, (_, _, event_type) in zip(pinned, events, strict=True):
            by_value.setdefault(name, {}).setdefault(values[name], event_type)
    distinct = [
        name
        for name in common
        if all(by_value[name][v[name]] == t for v, (_, _, t) in zip(pinned, events, strict=True))
    ]
    ranked = sorted(distinct, key=lambda n: (_PREFERRED_TAGS.index(n) if n in _PREFERRED_TAGS else 99, n))
    return ranked[0] if ranked else None
