"""Stage 4a, IR to template context: every string a template prints, decided here.

Templates only place these strings; they hold no logic beyond loops. One view
dataclass per thing a template renders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from generator import ir
from generator.ir.modules import partition
from generator.ir.names import Identifier
from generator.render.client_modules import ClientView, client_view
from generator.render.descriptions import plain
from generator.render.method_views import MODES, Mode
from generator.render.needs import NOTHING, Needs, joined, uses
from generator.render.param_views import ParamDictView, param_dict_view
from generator.render.python_code import QUALIFIED, docstring, hint, import_lines, literal, typed
from generator.render.release import Release


@dataclass(frozen=True)
class FieldView:
    """`name: annotation = default` in a model body."""

    name: str
    annotation: str
    default: str
    needs: Needs = NOTHING


@dataclass(frozen=True)
class ModelView:
    """A pydantic model class: `base` is `APIModel` or the model it subclasses, `fields` those it declares."""

    name: str
    base: str
    docstring: str
    fields: tuple[FieldView, ...]
    needs: Needs = NOTHING  # its base's and its fields'


@dataclass(frozen=True)
class EnumView:
    """An open enum class and its members as (name, value literal)."""

    name: str
    base: str
    docstring: str
    members: tuple[tuple[str, str], ...]
    needs: Needs = NOTHING


@dataclass(frozen=True)
class AliasView:
    """A union type alias statement, with the docstring placed after it."""

    name: str
    expression: str
    docstring: str
    recursive: bool = False  # the union contains itself: a `TypeAliasType`, whose value is evaluated lazily
    needs: Needs = NOTHING

    @property
    def statement(self) -> str:
        """`Name: TypeAlias = ...`, or for a recursive union `Name = TypeAliasType("Name", "...")`."""
        if self.recursive:
            return f"{self.name} = TypeAliasType({literal(self.name)}, {literal(self.expression)})"
        return f"{self.name}: TypeAlias = {self.expression}"


def field_view(field: ir.Field, shadowed: frozenset[str] = frozenset()) -> FieldView:
    """Decide a field's annotation and its `Field(...)` default (`shadowed`: names its class's fields hide)."""
    value, needs = "" if field.required else "None", NOTHING
    if field.default:
        found = field.default[0]
        if isinstance(found, ir.EnumDefault):
            enum, needs = typed(ir.Named(found.enum), shadowed)
            value = f"{enum}.{found.member}"
        else:
            value = literal(found)
    args = [f"default={value}"] if value else []
    if field.wire_name != field.name:
        args += [f"validation_alias={literal(field.wire_name)}", f"serialization_alias={literal(field.wire_name)}"]
    if field.description:
        args.append(f"description={literal(plain(field.description))}")
    keywords = bool(args) and args != [f"default={value}"]  # a plain default is written as it is
    default = f"Field({', '.join(args)})" if keywords else value
    annotation, annotation_needs = typed(field.type, shadowed)
    needs |= annotation_needs | (uses("pydantic", "Field") if keywords else NOTHING)
    return FieldView(field.name, annotation, default, needs)


def model_view(model: ir.Model) -> ModelView:
    """The view of one model class."""
    text = model.description or model.title or f"The {model.name} object."
    shadowed = shadowed_by(model)
    fields = tuple(field_view(f, shadowed) for f in model.declared)
    base = Needs(types=frozenset({str(model.base)})) if model.base else uses("._runtime", "APIModel")
    return ModelView(
        model.name, model.base or "APIModel", docstring(text, 4), fields, joined([base, *(f.needs for f in fields)])
    )


def shadowed_by(model: ir.Model) -> frozenset[str]:
    """Names the model's fields hide inside its class body (a field `list` hides the builtin `list`); an
    inherited one counts too, which costs at most a qualified name."""
    return frozenset(f.name for f in model.fields) & QUALIFIED.keys()


def bases_first(models: list[ir.Model]) -> list[ir.Model]:
    """The models in their order, except that a base among them comes before its subclasses: a class
    statement needs its base defined."""
    here = {m.name: m for m in models}
    placed: dict[str, ir.Model] = {}
    for model in models:
        chain: list[ir.Model] = []
        found: ir.Model | None = model
        while found is not None and found.name not in placed:
            chain.append(found)
            found = here.get(found.base) if found.base else None  # bases form no cycle (`model_bases.py`)
        placed.update((m.name, m) for m in reversed(chain))
    return list(placed.values())


def enum_view(enum: ir.Enum) -> EnumView:
    """The view of one enum class."""
    base = "OpenStrEnum" if enum.base == "str" else "OpenIntEnum"
    text = enum.description or enum.title or f"The {enum.name} values."
    members = tuple((m.name, literal(m.value)) for m in enum.members)
    return EnumView(enum.name, base, docstring(text, 4), members, uses("._runtime", base))


def union_view(union: ir.UnionType, models: Mapping[str, ir.Model], recursive: bool = False) -> AliasView:
    """A union alias; a tagged union picks its variant from the tag, unknown tags take the fallback."""
    text = union.description or union.title or f"One of the {union.name} variants."
    variants = [typed(v.type) for v in union.variants]
    alias = uses("typing_extensions", "TypeAliasType") if recursive else uses("typing", "TypeAlias")
    needs = joined([alias, *(n for _, n in variants)])
    if union.discriminator is None:
        expression = " | ".join(tag for tag, _ in variants)
        return AliasView(union.name, expression, docstring(text), recursive, needs)
    tags: dict[str, str] = {}
    members = []
    for variant, (tag, _) in zip(union.variants, variants, strict=True):
        members.append(f"Annotated[{tag}, Tag({literal(tag)})]")
        tags.update({value: tag for value in variant.tags})
    if union.fallback and union.fallback not in {tag for tag, _ in variants}:  # not a variant (`defaultMapping`)
        members.append(f"Annotated[{union.fallback}, Tag({literal(str(union.fallback))})]")
        needs |= Needs(types=frozenset({str(union.fallback)}))
    first = models.get(hint(union.variants[0].type))
    attribute = next((f.name for f in first.fields if f.wire_name == union.discriminator), None) if first else None
    chooser = (
        f"tag_by(wire_name={literal(union.discriminator)}, attribute={literal(attribute or union.discriminator)}, "
        f"tags={literal(tags)}, fallback={literal(union.fallback)})"
    )
    expression = f"Annotated[Union[{', '.join(members)}], Discriminator({chooser})]"
    needs |= (
        uses("typing", "Annotated", "Union") | uses("pydantic", "Discriminator", "Tag") | uses("._runtime", "tag_by")
    )
    return AliasView(union.name, expression, docstring(text), recursive, needs)


def recursive_unions(unions: list[ir.UnionType]) -> set[str]:
    """Names of the unions that reach themselves through union variants (`Json = list[Json] | str`).

    Such an alias cannot be an ordinary assignment: its value would name itself before it exists.
    """
    by_name = {str(u.name): u for u in unions}
    found: set[str] = set()
    for start in by_name:
        stack, seen = [start], set()
        while stack:
            union = by_name[stack.pop()]
            for used in ir.named_in([v.type for v in union.variants]):
                if used == start:
                    found.add(start)
                elif used in by_name and used not in seen:
                    seen.add(used)
                    stack.append(used)
    return found


def union_order(unions: list[ir.UnionType]) -> list[ir.UnionType]:
    """Unions ordered so that an alias is defined before an alias that uses it (spec order otherwise)."""
    by_name: dict[str, ir.UnionType] = {str(u.name): u for u in unions}
    done: dict[str, ir.UnionType] = {}

    def visit(union: ir.UnionType, trail: frozenset[str]) -> None:
        if union.name in done or union.name in trail:
            return
        for used in sorted(ir.named_in([v.type for v in union.variants])):
            if used in by_name:
                visit(by_name[used], trail | {union.name})
        done[union.name] = union

    for union in unions:
        visit(union, frozenset())
    return list(done.values())


def param_union_view(param: ir.ParamUnion, recursive: bool) -> AliasView:
    """The alias of a union as a request may give it (`ir/build_params.py`); recursive where its union is."""
    text = f"`{param.of}` as a request may give it: any of its variants, as plain data too."
    expression, needs = typed(param.type)
    alias = uses("typing_extensions", "TypeAliasType") if recursive else uses("typing", "TypeAlias")
    return AliasView(param.name, expression, docstring(text), recursive, needs | alias)


@dataclass(frozen=True)
class TypeModuleView:
    """One module of `types/`: its enums, models and union aliases, the TypedDicts and aliases requests may give
    instead (after them, the aliases last: their values name the TypedDicts), and what it imports."""

    name: str
    docstring: str
    imports: tuple[str, ...]
    enums: tuple[EnumView, ...]
    models: tuple[ModelView, ...]
    unions: tuple[AliasView, ...]
    params: tuple[ParamDictView, ...] = ()
    param_unions: tuple[AliasView, ...] = ()


@dataclass(frozen=True)
class ExportsView:
    """A package `__init__` that imports its public names lazily (see `_lazy.py`).

    The `.py` holds only the table of names and modules, one `name module` pair a line in one string
    (a dict literal and the imports type checkers read made GitHub's root `__init__` a 1.1 MB module,
    unmarshalled on every import); the imports and `__all__` are in the `.pyi` beside it.
    """

    lazy_module: str
    imports: tuple[str, ...]  # for type checkers only, in `__init__.pyi`
    table: tuple[str, ...]  # `name module` lines
    names: tuple[str, ...]
    fallback: str | None  # a literal: the module whose names are exported too, without a line each


_EXPORT_LINE = re.compile(r"[A-Za-z_][A-Za-z0-9_]* \.{1,2}[A-Za-z_][A-Za-z0-9_.]*")


def exports_view(lazy_module: str, homes: dict[str, str], fallback: str | None = None) -> ExportsView:
    """The lazy exports of `homes` ({name: relative module}); those in module `fallback` are found there."""
    by_module: dict[str, set[str]] = {}
    for name, module in homes.items():
        by_module.setdefault(module, set()).add(name)
    in_fallback = f"{fallback}." if fallback else None
    table = tuple(
        f"{name} {module}"
        for name, module in sorted(homes.items())
        if not (in_fallback and module.startswith(in_fallback))
    )
    # Names and modules are identifiers (`names.py`), so a line can never end the string it sits in.
    if bad := next((line for line in table if not _EXPORT_LINE.fullmatch(line)), None):
        raise ValueError(f"not an identifier and a relative module: {bad!r}")
    fallback_literal = literal(fallback) if fallback else None
    return ExportsView(lazy_module, import_lines(by_module), table, tuple(sorted(homes)), fallback_literal)


def type_module_view(
    api: ir.Api,
    name: str,
    definitions: list[ir.Definition],
    homes: dict[str, str],
    api_models: Mapping[str, ir.Model],
    params: tuple[ParamDictView | AliasView, ...] = (),
) -> TypeModuleView:
    """The view of one `types/` module; `homes` says which module defines each type, `api_models` are every model
    of the API by name (a union's variants may live in other modules: the tag's attribute is read from whichever
    holds the first)."""
    models = bases_first([d for d in definitions if isinstance(d, ir.Model)])
    enums = [d for d in definitions if isinstance(d, ir.Enum)]
    unions = union_order([d for d in definitions if isinstance(d, ir.UnionType)])
    model_views = tuple(model_view(m) for m in models)
    enum_views = tuple(enum_view(e) for e in enums)
    recursive = recursive_unions(unions)
    union_views = tuple(union_view(u, api_models, u.name in recursive) for u in unions)
    needs = joined(
        [*(m.needs for m in model_views), *(e.needs for e in enum_views), *(u.needs for u in union_views)]
        + [p.needs for p in params]
    )
    # A module of `types/` is one level down; the types it names come from their modules, beside it.
    needed: dict[str, set[str]] = {}
    for module, imported in needs.names:
        needed.setdefault(f".{module}" if module.startswith(".") else module, set()).add(imported)
    for other in needs.types:
        if homes[other] != name:
            needed.setdefault(f".{homes[other]}", set()).add(other)
    return TypeModuleView(
        name=name,
        docstring=docstring(_module_doc(api, name, definitions)),
        imports=import_lines(needed, tuple(sorted(needs.modules))),
        enums=enum_views,
        models=model_views,
        unions=union_views,
        params=tuple(p for p in params if isinstance(p, ParamDictView)),
        param_unions=tuple(p for p in params if isinstance(p, AliasView)),
    )


# A module holding more types than this names the first few (its namesake first) and counts the others.
NAMED_TYPES = 3


def _module_doc(api: ir.Api, module: str, definitions: list[ir.Definition]) -> str:
    """`The `AsyncAction`, `AsyncActionUnknown`, `CampaignVouchersDeleteAction` and 28 other types of the
    voucherify API.`: a whole list would make a module docstring hundreds of characters long."""
    names = sorted((f"`{d.name}`" for d in definitions), key=lambda n: Identifier(n) != module)
    if len(names) == 1:
        text = f"The {names[0]} type"
    elif len(names) <= NAMED_TYPES:
        text = f"The {', '.join(names[:-1])} and {names[-1]} types"
    else:
        text = f"The {', '.join(names[:NAMED_TYPES])} and {len(names) - NAMED_TYPES} other types"
    return f"{text} of the {api.package} API."


@dataclass(frozen=True)
class PackageView:
    """The context every package template receives."""

    api: ir.Api
    header: str
    type_modules: tuple[TypeModuleView, ...]
    type_exports: ExportsView
    package_exports: ExportsView
    client: ClientView
    init_docstring: str
    spec_sha256: str
    query_credentials: str  # the apiKey-in-query parameter names, as a set display (`_redact.py`); "" for none
    dist_name: str  # the distribution's name and version, as literals (`_package.py`: the User-Agent)
    version: str
    modes: tuple[Mode, ...] = MODES


def package_view(api: ir.Api, client: ClientView | None, release: Release) -> PackageView:
    """Build the whole context for one generated package (with its client view, when already built), distributed
    as `release`."""
    homes = {str(name): str(module) for name, module in partition(api.definitions).items()}
    # Classes are sorted by name, so reordering or inserting schemas in the spec moves no other class.
    members: dict[str, list[ir.Definition]] = {}
    for definition in sorted(api.definitions, key=lambda d: d.name):
        members.setdefault(homes[definition.name], []).append(definition)
    params = _param_views(api, homes)
    homes |= {str(p.name): homes[p.of] for p in api.params}  # each beside its model or union
    client = client or client_view(api)
    models = {str(d.name): d for d in api.definitions if isinstance(d, ir.Model)}  # once: a giant has 1,000 modules
    package_homes = {name: f".types.{module}" for name, module in homes.items()}
    package_homes |= {name: module for module, names in client.exports.items() for name in names}
    return PackageView(
        api=api,
        header=f"# Generated by `python -m generator` from {literal(api.source_name)}; do not edit.",
        type_modules=tuple(
            type_module_view(api, m, members[m], homes, models, params.get(m, ())) for m in sorted(members)
        ),
        type_exports=exports_view(".._lazy", {name: f".{module}" for name, module in homes.items()}),
        # The package's types are found in `types` (its table), not listed twice: a giant's root stays small.
        package_exports=exports_view("._lazy", package_homes, fallback=".types"),
        client=client,
        init_docstring=docstring("\n\n".join(t for t in (api.title, api.description) if t) or api.package),
        spec_sha256=literal(api.source_sha256),
        query_credentials=_query_credentials(api),
        dist_name=literal(release.name),
        version=literal(release.version),
    )


def _param_views(api: ir.Api, homes: Mapping[str, str]) -> dict[str, tuple[ParamDictView | AliasView, ...]]:
    """The request parameters of each `types/` module, by module: the TypedDicts by name, then the aliases in the
    order their unions are defined in (an alias naming another comes after it)."""
    unions = [d for d in api.definitions if isinstance(d, ir.UnionType)]
    recursive = recursive_unions(unions)
    order = {u.name: i for i, u in enumerate(union_order(unions))}
    found: dict[str, list[ParamDictView | AliasView]] = {}
    for param in sorted(api.params, key=lambda p: (isinstance(p, ir.ParamUnion), order.get(p.of, 0), p.name)):
        if isinstance(param, ir.ParamDict):
            view: ParamDictView | AliasView = param_dict_view(param)
        else:
            view = param_union_view(param, param.of in recursive)
        found.setdefault(homes[param.of], []).append(view)
    return {module: tuple(views) for module, views in found.items()}


def _query_credentials(api: ir.Api) -> str:
    names = sorted({s.name for s in api.auth if s.kind == "apiKey" and s.location == "query"})
    return "{" + ", ".join(literal(name) for name in names) + "}" if names else ""
