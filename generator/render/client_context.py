"""Stage 4a, what a client module is built with: the API's lookups, and the constants its methods use.

`ClientContext` answers what the method builders need to know about the API (a model's fields, an
operation by id, a union's variants); a resource's `Scope` builds its poll and action specs and parsers as
`Constant`s, which the module names once all its methods are built (`constants.names`). Every node built
here reports what its text needs imported (`Needs`) and which wait error it raises: nothing is collected.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import ir
from generator.ir.build_params import ParamTypes
from generator.ir.names import ClassName, Identifier, words
from generator.render.constants import Constant, call
from generator.render.endpoint_views import started_variants
from generator.render.needs import NOTHING, Needs, joined, uses
from generator.render.python_code import docstring, hint, literal, typed

# What every `WaitFailedError` (generator/runtime/_exceptions.py) holds: a failed error's property,
# named after its type, may not take it (tests/unit/ir/test_names.py checks it against the rendered class).
FAILED_ERROR_ATTRIBUTES = frozenset({"final", "args", "add_note", "with_traceback"})


@dataclass(frozen=True)
class FailedErrorView:
    """The error `wait` raises when work fails, with a typed property for the final object (a class of
    client.py: `needs` are what its annotation names)."""

    name: str
    subject: str
    type: str
    docstring: str
    needs: Needs = NOTHING


def parser(t: ir.TypeExpr | None, kind: str, qualified: frozenset[str]) -> Constant:
    """A response parser; the type is looked up in `types` when the first response needs it (`qualified`: the
    type names written `types.X`, see `client_views.MODULE_NAMES`).

    Text and binary bodies are not validated: they are `str` and `bytes` as they came.
    """
    text, needs = typed(t, qualified) if t is not None else ("None", NOTHING)
    needs |= uses("._runtime", "ResponseType")
    if kind in ("text", "binary"):
        value = f"ResponseType(target=lambda: None, kind={literal(kind)})"
        return Constant(f"ResponseType[{text}]", (value,), f"{kind} body", needs)
    runtime, runtime_needs = typed(t, module="types") if t is not None else ("None", NOTHING)
    return Constant(f"ResponseType[{text}]", (f"ResponseType(target=lambda: {runtime})",), text, needs | runtime_needs)


class ClientContext:
    """What building the client needs to look up: models by name, operations by id, the default error.

    Read-only once built, and shared by every module.
    """

    def __init__(self, api: ir.Api, module_names: frozenset[str]) -> None:
        self.api = api
        self.models = {d.name: d for d in api.definitions if isinstance(d, ir.Model)}
        self.unions = {d.name: d for d in api.definitions if isinstance(d, ir.UnionType)}
        self.operations = {op.operation_id: op for g in api.groups for op in g.operations}
        self.type_names = frozenset(str(d.name) for d in (*api.definitions, *api.params))
        self.param_types = ParamTypes(api.definitions, {p.of: p.name for p in api.params})
        self.reserved = self.type_names & module_names
        self.default_error = default_error(api)

    def attribute(self, t: ir.TypeExpr | None, wire_name: str) -> str:
        """The Python attribute of the property `wire_name` on (every variant of) type `t`."""
        while isinstance(t, ir.Nullable):
            t = t.inner
        if isinstance(t, ir.Named) and t.name in self.models:
            return next((f.name for f in self.models[t.name].fields if f.wire_name == wire_name), Identifier(wire_name))
        if isinstance(t, ir.Named) and t.name in self.unions:
            return self.attribute(self.unions[t.name].variants[0].type, wire_name)
        return Identifier(wire_name)

    def attribute_path(self, t: ir.TypeExpr | None, path: str) -> str:
        """The dotted wire-name `path` through `t` as dotted Python attributes (`meta.next_cursor`)."""
        attributes = []
        for name in path.split("."):
            attributes.append(self.attribute(t, name))
            t = self.field_type(t, name)
        return ".".join(attributes)

    def field_type(self, t: ir.TypeExpr | None, wire_name: str) -> ir.TypeExpr:
        while isinstance(t, ir.Nullable):
            t = t.inner
        if isinstance(t, ir.Named) and t.name in self.models:
            found = next((f.type for f in self.models[t.name].fields if f.wire_name == wire_name), None)
            if found is not None:
                return found
        return ir.Primitive("Any")

    def waited_type(self, op: ir.Operation, narrow: bool = True) -> ir.TypeExpr:
        """What waiting on `op`'s status object returns: its `x-poll` `result` shape, or the object itself."""
        assert op.poll is not None and op.success is not None and op.success.type is not None
        return op.poll.result if narrow and op.poll.result is not None else op.success.type

    def failed_error(self, op: ir.Operation, shadowed: frozenset[str]) -> FailedErrorView:
        """The wait error of status operation `op`, its annotation written for a resource hiding `shadowed`."""
        success = op.success
        assert success is not None and success.type is not None and op.poll is not None
        type_hint = hint(success.type)
        base = name = ClassName(f"{type_hint}FailedError")
        counter = 1
        while name in self.type_names:  # a schema of that name is exported beside it: take another
            counter += 1
            name = ClassName(f"{base}{counter}")
        subject = Identifier((words(type_hint) or ("result",))[-1], FAILED_ERROR_ATTRIBUTES)
        text = (
            f"Waiting ended because the {type_hint} reached {' or '.join(op.poll.failed)}; "
            f"`{subject}` is its final state."
        )
        typed_hint, needs = typed(success.type, shadowed)
        return FailedErrorView(name, subject, typed_hint, docstring(text, 4), needs)


