"""What changed for callers between two versions of an API: models, fields, enum values, union
variants, operations and parameters, each marked breaking or not.

Rules: removing anything is breaking; adding an optional field or parameter, an enum value (enums
are open) or a union variant is not; a new required field or parameter is breaking; a type change
is breaking unless the new type only widens the old one (`X` -> `X | None`, `X` -> `X | Y`).

A field change that several models share through `allOf` is one change: it is reported on the base
model and names the models that include it in `also`, breaking or not as the change itself is.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from generator import ir
from generator.ir.names import indefinite
from generator.render.python_code import hint


@dataclass(frozen=True)
class Change:
    """One change a caller may notice."""

    package: str
    kind: str  # model, field, enum value, union variant, operation, parameter, response
    subject: str  # e.g. `AsyncAction.result`, `async_actions.list(limit)`
    change: str  # added, removed, changed
    breaking: bool
    detail: str = ""
    also: tuple[str, ...] = ()  # the other models the same field change reaches, through `allOf`


@dataclass(frozen=True)
class _FieldChange:
    """A change to the field `wire` of one model, with the field before and after, to find the models sharing it."""

    model: str
    wire: str
    change: Change
    before: ir.Field | None
    after: ir.Field | None

    def same_as(self, other: _FieldChange) -> bool:
        """The same change to an equal field (name, type, description, examples), in whichever model."""
        return (self.wire, self.change.change, self.change.detail, self.before, self.after) == (
            other.wire,
            other.change.change,
            other.change.detail,
            other.before,
            other.after,
        )


def _options(t: ir.TypeExpr) -> set[str]:
    if isinstance(t, ir.Nullable):
        return _options(t.inner) | {"None"}
    if isinstance(t, ir.UnionOf):
        return {o for option in t.options for o in _options(option)}
    return {hint(t)}


def _type_change(old: ir.TypeExpr | None, new: ir.TypeExpr | None) -> tuple[bool, str] | None:
    """(breaking, description) when the type changed; None when it did not."""
    if old == new:
        return None
    old_hint, new_hint = hint(old) if old else "None", hint(new) if new else "None"
    if old_hint == new_hint:
        return None
    widened = old is not None and new is not None and (_options(old) <= _options(new) or new_hint == "Any")
    return (not widened, f"{old_hint} -> {new_hint}" + (" (widened)" if widened else ""))


def _by_name(api: ir.Api) -> dict[str, ir.Definition]:
    return {d.name: d for d in api.definitions}


def _fields(package: str, name: str, old: ir.Model, new: ir.Model) -> list[_FieldChange]:
    found = []
    before, after = {f.wire_name: f for f in old.fields}, {f.wire_name: f for f in new.fields}

    def note(wire: str, change: str, breaking: bool, detail: str = "") -> None:
        was, now = before.get(wire), after.get(wire)
        subject = f"{name}.{now.name if now else before[wire].name}"
        found.append(_FieldChange(name, wire, Change(package, "field", subject, change, breaking, detail), was, now))

    for wire in before.keys() - after.keys():
        note(wire, "removed", True)
    for wire in after.keys() - before.keys():
        required = after[wire].required
        note(wire, "added", required, "required" if required else "optional")
    for wire in before.keys() & after.keys():
        a, b = before[wire], after[wire]
        if a.name != b.name:
            note(wire, "changed", True, f"renamed from {a.name}")
        typed = _type_change(a.type, b.type)
        if typed:
            note(wire, "changed", *typed)
        if a.required != b.required:
            note(wire, "changed", b.required, "now required" if b.required else "now optional")
    return found


def _shared(found: list[_FieldChange], old: ir.Api, new: ir.Api) -> list[Change]:
    """One change for each field change that models share through `allOf`, instead of one per model."""
    groups: list[list[_FieldChange]] = []
    by_wire: dict[str, list[list[_FieldChange]]] = {}  # only changes to one wire name can be the same
    for item in found:
        similar = by_wire.setdefault(item.wire, [])
        group = next((g for g in similar if g[0].same_as(item)), None)
        if group is None:
            similar.append([item])
            groups.append(similar[-1])
        else:
            group.append(item)
    before, after = _properties(old), _properties(new)
    return [c for g in groups for c in _on_bases(g, before if g[0].after is None else after)]


def _on_bases(group: list[_FieldChange], properties: dict[str, frozenset[str]]) -> list[Change]:
    """The changes of `group` (all the same), one on each base model, naming the models that include it.

    The IR flattens `allOf` and does not record which model includes which, so a base is recognised as
    the model whose properties (wire names) each model that includes it has too.
    """
    changes = []
    remaining = sorted(group, key=lambda c: (len(properties[c.model]), c.model))  # a base before its includers
    while remaining:
        base, *rest = remaining
        included = [c.model for c in rest if properties[base.model] <= properties[c.model]]
        changes.append(replace(base.change, also=tuple(sorted(included))))
        remaining = [c for c in rest if c.model not in included]
    return changes


def _properties(api: ir.Api) -> dict[str, frozenset[str]]:
    return {d.name: frozenset(f.wire_name for f in d.fields) for d in api.definitions if isinstance(d, ir.Model)}


def _definitions(package: str, old: ir.Api, new: ir.Api) -> list[Change]:
    before, after = _by_name(old), _by_name(new)
    changes = [Change(package, _kind(before[n]), n, "removed", True) for n in before.keys() - after.keys()]
    changes += [Change(package, _kind(after[n]), n, "added", False) for n in after.keys() - before.keys()]
    field_changes: list[_FieldChange] = []
    for name in before.keys() & after.keys():
        a, b = before[name], after[name]
        if type(a) is not type(b):
            changes.append(Change(package, _kind(b), name, "changed", True, f"was {indefinite(_kind(a))}"))
        elif isinstance(a, ir.Model) and isinstance(b, ir.Model):
            field_changes += _fields(package, name, a, b)
        elif isinstance(a, ir.Enum) and isinstance(b, ir.Enum):
            old_values, new_values = {m.value for m in a.members}, {m.value for m in b.members}
            changes += [
                Change(package, "enum value", f"{name}.{v!r}", "removed", True) for v in old_values - new_values
            ]
            changes += [Change(package, "enum value", f"{name}.{v!r}", "added", False) for v in new_values - old_values]
        elif isinstance(a, ir.UnionType) and isinstance(b, ir.UnionType):
            old_variants = {hint(v.type): v.tags for v in a.variants}
            new_variants = {hint(v.type): v.tags for v in b.variants}
            changes += [
                Change(package, "union variant", f"{name}[{v}]", "removed", True)
                for v in old_variants.keys() - new_variants.keys()
            ]
            changes += [
                Change(package, "union variant", f"{name}[{v}]", "added", False)
                for v in new_variants.keys() - old_variants.keys()
            ]
    return changes + _shared(field_changes, old, new)


def _kind(definition: ir.Definition) -> str:
    return {ir.Model: "model", ir.Enum: "enum", ir.UnionType: "union"}[type(definition)]


def _operations(package: str, old: ir.Api, new: ir.Api) -> list[Change]:
    def table(api: ir.Api) -> dict[str, ir.Operation]:
        return {f"{g.qualified}.{op.name}": op for g in api.groups for op in g.operations}

    before, after = table(old), table(new)
    changes = [Change(package, "operation", f"{n}()", "removed", True) for n in before.keys() - after.keys()]
    changes += [
        Change(package, "operation", f"{n}()", "added", False, f"{after[n].method} {after[n].path}")
        for n in after.keys() - before.keys()
    ]
    for name in before.keys() & after.keys():
        a, b = before[name], after[name]
        if (a.method, a.path) != (b.method, b.path):
            changes.append(
                Change(
                    package, "operation", f"{name}()", "changed", True, f"{a.method} {a.path} -> {b.method} {b.path}"
                )
            )
        old_params, new_params = {p.wire_name: p for p in a.parameters}, {p.wire_name: p for p in b.parameters}
        for wire in old_params.keys() - new_params.keys():
            changes.append(Change(package, "parameter", f"{name}({old_params[wire].name})", "removed", True))
        for wire in new_params.keys() - old_params.keys():
            p = new_params[wire]
            needed = p.required and p.constant is None
            changes.append(
                Change(package, "parameter", f"{name}({p.name})", "added", needed, "required" if needed else "optional")
            )
        for wire in old_params.keys() & new_params.keys():
            pa, pb = old_params[wire], new_params[wire]
            typed = _type_change(pa.type, pb.type)
            if typed:
                changes.append(Change(package, "parameter", f"{name}({pb.name})", "changed", typed[0], typed[1]))
            if pa.required != pb.required:
                detail = "now required" if pb.required else "now optional"
                changes.append(Change(package, "parameter", f"{name}({pb.name})", "changed", pb.required, detail))
        returned = _type_change(a.success.type if a.success else None, b.success.type if b.success else None)
        if returned:
            changes.append(Change(package, "response", f"{name}()", "changed", returned[0], returned[1]))
    return changes


def compare(package: str, old: ir.Api | None, new: ir.Api | None) -> list[Change]:
    """Every change a caller of `package` may notice, sorted: breaking first, then by subject."""
    if old is None or new is None:
        return [Change(package, "package", package, "added" if old is None else "removed", old is not None)]
    changes = _definitions(package, old, new) + _operations(package, old, new)
    return sorted(changes, key=lambda c: (not c.breaking, c.package, c.kind, c.subject))


def as_text(changes: list[Change]) -> str:
    """A plain-text summary, one line per change."""
    if not changes:
        return "No changes for callers.\n"
    breaking = sum(c.breaking for c in changes)
    lines = [f"{len(changes)} change(s) for callers, {breaking} breaking:"]
    for c in changes:
        mark = "BREAKING" if c.breaking else "ok      "
        notes = [c.detail] if c.detail else []
        if c.also:
            notes.append(f"also in the {len(c.also)} model(s) that include it")
        detail = f" ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {mark} {c.package}: {c.kind} {c.subject} {c.change}{detail}")
    return "\n".join(lines) + "\n"


def as_json(changes: list[Change]) -> str:
    """The same summary as JSON, for CI."""
    return (
        json.dumps({"breaking": sum(c.breaking for c in changes), "changes": [asdict(c) for c in changes]}, indent=2)
        + "\n"
    )
