"""What a conformance call's outcome means: did the validator read back what was sent, and why did it fail.

`round_trip` compares what openapi-core read from an accepted request with the values the harness
gave the method: openapi-core treats a parameter it cannot find as absent, so a client that drops an
optional parameter, or serializes it in a style the validator does not recognise, would otherwise
pass. `classify` sorts a failure into one of:

- `validator gap`: a known limit of the validator, not a client bug: of openapi-core 0.23.1 alone
  (`DECODED`, which `validator_extensions` decodes, so they explain failures only of a run without
  it) or of openapi-core with `validator_extensions` (`GAPS`: what is still not checkable);
- `spec`: the document itself cannot be satisfied as written (overlapping `oneOf`, a `#` in a path, an
  example that contradicts its schema when no valid body could be made up instead);
- `client`: the generated client sent something the spec does not describe, raised on a schema-valid
  answer, or parsed one into a value that does not hold what was sent (`answer_checks`);
- `harness`: the harness could not make the call, or made up a value no client can send.

An empty array or object has no form-style representation (RFC 6570 §2.3: an empty list or map is
undefined, so it is left out): in a parameter (other than `content`) or a form or multipart body, a value
sent empty and not read at all is read back as sent.
"""

from __future__ import annotations

import base64
import datetime
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, urlsplit

from answer_checks import answer_failure

if TYPE_CHECKING:
    from conformance import Call, Plan
    from synth import Synthesizer
    from validating_server import Verdict

Category = Literal["validator gap", "spec", "client", "harness"]

# openapi-core 0.23.1's own gaps (probed on that version), by key: what it cannot decode alone, and which
# `validator_extensions` decodes (through openapi-core's extension points; its validation is unchanged).
# They explain failures of runs with openapi-core alone (`extended=False`) only.
DECODED: dict[str, str] = {
    "label/matrix path": "openapi-core 0.23.1 does not deserialize label/matrix path parameters: it reports "
    "them missing (MissingRequiredParameter) whatever is sent",
    "nested deepObject": "openapi-core 0.23.1 reads deepObject one level deep: a nested key (q[n][a]=x) fails to cast "
    "(CastError)",
    "deepObject form non-object": "openapi-core 0.23.1 cannot deserialize `deepObject` encoding of an array (or "
    "primitive) property of a form body (DeserializeError ... 'not available')",
    "multipart text parts": "openapi-core 0.23.1 does not cast multipart text parts by the property's type: "
    "n='2' fails `type: integer`",
    "exploded form object": "openapi-core 0.23.1 reads an exploded `form` object (?a=1&b=2, the default for query and "
    "cookie objects and form-body properties) only from a key named after the parameter: it reads nothing, "
    "so the harness only checks that every key was sent",
    "spaceDelimited": "openapi-core 0.23.1 splits spaceDelimited values on the text '%20' after URL decoding, "
    "which never matches: arrays come back as one item, objects empty (the harness checks the raw query)",
    "multipart encoding style": "openapi-core 0.23.1 applies `encoding.style` to multipart parts (OpenAPI 3.0 says it "
    "applies to form-urlencoded bodies only) and then fails on the part (DeserializeError, or bytes not a string)",
    "deepObject non-object schema": "openapi-core 0.23.1 deserializes deepObject only when the schema itself says "
    "`type: object`: an array (Stripe's expand[0]=...), an allOf composition or a type-less object fails "
    "(DeserializeError ... 'not available')",
    "unknown format": "openapi-core 0.23.1 has no unmarshaller for some formats (hostname in OpenAPI 3.0) and rejects "
    "every value of such a parameter (FormatterNotFoundError)",
    "allOf form body": "openapi-core 0.23.1 drops fields of a form or multipart body whose schema is an allOf unread "
    "(form: those not of type string; multipart: every text part): the harness checks the raw body has them",
}
# What is still not checkable with `validator_extensions` (probed; see tests/e2e/conformance/test_conformance.py), by key.
GAPS: dict[str, str] = {
    "exploded form map": "an exploded `form` object whose keys its schema does not declare (a free-form map: "
    "?k=v&k2=v2) cannot be told apart from the other query parameters or cookies, so the validator reads "
    "nothing: the harness only checks that every key was sent",
}
# What openapi-core warns about instead of checking (noted, never a failure).
UNCHECKED = {"UserWarning: Unsupported scheme type": "oauth2/openIdConnect credentials are not checked by openapi-core"}
# Header parameters OpenAPI says are ignored (the client's own Accept, Content-Type and Authorization rule).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
MISSING: Any = object()


