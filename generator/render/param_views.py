"""Stage 4a, the request parameters of a `types/` module: each `Param` TypedDict (`ir/build_params.py`) and
union alias, every string decided here.

A TypedDict is written as a class (`total=False`, required keys `Required[...]`, each key's description as its
docstring, as openai-python writes them) when every key can be a name in its body; a key that cannot (`a-b`,
`class`, `__x`, or a name its annotations use, which it would hide) makes it the functional form, keyed by the
wire names, its annotations strings (a name it uses may be defined after it, or in a module that imports this one).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from generator import ir
from generator.render.needs import NOTHING, Needs, joined, uses
from generator.render.python_code import docstring, literal, typed

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")  # a literal's text names nothing
_TYPED_DICT = uses("typing_extensions", "TypedDict")
_REQUIRED = uses("typing_extensions", "Required")


@dataclass(frozen=True)
class ParamDictView:
    """A TypedDict: `keys` are (key, annotation, attribute docstring) of its class body, or with `functional`
    the statement that builds it."""

    name: str
    docstring: str
    keys: tuple[tuple[str, str, str], ...]
    functional: str = ""
    needs: Needs = NOTHING


def param_dict_view(param: ir.ParamDict) -> ParamDictView:
    """The view of one `Param` TypedDict."""
    text = param.description or f"`{param.of}` as plain data, keyed by wire names."
    annotations = []
    for key in param.keys:
        annotation, needs = typed(key.type)
        if key.required:
            annotation, needs = f"Required[{annotation}]", needs | _REQUIRED
        annotations.append((annotation, needs))
    needs = joined([_TYPED_DICT, *(n for _, n in annotations)])
    used = {name for annotation, _ in annotations for name in _NAME.findall(_STRING.sub("", annotation))}
    if all(_class_key(key.wire_name, used) for key in param.keys):
        keys = tuple(
            (key.wire_name, annotation, docstring(key.description, 4) if key.description else "")
            for key, (annotation, _) in zip(param.keys, annotations, strict=True)
        )
        return ParamDictView(param.name, docstring(text, 4), keys, needs=needs)
    fields = ", ".join(
        f"{literal(key.wire_name)}: {literal(annotation)}"
        for key, (annotation, _) in zip(param.keys, annotations, strict=True)
    )
    statement = f"{param.name} = TypedDict({literal(str(param.name))}, {{{fields}}}, total=False)"
    return ParamDictView(param.name, docstring(text), (), statement, needs)


def _class_key(key: str, used: set[str]) -> bool:
    """Whether a key can be a name in a class body: an identifier, no keyword, not mangled (`__x`), and not
    a name the annotations use."""
    hidden = key in used or key == "TypedDict"
    return key.isidentifier() and not keyword.iskeyword(key) and not key.startswith("__") and not hidden