@dataclass(frozen=True)
class Spec:
    """A constant a method passes to the client (a poll, action or follow spec), the type it yields and
    what that type's hint needs, and the wait error it raises."""

    constant: Constant
    hint: str
    needs: Needs
    failed_error: FailedErrorView


@dataclass(frozen=True)
class Scope:
    """Where a resource's methods are built: the client's lookups, and the names its methods hide (a method
    `list` hides the builtin) besides the reserved type names."""

    ctx: ClientContext
    shadowed: frozenset[str]

    def argument_hint(self, t: ir.TypeExpr) -> tuple[str, Needs]:
        """A parameter's annotation: an object parameter (a model) may also be given as a plain dict."""
        while isinstance(t, ir.Nullable):
            t = t.inner
        text, needs = typed(t, self.shadowed)
        options = t.options if isinstance(t, ir.UnionOf) else (t,)
        if any(isinstance(o, ir.Named) and o.name in self.ctx.models for o in options):
            plain, plain_needs = typed(ir.DictOf(ir.Primitive("Any")), self.shadowed)
            text, needs = f"{text} | {plain}", needs | plain_needs
        return text, needs

    def failed_error(self, op: ir.Operation) -> FailedErrorView:
        return self.ctx.failed_error(op, self.shadowed)

    def poll_spec(self, op: ir.Operation, narrow: bool = True) -> Spec:
        """The `PollSpec` constant of a status operation; `narrow=False` leaves out its `result` shape."""
        poll, success = op.poll, op.success
        assert poll is not None and success is not None
        progress = None
        if poll.progress_field:
            progress = literal(self.ctx.attribute(success.type, poll.progress_field))
        error = "".join(f"{literal(str(Identifier(step)))}, " for step in poll.error_path)
        result = None
        if narrow and poll.result is not None:
            result = self.parser(poll.result)
        value = call(
            "PollSpec",
            status=literal(self.ctx.attribute(success.type, poll.status_field)),
            done=f"frozenset({literal(list(poll.done))})",
            failed=f"frozenset({literal(list(poll.failed))})",
            progress=progress,
            error=f"({error})" if error else None,
            result=result,
        )
        waited, needs = typed(self.ctx.waited_type(op, narrow), self.shadowed)
        constant = Constant(
            f"PollSpec[{waited}]", value, f"poll {op.operation_id}", needs | uses("._polling", "PollSpec")
        )
        return Spec(constant, waited, needs, self.failed_error(op))

    def parser(self, t: ir.TypeExpr | None, kind: str = "json") -> Constant:
        return parser(t, kind, self.ctx.reserved)

    def action_spec(self, op: ir.Operation, status_endpoint: Constant) -> Spec:
        """The `ActionSpec` constant of a call that starts async work, and the type its handle returns."""
        starts = op.starts
        assert starts is not None
        target = self.ctx.operations[starts.operation_id]
        (path,) = [p for p in target.parameters if p.location == "path"]
        variants = started_variants(self.ctx.api, op)
        hints = [typed(v, self.shadowed) for v in variants]
        narrowed = " | ".join(dict.fromkeys(text for text, _ in hints))
        narrowed_needs = joined([needs for _, needs in hints])
        runtimes = [typed(v, module="types") for v in variants]
        runtime = "".join(f"{t}, " for t in dict.fromkeys(text for text, _ in runtimes))
        names = "".join(f"{literal(t)}, " for t in starts.types)
        id_from = self.ctx.attribute(op.success.type if op.success else None, starts.id_field)
        poll = self.poll_spec(target)
        value = call(
            "ActionSpec",
            endpoint=status_endpoint,
            argument=literal(path.name),
            poll=poll.constant,
            failed_error=poll.failed_error.name,
            expected=f"lambda: ({runtime})",
            types=f"({names})",
            id_from=literal(id_from),
        )
        needs = joined([narrowed_needs, *(n for _, n in runtimes), uses("._polling", "ActionSpec")])
        needs |= uses(".client", poll.failed_error.name)
        constant = Constant(f"ActionSpec[{narrowed}]", value, f"action {op.operation_id}", needs)
        return Spec(constant, narrowed, narrowed_needs, poll.failed_error)

    def page_spec(self, op: ir.Operation) -> tuple[str, Needs, Constant]:
        """The item hint of a paged operation (and what it needs), and its `PageSpec` constant (attributes by
        their Python names)."""
        page, success_type = op.pagination, op.success.type if op.success else None
        assert page is not None
        items: ir.TypeExpr | None = success_type
        for name in page.items_field.split(".") if page.items_field else ():
            items = self.ctx.field_type(items, name)
        while isinstance(items, ir.Nullable):
            items = items.inner
        item = items.item if isinstance(items, ir.ListOf) else ir.Primitive("Any")
        parameter = next(
            (p.name for p in op.parameters if p.wire_name == page.cursor_parameter and p.location == "query"), None
        )
        source = page.cursor_field
        if source is not None and page.kind != "header_cursor":  # a header keeps its name
            source = self.ctx.attribute_path(item if page.kind == "item_cursor" else success_type, source)
        attribute = self.ctx.attribute_path(success_type, page.items_field) if page.items_field else ""
        has_more = self.ctx.attribute_path(success_type, page.has_more_field) if page.has_more_field else None
        item_hint, item_needs = typed(item, self.shadowed)
        spec = Constant(
            f"PageSpec[{item_hint}]",
            call(
                "PageSpec",
                items=literal(attribute) if attribute else None,
                has_more=literal(has_more) if has_more is not None else None,
                parameter=literal(parameter) if parameter is not None else None,
                source=literal(source) if source is not None else None,
                kind=literal(page.kind) if page.kind != "item_cursor" else None,
            ),
            f"pages {op.operation_id}",
            item_needs | uses("._pagination", "PageSpec"),
        )
        return item_hint, item_needs, spec


def default_error(api: ir.Api) -> ir.TypeExpr | None:
    """The error body most operations document: used for statuses an operation does not list."""
    counts: dict[str, tuple[int, ir.TypeExpr]] = {}
    for op in (op for g in api.groups for op in g.operations):
        for response in op.responses:
            if not response.status.startswith("2") and response.type is not None:
                count, _ = counts.get(hint(response.type), (0, response.type))
                counts[hint(response.type)] = (count + 1, response.type)
    return max(counts.values(), key=lambda c: c[0])[1] if counts else None