@dataclass(frozen=True)
class Classified:
    """Why one call failed: its category and a reason that groups alike failures."""

    category: Category
    reason: str


# --- read back ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """An argument the validator did not read back as it was sent."""

    location: str  # path, query, header, cookie, body, or operation (the request matched another one)
    name: str  # the parameter's wire name, the body property ('' for the whole body) or the matched path
    sent: Any
    read: Any  # MISSING when it did not arrive at all

    def __str__(self) -> str:
        if self.location == "operation":
            return f"the validator matched the request to {self.name!r}, not {self.sent!r}"
        what = f"{self.location} parameter {self.name!r}" if self.location != "body" else "the body"
        if self.location == "body" and self.name:
            what = f"body property {self.name!r}"
        if self.read is MISSING:
            return f"{what} did not arrive (sent {_short(self.sent)})"
        return f"{what}: sent {_short(self.sent)}, the validator read {_short(self.read)}"


def round_trip(plan: Plan, verdict: Verdict) -> list[Mismatch]:
    """What the validator did not read back as sent, from one request it accepted ([] when all is there)."""
    op = plan.operation
    if verdict.template != op.path:
        return [Mismatch("operation", str(verdict.template), op.path, MISSING)]
    mismatches = []
    for name, parameter in plan.parameters.items():
        location, wire = str(parameter["in"]), str(parameter["name"])
        if name not in plan.sent or (location == "header" and wire.lower() in _IGNORED_HEADERS):
            continue
        styled = "content" not in parameter  # RFC 6570 styles: an empty array or object is left out
        read = _lookup(verdict.parameters.get(location) or {}, wire, fold_case=location == "header")
        if read is MISSING and styled and _empty(plan.sent[name]):
            continue
        if read is MISSING or not same(plan.sent[name], read, empty_absent=styled):
            mismatches.append(Mismatch(location, wire, plan.sent[name], read))
    body = plan.sent.get("body")
    media = (plan.body_media_type or "").split(";")[0].strip().lower()
    form = media in ("application/x-www-form-urlencoded", "multipart/form-data")
    if body is None or (body == {} and form):
        return mismatches  # an empty form is an empty body: nothing to read back
    read_body = verdict.body_value
    if isinstance(body, Mapping) and isinstance(read_body, Mapping):
        for key, value in body.items():
            read = read_body.get(key, MISSING)
            if read is MISSING and form and _empty(value):
                continue
            # inside a multipart part, an object or array is JSON (where empty ones are written out)
            urlencoded = media == "application/x-www-form-urlencoded"
            if read is MISSING or not same(value, read, empty_absent=urlencoded):
                mismatches.append(Mismatch("body", str(key), value, read))
    elif read_body is None or not same(body, read_body):
        mismatches.append(Mismatch("body", "", body, MISSING if read_body is None else read_body))
    return mismatches


def _empty(value: Any) -> bool:
    """An empty array or object, or an object of only such (none of it has a form-style representation)."""
    if isinstance(value, list):
        return not value
    return isinstance(value, Mapping) and all(_empty(v) for v in value.values())


def _lookup(read: Mapping[str, Any], name: str, *, fold_case: bool) -> Any:
    if name in read:
        return read[name]
    if fold_case:
        return next((v for k, v in read.items() if k.lower() == name.lower()), MISSING)
    return MISSING


