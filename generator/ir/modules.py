"""Stage 4a, modules: which module of the package's `types/` each named type is defined in.

Importing a type should cost its own definition and those it refers to, never the
whole API's (the full Voucherify spec has 1,679 types). So each type gets a
module of its own, with two exceptions that keep the count down and the imports
acyclic: types that refer to each other in a cycle share one module, and a type
that exactly one other type refers to lives in that type's module. Module names
come from type names, never from spec order, so an unrelated edit moves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator import ir
from generator.ir.names import ClassName, Identifier, dedupe
from generator.load.document import split_pointer


def references(definition: ir.Definition) -> list[str]:
    """The names of the types a definition refers to, once each, in the order pydantic meets them: a model's
    base first (imported and built before its subclass), then the types of all its fields (the inherited too,
    though only the base's module imports those: a type stays where it was when the models that use it begin
    to subclass one another)."""
    if isinstance(definition, ir.Model):
        types = ([ir.Named(definition.base)] if definition.base else []) + [f.type for f in definition.fields]
    elif isinstance(definition, ir.UnionType):
        types = [v.type for v in definition.variants] + ([ir.Named(definition.fallback)] if definition.fallback else [])
    else:
        types = []
    return list(dict.fromkeys(str(part.name) for t in types for part in ir.walk(t) if isinstance(part, ir.Named)))


def partition(definitions: Iterable[ir.Definition]) -> dict[ClassName, Identifier]:
    """{type name: module name} for every definition."""
    by_name: dict[str, ir.Definition] = {str(d.name): d for d in definitions}
    names = sorted(by_name)
    edges = {name: sorted(r for r in references(by_name[name]) if r in by_name and r != name) for name in names}
    component = strongly_connected(names, edges)
    referrers: dict[str, set[str]] = {c: set() for c in component.values()}
    for name in names:
        for used in edges[name]:
            if component[used] != component[name]:
                referrers[component[used]].add(component[name])
    home: dict[str, str] = {}

    named = {component[n] for n in names if _is_named(by_name[n].pointer)}

    def home_of(comp: str) -> str:
        # The component graph is acyclic, so following single referrers ends at a root.
        while comp not in home and comp not in named and len(referrers[comp]) == 1:
            comp = next(iter(referrers[comp]))
        return home.get(comp, comp)

    for comp in sorted(referrers):
        home[comp] = home_of(comp)
    roots = sorted(set(home.values()))
    modules = dict(zip(roots, dedupe([Identifier(root) for root in roots]), strict=True))
    return {ClassName(name): modules[home[component[name]]] for name in names}


def _is_named(pointer: str) -> bool:
    """Whether a schema is a component the spec names (`#/components/schemas/<name>`), not one inside another."""
    parts = split_pointer(pointer)
    return len(parts) == 3 and parts[:2] == ["components", "schemas"]


def strongly_connected(names: list[str], edges: dict[str, list[str]]) -> dict[str, str]:
    """Tarjan's strongly connected components, iteratively: {name: smallest name of its component}."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: dict[str, str] = {}
    for start in names:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if child < len(edges[node]):
                work.append((node, child + 1))
                nxt = edges[node][child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                for member in members:
                    result[member] = min(members)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result
