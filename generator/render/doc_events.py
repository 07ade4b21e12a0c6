"""Stage 4a for the docs: the events page, every event the API sends with its model, how webhooks are
signed, and a receiving endpoint (WSGI, the standard library's) that verifies, then parses them."""

from __future__ import annotations

from generator import ir
from generator.render import markdown as md
from generator.render.client_modules import webhook_env, webhooks_attribute
from generator.render.doc_parts import TYPES_DIR, Docs, Page, Row, Section

EVENTS_PAGE = "events.md"


def events_page(api: ir.Api, docs: Docs) -> Page | None:
    """The page of the API's webhooks and callbacks; None when it documents none."""
    hooks = api.webhooks
    if hooks is None:
        return None
    tagged = f" told apart by their `{hooks.discriminator}`" if hooks.discriminator else ""
    later = (
        f"; an event whose `{hooks.discriminator}` this package does not know yet parses as the union's "
        "`Unknown` model, every field kept"
        if hooks.discriminator
        else " (no property tells them apart, so each is tried in turn)"
    )
    intro = (
        f"The events the API sends to your endpoints, {len(hooks.events)} in all,{tagged}. "
        f"`client.{webhooks_attribute(api)}.unwrap(payload, headers)` (or `Webhooks(secret=...)`, without a "
        f"client) verifies the signature, then parses the raw body into `{api.import_name}.webhooks.Event`{later}. "
        "A missing, malformed or wrong signature, or a timestamp outside the tolerance, raises "
        "`WebhookVerificationError` and nothing is parsed."
    )
    rows = tuple(
        Row((f"`{md.cell(e.name)}`", docs.type_md(e.type, f"{TYPES_DIR}/"), ", ".join(f"`{t}`" for t in e.tags),
             md.cell(e.summary)))
        for e in hooks.events
    )  # fmt: skip
    sections = (
        Section("Events", "", ("Event", "Model", hooks.discriminator or "Tag", "Summary"), rows),
        Section("Signature", _signatures(api, hooks)),
        Section("Receiving webhooks", _endpoint(api)),
    )
    return Page(EVENTS_PAGE, f"{api.import_name} events", "Webhooks", intro, sections)


def _signatures(api: ir.Api, hooks: ir.Webhooks) -> str:
    lines = [
        f"The secret is `secret=` (one, or a list during a rotation), else the client's `webhook_secret`, else the "
        f"environment variable `{webhook_env(api)}`. Any one scheme verifying is enough:",
        "",
    ]
    for s in hooks.signatures:
        if s == ir.STANDARD_WEBHOOKS:
            lines.append(
                "- [Standard Webhooks](https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`, "
                "`webhook-signature: v1,<base64>`; secrets written `whsec_<base64>`"
            )
            continue
        where = (
            f"the `{s.signature_key}=` entries of `{s.signature_header}`"
            if s.signature_key
            else f"`{s.signature_header}`"
        )
        how = f"HMAC-{s.algorithm.upper()} of `{s.signed}`, {s.encoding}" + (
            f", behind `{s.prefix}`" if s.prefix else ""
        )
        stamp = s.timestamp_header or (f"its `{s.timestamp_key}=` entry" if s.timestamp_key else None)
        timing = f"; the timestamp ({stamp}) within {s.tolerance} s of now" if stamp else ""
        lines.append(f"- {where}: {how}{timing}")
    return "\n".join(lines)


def _endpoint(api: ir.Api) -> str:
    return f"""A receiving endpoint with the standard library's WSGI server (any framework hands over the raw body and
the headers the same way; parse the body only through `unwrap`, never before):

```python
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import make_server

from {api.import_name} import WebhookVerificationError, Webhooks

webhooks = Webhooks()  # the secret from {webhook_env(api)}


def app(environ: dict[str, Any], start_response: Callable[..., object]) -> list[bytes]:
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    headers = {{k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}}
    try:
        event = webhooks.unwrap(body, headers)
    except WebhookVerificationError:
        start_response("400 Bad Request", [])
        return [b""]
    print(type(event).__name__, event)
    start_response("204 No Content", [])
    return [b""]


if __name__ == "__main__":
    make_server("127.0.0.1", 8000, app).serve_forever()
```"""
