"""Stage 2, `x-webhook-signature` checked: how the API signs the webhooks it sends (docs/extensions.md).

At the document's root: `standard-webhooks`, an object of a vendor scheme's fields, or a list of those.
`ir/read_extensions.py` reads it into the IR, trusting what is checked here.
"""

from __future__ import annotations

from typing import Any

from generator.load.document import Document, join_pointer

STANDARD = "standard-webhooks"
# Each optional field of a vendor scheme and the values it takes (None: any string).
SIGNATURE_FIELDS: dict[str, tuple[Any, ...] | None] = {
    "algorithm": ("sha256", "sha512"),
    "encoding": ("hex", "base64"),
    "signed": None,
    "prefix": None,
    "timestamp_header": None,
    "id_header": None,
    "signature_key": None,
    "timestamp_key": None,
    "secret_prefix": None,
    "tolerance": (),  # a positive integer
}
HINT = (
    "write it as `x-webhook-signature: standard-webhooks`, or `{header: <signature header>, algorithm: sha256 | "
    "sha512, signed: '{timestamp}.{body}', encoding: hex | base64, prefix: 'sha256=', timestamp_header: <name>, "
    "id_header: <name>, signature_key: v1, timestamp_key: t, tolerance: <seconds>}`, or a list of those."
)


def check_webhook_signature(doc: Document) -> None:
    """Raise a located `SpecError` when the root's `x-webhook-signature` is not well formed, or one is declared
    on a webhook (where it would be ignored: a package verifies all its events one way)."""
    for name, item in (doc.data.get("webhooks") or {}).items():
        for at, holder in [("", item), *((f"/{m}", op) for m, op in (item or {}).items() if isinstance(op, dict))]:
            if isinstance(holder, dict) and "x-webhook-signature" in holder:
                where = join_pointer("webhooks", name) + at + "/x-webhook-signature"
                raise doc.error(where, "`x-webhook-signature` is read at the document's root only.", HINT)
    if "x-webhook-signature" not in doc.data:
        return
    declared = doc.data["x-webhook-signature"]
    listed = declared if isinstance(declared, list) else [declared]
    for i, scheme in enumerate(listed):
        at = "/x-webhook-signature" + (f"/{i}" if isinstance(declared, list) else "")
        if scheme == STANDARD:
            continue
        if not isinstance(scheme, dict) or not isinstance(scheme.get("header"), str) or not scheme["header"]:
            raise doc.error(at, "a webhook signature scheme is `standard-webhooks` or names its `header`.", HINT)
        for key, value in scheme.items():
            _check_field(doc, f"{at}/{key}", key, value)


def _check_field(doc: Document, at: str, key: str, value: Any) -> None:
    if key == "header":
        return
    if key not in SIGNATURE_FIELDS:
        raise doc.error(at, f"`{key}` is not a field of a webhook signature scheme.", HINT)
    allowed = SIGNATURE_FIELDS[key]
    if key == "tolerance":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise doc.error(at, "`tolerance` is a positive number of seconds.", HINT)
    elif allowed is None:
        if not isinstance(value, str):
            raise doc.error(at, f"`{key}` is a string.", HINT)
    elif value not in allowed:
        raise doc.error(at, f"`{key}` is one of {', '.join(allowed)}, not {value!r}.", HINT)
    if key == "signed" and "{body}" not in value:
        raise doc.error(at, "what is signed includes the `{body}`.", HINT)
