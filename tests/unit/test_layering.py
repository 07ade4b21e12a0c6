"""The generator's layout tells its story: load -> validate -> ir -> render -> write, each stage importing only
the stages before it (and the shared foundation), and no module importing itself back through others.

Read from the import statements of the sources (deferred imports inside functions included), not from
what happens to be loaded."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

STAGES = ("load", "validate", "ir", "render", "write")
# Below every stage: what any stage may use.
FOUNDATION = {"generator.errors", "generator.resources", "generator.background"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """{module: the generator modules it imports}, for every module of the generator."""
    modules = {_module_name(p): p for p in sorted((ROOT / "generator").rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from generator import ir` imports the module `generator.ir`; `from x import name`, x.
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                          for a in node.names}  # fmt: skip
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_each_stage_imports_only_the_stages_before_it() -> None:
    wrong = []
    for module, imported in _imports().items():
        stage = _stage(module)
        if stage is None:
            continue
        for other in sorted(imported):
            other_stage = _stage(other)
            allowed = other in FOUNDATION or (
                other_stage is not None and STAGES.index(other_stage) <= STAGES.index(stage)
            )
            if not allowed:
                wrong.append(f"{module} -> {other}")
    assert wrong == []


def test_no_module_imports_itself_back() -> None:
    graph = _imports()
    cycles = []
    for start in sorted(graph):
        stack, seen = [(start, (start,))], {start}
        while stack:
            module, trail = stack.pop()
            for other in sorted(graph[module]):
                if other == start:
                    cycles.append(" -> ".join((*trail, start)))
                elif other not in seen:
                    seen.add(other)
                    stack.append((other, (*trail, other)))
    assert cycles == []
