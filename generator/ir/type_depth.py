"""Stage 4a, type depth: the longest chain of types a generated package must build, kept within what runs.

Pydantic builds a model's validator recursively, depth first in field order, never entering a type already
on the way or done in this build; and a `types/` module imports the modules of the types it refers to
before its own run. Each model (or module) along a chain costs about 11 to 18 of Python's default 1,000
frames: pydantic 2.7 fails on a chain or cycle of about 55 models and on about 60 modules importing one
another, 2.14 on a cycle of about 90 and 130 modules.

The measure: inside each cycle of types (strongly connected component), the deepest build pydantic's order
makes from any member; along a chain of cycles and single types, the sum. Inside a cycle this is what
pydantic does (Stripe's deepest cycle measures 24 models; a profiler counts 26 in pydantic's deepest build
of it). Along a chain, pydantic 2.7 rebuilds the schema of every model it meets, built or not, so the sum is
what it may meet; 2.14 stops at a model already built, which makes the real depth smaller (Stripe measures
43; its deepest real build is 26 on both versions). A deeper spec is refused at generation rather than
crash in the caller's first request.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator import ir
from generator.ir.modules import strongly_connected
from generator.ir.names import ClassName
from generator.load.document import Document

# Admits Stripe and Google's contentwarehouse (43, the deepest of 2,684 corpus specs). On pydantic 2.7 (the
# oldest supported) a cycle of 45 models builds under 100 frames of the caller's own stack (not under 200),
# one of 40 under 200; on 2.14 both under 500.
MAX_TYPE_DEPTH = 45


def refuse_deep_chains(definitions: Sequence[ir.Definition], doc: Document) -> None:
    """A located SpecError when some chain of types is longer than MAX_TYPE_DEPTH."""
    chain = deepest_chain(definitions)
    if len(chain) <= MAX_TYPE_DEPTH:
        return
    start = next(d for d in definitions if d.name == chain[0])
    shown = " -> ".join(f"`{n}`" for n in chain[:3]) + f" -> ... -> `{chain[-1]}`"
    raise doc.error(
        start.pointer,
        f"this schema starts a chain of {len(chain)} models and unions that refer to one another ({shown}); "
        f"the generated package could not build or import a chain longer than {MAX_TYPE_DEPTH} without "
        "exceeding Python's recursion limit.",
        "shorten the chain: let a schema deep in it refer to a type near its end directly, or type a "
        "property in the middle as a plain `type: object`.",
    )


def deepest_chain(definitions: Sequence[ir.Definition]) -> tuple[ClassName, ...]:
    """The longest chain of models and unions that the package may build one inside another, from its first
    type; ties go to the smallest name, so the answer never depends on spec order."""
    by_name = {str(d.name): d for d in definitions if isinstance(d, (ir.Model, ir.UnionType))}
    names = sorted(by_name)
    edges = {n: [r for r in dict.fromkeys(_references(by_name[n])) if r in by_name] for n in names}
    component = strongly_connected(names, {n: sorted(edges[n]) for n in names})
    members: dict[str, list[str]] = {}
    for name in names:
        members.setdefault(component[name], []).append(name)
    after: dict[str, set[str]] = {c: set() for c in members}
    for name in names:
        after[component[name]] |= {component[r] for r in edges[name] if component[r] != component[name]}
    models = {n for n in names if isinstance(by_name[n], ir.Model)}
    chains: dict[str, tuple[str, ...]] = {}  # component -> the longest chain starting in it
    for comp in _leaves_first(members, after):
        inside = {n: [r for r in edges[n] if component[r] == comp] for n in members[comp]}
        own = max((_deepest_build(entry, inside, models) for entry in members[comp]), key=len)
        chains[comp] = own + max((chains[c] for c in sorted(after[comp])), key=len, default=())
    longest = max((chains[c] for c in sorted(chains)), key=len, default=())
    return tuple(ClassName(n) for n in longest)


def _references(definition: ir.Model | ir.UnionType) -> list[str]:
    """The names a definition refers to, in the order pydantic meets them."""
    if isinstance(definition, ir.Model):
        # A base is imported and built before its subclass, whose fields then include the base's.
        types = ([ir.Named(definition.base)] if definition.base else []) + [f.type for f in definition.fields]
    else:
        types = [v.type for v in definition.variants] + ([ir.Named(definition.fallback)] if definition.fallback else [])
    return [str(part.name) for t in types for part in ir.walk(t) if isinstance(part, ir.Named)]


def _deepest_build(entry: str, edges: dict[str, list[str]], models: set[str]) -> tuple[str, ...]:
    """The models on the deepest stack of a depth-first build from `entry` that enters each type once (as
    pydantic's does); a union adds no level of its own, its variants are built in the same frames."""
    seen = {entry}
    stack = [(entry, iter(edges[entry]))]
    on_stack = [entry] if entry in models else []
    deepest = tuple(on_stack)
    while stack:
        nxt = next((r for r in stack[-1][1] if r not in seen), None)
        if nxt is None:
            if stack.pop()[0] in models:
                on_stack.pop()
            continue
        seen.add(nxt)
        stack.append((nxt, iter(edges[nxt])))
        if nxt in models:
            on_stack.append(nxt)
            if len(on_stack) > len(deepest):
                deepest = tuple(on_stack)
    return deepest


def _leaves_first(members: dict[str, list[str]], after: dict[str, set[str]]) -> list[str]:
    """The components, each after every component it refers to (depth-first, without recursion)."""
    order: list[str] = []
    done: set[str] = set()
    for start in sorted(members):
        work = [(start, iter(sorted(after[start])))] if start not in done else []
        while work:
            comp, pending = work[-1]
            nxt = next((c for c in pending if c not in done), None)
            if nxt is None:
                work.pop()
                done.add(comp)
                order.append(comp)
            else:  # the components form no cycle, so `nxt` is not on the stack
                work.append((nxt, iter(sorted(after[nxt]))))
    return order
