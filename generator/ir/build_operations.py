"""Stage 3b, paths to IR: operations grouped by tag, auth and servers.

Parameter, body and response schemas go through the same `SchemaBuilder` as the
component schemas, so an operation's types are decided in one place.
"""

from __future__ import annotations

from typing import Any

from generator import ir
from generator.ir.build_media import request_bodies, response_media
from generator.ir.build_models import SchemaBuilder, examples_of
from generator.ir.build_security import CLIENT_ARGUMENTS, fresh, requirements
from generator.ir.names import ClassName, Identifier, dedupe, words
from generator.load.document import Document, join_pointer
from generator.validate.extensions import (
    check_async_actions,
    check_follows,
    read_async_action,
    read_follow,
    read_method_name,
    read_pagination,
    read_poll,
)

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Method arguments the generated code uses itself (`RequestOptions` keys among them).
_RESERVED_PARAMS = frozenset(
    {"self", "body", "content_type", "extra_headers", "extra_query", "timeout", "content", "options"}
)
_LOCATIONS = ("path", "query", "header", "cookie")


def build_groups(
    doc: Document, schemas: SchemaBuilder, auth: tuple[ir.SecurityScheme, ...] = ()
) -> tuple[ir.Group, ...]:
    """Every operation of the document, grouped by its first tag, in spec order."""
    tag_docs = {t.get("name"): t.get("description", "") for t in doc.data.get("tags", []) if isinstance(t, dict)}
    grouped: dict[str, list[ir.Operation]] = {}
    for path, item in (doc.data.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                pointer = join_pointer("paths", path, method)
                tag = (item[method].get("tags") or ["default"])[0]
                grouped.setdefault(tag, []).append(_operation(doc, schemas, auth, path, method, item, pointer, tag))
    check_follows(doc, [op for ops in grouped.values() for op in ops])
    check_async_actions(doc, schemas, [op for ops in grouped.values() for op in ops])
    groups = []
    # Resource classes share client.py with the types it names: a schema called `PetsResource` keeps its
    # name, and the resource class takes the next free one. Tags that name the same attribute are told apart.
    type_names = {str(d.name) for d in schemas.definitions()}
    taken_classes: set[str] = set()
    attributes = dedupe([Identifier(tag) for tag in grouped])
    for (tag, operations), attribute in zip(grouped.items(), attributes, strict=True):
        names = dedupe([op.name for op in operations])
        operations = [_renamed(op, name) for op, name in zip(operations, names, strict=True)]
        base, counter = ClassName(f"{ClassName(tag)}Resource"), 1
        class_name = base
        while {class_name, f"Async{class_name}"} & (type_names | taken_classes):
            counter += 1
            class_name = ClassName(f"{base}{counter}")
        taken_classes.add(class_name)
        groups.append(ir.Group(attribute, class_name, tag_docs.get(tag, ""), tuple(operations)))
    return tuple(groups)


def _renamed(op: ir.Operation, name: Identifier) -> ir.Operation:
    return op if op.name == name else ir.Operation(**{**op.__dict__, "name": name})


def method_name(operation_id: str, tag: str) -> Identifier:
    """`list-async-actions` in tag `Async Actions` -> `list`; keeps the full name if nothing is left."""
    op_words = [w.lower() for w in words(operation_id)]
    tag_words = [w.lower() for w in words(tag)]
    for form in (tag_words, [*tag_words[:-1], tag_words[-1].rstrip("s")] if tag_words else []):
        for start in range(len(op_words) - len(form) + 1):
            if form and op_words[start : start + len(form)] == form and len(form) < len(op_words):
                return Identifier("_".join(op_words[:start] + op_words[start + len(form) :]))
    return Identifier(operation_id)


def _operation(
    doc: Document,
    schemas: SchemaBuilder,
    auth: tuple[ir.SecurityScheme, ...],
    path: str,
    method: str,
    item: dict[str, Any],
    pointer: str,
    tag: str,
) -> ir.Operation:
    spec = item[method]
    operation_id = spec.get("operationId") or f"{method} {path}"
    hint = ClassName(operation_id)
    raw_params: dict[tuple[ir.ParameterLocation, str], tuple[Any, str]] = {}
    for level, source in ((join_pointer("paths", path), item), (pointer, spec)):
        for i, param in enumerate(source.get("parameters", [])):
            param_pointer = f"{level}/parameters/{i}"
            if "$ref" in param:
                param_pointer = schemas.ref_target(param["$ref"], param_pointer)
                param = doc.resolve(param_pointer)
            if param.get("in") in _LOCATIONS:
                raw_params[(param["in"], param["name"])] = (param, param_pointer)
    py_names = dedupe([Identifier(name, _RESERVED_PARAMS) for _, name in raw_params])
    parameters = [
        _parameter(schemas, py_name, location, param, param_pointer, f"{hint}{ClassName(wire)}")
        for py_name, ((location, wire), (param, param_pointer)) in zip(py_names, raw_params.items(), strict=True)
    ]
    body_type, body_required, body_examples = None, False, ()
    bodies: tuple[ir.RequestBody, ...] = ()
    if "requestBody" in spec:
        body_pointer = f"{pointer}/requestBody"
        body = spec["requestBody"]
        if "$ref" in body:
            body_pointer = schemas.ref_target(body["$ref"], body_pointer)
            body = doc.resolve(body_pointer)
        bodies = request_bodies(schemas, body, body_pointer, f"{hint}Body", schemas.warnings)
        types = tuple(dict.fromkeys(b.type for b in bodies))
        body_type = (types[0] if len(types) == 1 else ir.UnionOf(types)) if types else ir.Primitive("Any")
        body_required = bool(body.get("required"))
        body_examples = _json_examples(body)
    responses = []
    for status, response in (spec.get("responses") or {}).items():
        response_pointer = pointer + join_pointer("responses", status)
        if "$ref" in response:
            response_pointer = schemas.ref_target(response["$ref"], response_pointer)
            response = doc.resolve(response_pointer)
        media_types, kind, response_type = response_media(
            schemas, response, response_pointer, f"{hint}Response{status}"
        )
        responses.append(
            ir.Response(
                str(status),
                response.get("description", ""),
                response_type,
                tuple(response.get("headers", {})),
                _json_examples(response),
                media_types,
                kind,
            )
        )
    success = next((r for r in responses if r.status.startswith("2")), None)
    success_type = success.type if success else None
    poll = read_poll(doc, schemas, spec, pointer, success_type)
    pagination = read_pagination(doc, schemas, spec, pointer, success_type, [p.wire_name for p in parameters])
    follow = read_follow(doc, spec, pointer, success.status) if success else None
    return ir.Operation(
        operation_id=operation_id,
        name=read_method_name(doc, spec, pointer) or method_name(operation_id, tag),
        group=Identifier(tag),
        method=method.upper(),
        path=path,
        pointer=pointer,
        parameters=tuple(parameters),
        responses=tuple(responses),
        body=body_type,
        body_required=body_required,
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        poll=poll,
        pagination=pagination,
        follow=follow,
        body_examples=body_examples,
        security=requirements(doc, spec, auth),
        bodies=bodies,
        starts=read_async_action(doc, schemas, spec, pointer, [r for r in responses if r.status.startswith("2")]),
    )


def _parameter(
    schemas: SchemaBuilder, name: Identifier, location: ir.ParameterLocation, param: Any, pointer: str, hint: str
) -> ir.Parameter:
    """One parameter: its type from `schema` (or from the schema of its `content`), and how it is serialized."""
    schema, schema_pointer, media_type = param.get("schema", {}), f"{pointer}/schema", None
    content = param.get("content")
    if "schema" not in param and isinstance(content, dict) and content:
        media_type = next(iter(content))
        holder = content[media_type] if isinstance(content[media_type], dict) else {}
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
        _media_examples(param) or examples_of(schema),
        style,
        param["explode"] if isinstance(param.get("explode"), bool) else None,
        bool(param.get("allowReserved")),
        media_type,
    )


def _media_examples(holder: Any) -> tuple[Any, ...]:
    """Examples of a parameter or media type: `example`, or the values of `examples`."""
    if not isinstance(holder, dict):
        return ()
    if isinstance(holder.get("examples"), dict):
        return tuple(e["value"] for e in holder["examples"].values() if isinstance(e, dict) and "value" in e)
    return (holder["example"],) if "example" in holder else ()


def _json_examples(holder: dict[str, Any]) -> tuple[Any, ...]:
    """Examples of the JSON body of a request or response."""
    for media, content in (holder.get("content") or {}).items():
        if media == "application/json" or media.endswith("+json"):
            return _media_examples(content) or examples_of(content.get("schema") if isinstance(content, dict) else None)
    return ()


def _constant(schema: Any) -> str | None:
    if isinstance(schema, dict):
        if isinstance(schema.get("const"), str):
            return str(schema["const"])
        enum = schema.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
            return enum[0]
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
        for name, var in (server.get("variables") or {}).items()
    )
    return str(server.get("url", "")), variables
