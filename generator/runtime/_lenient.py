"""Lenient parsing (`lenient=True`): an answer that contradicts its schema, typed as far as it matches.

Whatever validates is typed exactly as in strict mode. A model that does not is built field by field
(`model_construct`): each field that validates is typed, a nested model is built the same way, and a
field that still does not match keeps the raw JSON value it came as; a required field the answer lacks is
None, unknown keys are kept as on any model. A tagged union takes the variant its tag names (the unknown
fallback for a new tag); another union the model variant that shares most keys with the object. A value
no type fits stays the raw JSON it came as.
"""

from __future__ import annotations

import json
import logging
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, TypeAdapter, ValidationError

log = logging.getLogger(__package__)

# Each model field's type and validator, built the first time a lenient answer needs them.
_FIELDS: dict[tuple[type[BaseModel], str], tuple[Any, TypeAdapter[Any]]] = {}


def parse_leniently(tp: Any, content: bytes, what: str, error: ValidationError) -> Any:
    """A JSON body that failed to validate as `tp` (with `error`), as far as it matches; a warning names the
    operation `what` and the first error. Raises `ValueError` when the body is not JSON."""
    value = json.loads(content)
    first = error.errors()[0]  # its message and place only: the input may hold secrets
    where = ".".join(map(str, first["loc"])) or "the body"
    log.warning("%s: the answer does not match its schema (%s: %s); parsed leniently", what, where, first["msg"])
    return loose(tp, value)


def construct(tp: Any, value: Any, adapter: TypeAdapter[Any] | None = None) -> Any:
    """`value` (decoded JSON) as `tp`: validated when it matches, else built as far as it does."""
    try:
        return (adapter or TypeAdapter(tp)).validate_python(value)
    except ValidationError:
        return loose(tp, value)


def loose(tp: Any, value: Any) -> Any:
    """`value` as close to `tp` as it goes, for a value known not to validate as `tp`."""
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        picked = _tagged_variant(args, value)
        return construct(picked, value) if picked is not None else loose(args[0], value)
    if origin in (Union, types.UnionType):
        members = [m for m in args if m is not type(None)]
        if len(members) == 1:  # an optional value: it is there, and not None, so it is the one member's
            return loose(members[0], value)
        models = [m for m in map(_bare, args) if isinstance(m, type) and issubclass(m, BaseModel)]
        if isinstance(value, dict) and models:
            keys = set(value)
            return construct(max(models, key=lambda m: len(_wire_names(m) & keys)), value)
        return value
    if origin is list and args and isinstance(value, list):
        return [construct(args[0], item) for item in value]
    if origin is dict and len(args) == 2 and isinstance(value, dict):
        return {key: construct(args[1], item) for key, item in value.items()}
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(value, dict):
        return _model(tp, value)
    return value


def _model(cls: type[BaseModel], value: dict[str, Any]) -> BaseModel:
    values: dict[str, Any] = {}
    present: set[str] = set()
    rest = dict(value)
    for name, info in cls.model_fields.items():
        wire = info.validation_alias if isinstance(info.validation_alias, str) else info.alias or name
        key = wire if wire in rest else name if name in rest else None
        if key is None:
            if info.is_required():
                values[name] = None  # absent: None reads better than an AttributeError
            continue
        if (cls, name) not in _FIELDS:
            tp: Any = info.annotation
            for constraint in info.metadata:  # the field's own constraints (lengths, bounds, discriminators)
                tp = Annotated[tp, constraint]
            _FIELDS[(cls, name)] = tp, TypeAdapter(tp)
        tp, adapter = _FIELDS[(cls, name)]
        values[name] = construct(tp, rest.pop(key), adapter)
        present.add(name)
    return cls.model_construct(present | set(rest), **values, **rest)


def _bare(tp: Any) -> Any:
    """A union member without its `Annotated` metadata (`Tag`)."""
    return get_args(tp)[0] if get_origin(tp) is Annotated else tp


def _wire_names(cls: type[BaseModel]) -> set[str]:
    return {
        info.validation_alias if isinstance(info.validation_alias, str) else info.alias or name
        for name, info in cls.model_fields.items()
    }


def _tagged_variant(args: tuple[Any, ...], value: Any) -> Any:
    """The variant of a discriminated union (`Annotated[Union[...], Discriminator(fn)]`) that `value`'s tag
    names, or None when `args` are not such a union."""
    inner, *metadata = args
    choose = next((m.discriminator for m in metadata if isinstance(m, Discriminator)), None)
    if not callable(choose) or get_origin(inner) not in (Union, types.UnionType):
        return None
    tag = choose(value)
    for variant in get_args(inner):
        if get_origin(variant) is Annotated and any(getattr(m, "tag", None) == tag for m in get_args(variant)[1:]):
            return variant
    return None
