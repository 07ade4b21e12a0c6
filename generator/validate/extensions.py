"""Stage 2, our `x-` extensions checked: `x-poll`, `x-pagination`, `x-poll-location`, `x-async-action`,
`x-python-method`, `x-stream-terminator`, each well formed and naming what exists (fields of the answer, query
parameters, operations, discriminator values), each error located at the part that is wrong.

`ir/read_extensions.py` reads them into the IR, trusting what is checked here. Runs on a document whose
structure and references are valid; the fields an extension names are found as `objects.py` says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.errors import Diagnostic, SpecError
from generator.load.document import Document, join_pointer, ref_pointer
from generator.validate import view
from generator.validate.objects import Object, Objects, is_json, is_stream
from generator.validate.webhook_signature import check_webhook_signature

POLL_HINT = (
    "write it as `x-poll: {status: <field>, done: [<values>], failed: [<values>], progress: <field>, "
    "error: <dotted path to the failure's message>, result: '#/components/schemas/<the done shape>'}`."
)
PAGE_HINT = (
    "write it as `x-pagination: {items: <field>, has_more: <field>, <one way to the next page>}`, the way one of "
    "`cursor: {parameter: <query parameter>, from: <item field> | next: <answer field> | header: <name>}`, "
    "`next_url: <answer field>`, `link_header: true`, `page: <integer parameter>` or `offset: <integer "
    "parameter>`; or `x-pagination: false` (docs/extensions.md)."
)
_PAGE_PATH_HINT = "name a property of the answer; a dotted path (`meta.next_cursor`) reaches into nested objects."
PAGE_WAYS = ("cursor", "next_url", "link_header", "page", "offset")
CURSOR_SOURCES = ("from", "next", "header")
FOLLOW_HINT = "write it as `x-poll-location: {header: Location, operation: <operationId with x-poll>}`."
_ACTION_HINT = (
    "write it as `x-async-action: {id: <response field>, operation: <operationId with x-poll>, "
    "types: [<discriminator values of its response>]}`."
)
_Schema = tuple[Any, str]  # a schema and its pointer


def extension_errors(doc: Document) -> list[Diagnostic]:
    """The errors in the document's extensions: the first of each operation's, then those between operations."""
    found: list[Diagnostic] = []

    def check(function: Callable[..., None], *args: Any) -> bool:
        try:
            function(*args)
        except SpecError as error:
            found.extend(error.diagnostics)
            return False
        return True

    check(_document_pagination, doc)
    check(check_webhook_signature, doc)
    objects = Objects(doc)
    operations = [_Operation(doc, objects, op, op.parameters(doc)) for op in view.operations(doc)]
    sound = [op for op in operations if check(op.check)]  # only these are checked against the others
    check(_follows, doc, operations, sound)
    check(_async_actions, doc, objects, operations, sound)
    return found


def _document_pagination(doc: Document) -> None:
    if not isinstance(doc.data.get("x-pagination", True), bool):
        raise doc.error("/x-pagination", "A top-level `x-pagination` is `false` or nothing.", PAGE_HINT)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


@dataclass
class _Operation:
    """One operation, with what its extensions are checked against: its answers and query parameters."""

    doc: Document
    objects: Objects
    operation: view.Operation
    parameters: dict[tuple[str, str], view.Parameter]

    @property
    def spec(self) -> dict[str, Any]:
        return self.operation.spec

    @property
    def pointer(self) -> str:
        return self.operation.pointer

    def successes(self) -> list[tuple[dict[str, Any], str]]:
        """The 2xx responses and their pointers."""
        return [(response, at) for status, response, at in self.operation.responses(self.doc) if status[0] == "2"]

    def body(self, response: dict[str, Any], pointer: str) -> _Schema | None:
        """The schema of a response's JSON body (the media type the client reads), None for no JSON."""
        content = response.get("content", {})
        chosen = next((m for m in content if is_json(m)), next(iter(content), None))
        if chosen is None or not is_json(chosen):
            return None
        return content[chosen].get("schema", {}), pointer + join_pointer("content", chosen, "schema")

    def success(self) -> _Schema | None:
        """The JSON body of the first 2xx answer, which the method returns."""
        first = next(iter(self.successes()), None)
        return self.body(*first) if first else None

    def check(self) -> None:
        self._poll()
        self._pagination()
        self._follow()
        self._method_name()
        self._async_action()
        self._stream_terminators()

    def _stream_terminators(self) -> None:
        """`x-stream-terminator` on a response's media type: the text (or null: none) that ends a stream."""
        for _, response, at in self.operation.responses(self.doc):
            for media, content in response.get("content", {}).items():
                if not isinstance(content, dict) or "x-stream-terminator" not in content:
                    continue
                where = at + join_pointer("content", media, "x-stream-terminator")
                value = content["x-stream-terminator"]
                if not is_stream(media):
                    raise self.doc.error(
                        where,
                        f"`x-stream-terminator` applies to a stream; {media!r} is not one.",
                        "put it on a text/event-stream, JSON lines or JSON sequence media type.",
                    )
                if value is not None and (not isinstance(value, str) or not value or "\n" in value):
                    raise self.doc.error(
                        where,
                        "`x-stream-terminator` is one line of text, or null.",
                        "write the `data` (or line) that ends the stream: `x-stream-terminator: END`.",
                    )

    def _method_name(self) -> None:
        key = next((k for k in ("x-python-method", "x-method-name") if k in self.spec), None)
        if key is not None and (not isinstance(self.spec[key], str) or not self.spec[key].strip()):
            raise self.doc.error(f"{self.pointer}/{key}", f"`{key}` must be a name.", "write a snake_case name.")

    def _poll(self) -> None:
        if "x-poll" not in self.spec:
            return
        spec, pointer = self.spec["x-poll"], f"{self.pointer}/x-poll"
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
            raise self.doc.error(pointer, "`x-poll` is malformed.", POLL_HINT)
        error = spec["error"].split(".") if spec.get("error") else []
        fields = [spec["status"], *filter(None, [spec.get("progress")]), *error[:1]]
        self._require_fields(pointer, self.success(), fields, "x-poll")
        if "result" in spec:
            self._require_fields(f"{pointer}/result", self._result(spec["result"], pointer), [spec["status"]], "x-poll")

    def _result(self, ref: str, pointer: str) -> _Schema:
        """The component schema `x-poll`'s `result` names: the status object's shape once done."""
        try:
            found = ref.startswith("#/components/schemas/") and isinstance(self.doc.resolve(ref_pointer(ref)), dict)
        except KeyError:
            found = False
        if not found:
            raise self.doc.error(
                f"{pointer}/result",
                f"`x-poll` names the result {ref!r}, which is not a schema of this document's `components/schemas`.",
                "write `result: '#/components/schemas/<Name>'` naming the status object's shape once it is done.",
            )
        return {"$ref": ref}, f"{pointer}/result"

    def _require_fields(self, pointer: str, schema: _Schema | None, fields: list[str], what: str) -> None:
        """Every object `schema` can be must have each of `fields` (wire names)."""
        objects = self.objects.of(*schema) if schema is not None else []
        if not objects:
            raise self.doc.error(
                pointer,
                f"`{what}` is on an operation whose success response is not an object.",
                f"put `{what}` on an operation that returns a JSON object.",
            )
        for field in fields:
            if missing := _lacking(objects, field):
                raise self.doc.error(
                    pointer,
                    f"`{what}` names the field {field!r}, which {', '.join(missing)} does not have.",
                    "name a property of the response object.",
                )

    def _field_path(self, pointer: str, schema: _Schema | None, path: str, what: str) -> _Schema:
        """The schema at the dotted `path` of wire names through `schema`, which every object on the way has."""
        for name in path.split("."):
            objects = self.objects.of(*schema) if schema is not None else []
            missing = _lacking(objects, name)
            if not objects or missing:
                owner = ", ".join(missing) or "an answer that is not an object"
                raise self.doc.error(pointer, f"{what} names {path!r}, but {owner} has no {name!r}.", _PAGE_PATH_HINT)
            schema = objects[0].properties[name]
        assert schema is not None
        return schema

    def _query_parameter(self, pointer: str, name: Any, numeric: bool = False) -> None:
        """`name` must be a query parameter (a number where the next page counts up)."""
        found = self.parameters.get(("query", name)) if isinstance(name, str) else None
        if found is None:
            raise self.doc.error(
                pointer,
                f"`x-pagination` names the parameter {name!r}, which is not a query parameter of the operation.",
                "name one of the operation's query parameters.",
            )
        if numeric and not self._numeric(found.spec, found.pointer):
            raise self.doc.error(
                pointer,
                f"`x-pagination` counts the parameter {name!r} up, but it is not an integer: it is a token.",
                "declare it `type: integer`, or write `cursor: {parameter, next}` naming the field with the next "
                "token.",
            )

    def _numeric(self, parameter: dict[str, Any], pointer: str) -> bool:
        content = parameter.get("content", {})
        holder = content[next(iter(content))] if "schema" not in parameter and content else parameter
        schema = self.objects.deref(holder.get("schema", {}), pointer)[0]
        if not isinstance(schema, dict) or "enum" in schema or "const" in schema:
            return False
        kinds = schema.get("type")
        kinds = [k for k in kinds if k != "null"] if isinstance(kinds, list) else [kinds]
        return kinds in (["integer"], ["number"])

    def _pagination(self) -> None:
        if self.spec.get("x-pagination", False) is False:
            return
        spec, pointer = self.spec["x-pagination"], f"{self.pointer}/x-pagination"
        ways = [key for key in PAGE_WAYS if key in spec] if isinstance(spec, dict) else []
        if not isinstance(spec, dict) or len(ways) != 1:
            raise self.doc.error(
                pointer, "`x-pagination` is malformed: it names no way, or several, to the next page.", PAGE_HINT
            )
        for key in spec:
            if key not in (*PAGE_WAYS, "items", "has_more"):
                raise self.doc.error(f"{pointer}/{key}", f"`x-pagination` has no {key!r}.", PAGE_HINT)
        for key in ("items", "has_more", "next_url", "page", "offset"):
            if key in spec and not isinstance(spec[key], str):
                raise self.doc.error(f"{pointer}/{key}", f"`x-pagination`'s {key!r} is not a string.", PAGE_HINT)
        success = self.success()
        at, items = pointer, success
        if "items" in spec:
            at = f"{pointer}/items"
            items = self._field_path(at, success, spec["items"], "`items`")
        item = self.objects.array_items(*items) if items is not None else None
        if item is None:
            raise self.doc.error(at, "`x-pagination`'s items are not an array.", _PAGE_PATH_HINT)
        if "has_more" in spec:
            self._field_path(f"{pointer}/has_more", success, spec["has_more"], "`has_more`")
        way = ways[0]
        if way in ("page", "offset"):
            self._query_parameter(f"{pointer}/{way}", spec[way], numeric=True)
        elif way == "next_url":
            self._field_path(f"{pointer}/next_url", success, spec["next_url"], "`next_url`")
        elif way == "link_header" and spec["link_header"] is not True:
            raise self.doc.error(f"{pointer}/link_header", "`x-pagination`'s `link_header` is not `true`.", PAGE_HINT)
        elif way == "cursor":
            self._cursor(spec["cursor"], f"{pointer}/cursor", item, success)

    def _cursor(self, cursor: Any, at: str, item: _Schema, success: _Schema | None) -> None:
        sources = [key for key in CURSOR_SOURCES if key in cursor] if isinstance(cursor, dict) else []
        if not isinstance(cursor, dict) or len(sources) != 1 or not all(isinstance(v, str) for v in cursor.values()):
            raise self.doc.error(at, "`x-pagination`'s `cursor` is malformed.", PAGE_HINT)
        self._query_parameter(f"{at}/parameter", cursor.get("parameter"))
        source = sources[0]
        if source != "header":
            holder = item if source == "from" else success
            self._field_path(f"{at}/{source}", holder, cursor[source], f"`cursor`'s `{source}`")

    def _follow(self) -> None:
        """`x-poll-location` of the first 2xx answer: its header declared there."""
        first = next(iter(self.successes()), None)
        if first is None or "x-poll-location" not in first[0]:
            return
        response, pointer = first
        spec, pointer = response["x-poll-location"], f"{pointer}/x-poll-location"
        if not (
            isinstance(spec, dict) and isinstance(spec.get("header"), str) and isinstance(spec.get("operation"), str)
        ):
            raise self.doc.error(pointer, "`x-poll-location` is malformed.", FOLLOW_HINT)
        if spec["header"] not in response.get("headers", {}):
            raise self.doc.error(pointer, f"the response does not declare the header {spec['header']!r}.", FOLLOW_HINT)

    def _async_action(self) -> None:
        """`x-async-action`: well formed, its `id` a field of one of the 2xx answers."""
        if "x-async-action" not in self.spec:
            return
        spec, pointer = self.spec["x-async-action"], f"{self.pointer}/x-async-action"
        valid = (
            isinstance(spec, dict)
            and isinstance(spec.get("id"), str)
            and isinstance(spec.get("operation"), str)
            and _strings(spec.get("types"))
            and spec["types"]
        )
        if not valid:
            raise self.doc.error(pointer, "`x-async-action` is malformed.", _ACTION_HINT)
        bodies = [self.body(*success) for success in self.successes()]
        if not any(_has_field(self.objects.of(*body), spec["id"]) for body in bodies if body is not None):
            self._require_fields(pointer, bodies[0] if bodies else None, [spec["id"]], "x-async-action")


