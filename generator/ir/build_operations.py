"""Stage 3b, paths to IR: one operation (parameters, bodies, responses, extensions), and the servers.

Parameter, body and response schemas go through the same `SchemaBuilder` as the
component schemas, so an operation's types are decided in one place.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.build_media import request_bodies, response_media
from generator.ir.build_models import SchemaBuilder
from generator.ir.build_security import CLIENT_ARGUMENTS, fresh, requirements
from generator.ir.build_streams import stream_flag
from generator.ir.detect_pagination import detect
from generator.ir.example_values import EXAMPLE_BYTES, example_value
from generator.ir.idempotency import is_idempotency_key
from generator.ir.names import ClassName, Identifier, dedupe
from generator.ir.read_extensions import (
    pagination_detected,
    read_async_action,
    read_follow,
    read_method_name,
    read_pagination,
    read_poll,
)
from generator.load.document import Document, join_pointer, ref_pointer
from generator.validate import view
from generator.validate.schema_shapes import examples_of

_VALUES = {"value", "dataValue"}  # an Example Object's value as data
# Method arguments the generated code uses itself (`RequestOptions` keys among them).
_RESERVED_PARAMS = frozenset(
    {"self", "body", "content_type", "extra_headers", "extra_query", "timeout", "content", "max_reconnects"}
    | {"options", "max_retries", "idempotency_key"}
)


def build_operation(
    doc: Document,
    schemas: SchemaBuilder,
    auth: tuple[ir.SecurityScheme, ...],
    route: view.Operation,
    group: Identifier,
    default_name: Identifier,
) -> ir.Operation:
    """One operation of resource `group`, named `default_name` unless the spec names its method."""
    spec, pointer, operation_id = route.spec, route.pointer, route.operation_id
    hint = ClassName(operation_id)
    declared = {key: p for key, p in route.parameters(doc).items() if not is_idempotency_key(p)}
    py_names = dedupe([Identifier(name, _RESERVED_PARAMS) for _, name in declared])
    parameters = [
        _parameter(schemas, py_name, param, f"{hint}{ClassName(param.name)}")
        for py_name, param in zip(py_names, declared.values(), strict=True)
    ]
    body_type, body_required, body_examples = None, False, ()
    bodies: tuple[ir.RequestBody, ...] = ()
    if "requestBody" in spec:
        body_pointer = f"{pointer}/requestBody"
        body = spec["requestBody"]
        if "$ref" in body:
            body_pointer = ref_pointer(body["$ref"])
            body = doc.resolve(body_pointer)
        _media_references(doc, body, body_pointer, schemas.warnings)
        bodies = request_bodies(schemas, body, body_pointer, f"{hint}Body", schemas.warnings)
        types = tuple(dict.fromkeys(b.type for b in bodies))
        body_type = (types[0] if len(types) == 1 else ir.UnionOf(types)) if types else ir.Primitive("Any")
        body_required = bool(body.get("required"))
        body_examples = _json_examples(body) or _made_up(doc, body)
    responses: list[ir.Response] = []
    follow: ir.Follow | None = None
    for status, response, response_pointer in route.responses(doc):
        _media_references(doc, response, response_pointer, schemas.warnings)
        media_types, kind, response_type, stream = response_media(
            schemas, response, response_pointer, f"{hint}Response{status}"
        )
        if status.startswith("2") and not any(r.status.startswith("2") for r in responses):
            follow = read_follow(response)  # of the first 2xx answer, which the method returns
        responses.append(
            ir.Response(
                status,
                response.get("description") or response.get("summary", ""),  # OpenAPI 3.2: either, or neither
                response_type,
                tuple(response.get("headers", {})),
                _json_examples(response),
                media_types,
                kind,
                stream,
            )
        )
    pagination = read_pagination(spec)
    success = next((r for r in responses if r.status.startswith("2")), None)
    offered = success is not None and success.kind == "json" and success.stream is not None
    flag = stream_flag(schemas, body) if offered and "requestBody" in spec else None
    operation = ir.Operation(
        operation_id=operation_id,
        name=read_method_name(spec) or default_name,
        group=group,
        # An `additionalOperations` key is the method as sent: HTTP methods are case-sensitive.
        method=route.method.upper() if route.method in view.METHODS else route.method,
        path=route.path.split("#", 1)[0],  # a fragment only tells operations apart: it is never sent
        pointer=pointer,
        parameters=tuple(parameters),
        responses=tuple(responses),
        body=body_type,
        body_required=body_required,
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        poll=read_poll(schemas, spec, pointer),
        pagination=pagination,
        follow=follow,
        body_examples=body_examples,
        security=requirements(doc, spec, auth),
        bodies=bodies,
        starts=read_async_action(schemas, spec, [r for r in responses if r.status.startswith("2")]),
        server=_own_server(doc, ((spec, pointer), (route.item, join_pointer("paths", route.path))), schemas.warnings),
        stream_flag=flag,
    )
    if pagination is None and pagination_detected(doc, spec):
        return replace(operation, pagination=detect(schemas, operation))
    return operation


def _parameter(schemas: SchemaBuilder, name: Identifier, declared: view.Parameter, hint: str) -> ir.Parameter:
    """One parameter: its type from `schema` (or from the schema of its `content`), and how it is serialized."""
    param, pointer, location = declared.spec, declared.pointer, cast(ir.ParameterLocation, declared.location)
    schema, schema_pointer, media_type = param.get("schema", {}), f"{pointer}/schema", None
    if "content" in param:  # a map of exactly one media type, where there is no `schema`
        media_type = next(iter(param["content"]))
        holder = param["content"][media_type]
        schema, schema_pointer = holder.get("schema", {}), pointer + join_pointer("content", media_type, "schema")
    constant = _constant(schema) if param.get("required") and location == "header" else None
    style = str(param.get("style", ""))  # the validator has checked it is one the location allows
    return ir.Parameter(
        name,
        param["name"],
        location,
        schemas.type_of(schema, schema_pointer, hint),
        bool(param.get("required")) or location == "path",
        param.get("description", ""),
        constant,
        _media_examples(param) or examples_of(schema) or (example_value(schemas.doc, schema, name),),
        style,
        param.get("explode"),
        bool(param.get("allowReserved")),
        media_type,
    )


def _media_references(doc: Document, holder: dict[str, Any], pointer: str, warnings: list[Diagnostic]) -> None:
    """A media type that is a `$ref` (OpenAPI 3.2's `components/mediaTypes`) is not followed: warned about."""
    for media, content in holder.get("content", {}).items():
        if "$ref" in content:
            _once(
                warnings,
                Diagnostic(
                    Severity.WARNING,
                    doc.locate(pointer + join_pointer("content", media, "$ref")),
                    f"the media type {media!r} is a reference ({content['$ref']!r}), which the generator does not "
                    "follow: its body is typed `Any`.",
                    "write the Media Object in place (its `schema` may still be a `$ref`).",
                ),
            )


def _media_examples(holder: dict[str, Any]) -> tuple[Any, ...]:
    """Examples of a parameter or media type: `example`, or the values of `examples` (`dataValue` in OpenAPI
    3.2; a `$ref`'d one has none)."""
    if "examples" in holder:
        return tuple(e.get("value", e.get("dataValue")) for e in holder["examples"].values() if e.keys() & _VALUES)
    return (holder["example"],) if "example" in holder else ()


def _made_up(doc: Document, body: dict[str, Any]) -> tuple[Any, ...]:
    """An example of a body in its first (default) media type, made up from its schema for the docs' calls
    (`example_value`): multipart files and binary bodies as bytes."""
    for media, content in body.get("content", {}).items():
        schema = content.get("schema") if isinstance(content, dict) else None
        if media == "application/json" or media.endswith("+json") or media.startswith("text/"):
            return (example_value(doc, schema),)
        if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
            return (example_value(doc, schema, files=media == "multipart/form-data"),)
        return (EXAMPLE_BYTES,)
    return ()


def _json_examples(holder: dict[str, Any]) -> tuple[Any, ...]:
    """Examples of the JSON body of a request or response."""
    for media, content in holder.get("content", {}).items():
        if media == "application/json" or media.endswith("+json"):
            return _media_examples(content) or examples_of(content.get("schema"))
    return ()


def _constant(schema: Any) -> str | None:
    if isinstance(schema, dict):
        if isinstance(schema.get("const"), str):
            return str(schema["const"])
        enum = schema.get("enum", [])
        if len(enum) == 1 and isinstance(enum[0], str):
            return str(enum[0])
    return None


def build_server(doc: Document) -> tuple[str, tuple[ir.ServerVariable, ...]]:
    """The first server's URL template and its variables (client arguments, named apart from the others)."""
    servers = doc.data.get("servers") or [{"url": ""}]
    server = servers[0]
    taken = set(CLIENT_ARGUMENTS)
    variables = tuple(
        ir.ServerVariable(
            fresh(Identifier(name), taken),
            name,
            str(var.get("default", "")),
            tuple(map(str, var.get("enum", []))),
            var.get("description", ""),
        )
        for name, var in server.get("variables", {}).items()
    )
    return str(server.get("url", "")), variables


def _own_server(doc: Document, levels: tuple[tuple[Any, str], ...], warnings: list[Diagnostic]) -> str | None:
    """The URL an operation is sent to when its `servers` (else its path's: `levels` innermost first) differ
    from the document's; None otherwise. Its variables take their defaults (only the document's are client
    arguments), with a note."""
    for holder, level in levels:
        servers = holder.get("servers")
        if not servers:
            continue
        at, server = f"{level}/servers", servers[0]
        if server == (doc.data.get("servers") or [None])[0]:
            return None  # the document's own: the client's `base_url` (and its variables) apply
        if len(servers) > 1:
            _once(
                warnings,
                Diagnostic(
                    Severity.WARNING,
                    doc.locate(at),
                    f"{len(servers)} servers are listed; the client sends this operation to the first only.",
                    "list the server the operation should use first.",
                ),
            )
        url = str(server.get("url", ""))
        for name, var in server.get("variables", {}).items():
            default = str(var["default"])
            url = url.replace("{" + name + "}", default)
            _once(
                warnings,
                Diagnostic(
                    Severity.NOTE,
                    doc.locate(at + join_pointer("0", "variables", name)),
                    f"the server variable {name!r} of this operation is sent as its default {default!r}; "
                    "only the document's server variables are client arguments.",
                    "move the variable to the document's server to make it an argument.",
                ),
            )
        return url.rstrip("/")
    return None


def _once(warnings: list[Diagnostic], diagnostic: Diagnostic) -> None:
    """Report a path's servers once, not once for each of its operations."""
    if diagnostic not in warnings:
        warnings.append(diagnostic)
