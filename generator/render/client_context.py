"""Stage 4a, the lookups and module-level constants one client module is built with.

`ClientContext` answers what the method builders need to know about the API (a model's fields, an
operation by id, a union's variants) and collects the constants the module defines (parsers,
`Endpoint`s, poll, page and action specs, failed-error classes), each named once per distinct value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from generator import ir
from generator.ir.names import ClassName, Identifier, words
from generator.render.endpoint_views import started_variants
from generator.render.python_code import construct, docstring, hint, literal


@dataclass(frozen=True)
class ConstantView:
    """A module-level constant: `name: hint = value`."""

    name: str
    hint: str
    value: str


# What every `WaitFailedError` (templates/package/_exceptions.py.jinja) holds: a failed error's property,
# named after its type, may not take it (tests/unit/ir/test_names.py checks it against the rendered class).
FAILED_ERROR_ATTRIBUTES = frozenset({"final", "args", "add_note", "with_traceback"})


@dataclass(frozen=True)
class FailedErrorView:
    """The error `wait` raises when work fails, with a typed property for the final object."""

    name: str
    subject: str
    type: str
    docstring: str


class Constants:
    """Module-level constants, named once per distinct value (parsers, poll and page specs)."""

    def __init__(self, qualified: frozenset[str]) -> None:
        self.by_value: dict[tuple[str, str], ConstantView] = {}
        self.taken: set[str] = set()  # the names given so far (kept as they are given: no rescan per constant)
        self.qualified = qualified  # type names written `types.X` (see `client_views._MODULE_NAMES`)

    def add(self, base: str, hint_text: str, value: str) -> str:
        key = (hint_text, value)
        if key not in self.by_value:
            name = "_" + "_".join(words(base)).upper()
            unique, counter = name, 1
            while unique in self.taken:
                counter += 1
                unique = f"{name}_{counter}"
            self.taken.add(unique)
            self.by_value[key] = ConstantView(unique, hint_text, value)
        return self.by_value[key].name

    def parser(self, t: ir.TypeExpr | None, kind: str = "json") -> str:
        """A response parser; the type is looked up in `types` when the first response needs it.

        Text and binary bodies are not validated: they are `str` and `bytes` as they came.
        """
        text = hint(t, self.qualified) if t is not None else "None"
        if kind in ("text", "binary"):
            value = f"ResponseType(target=lambda: None, kind={literal(kind)})"
            return self.add(f"{kind} body", f"ResponseType[{text}]", value)
        runtime = hint(t, module="types") if t is not None else "None"
        return self.add(text, f"ResponseType[{text}]", f"ResponseType(target=lambda: {runtime})")


class ClientContext:
    """What building one client needs to look up: models by name, operations by id, constants."""

    def __init__(self, api: ir.Api, module_names: frozenset[str]) -> None:
        self.api = api
        self.models = {d.name: d for d in api.definitions if isinstance(d, ir.Model)}
        self.unions = {d.name: d for d in api.definitions if isinstance(d, ir.UnionType)}
        self.operations = {op.operation_id: op for g in api.groups for op in g.operations}
        self.type_names = frozenset(str(d.name) for d in api.definitions)
        self.reserved = self.type_names & module_names
        self.constants = Constants(self.reserved)
        self.failed_errors: dict[str, FailedErrorView] = {}
        self.default_error = default_error(api)
        self.item_types: list[ir.TypeExpr] = []  # types the methods name beyond those of the operations
        # builtins the current resource's method names hide, and the reserved type names
        self.shadowed: frozenset[str] = self.reserved
        self.shapes: dict[tuple[str, frozenset[str]], Any] = {}  # `client_views._shape` of this module's calls

    def for_module(self) -> ClientContext:
        """A context for a resource module: the same lookups and wait errors (classes of client.py), its own
        constants and types. Every module defines the constants it uses, those of a status operation that
        several resources poll included: no module imports another's private names."""
        other = copy.copy(self)
        other.constants = Constants(self.reserved)
        other.item_types = []
        other.shapes = {}
        return other

    def attribute(self, t: ir.TypeExpr | None, wire_name: str) -> str:
        """The Python attribute of the property `wire_name` on (every variant of) type `t`."""
        while isinstance(t, ir.Nullable):
            t = t.inner
        if isinstance(t, ir.Named) and t.name in self.models:
            return next((f.name for f in self.models[t.name].fields if f.wire_name == wire_name), Identifier(wire_name))
        if isinstance(t, ir.Named) and t.name in self.unions:
            return self.attribute(self.unions[t.name].variants[0].type, wire_name)
        return Identifier(wire_name)

    def field_type(self, t: ir.TypeExpr | None, wire_name: str) -> ir.TypeExpr:
        while isinstance(t, ir.Nullable):
            t = t.inner
        if isinstance(t, ir.Named) and t.name in self.models:
            found = next((f.type for f in self.models[t.name].fields if f.wire_name == wire_name), None)
            if found is not None:
                return found
        return ir.Primitive("Any")

    def argument_hint(self, t: ir.TypeExpr) -> str:
        """A parameter's annotation: an object parameter (a model) may also be given as a plain dict."""
        while isinstance(t, ir.Nullable):
            t = t.inner
        text = hint(t, self.shadowed)
        options = t.options if isinstance(t, ir.UnionOf) else (t,)
        if any(isinstance(o, ir.Named) and o.name in self.models for o in options):
            text += f" | {hint(ir.DictOf(ir.Primitive('Any')), self.shadowed)}"
        return text

    def waited_type(self, op: ir.Operation, narrow: bool = True) -> ir.TypeExpr:
        """What waiting on `op`'s status object returns: its `x-poll` `result` shape, or the object itself."""
        assert op.poll is not None and op.success is not None and op.success.type is not None
        return op.poll.result if narrow and op.poll.result is not None else op.success.type

    def poll_spec(self, op: ir.Operation, narrow: bool = True) -> str:
        """The `PollSpec` constant of a status operation; `narrow=False` leaves out its `result` shape."""
        poll, success = op.poll, op.success
        assert poll is not None and success is not None
        progress = None
        if poll.progress_field:
            progress = literal(self.attribute(success.type, poll.progress_field))
        error = "".join(f"{literal(str(Identifier(step)))}, " for step in poll.error_path)
        result = None
        if narrow and poll.result is not None:
            self.item_types.append(poll.result)
            result = self.constants.parser(poll.result)
        value = construct(
            "PollSpec",
            status=literal(self.attribute(success.type, poll.status_field)),
            done=f"frozenset({literal(list(poll.done))})",
            failed=f"frozenset({literal(list(poll.failed))})",
            progress=progress,
            error=f"({error})" if error else None,
            result=result,
        )
        waited = hint(self.waited_type(op, narrow), self.shadowed)
        return self.constants.add(f"poll {op.operation_id}", f"PollSpec[{waited}]", value)

    def action_spec(self, op: ir.Operation, status_endpoint: str) -> tuple[str, str]:
        """The `ActionSpec` constant of a call that starts async work, and the type its handle returns."""
        starts = op.starts
        assert starts is not None
        target = self.operations[starts.operation_id]
        (path,) = [p for p in target.parameters if p.location == "path"]
        variants = started_variants(self.api, op)
        self.item_types.extend(variants)
        narrowed = " | ".join(dict.fromkeys(hint(v, self.shadowed) for v in variants))
        runtime = "".join(f"{t}, " for t in dict.fromkeys(hint(v, module="types") for v in variants))
        names = "".join(f"{literal(t)}, " for t in starts.types)
        id_from = self.attribute(op.success.type if op.success else None, starts.id_field)
        value = construct(
            "ActionSpec",
            endpoint=status_endpoint,
            argument=literal(path.name),
            poll=self.poll_spec(target),
            failed_error=self.failed_error(target),
            expected=f"lambda: ({runtime})",
            types=f"({names})",
            id_from=literal(id_from),
        )
        return self.constants.add(f"action {op.operation_id}", f"ActionSpec[{narrowed}]", value), narrowed

    def failed_error(self, op: ir.Operation) -> str:
        success = op.success
        assert success is not None and success.type is not None and op.poll is not None
        type_hint = hint(success.type)
        base = name = ClassName(f"{type_hint}FailedError")
        counter = 1
        while name in self.type_names:  # a schema of that name is exported beside it: take another
            counter += 1
            name = ClassName(f"{base}{counter}")
        typed = hint(success.type, self.shadowed)
        if name not in self.failed_errors:
            subject = Identifier((words(type_hint) or ("result",))[-1], FAILED_ERROR_ATTRIBUTES)
            text = (
                f"Waiting ended because the {type_hint} reached {' or '.join(op.poll.failed)}; "
                f"`{subject}` is its final state."
            )
            self.failed_errors[name] = FailedErrorView(name, subject, typed, docstring(text, 4))
        return name


def default_error(api: ir.Api) -> ir.TypeExpr | None:
    """The error body most operations document: used for statuses an operation does not list."""
    counts: dict[str, tuple[int, ir.TypeExpr]] = {}
    for op in (op for g in api.groups for op in g.operations):
        for response in op.responses:
            if not response.status.startswith("2") and response.type is not None:
                count, _ = counts.get(hint(response.type), (0, response.type))
                counts[hint(response.type)] = (count + 1, response.type)
    return max(counts.values(), key=lambda c: c[0])[1] if counts else None