def _has_field(objects: list[Object], field: str) -> bool:
    """Whether every one of `objects` (at least one) has `field`."""
    return bool(objects) and not _lacking(objects, field)


def _lacking(objects: list[Object], field: str) -> list[str]:
    return [o.name for o in objects if field not in o.properties]


def _follows(doc: Document, operations: list[_Operation], sound: list[_Operation]) -> None:
    """Every `x-poll-location` must name an operation that has `x-poll`."""
    polled = {op.operation.operation_id for op in operations if "x-poll" in op.spec}
    for op in sound:
        first = next(iter(op.successes()), None)
        follow = first[0].get("x-poll-location") if first else None
        if follow is not None and follow["operation"] not in polled:
            raise doc.error(
                op.pointer,
                f"`x-poll-location` names {follow['operation']!r}, which is not an operation with `x-poll`.",
                FOLLOW_HINT,
            )


def _async_actions(doc: Document, objects: Objects, operations: list[_Operation], sound: list[_Operation]) -> None:
    """Every `x-async-action` must name an operation with `x-poll` and one path parameter (the ID), and
    types its tagged union of status objects knows."""
    by_id = {op.operation.operation_id: op for op in operations}
    for op in sound:
        if "x-async-action" not in op.spec:
            continue
        spec, pointer = op.spec["x-async-action"], f"{op.pointer}/x-async-action"
        target = by_id.get(spec["operation"])
        if target is None or "x-poll" not in target.spec or [key[0] for key in target.parameters].count("path") != 1:
            raise doc.error(
                pointer,
                f"`x-async-action` names {spec['operation']!r}, which is not an operation with `x-poll` "
                "and one path parameter (the ID).",
                _ACTION_HINT,
            )
        success = target.success()
        tags = objects.tags(*success) if success is not None else []
        unknown = [t for t in spec["types"] if t not in tags]
        if unknown:
            raise doc.error(
                pointer,
                f"`x-async-action` names the type(s) {', '.join(map(repr, unknown))}, which the response of "
                f"{spec['operation']!r} does not tag (it knows {', '.join(sorted(tags)) or 'none'}).",
                "name discriminator values of that operation's response union.",
            )
