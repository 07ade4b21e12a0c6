"""The IR's named types: models, open enums and unions, each a class of the generated `types/`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from generator.ir.names import ClassName, ConstantName, Identifier
from generator.ir.type_exprs import TypeExpr, examples_field


@dataclass(frozen=True)
class EnumDefault:
    """A default that is a member of an enum class."""

    enum: ClassName
    member: ConstantName


@dataclass(frozen=True)
class Field:
    """A property of a model; `default` is `(value,)` when the schema's valid `default` becomes the field's."""

    name: Identifier
    wire_name: str
    type: TypeExpr
    required: bool
    description: str = ""
    examples: tuple[Any, ...] = examples_field()
    default: tuple[Any, ...] = field(default=(), compare=False)  # JSON data (lists, mappings), like examples
    # In a request, where that differs from `required`: "never" (readOnly), "required" (a required writeOnly one).
    in_request: Literal["", "never", "required"] = ""
    sent: TypeExpr | None = None  # its schema's own type, where `type` admits None only because it is optional


@dataclass(frozen=True)
class Model:
    """An object schema, rendered as a pydantic model that keeps unknown keys."""

    name: ClassName
    pointer: str
    fields: tuple[Field, ...]
    title: str = ""
    description: str = ""
    fallback_for: ClassName | None = None  # set on a union's catch-all variant
    # The class it subclasses (`ir/model_bases.py`), and the wire names of the fields it takes from it unchanged.
    base: ClassName | None = None
    inherited: tuple[str, ...] = ()

    @property
    def declared(self) -> tuple[Field, ...]:
        """The fields its class body declares: all of them, but for those inherited unchanged from its base."""
        return tuple(f for f in self.fields if f.wire_name not in self.inherited)


@dataclass(frozen=True)
class EnumMember:
    """One allowed value of an enum."""

    name: ConstantName
    value: str | int
    description: str = ""  # from `x-enum-descriptions`


@dataclass(frozen=True)
class Enum:
    """A string or integer enum, rendered open: unknown values parse and round-trip."""

    name: ClassName
    pointer: str
    base: Literal["str", "int"]
    members: tuple[EnumMember, ...]
    title: str = ""
    description: str = ""


@dataclass(frozen=True)
class Variant:
    """One member of a union; `tags` are the discriminator values that select it."""

    type: TypeExpr
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnionType:
    """A named `oneOf`/`anyOf`; tagged when it has a discriminator property."""

    name: ClassName
    pointer: str
    variants: tuple[Variant, ...]
    discriminator: str | None = None  # the wire name of the tag property
    fallback: ClassName | None = None  # the model that takes unknown tags
    title: str = ""
    description: str = ""


Definition = Model | Enum | UnionType


@dataclass(frozen=True)
class ParamKey:
    """One key of a `ParamDict`: a property by its wire name, typed as a request may give it."""

    wire_name: str
    type: TypeExpr
    required: bool
    description: str = ""


@dataclass(frozen=True)
class ParamDict:
    """A `TypedDict` a request body may be given as instead of the model `of` (openai-python's `*Param`)."""

    name: ClassName
    of: ClassName
    keys: tuple[ParamKey, ...]
    description: str = ""


@dataclass(frozen=True)
class ParamUnion:
    """The union `of` as a request may give it: an alias of its variants' request types."""

    name: ClassName
    of: ClassName
    type: TypeExpr


Param = ParamDict | ParamUnion
