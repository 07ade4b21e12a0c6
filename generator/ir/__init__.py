"""The intermediate representation: what a generated package contains.

Frozen dataclasses only, built by `build_models` and `build_operations` from a
validated spec and read by `views`. Names in the IR are already safe Python
names (see `names`); spec text is kept as plain strings and only ever leaves
Python as an escaped literal. One module per kind: `type_exprs` (a value's
type), `definitions` (the classes of `types/`), `operations` (methods and
resources), `package` (credentials, servers, the `Api`); all read as `ir.X`.
"""

from __future__ import annotations

from generator.ir.definitions import (
    Definition,
    Enum,
    EnumDefault,
    EnumMember,
    Field,
    Model,
    Param,
    ParamDict,
    ParamKey,
    ParamUnion,
    UnionType,
    Variant,
)
from generator.ir.events import STANDARD_WEBHOOKS, Event, Signature, Webhooks
from generator.ir.operations import (
    PAGE_KINDS,
    Follow,
    Framing,
    Group,
    MediaKind,
    Operation,
    Pagination,
    Parameter,
    ParameterLocation,
    PartEncoding,
    Poll,
    RequestBody,
    Response,
    StartsAction,
    StreamFormat,
)
from generator.ir.package import (
    Api,
    Credential,
    SchemeKind,
    SecurityScheme,
    ServerVariable,
)
from generator.ir.type_exprs import (
    DictOf,
    JsonScalar,
    ListOf,
    LiteralOf,
    Named,
    Nullable,
    Primitive,
    PrimitiveName,
    TypeExpr,
    UnionOf,
    named_in,
    walk,
)

__all__ = [
    "PAGE_KINDS",
    "STANDARD_WEBHOOKS",
    "Api",
    "Credential",
    "Definition",
    "DictOf",
    "Enum",
    "EnumDefault",
    "EnumMember",
    "Event",
    "Field",
    "Follow",
    "Framing",
    "Group",
    "JsonScalar",
    "ListOf",
    "LiteralOf",
    "MediaKind",
    "Model",
    "Named",
    "Nullable",
    "Operation",
    "Pagination",
    "Param",
    "ParamDict",
    "ParamKey",
    "ParamUnion",
    "Parameter",
    "ParameterLocation",
    "PartEncoding",
    "Poll",
    "Primitive",
    "PrimitiveName",
    "RequestBody",
    "Response",
    "SchemeKind",
    "SecurityScheme",
    "ServerVariable",
    "Signature",
    "StartsAction",
    "StreamFormat",
    "TypeExpr",
    "UnionOf",
    "UnionType",
    "Variant",
    "Webhooks",
    "named_in",
    "walk",
]