def same(sent: Any, read: Any, *, empty_absent: bool = False) -> bool:
    """Whether the validator's reading equals the JSON value sent (formats such as date-time compared as values;
    keys the validator adds, such as defaults, are allowed; `empty_absent`: an empty array or object sent inside
    an object may be absent, as form-style encodings leave it out)."""
    if isinstance(read, Mapping) and not isinstance(sent, Mapping):
        read = dict(read)
    # A text file part (`type: string, contentMediaType: text/csv`) is sent as bytes and read as text.
    if isinstance(sent, bytes) and isinstance(read, str):
        return sent.decode("utf-8", errors="replace") == read
    if isinstance(sent, Mapping):
        return isinstance(read, Mapping) and all(
            same(v, read[k], empty_absent=empty_absent) if k in read else empty_absent and _empty(v)
            for k, v in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(read, (list, tuple))
            and len(read) == len(sent)
            and all(same(s, r, empty_absent=empty_absent) for s, r in zip(sent, read, strict=True))
        )
    if isinstance(sent, bool) or isinstance(read, bool):
        return (isinstance(read, bool) and sent is read) or (isinstance(read, str) and read == _text(sent))
    if isinstance(read, bytes):
        return _bytes_equal(sent, read)
    if isinstance(read, (datetime.datetime, datetime.date, datetime.time)):
        return bool(_instant(sent, read) == _instant(read))
    if isinstance(read, uuid.UUID):
        return str(read) == str(sent)
    if isinstance(read, str) and not isinstance(sent, str):
        return read == _text(sent)  # a schema without a type: the validator keeps the text
    return bool(sent == read)


def _bytes_equal(sent: Any, read: bytes) -> bool:
    if isinstance(sent, bytes):
        return sent == read
    if isinstance(sent, str):
        try:
            decoded = base64.b64decode(sent, validate=True)
        except ValueError:
            decoded = None
        return read in (sent.encode(), decoded)
    return False


