"""Stage 4, webhooks: the view of `webhooks.py`, the package's `Webhooks` (verify, then parse into `Event`).

Every string of the module is decided here; `templates/package/webhooks.py.jinja` only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from generator import ir
from generator.render.client_modules import import_plan, webhook_env
from generator.render.needs import joined, uses
from generator.render.python_code import construct, docstring, literal, typed


@dataclass(frozen=True)
class WebhooksView:
    """What `webhooks.py` says: its imports, the event union's alias, the signature schemes, the class."""

    docstring: str
    imports: tuple[str, ...]
    event: str  # the union's annotation, `types.Event`
    schemes: tuple[str, ...]  # `SignatureScheme(...)` sources
    env_var: str
    class_docstring: str


def webhooks_view(api: ir.Api, hooks: ir.Webhooks) -> WebhooksView:
    event, event_needs = typed(hooks.union, module="types")
    needs = joined(
        [
            event_needs,
            uses("._webhooks", "BaseWebhooks", "SignatureScheme"),
            uses("collections.abc", "Sequence"),
            uses("typing", "TypeAlias"),
        ]
    )
    imports, _ = import_plan(needs, ".")
    tagged = f", told apart by their `{hooks.discriminator}`" if hooks.discriminator else ""
    env = webhook_env(api)
    return WebhooksView(
        docstring=docstring(f"The webhooks the {api.title or api.package} API sends: verified, then parsed."),
        imports=imports,
        event=event,
        schemes=tuple(_scheme(s) for s in hooks.signatures),
        env_var=literal(env),
        class_docstring=docstring(
            f"Verifies received webhooks, then parses them into `Event`: any of the {len(hooks.events)} events "
            f"the spec documents{tagged}. The secret is `secret=`, else the environment variable `{env}`; "
            "several secrets (a list) are each tried.",
            4,
        ),
    )


def _scheme(signature: ir.Signature) -> str:
    """The runtime's `SignatureScheme(...)` for a scheme, its defaults left out."""
    given = {
        f.name: literal(getattr(signature, f.name))
        for f in fields(signature)
        if getattr(signature, f.name) != f.default or f.name == "signature_header"
    }
    return construct("SignatureScheme", **given)
