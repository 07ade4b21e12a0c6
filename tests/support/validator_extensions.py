"""Decoding openapi-core 0.23.1 lacks, plugged in through its own extension points; validation stays its own.

openapi-core turns what arrived (query string, path segments, cookies, form and multipart bodies) into
values, then validates them against the schema (types, required, enums, formats, additionalProperties)
and unmarshals them. Version 0.23.1 gets the first step wrong for several serializations OpenAPI
defines; the conformance harness (`validating_server.ValidatingServer`) used to write those requests
off as "validator gaps". This module supplies the missing *decoding* only, through what `Config`
accepts, so openapi-core checks the decoded values exactly as it checks any other:

- `style_deserializers_factory` (`ExtendedStyleDeserializersFactory`): a `StyleDeserializersFactory`
  whose deserializers know the parameter's schema (0.23.1's style callables get only its `type`):
  - `deepObject` (query parameters, and form-urlencoded body properties whose `encoding` says so):
    brackets at any depth, `a[b][c]=x` -> {"b": {"c": "x"}}; arrays as `a[0]=x&a[1]=y` (indexes must
    be 0..n-1) or `a[]=x&a[]=y`; arrays are told from objects by the schema, through `allOf`, `anyOf`,
    `oneOf` and `$ref`, so schemas without `type: object` (compositions, type-less objects) work;
    a plain `a=x` is read for a schema that allows a primitive (Stripe's `created` is an object or an
    integer);
  - `form`, exploded, of an object (query, cookie, form-body property): the object's declared
    properties are read from the keys named after them (`?name=x&description=y`);
  - `spaceDelimited` and `pipeDelimited`: split on a space (after URL decoding, as `%20` and `+` arrive)
    or `|`; arrays and objects (`k v k2 v2`); exploded, as exploded `form`;
  - `label` and `matrix` path parameters, per RFC 6570: label `.v`, `.a,b`, exploded `.a.b`, object
    `.k,v,k2,v2`, exploded `.k=v.k2=v2`; matrix `;p=v`, `;p=a,b`, exploded `;p=a;p=b`, object
    `;p=k,v,k2,v2`, exploded `;k=v;k2=v2`. A value without its `.` or `;p=` prefix is refused.
  Text leaves are cast by their own schema (integer, number, boolean; a failed cast keeps the text, so
  validation rejects it): openapi-core's caster still runs afterwards, but it does not reach values
  under `additionalProperties` or inside type-less objects.
- `media_type_deserializers_factory` (`ExtendedMediaTypeDeserializersFactory`): the same factory,
  making `ExtendedMediaTypeDeserializer`s, which
  - cast multipart text parts (`text/plain`, the default for primitives) by the property's schema:
    `n=2` is the integer 2 for `type: integer` (0.23.1 validates the text '2' and fails);
  - ignore `encoding.style`/`explode` for multipart bodies of OpenAPI 3.0 documents (3.0 says they
    apply to application/x-www-form-urlencoded only: the part is read by its content type), and apply
    them to the parts' text for 3.1 and later (which extends them to multipart/form-data);
  - decode the properties of every `allOf` part of a form or multipart body (0.23.1 decodes only the
    parts the still undecoded text happens to validate against, dropping the rest), keeping the body's
    `encoding` for them.
- `extra_format_unmarshallers` (`passthrough_formats`): a pass-through unmarshaller for each format the
  document uses that openapi-core can neither validate nor unmarshal (`hostname` in 3.0, Stripe's
  `decimal` and `unix-time`): 0.23.1 refuses every value of such a schema (FormatterNotFoundError), while JSON Schema
  treats an unknown format as an annotation. It warns, so the verdict records the format as unchecked.

`extended_config(spec)` puts them together. Nothing here validates or relaxes a check: what the decoders
produce goes through openapi-core's casting, schema validation and unmarshalling unchanged.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema_path import SchemaPath
from openapi_core import Config
from openapi_core.casting.schemas import (
    oas30_write_schema_casters_factory,
    oas31_schema_casters_factory,
    oas32_schema_casters_factory,
)
from openapi_core.casting.schemas.factories import SchemaCastersFactory
from openapi_core.deserializing.media_types import media_type_deserializers
from openapi_core.deserializing.media_types.datatypes import MediaTypeDeserializersDict
from openapi_core.deserializing.media_types.deserializers import MediaTypeDeserializer
from openapi_core.deserializing.media_types.factories import MediaTypeDeserializersFactory
from openapi_core.deserializing.styles import style_deserializers
from openapi_core.deserializing.styles.datatypes import DeserializerCallable
from openapi_core.deserializing.styles.deserializers import StyleDeserializer
from openapi_core.deserializing.styles.factories import StyleDeserializersFactory
from openapi_core.schema.encodings import get_content_type
from openapi_core.schema.schemas import get_properties
from openapi_core.unmarshalling.schemas import (
    oas30_format_unmarshallers,
    oas31_format_unmarshallers,
    oas32_format_unmarshallers,
)
from openapi_core.unmarshalling.schemas.datatypes import FormatUnmarshallersDict
from openapi_core.util import forcebool
from openapi_core.validation.schemas import (
    oas30_write_schema_validators_factory,
    oas31_schema_validators_factory,
    oas32_schema_validators_factory,
)
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory

__all__ = [
    "ExtendedMediaTypeDeserializer",
    "ExtendedMediaTypeDeserializersFactory",
    "ExtendedStyleDeserializersFactory",
    "Schemas",
    "extended_config",
    "passthrough_formats",
]

_PRIMITIVES = frozenset({"string", "integer", "number", "boolean"})
_CASTS: dict[str, Callable[[str], Any]] = {"integer": int, "number": float, "boolean": forcebool}
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_MAX_DEPTH = 32  # composition nesting followed when looking for a schema's kinds and properties

Tree = dict[str, Any]  # deepObject keys parsed: segment -> Tree, or the list of values sent for the key


# --- what a schema says, through allOf / anyOf / oneOf and $ref ------------------------------------


class Schemas:
    """The schemas of one OpenAPI document as plain data, local `$ref`s followed, and the decoding guided by
    them. (Plain dicts: walking `SchemaPath`s for every key of every request doubled Stripe's run time.)
    What a schema says is cached per schema object, so a document's schemas are read once."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self._refs: dict[str, Any] = {}
        self._parts: dict[int, tuple[Any, list[Mapping[str, Any]]]] = {}
        self._kinds: dict[int, tuple[Any, frozenset[str]]] = {}

    @classmethod
    def of(cls, spec: SchemaPath) -> Schemas:
        """The `Schemas` of the document `spec` is the root of (made once per document)."""
        root = spec.read_value()
        cached = _DOCUMENTS.get(id(root))
        if cached is None or cached.root is not root:
            cached = _DOCUMENTS[id(root)] = cls(root)
        return cached

    def deref(self, node: Any) -> Mapping[str, Any] | None:
        """A schema with its `$ref`s followed (None: no schema, or one that is not an object)."""
        for _ in range(_MAX_DEPTH):
            if not isinstance(node, Mapping):
                return {} if node is True else None
            ref = node.get("$ref")
            if not isinstance(ref, str):
                return node
            node = self._lookup(ref)
        return None

    def _lookup(self, ref: str) -> Any:
        if ref not in self._refs:
            node: Any = self.root if ref.startswith("#") else {}  # another file's schema: unknown, so undecided
            for token in ref[1:].split("/")[1:] if ref.startswith("#") else []:
                token = token.replace("~1", "/").replace("~0", "~")
                node = node.get(token) if isinstance(node, Mapping) else None
            self._refs[ref] = node
        return self._refs[ref]

    def parts(self, schema: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
        """The schema and every `allOf`, `anyOf` and `oneOf` part inside it, depth first."""
        if schema is None:
            return []
        cached = self._parts.get(id(schema))
        if cached is None or cached[0] is not schema:
            cached = self._parts[id(schema)] = (schema, self._collect(schema, 0))
        return cached[1]

    def _collect(self, schema: Mapping[str, Any], depth: int) -> list[Mapping[str, Any]]:
        found = [schema]
        for keyword in ("allOf", "anyOf", "oneOf") if depth < _MAX_DEPTH else ():
            for part in schema.get(keyword) or [] if isinstance(schema.get(keyword), list) else []:
                resolved = self.deref(part)
                if resolved is not None:
                    found += self._collect(resolved, depth + 1)
        return found

    def kinds(self, schema: Mapping[str, Any] | None) -> frozenset[str]:
        """The JSON types a schema allows, as far as its `type`, `properties` and `items` (in any part) say."""
        if schema is None:
            return frozenset()
        cached = self._kinds.get(id(schema))
        if cached is None or cached[0] is not schema:
            found: set[str] = set()
            for part in self.parts(schema):
                declared = part.get("type")
                found.update(
                    [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else []
                )
                if {"properties", "additionalProperties", "patternProperties"} & part.keys():
                    found.add("object")
                if {"items", "prefixItems"} & part.keys():
                    found.add("array")
            cached = self._kinds[id(schema)] = (schema, frozenset(found) - {"null"})
        return cached[1]

    def property_names(self, schema: Mapping[str, Any] | None) -> list[str]:
        """The properties an object schema declares, in any of its parts."""
        names: list[str] = []
        for part in self.parts(schema):
            properties = part.get("properties")
            names += [n for n in properties if n not in names] if isinstance(properties, Mapping) else []
        return names

    def property_schema(self, schema: Mapping[str, Any] | None, name: str) -> Mapping[str, Any] | None:
        """The schema of property `name` (declared in any part, else the `additionalProperties` schema)."""
        parts = self.parts(schema)
        for part in parts:
            properties = part.get("properties")
            if isinstance(properties, Mapping) and name in properties:
                return self.deref(properties[name])
        for part in parts:
            if isinstance(part.get("additionalProperties"), Mapping):
                return self.deref(part["additionalProperties"])
        return None

    def items_schema(self, schema: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        """The `items` schema of an array schema (in any part)."""
        for part in self.parts(schema):
            if isinstance(part.get("items"), Mapping):
                return self.deref(part["items"])
        return None

    # --- decoding ----------------------------------------------------------------------------

    def cast_text(self, text: str, schema: Mapping[str, Any] | None) -> Any:
        """A text leaf as its schema's one primitive type (integer, number, boolean), as openapi-core casts it;
        text that does not cast, or whose schema allows several types, stays text (validation judges it)."""
        found = self.kinds(schema)
        if len(found) == 1:
            cast = _CASTS.get(next(iter(found)))
            if cast is not None:
                try:
                    return cast(text)
                except ValueError:
                    return text
        return text

    def typed(self, value: Any, schema: Mapping[str, Any] | None) -> Any:
        """Strings, lists and dicts of decoded text, each leaf cast by the schema at its place (`cast_text`)."""
        if isinstance(value, str):
            return self.cast_text(value, schema)
        if isinstance(value, list):
            item = self.items_schema(schema)
            return [self.typed(v, item) for v in value]
        if isinstance(value, dict):
            return {k: self.typed(v, self.property_schema(schema, k)) for k, v in value.items()}
        return value

    def shape(self, node: Tree | list[str], schema: Mapping[str, Any] | None) -> Any:
        """A deepObject tree (or the values of one key) as the schema's value: indexes (`[0]`, `[1]`) or `[]`
        make an array where the schema allows one, keys make an object; leaves cast by `cast_text`."""
        found = self.kinds(schema)
        if isinstance(node, list):  # the values of one key
            if len(node) > 1 or _array_only(found):
                item = self.items_schema(schema) if "array" in found else None
                return [self.cast_text(v, item) for v in node]
            return self.cast_text(node[0], schema)
        keys = list(node)
        if ("" in keys and "object" not in found) or ("array" in found and all(_index(k) is not None for k in keys)):
            item = self.items_schema(schema)
            if "" in keys:  # a[]=x&a[]=y
                if keys != [""] or not isinstance(node[""], list):
                    raise ValueError("`[]` mixed with other keys, or with keys nested under it")
                return [self.cast_text(v, item) for v in node[""]]
            indexes = sorted(i for k in keys if (i := _index(k)) is not None)
            if indexes != list(range(len(indexes))):
                raise ValueError(f"array indexes {indexes} are not 0..{len(indexes) - 1}")
            return [self.shape(node[str(i)], item) for i in indexes]
        if _array_only(found):  # openapi-core's caster would take an object for an array of its keys
            raise ValueError(f"keys {keys} for an array")
        return {k: self.shape(child, self.property_schema(schema, k)) for k, child in node.items()}

    def exploded_object(self, schema: Mapping[str, Any] | None, location: Mapping[str, Any]) -> dict[str, Any] | None:
        """An exploded object read from the keys named after its declared properties (None: none was sent)."""
        present = [key for key in self.property_names(schema) if key in location]
        if not present:
            return None
        return {key: self.shape(_values(location, key), self.property_schema(schema, key)) for key in present}


_DOCUMENTS: dict[int, Schemas] = {}


def _array_only(found: frozenset[str]) -> bool:
    return "array" in found and not found & (_PRIMITIVES | {"object"})


# --- locations ---------------------------------------------------------------------------------


def _values(location: Mapping[str, Any], key: str) -> list[Any]:
    """Every value sent under `key` (a multidict keeps repeats), [] when none."""
    if key not in location:
        return []
    getlist = getattr(location, "getlist", None)
    return list(getlist(key)) if callable(getlist) else [location[key]]


def _pairs(items: list[str]) -> dict[str, str]:
    """`[k, v, k2, v2]` -> {k: v, k2: v2} (a non-exploded object)."""
    if len(items) % 2:
        raise ValueError(f"an object needs key/value pairs, got {len(items)} items")
    return dict(zip(items[::2], items[1::2], strict=True))


def _assignments(items: Iterable[str]) -> dict[str, str]:
    """`["k=v", "k2=v2"]` -> {k: v, k2: v2} (an exploded object)."""
    found = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"{item!r} is not key=value")
        found[key] = value
    return found


# --- the style deserializers ---------------------------------------------------------------------
# Each is made for one parameter (or body property) schema; the callable's signature is openapi-core's
# (explode, name, schema type, location). KeyError: nothing was sent; ValueError: what was sent is not
# that style (openapi-core reports a DeserializeError).

Schema = Mapping[str, Any] | None


def deep_object_tree(name: str, location: Mapping[str, Any]) -> Tree:
    """The `name[...]` keys of a location as a tree of their bracket segments ({} when none)."""
    tree: Tree = {}
    for key in list(location.keys()):
        if not (isinstance(key, str) and key.startswith(name + "[")):
            continue
        rest = key[len(name) :]
        segments = _BRACKETS.findall(rest)
        if "".join(f"[{s}]" for s in segments) != rest:
            raise ValueError(f"{key!r} is not a deepObject key")
        node = tree
        for segment in segments[:-1]:
            child = node.setdefault(segment, {})
            if not isinstance(child, dict):
                raise ValueError(f"{key!r} nests under a key that also has a value")
            node = child
        leaf = node.setdefault(segments[-1], [])
        if not isinstance(leaf, list):
            raise ValueError(f"{key!r} has a value and nested keys")
        leaf.extend(_values(location, key))
    return tree


def _index(key: str) -> int | None:
    return int(key) if key.isdigit() and str(int(key)) == key else None


def _deep_object(doc: Schemas, schema: Schema) -> DeserializerCallable:
    def loads(explode: bool, name: str, schema_type: str, location: Mapping[str, Any]) -> Any:
        if not explode:
            raise ValueError("not available")  # OpenAPI defines deepObject for explode: true only
        tree = deep_object_tree(name, location)
        if tree:
            return doc.shape(tree, schema)
        if name in location and doc.kinds(schema) & _PRIMITIVES:  # a primitive alternative, sent plain
            return doc.shape(_values(location, name), schema)
        raise KeyError(name)

    return loads


def _form(doc: Schemas, schema: Schema) -> DeserializerCallable:
    def loads(explode: bool, name: str, schema_type: str, location: Mapping[str, Any]) -> Any:
        found = doc.kinds(schema)
        if explode and "object" in found:
            value = doc.exploded_object(schema, location)
            if value is not None:
                return value
            if found == {"object"}:
                raise KeyError(name)  # no key of the object arrived
        values = _values(location, name)
        if not values:
            raise KeyError(name)
        if explode:  # a=x&a=y
            if len(values) > 1 or _array_only(found):
                return doc.typed(values, schema)
            return doc.cast_text(values[0], schema)
        text = values[0]
        if "array" in found and ("," in text or _array_only(found)):
            return doc.typed(text.split(","), schema)
        if "object" in found and ("," in text or found == {"object"}):
            return doc.typed(_pairs(text.split(",")), schema)
        return doc.cast_text(text, schema)

    return loads


def _delimited(doc: Schemas, schema: Schema, delimiter: str, form: DeserializerCallable) -> DeserializerCallable:
    def loads(explode: bool, name: str, schema_type: str, location: Mapping[str, Any]) -> Any:
        if explode:  # OpenAPI: exploded, these are `form` exploded
            return form(explode, name, schema_type, location)
        text = location[name]
        found = doc.kinds(schema)
        if "array" in found and (delimiter in text or _array_only(found)):
            return doc.typed(text.split(delimiter), schema)
        if "object" in found and (delimiter in text or found == {"object"}):
            return doc.typed(_pairs(text.split(delimiter)), schema)
        return doc.cast_text(text, schema)

    return loads


def _label(doc: Schemas, schema: Schema) -> DeserializerCallable:
    def loads(explode: bool, name: str, schema_type: str, location: Mapping[str, Any]) -> Any:
        value = location[name]
        if not value.startswith("."):
            raise ValueError(f"a label value starts with '.': {value!r}")
        text, found = value[1:], doc.kinds(schema)
        if "array" in found:
            return doc.typed(text.split("." if explode else ",") if text else [], schema)
        if "object" in found:
            return doc.typed(_assignments(text.split(".")) if explode else _pairs(text.split(",")), schema)
        return doc.cast_text(text, schema)

    return loads


def _matrix(doc: Schemas, schema: Schema) -> DeserializerCallable:
    def loads(explode: bool, name: str, schema_type: str, location: Mapping[str, Any]) -> Any:
        value = location[name]
        if not value.startswith(";"):
            raise ValueError(f"a matrix value starts with ';': {value!r}")
        params = [p.partition("=") for p in value[1:].split(";")]
        found = doc.kinds(schema)
        if explode and "object" in found:  # ;k=v;k2=v2
            return doc.typed(_assignments(value[1:].split(";")), schema)
        if explode and "array" in found:  # ;p=a;p=b
            if any(key != name for key, _, _ in params):
                raise ValueError(f"an exploded matrix array repeats ;{name}=: {value!r}")
            return doc.typed([text for _, _, text in params], schema)
        if len(params) != 1 or params[0][0] != name:
            raise ValueError(f"a matrix value is ;{name}=...: {value!r}")
        text = params[0][2]
        if "array" in found:
            return doc.typed(text.split(",") if text else [], schema)
        if "object" in found:
            return doc.typed(_pairs(text.split(",")), schema)
        return doc.cast_text(text, schema)

    return loads


class ExtendedStyleDeserializersFactory(StyleDeserializersFactory):
    """openapi-core's style deserializers, with the decoders above for the styles 0.23.1 gets wrong.

    A style deserializer made here is openapi-core's own `StyleDeserializer` (its error wrapping and its
    schema caster); only the callable that turns the location into a value is one of ours, made for the
    parameter's (or body property's) schema.
    """

    def create(self, spec: SchemaPath, schema: SchemaPath, style: str, explode: bool, name: str) -> StyleDeserializer:
        deserializer = super().create(spec, schema, style, explode, name)
        doc = Schemas.of(spec)
        node = doc.deref(schema.read_value())
        form = _form(doc, node)
        ours: dict[str, DeserializerCallable] = {
            "deepObject": _deep_object(doc, node),
            "form": form,
            "spaceDelimited": _delimited(doc, node, " ", form),
            "pipeDelimited": _delimited(doc, node, "|", form),
            "label": _label(doc, node),
            "matrix": _matrix(doc, node),
        }
        deserializer.deserializer_callable = ours.get(style, deserializer.deserializer_callable)
        return deserializer


# --- media types -----------------------------------------------------------------------------------


def _oas30(spec: SchemaPath) -> bool:
    return str((spec / "openapi").read_str("3.0")).startswith("3.0")


class ExtendedMediaTypeDeserializer(MediaTypeDeserializer):
    """openapi-core's media type deserializer, decoding form and multipart bodies as OpenAPI says."""

    def evolve(self, schema: SchemaPath, mimetype: str | None = None) -> MediaTypeDeserializer:
        """A deserializer for a subschema; the body's `encoding` stays when the media type does (allOf parts)."""
        evolved = super().evolve(schema, mimetype)
        if mimetype is None:
            evolved.encoding = self.encoding
        return evolved

    def decode(self, location: Mapping[str, Any], schema_only: bool = False) -> Mapping[str, Any]:
        """The body's properties; every `allOf` part's (all must hold: validation checks them), a matching
        `oneOf` part's and every matching `anyOf` part's (as openapi-core picks them), then its own."""
        assert self.schema is not None
        properties: dict[str, Any] = {}
        if "allOf" in self.schema:
            for part in self.schema / "allOf":
                properties.update(self.evolve(part).decode(location, schema_only=True))
        if self.schema_validator is not None:
            one_of = self.schema_validator.get_one_of_schema(location, caster=self.schema_caster)
            if one_of is not None:
                properties.update(self.evolve(one_of).decode(location, schema_only=True))
            for any_of in self.schema_validator.iter_any_of_schemas(location, caster=self.schema_caster):
                properties.update(self.evolve(any_of).decode(location, schema_only=True))
        for name, schema in get_properties(self.schema).items():
            try:
                properties[name] = self.decode_property(name, schema, location)
            except KeyError:
                if "default" in schema:
                    properties[name] = (schema / "default").read_value()
        return properties

    def decode_property(self, prop_name: str, prop_schema: SchemaPath, location: Mapping[str, Any]) -> Any:
        """A body property. Multipart parts of an OpenAPI 3.0 document are read by content type even when
        `encoding` gives a style (3.0 applies style to application/x-www-form-urlencoded only)."""
        if self.mimetype.startswith("multipart") and self.encoding is not None and prop_name in self.encoding:
            encoding = self.encoding / prop_name
            if _oas30(self.spec) or not ({"style", "explode", "allowReserved"} & set(encoding.str_keys())):
                return self.decode_property_content_type(prop_name, prop_schema, location, encoding)
        return super().decode_property(prop_name, prop_schema, location)

    def decode_property_style(
        self, prop_name: str, prop_schema: SchemaPath, location: Mapping[str, Any], prep_encoding: SchemaPath
    ) -> Any:
        """A styled property; multipart parts (OpenAPI 3.1 and later) styled as their text."""
        if self.mimetype.startswith("multipart"):
            location = _TextParts(location)
        return super().decode_property_style(prop_name, prop_schema, location, prep_encoding)

    def decode_property_content_type(
        self,
        prop_name: str,
        prop_schema: SchemaPath,
        location: Mapping[str, Any],
        prop_encoding: SchemaPath | None = None,
    ) -> Any:
        """A property by its content type; a multipart text part cast by the property's schema."""
        value = super().decode_property_content_type(prop_name, prop_schema, location, prop_encoding)
        content_type = get_content_type(prop_schema, prop_encoding).split(";")[0].strip().lower()
        if self.mimetype.startswith("multipart") and content_type == "text/plain":
            doc = Schemas.of(self.spec)
            return doc.typed(value, doc.deref(prop_schema.read_value()))
        return value


class _TextParts(Mapping[str, Any]):
    """Multipart parts (bytes) as text, for the style deserializers; repeated parts kept (`getlist`)."""

    def __init__(self, parts: Mapping[str, Any]) -> None:
        self._parts = parts

    def __getitem__(self, key: str) -> Any:
        return _text(self._parts[key])

    def __iter__(self) -> Any:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def getlist(self, key: str) -> list[Any]:
        return [_text(v) for v in _values(self._parts, key)]


def _text(value: Any) -> Any:
    return value.decode("utf-8", errors="surrogateescape") if isinstance(value, bytes) else value


class ExtendedMediaTypeDeserializersFactory(MediaTypeDeserializersFactory):
    """openapi-core's media type deserializers factory, making `ExtendedMediaTypeDeserializer`s."""

    def create(self, *args: Any, **kwargs: Any) -> MediaTypeDeserializer:
        made = super().create(*args, **kwargs)
        return ExtendedMediaTypeDeserializer(
            made.spec,
            made.style_deserializers_factory,
            made.media_types_deserializer,
            made.mimetype,
            schema=made.schema,
            schema_validator=made.schema_validator,
            schema_caster=made.schema_caster,
            encoding=made.encoding,
            **made.parameters,
        )


# --- formats -------------------------------------------------------------------------------------


def _formats(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            found.add(node["format"])
        for value in node.values():
            _formats(value, found)
    elif isinstance(node, list):
        for value in node:
            _formats(value, found)
    return found


def _unchecked(name: str) -> Callable[[Any], Any]:
    def passthrough(value: Any) -> Any:
        warnings.warn(
            f"format {name!r} is not checked (openapi-core has no validator for it)", UserWarning, stacklevel=2
        )
        return value

    return passthrough


def passthrough_formats(spec: Mapping[str, Any]) -> FormatUnmarshallersDict:
    """A pass-through unmarshaller (warning that the format went unchecked) for each format the document
    uses that openapi-core neither validates nor unmarshals for its OpenAPI version."""
    validators, unmarshallers, _ = _version(spec)
    known = set(validators.format_checker.checkers) | set(unmarshallers)
    return {name: _unchecked(name) for name in sorted(_formats(spec, set()) - known)}


def _version(
    spec: Mapping[str, Any],
) -> tuple[SchemaValidatorsFactory, FormatUnmarshallersDict, SchemaCastersFactory]:
    """openapi-core's request validators, format unmarshallers and casters for the document's version."""
    version = str(spec.get("openapi", "3.0"))
    if version.startswith("3.0"):
        return oas30_write_schema_validators_factory, oas30_format_unmarshallers, oas30_write_schema_casters_factory
    if version.startswith("3.1"):
        return oas31_schema_validators_factory, oas31_format_unmarshallers, oas31_schema_casters_factory
    return oas32_schema_validators_factory, oas32_format_unmarshallers, oas32_schema_casters_factory


def extended_config(spec: Mapping[str, Any], **options: Any) -> Config:
    """A `Config` for `OpenAPI.from_dict(spec, config=...)` with the decoders of this module; `options` are
    passed on to `Config` (e.g. `spec_validator_cls=None`)."""
    _, _, casters = _version(spec)
    styles = ExtendedStyleDeserializersFactory(casters, style_deserializers=dict(style_deserializers))
    media: MediaTypeDeserializersDict = media_type_deserializers
    return Config(
        style_deserializers_factory=styles,
        media_type_deserializers_factory=ExtendedMediaTypeDeserializersFactory(styles, media),
        extra_format_unmarshallers=passthrough_formats(spec),
        **options,
    )