def _instant(value: Any, like: Any = None) -> Any:
    """A date, time or date-time (from its text when it is a string) in one comparable form, parsed as the
    validator's reading `like` is (a date stays a date)."""
    if isinstance(value, str):
        kinds: tuple[type[Any], ...] = (datetime.datetime, datetime.date, datetime.time)
        if type(like) in kinds:
            kinds = (type(like),)
        for kind in kinds:
            try:
                return _instant(kind.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                continue
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if isinstance(value, datetime.time):
        return value.replace(tzinfo=None)
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- why it failed ----------------------------------------------------------------------------


def classify(call: Call, plan: Plan, synth: Synthesizer, *, extended: bool = True) -> Classified | None:
    """The category and reason of a failed call (None when it was accepted).

    A call is a `validator gap` only when every error and mismatch it has is one of the known gaps: of
    `GAPS`, and of `DECODED` too when the validator was openapi-core alone (`extended` False).
    """
    if call.accepted:
        return None
    op = plan.operation
    others = {v.template for v in call.verdicts} - {None, op.path}
    # The IR drops the fragment from `op.path`; its pointer keeps the spec's path as written.
    judged_as = {v.operation_id for v in call.verdicts} - {None, op.operation_id}
    if "#" in op.pointer and (others or judged_as):
        return Classified(
            "spec",
            "a '#' in the spec's path (ReadMe's way to list several operations on one path and method) is a URL "
            "fragment, never sent: the server validates the request against another operation on that URL",
        )
    if any(_TEMPLATE.sub("{}", str(t)) == _TEMPLATE.sub("{}", op.path) for t in others):
        return Classified(
            "spec",
            "two path templates differ only in their parameter names (OpenAPI forbids it): the validator takes the "
            "request for the other operation",
        )
    reasons = [_error_reason(e, v, plan, synth, extended) for v in call.verdicts for e in v.errors]
    reasons += [
        _mismatch_reason(m, v, plan, synth, extended) for v in call.verdicts if v.valid for m in round_trip(plan, v)
    ]
    if reasons:
        unexplained = [r for r in reasons if r.category != "validator gap"]
        return unexplained[0] if unexplained else reasons[0]
    on_answer = answer_failure(call.answer, call.exception, call.answer_difference)
    if on_answer is not None:
        category, reason = on_answer
        return Classified(category, normalized(reason))  # type: ignore[arg-type]
    exception = call.exception or "no request arrived"
    if exception.startswith("TypeError: the harness has no value"):
        return Classified("harness", normalized(exception))
    if not call.verdicts:
        return Classified("client", f"raised before sending: {normalized(exception)}")
    return Classified("client", f"raised on the answer: {normalized(exception)}")


def _gap(key: str) -> Classified:
    return Classified("validator gap", f"{key}: {GAPS.get(key) or DECODED[key]}")


def _known(key: str | None, extended: bool) -> bool:
    """Whether gap `key` explains a failure of a run with (`extended`) or without validator_extensions."""
    return key in GAPS or (key in DECODED and not extended)


def _error_reason(error: str, verdict: Verdict, plan: Plan, synth: Synthesizer, extended: bool) -> Classified:
    gap = _error_gap(error, verdict, plan, synth)
    if _known(gap, extended):
        return _gap(str(gap))
    if _unsendable_empty(error, plan):
        return Classified(
            "harness",
            "the harness made an empty array or object inside a form-style value (deepObject, form): RFC 6570 "
            "treats it as undefined, so no client can send it, and the required property it fills goes missing",
        )
    if "is valid under each of" in error:
        return Classified("spec", "the spec's oneOf options overlap: the value is valid under more than one of them")
    if "SecurityValidationError" in error and _unsatisfiable_security(plan, synth.doc):
        return Classified(
            "spec",
            "every security requirement of the operation combines schemes that all need the Authorization header "
            "(basic, bearer, oauth2, openIdConnect): one request cannot carry them all",
        )
    return Classified("client", normalized(error))


def _unsatisfiable_security(plan: Plan, doc: dict[str, Any]) -> bool:
    """Whether each security alternative of the operation needs the Authorization header more than once."""
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    requirements = plan.spec_operation.get("security", doc.get("security")) or []

    def authorization(name: str) -> bool:
        scheme = schemes.get(name) or {}
        return scheme.get("type") in ("http", "oauth2", "openIdConnect")

    return bool(requirements) and all(sum(map(authorization, r)) > 1 for r in requirements if isinstance(r, dict))


def _error_gap(error: str, verdict: Verdict, plan: Plan, synth: Synthesizer) -> str | None:
    """Which known openapi-core gap explains `error` for this operation's parameters and body, if any."""
    parameters = {(str(p["in"]), str(p["name"])): (n, p) for n, p in plan.parameters.items()}
    if "FormatterNotFoundError" in error:
        return "unknown format"
    missing = re.search(r"Missing required (path|query|cookie) parameter: (\S+)", error)
    if missing:
        name, parameter = parameters.get((missing.group(1), missing.group(2)), (None, {}))
        if missing.group(1) == "path" and parameter.get("style") in ("label", "matrix"):
            return "label/matrix path"
        if name is not None and _exploded_object(parameter) and _keys_sent(plan.sent.get(name), verdict, parameter):
            return "exploded form object"
    media = (plan.body_media_type or "").split(";")[0].strip().lower()
    encoding = _encoding(plan, synth)
    if "CastError" in error:
        named = re.search(r"(Query|Cookie|Header) parameter error: (\S+)", error)
        if named:
            name, parameter = parameters.get((named.group(1).lower(), named.group(2)), (None, {}))
            if parameter.get("style") == "deepObject" and _nested(plan.sent.get(name or "")):
                return "nested deepObject"
        elif media == "application/x-www-form-urlencoded" and any(
            e.get("style") == "deepObject" and _nested(_body_part(plan, k)) for k, e in encoding.items()
        ):
            return "nested deepObject"
    styled = re.search(r"DeserializeError\('(\w+)', '([^']*)'\)", error)
    if styled and styled.group(1) == "deepObject" and "not available" in error:
        if media == "application/x-www-form-urlencoded" and "Request body" in error:
            return "deepObject form non-object"
        _, parameter = parameters.get(("query", styled.group(2)), (None, {}))
        if parameter.get("style") == "deepObject" and synth.resolve(parameter.get("schema")).get("type") != "object":
            return "deepObject non-object schema"
    if media == "multipart/form-data":
        if styled and styled.group(2) in encoding:
            return "multipart encoding style"
        if re.search(r"b'[^']*' is not of type 'string'", error) and any("style" in e for e in encoding.values()):
            return "multipart encoding style"
        if re.search(r"is not of type '(integer|number|boolean)'", error):
            return "multipart text parts"
    return None


def _mismatch_reason(
    mismatch: Mismatch, verdict: Verdict, plan: Plan, synth: Synthesizer, extended: bool
) -> Classified:
    """A mismatch is a known gap when the validator cannot read that style and the request carries the value."""
    parameter = next(
        (p for p in plan.parameters.values() if (p["in"], p["name"]) == (mismatch.location, mismatch.name)), {}
    )
    location, missing = mismatch.location, mismatch.read is MISSING
    gap: str | None = None
    if location in ("query", "cookie") and _exploded_object(parameter):
        if _keys_sent(mismatch.sent, verdict, parameter):
            gap = _exploded_gap(mismatch.sent, parameter.get("schema"), synth)
    elif location == "query" and parameter.get("style") == "spaceDelimited":
        if _raw_query(verdict).get(mismatch.name) == [_space_joined(mismatch.sent)]:
            gap = "spaceDelimited"
    elif location == "body" and mismatch.name and missing:
        if _exploded_form_property(mismatch, verdict, plan, synth):
            gap = _exploded_gap(mismatch.sent, _body_property_schema(plan, synth, mismatch.name), synth)
        elif _allof_body(plan, synth) and _part_sent(mismatch.name, verdict, plan):
            gap = "allOf form body"
    if _known(gap, extended):
        return _gap(str(gap))
    return Classified("client", f"the validator read back another value: {normalized(str(mismatch))}")


def _exploded_gap(sent: Any, schema: Any, synth: Synthesizer) -> str:
    """`exploded form map` when the schema declares none of the keys sent, else `exploded form object`."""
    declared = set(synth.merged(schema).get("properties") or {}) if isinstance(schema, dict) else set()
    return (
        "exploded form map" if isinstance(sent, dict) and not declared & set(map(str, sent)) else "exploded form object"
    )


def _body_property_schema(plan: Plan, synth: Synthesizer, name: str) -> Any:
    body = synth.resolve(plan.spec_operation.get("requestBody"))
    media: Any = synth.resolve(next(iter((body.get("content") or {}).values()), {}))
    return (synth.merged(media.get("schema")).get("properties") or {}).get(name)


def _unsendable_empty(error: str, plan: Plan) -> bool:
    """Whether a validation error is about a required property the harness sent as an empty array or object
    (or, under an anyOf/oneOf, a value with one inside) in a form-style encoding (a form or multipart body, or a
    parameter without `content`): the client had to leave it out."""
    named = re.search(r"(Query|Cookie|Header|Path) parameter error: (\S+)", error)
    if named:
        where = (named.group(1).lower(), named.group(2))
        name = next(
            (n for n, p in plan.parameters.items() if (p["in"], p["name"]) == where and "content" not in p), None
        )
        if name is None:
            return False
        value = plan.sent.get(name)
    elif "Request body" in error and _form_media(plan):
        value = plan.sent.get("body")
    else:
        return False
    for path, message in re.findall(r"^\s*at (\S*): (.*)$", error, flags=re.MULTILINE):
        at = value
        for key in [] if path == "(root)" else path.split("/"):
            if isinstance(at, list) and key.isdigit() and int(key) < len(at):
                at = at[int(key)]
            else:
                at = at.get(key) if isinstance(at, dict) else None
        required = re.fullmatch(r"'(.+)' is a required property", message)
        if required and isinstance(at, dict) and _empty(at.get(required.group(1), 0)):
            return True
        if "is not valid under any of the given schemas" in message and _has_empty(at):
            return True
    return False


def _has_empty(value: Any) -> bool:
    if isinstance(value, (list, dict)) and not value:
        return True
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return any(_has_empty(v) for v in children)


def _form_media(plan: Plan) -> bool:
    media = (plan.body_media_type or "").split(";")[0].strip().lower()
    return media in ("application/x-www-form-urlencoded", "multipart/form-data")


def _exploded_form_property(mismatch: Mismatch, verdict: Verdict, plan: Plan, synth: Synthesizer) -> bool:
    """An object property of a form-urlencoded body, encoded `form` exploded, whose keys are all in the raw body."""
    media = (plan.body_media_type or "").split(";")[0].strip().lower()
    encoding = _encoding(plan, synth).get(mismatch.name, {})
    exploded = encoding.get("style", "form") == "form" and encoding.get("explode", True)
    if media != "application/x-www-form-urlencoded" or not exploded or not isinstance(mismatch.sent, dict):
        return False
    return set(map(str, mismatch.sent)) <= set(parse_qs(verdict.body.decode("latin-1")))


def _allof_body(plan: Plan, synth: Synthesizer) -> bool:
    """Whether the request body is a form or multipart one whose schema is an allOf."""
    media = (plan.body_media_type or "").split(";")[0].strip().lower()
    if media not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    body = synth.resolve(plan.spec_operation.get("requestBody"))
    schema = synth.resolve((synth.resolve((body.get("content") or {}).get(media)) or {}).get("schema"))
    return "allOf" in schema


def _part_sent(name: str, verdict: Verdict, plan: Plan) -> bool:
    """Whether a form field or multipart part called `name` is in the raw request body."""
    if (plan.body_media_type or "").startswith("multipart/"):
        return f'name="{name}"'.encode() in verdict.body
    return name in parse_qs(verdict.body.decode("latin-1"))


def _exploded_object(parameter: dict[str, Any]) -> bool:
    """A query or cookie parameter sent as `form`, exploded (the defaults there), holding an object."""
    if parameter.get("in") not in ("query", "cookie") or parameter.get("style", "form") != "form":
        return False
    return bool(parameter.get("explode", True)) and "content" not in parameter


def _keys_sent(value: Any, verdict: Verdict, parameter: dict[str, Any]) -> bool:
    """Whether every key of an exploded object is in the request's query or cookies (the client did send it)."""
    if not isinstance(value, dict) or not value:
        return False
    if parameter.get("in") == "query":
        present = set(_raw_query(verdict))
    else:
        cookies = SimpleCookie()
        cookies.load(next((v for k, v in verdict.headers.items() if k.lower() == "cookie"), ""))
        present = set(cookies)
    return set(map(str, value)) <= present


def _raw_query(verdict: Verdict) -> dict[str, list[str]]:
    return parse_qs(urlsplit(verdict.target).query, keep_blank_values=True)


def _space_joined(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k} {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return _text(value)


def _encoding(plan: Plan, synth: Synthesizer) -> dict[str, dict[str, Any]]:
    """The `encoding` map of the request body's first media type."""
    body = synth.resolve(plan.spec_operation.get("requestBody"))
    media: Any = next(iter((body.get("content") or {}).values()), {})
    encoding = media.get("encoding") if isinstance(media, dict) else None
    return encoding if isinstance(encoding, dict) else {}


def _body_part(plan: Plan, key: str) -> Any:
    body = plan.sent.get("body")
    return body.get(key) if isinstance(body, dict) else None


def _nested(value: Any) -> bool:
    """Whether an object has an object or array inside (deepObject beyond one level)."""
    return isinstance(value, dict) and any(isinstance(v, (dict, list)) for v in value.values())


_TEMPLATE = re.compile(r"\{[^}]*\}")


def normalized(text: str) -> str:
    """A failure's text with the spec's own values taken out, so alike failures group together."""
    lines = text.splitlines()
    first = lines[0] if lines else text
    detail = next((line.strip() for line in lines[1:] if line.strip().startswith("at ")), "")
    message = f"{first} [{detail}]" if detail else first
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "…", message)
    message = re.sub(r"(parameter(?: error)?:?) [\w\[\].-]+", r"\1 …", message)
    message = re.sub(r"\bat [\w/.\-]+:", "at …:", message)
    message = re.sub(r"\d+", "N", message)
    return message[:240]
