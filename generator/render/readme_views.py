"""Stage 4a for the README: what a package's README.md says, every string decided here from the IR.

A section is written only for what the API has (credentials, pages, async work, streams, webhooks). Its
Python blocks are sources (`readme_sources`) formatted with the docs' examples, the operations' own
examples among them; the tests type-check every one and run it against a mock of the spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import ir
from generator.render import markdown as md
from generator.render.client_modules import webhooks_attribute
from generator.render.doc_events import EVENTS_PAGE
from generator.render.doc_operations import ERROR_CLASSES, credentials_comment, page_rule
from generator.render.doc_parts import OPERATIONS_DIR, Row, Section
from generator.render.endpoint_views import credentials
from generator.render.example_calls import example_call, imports
from generator.render.release import Release

_KEY = "readme"  # the prefix of the README's sources among the snippets formatted with the docs'


@dataclass(frozen=True)
class ReadmeView:
    """The README of one package: its title, the text under it, and its sections (level 2)."""

    title: str
    intro: str
    sections: tuple[Section, ...]


def _operations(api: ir.Api) -> list[tuple[ir.Group, ir.Operation]]:
    return [(group, op) for group in api.groups for op in group.operations]


def _streamed(op: ir.Operation) -> bool:
    return op.success is not None and op.success.stream is not None


def first_call(api: ir.Api) -> tuple[ir.Group, ir.Operation] | None:
    """The operation the README calls first: a plain GET asking for the fewest arguments, if there is one."""
    operations = _operations(api)
    if not operations:
        return None

    def effort(pair: tuple[ir.Group, ir.Operation]) -> tuple[int, ...]:
        op = pair[1]
        required = sum(p.required and p.constant is None for p in op.parameters)
        special = op.pagination is not None or op.poll is not None or op.starts is not None or op.follow is not None
        return op.method != "GET", _streamed(op), op.body_required, special, required

    return min(operations, key=effort)


def readme_sources(api: ir.Api) -> dict[str, str]:
    """The README's own Python sources, unformatted, by key (the operations' examples are the docs')."""
    client = api.client_name
    first = first_call(api)
    sources = _call_sources(api, *first) if first is not None else {}
    if credentials(api):
        arguments = ", ".join(f'{c.name}="<{c.name}>"' for c in _shown_credentials(api, first))
        sources["auth"] = f"from {api.import_name} import {client}\n\nclient = {client}({arguments})\n"
    paged = next(((g, o) for g, o in _operations(api) if o.pagination is not None and not _streamed(o)), None)
    if paged is not None:
        needs: set[str] = set()
        call = example_call(api, *paged, needs)
        opened = f"async with {api.async_client_name}() as client:{credentials_comment(api)}"
        sources["pages_async"] = imports(api, needs | {api.async_client_name}, "asyncio") + (
            f"\nasync def main() -> None:\n    {opened}\n        async for item in {call}:\n            print(item)\n"
            "\n\nasyncio.run(main())\n"
        )
    if api.webhooks is not None:
        sources["webhooks"] = (
            f"from {api.import_name} import {client}, WebhookVerificationError\n\nclient = {client}()\n\n\n"
            "def receive(payload: bytes, headers: dict[str, str]) -> None:\n    try:\n"
            f"        event = client.{webhooks_attribute(api)}.unwrap(payload, headers)\n"
            "    except WebhookVerificationError:\n        return  # not sent by the API: answer 400\n"
            "    print(event)\n"
        )
    sources["logging"] = (
        f'import logging\n\nlogging.basicConfig()\nlogging.getLogger("{api.import_name}").setLevel(logging.DEBUG)\n'
    )
    sources["http_client"] = (
        f"import httpx\n\nfrom {api.import_name} import {client}\n\n"
        f'client = {client}(http_client=httpx.Client(proxy="http://localhost:8080", verify=False))\n'
    )
    sources["options"] = (
        "import time\nfrom collections.abc import Callable\n\nimport httpx\n\n"
        f"from {api.import_name} import {client}\n\n\n"
        "def timing(request: httpx.Request, call_next: Callable[[httpx.Request], httpx.Response]) -> httpx.Response:\n"
        "    started = time.monotonic()\n    response = call_next(request)\n"
        '    print(request.method, request.url.path, response.status_code, f"{time.monotonic() - started:.3f} s")\n'
        "    return response\n\n\n"
        f"client = {client}(\n"
        '    default_headers={"X-Team": "billing"}, default_query={"trace": "1"}, middleware=[timing]\n)\n'
    )
    return {f"{_KEY}.{key}": source for key, source in sources.items()}


def _call_sources(api: ir.Api, group: ir.Group, op: ir.Operation) -> dict[str, str]:
    """The README's sources that call its first operation (`op`): errors, timeouts, raw responses."""
    client, needs = api.client_name, set[str]()
    call = example_call(api, group, op, needs)
    with_client = f"with {client}() as client:{credentials_comment(api)}\n"
    errors = imports(api, needs | {"APIConnectionError", "APIStatusError", "NotFoundError", client}) + with_client
    errors += (
        f"    try:\n        print({call})\n    except NotFoundError as error:\n"
        "        print(error.status_code, error.body)\n    except APIStatusError as error:\n"
        "        print(error.status_code, error.request_id, error.body)\n    except APIConnectionError as error:\n"
        "        print(error)\n"
    )
    timeouts = imports(api, needs | {client}, "httpx") + (
        f"client = {client}(timeout=20.0, max_retries=4)\n"
        "patient = client.with_options(timeout=httpx.Timeout(120.0, connect=5.0))\n"
        f"print({example_call(api, group, op, needs, 'timeout=5.0')})\n"
    )
    calls = [example_call(api, group, op, needs, "max_retries=0")]
    unsafe = next(((g, o) for g, o in _operations(api) if o.method in ("POST", "PATCH") and not _streamed(o)), None)
    if unsafe is not None:  # a create, made safe to retry by a key its retries share
        calls.append(example_call(api, *unsafe, needs, 'idempotency_key="order-1234"'))
    per_call = imports(api, needs | {client}) + with_client + "".join(f"    print({call})\n" for call in calls)
    raw = (
        imports(api, needs | {client})
        + with_client
        + (
            f"    raw = {example_call(api, group, op, needs, then='.with_raw_response')}\n"
            '    print(raw.status_code, raw.headers.get("content-type"))\n    print(raw.parsed)\n'
        )
    )
    return {"errors": errors, "timeouts": timeouts, "retries_per_call": per_call, "raw": raw}


def _shown_credentials(api: ir.Api, first: tuple[ir.Group, ir.Operation] | None) -> list[ir.Credential]:
    """The credentials the auth example passes: those of the first call's first alternative (schemes that are
    alternatives, basic or bearer, are not all given at once), else every one."""
    schemes = {s.key: s for s in api.auth}
    used = first[1].security[0] if first is not None and first[1].security else ()
    shown = [c for key in used for c in (*schemes[key].credentials, *schemes[key].client)]
    return list(dict.fromkeys(shown)) or credentials(api)


def _python(code: str) -> str:
    """A fenced block of Python (the tests type-check and run every one)."""
    return f"```python\n{code}```"


def readme_view(api: ir.Api, release: Release, formatted: dict[str, str]) -> ReadmeView:
    """The README of `api`'s package; `formatted` holds the formatted sources of the docs and `readme_sources`."""
    code = {key.removeprefix(f"{_KEY}."): text for key, text in formatted.items() if key.startswith(f"{_KEY}.")}
    sections = [_install(api, release), *_auth(api, code)]
    first = first_call(api)
    if first is not None:
        group, op = first
        sync, async_ = formatted[f"{op.operation_id}.sync"], formatted[f"{op.operation_id}.async"]
        link = f"docs/{OPERATIONS_DIR}/{group.qualified}.md#{md.slug(f'{group.qualified}.{op.name}')}"
        text = (
            f"`client.{group.qualified}.{op.name}` sends `{op.method} {md.text(op.path)}` ([reference]({link})):\n\n"
            f"{_python(sync)}\n\nThe async client, `{api.async_client_name}`, has the same methods, to be awaited:\n\n"
            f"{_python(async_)}\n\nThe client holds a connection pool: use it as a context manager, or call "
            "`close()`. Every resource and type is listed in the [reference](docs/index.md)."
        )
        sections.append(Section("First call", text))
        sections += [_errors(api, code), _retries(code)]
    sections += [*_pagination(api, formatted, code), *_waiting(api, formatted), *_streaming(api, formatted)]
    if api.webhooks is not None:
        text = (
            f"The API sends {len(api.webhooks.events)} kinds of events ([list](docs/{EVENTS_PAGE})). "
            f"`client.{webhooks_attribute(api)}.unwrap` verifies a received one's signature with the client's "
            "`webhook_secret` (or its environment variable) and parses it into a typed event:\n\n"
            f"{_python(code['webhooks'])}"
        )
        sections.append(Section("Webhooks", text))
    if first is not None:
        text = (
            "`.with_raw_response` on any method returns the parsed result together with the HTTP response "
            "(status, headers); `.with_streaming_response` leaves the body unread.\n\n" + _python(code["raw"])
        )
        sections.append(Section("Raw responses", text))
    sections += [_logging(api, code), _options(api, release, code), _publishing(api, release)]
    intro = md.text("\n\n".join(t for t in (api.description.split("\n\n")[0],) if t))
    return ReadmeView(md.cell(api.title) or api.package, intro, tuple(sections))  # a heading: one line


def _install(api: ir.Api, release: Release) -> Section:
    text = (
        f"```sh\npip install {release.name}\n```\n\nThe distribution `{release.name}` (version {release.version}) "
        f"holds the package `{api.import_name}`, for Python 3.10 and later, with pydantic 2 and httpx. Until it is "
        "published, "
        "install it from the directory that `sdk-generator generate --pyproject` wrote (`pip install DIR`); see "
        "[Building and publishing](#building-and-publishing)."
    )
    if not release.chosen:
        text += (
            f" `{release.name}` is the default name, the package's: should PyPI have a project of that name, "
            "`pip install` fetches that one, not this SDK."
        )
    return Section("Installation", text)


def _auth(api: ir.Api, code: dict[str, str]) -> list[Section]:
    rows = []
    for scheme in api.auth:
        sent = f"{md.code(scheme.name)} {scheme.location}" if scheme.kind == "apiKey" else scheme.kind
        if scheme.token_url:
            sent += f" (token from {md.code(scheme.token_url)})"
        for credential in (*scheme.credentials, *scheme.client):
            rows.append(Row((md.cell(scheme.key), sent, f"`{credential.name}=`", f"`{credential.env_var}`")))
    if not rows:
        return [Section("Authentication", "The API's operations need no credentials.")]
    text = (
        "Each credential is a client argument, read from its environment variable when it is not given; a call "
        "raises `MissingCredentialsError` before sending when its operation needs one the client lacks. Credentials "
        "are never logged and never sent to another origin."
    )
    if any(len(op.security) > 1 for _, op in _operations(api)):
        text += " An operation that accepts several schemes needs the credentials of one of them."
    text += "\n\n" + _python(code["auth"])
    return [Section("Authentication", text, ("Scheme", "Sent as", "Argument", "Environment variable"), tuple(rows))]


def _errors(api: ir.Api, code: dict[str, str]) -> Section:
    statuses = sorted({int(r.status) for _, op in _operations(api) for r in op.responses if r.status.isdigit()})
    rows = [Row((f"`{ERROR_CLASSES[s]}`", f"the API answered {s}")) for s in statuses if s in ERROR_CLASSES]
    rows += [
        Row(("`InternalServerError`", "the API answered 5xx")),
        Row(("`APIStatusError`", "any status outside 2xx (the base class of the above): `.status_code`, `.body`")),
        Row(("`APITimeoutError`", "no answer in time (a subclass of `APIConnectionError`)")),
        Row(("`APIConnectionError`", "no answer: the connection was refused, reset or dropped")),
        Row(("`APIResponseValidationError`", "a 2xx answer that does not match its schema")),
    ]
    if api.auth:
        rows.append(Row(("`MissingCredentialsError`", "the operation needs credentials the client does not have")))
    if any(op.poll or op.starts or op.follow for _, op in _operations(api)):
        rows.append(Row(("`WaitFailedError`, `WaitTimeoutError`", "async work failed, or did not end in time")))
    if any(op.pagination for _, op in _operations(api)):
        rows.append(Row(("`PaginationLoopError`", "a page pointed back at one already fetched")))
    if any(_streamed(op) for _, op in _operations(api)):
        rows.append(Row(("`StreamInterruptedError`", "a stream was cut inside an item")))
    if api.webhooks is not None:
        rows.append(Row(("`WebhookVerificationError`", "a received webhook's signature or payload is not valid")))
    text = f"Every exception is an `APIError`, importable from `{api.import_name}`:\n\n" + _python(code["errors"])
    return Section("Errors", text, ("Exception", "Raised when"), tuple(rows))


def _retries(code: dict[str, str]) -> Section:
    text = (
        "Timeouts, refused or reset connections and the answers 408, 409, 429 and 5xx are retried with exponential "
        "backoff and jitter, `Retry-After` honoured, up to `max_retries` times: requests with idempotent methods, "
        "and others that never reached the server. `timeout` bounds one attempt in all, reading the body included: "
        "seconds, or an `httpx.Timeout` for httpx's per-phase limits. Set either on the client, on a copy of it "
        "(`with_options`, which shares the connection pool), or per call:\n\n"
        f"{_python(code['timeouts'])}\n\nPer call, `max_retries=` too, and `idempotency_key=`: with a key, sent in "
        "the client's `idempotency_header` and the same on every retry, a POST or PATCH is retried like a GET:\n\n"
        + _python(code["retries_per_call"])
    )
    return Section("Retries and timeouts", text)


def _pagination(api: ir.Api, formatted: dict[str, str], code: dict[str, str]) -> list[Section]:
    paged = [(g, o) for g, o in _operations(api) if o.pagination is not None and not _streamed(o)]
    if not paged:
        return []
    group, op = paged[0]
    assert op.pagination is not None
    names = ", ".join(f"`{g.qualified}.{o.name}`" for g, o in paged)
    text = (
        f"List methods ({names}) return a page; iterating it goes on through the next pages, fetched as needed. "
        f"`{group.qualified}.{op.name}` pages by {page_rule(op.pagination)}:\n\n"
        f"{_python(formatted[f'{op.operation_id}.sync'])}\n\nWith the async client, iterate the call itself:\n\n"
        f"{_python(code['pages_async'])}"
    )
    return [Section("Pagination", text)]


def _waiting(api: ir.Api, formatted: dict[str, str]) -> list[Section]:
    shown = []
    for kind, what in (
        ("starts", "starts async work: it returns a handle whose `.wait()` polls the work until it ends and returns "
         "its typed result"),
        ("follow", "is accepted for later (202): `.wait()` on what it returns follows the `Location` it was given"),
        ("poll", "reports the status of async work: the resource's `wait` method polls it until it is done"),
    ):  # fmt: skip
        found = next(((g, o) for g, o in _operations(api) if getattr(o, kind) is not None and not _streamed(o)), None)
        if found is not None and (kind != "starts" or not found[1].starts or not found[1].starts.direct):
            group, op = found
            example = _python(formatted[f"{op.operation_id}.sync"])
            shown.append(f"`{group.qualified}.{op.name}` {what}:\n\n{example}")
    if not shown:
        return []
    text = "\n\n".join(shown) + "\n\nA failure raises `WaitFailedError`, a `timeout` passed first `WaitTimeoutError`."
    return [Section("Waiting for async work", text)]


def _streaming(api: ir.Api, formatted: dict[str, str]) -> list[Section]:
    found = next(((g, o) for g, o in _operations(api) if _streamed(o)), None)
    if found is None:
        return []
    group, op = found
    text = (
        f"`{group.qualified}.{op.name}` answers with a stream: items are typed and handed over as they arrive; the "
        f"connection is closed when the `with` block ends.\n\n{_python(formatted[f'{op.operation_id}.stream_sync'])}"
    )
    return [Section("Streaming", text)]


def _logging(api: ir.Api, code: dict[str, str]) -> Section:
    text = (
        f"The package logs on the logger `{api.import_name}`: every request's method, path, outcome and time at "
        "DEBUG, an answer parsed leniently at WARNING. Credentials are never logged; URLs, httpx's log lines "
        f"included, are shown without userinfo or API-key query parameters.\n\n{_python(code['logging'])}"
    )
    return Section("Logging", text)


def _options(api: ir.Api, release: Release, code: dict[str, str]) -> Section:
    server = md.code(api.server_url) if api.server_url else "the spec's server"
    rows = [Row(("`base_url`", f"instead of {server}"))]
    rows += [
        Row((f"`{v.name}`", f"the server's {md.code('{' + v.wire_name + '}')} (default {md.code(v.default)})"))
        for v in api.server_variables
    ]
    rows += [
        Row(("`timeout`, `max_retries`", "see [Retries and timeouts](#retries-and-timeouts)")),
        Row(
            ("`http_client`", "an `httpx.Client` (`httpx.AsyncClient`) of your own: proxies, transports, certificates")
        ),
        Row(("`lenient`", "parse answers that contradict their schema as far as they match, with a logged warning")),
        Row(("`default_headers`, `default_query`", "sent with every request")),
        Row(
            (
                "`middleware`",
                "callables `(request, call_next) -> response` run on every attempt (async ones for the async client)",
            )
        ),
        Row(("`idempotency_header`", "the header an idempotency key is sent in, making POST and PATCH safe to retry")),
    ]
    text = (
        "An `httpx` client of your own carries proxies, transports and certificates (its pool is left open when "
        f"the SDK's client closes):\n\n{_python(code['http_client'])}\n\nHeaders and query parameters for every "
        "request, and middleware around every attempt (tracing, signing):\n\n"
        f"{_python(code['options'])}\n\nEvery request identifies itself as "
        f"`User-Agent: {release.name}/{release.version} python/<x.y> httpx/<version>`."
    )
    return Section("Client options", text, ("Argument", "What it does"), tuple(rows))


def _publishing(api: ir.Api, release: Release) -> Section:
    spec = api.source_name if re.fullmatch(r"[\w.\-]+", api.source_name) else "SPEC"  # inside a shell block
    text = (
        "`sdk-generator generate SPEC --pyproject` writes the `pyproject.toml` beside the package; build the "
        "distribution (this README is its description, the reference docs travel inside it) and upload it:\n\n"
        f"```sh\nsdk-generator generate {spec} --out sdk --package {api.package} --pyproject "
        f"--dist-name {release.name} --version {release.version}\npython -m build sdk\ntwine upload sdk/dist/*\n```\n\n"
        "The distribution's name defaults to the package's and its version to the spec's `info.version`. A "
        "package named like a real PyPI project (`openai`, `stripe`, `box`) would then be installed in its place, "
        "or be refused on upload: choose the name with `--dist-name` (or `dist-names` in `[tool.sdk-generator]`), "
        "the version with `--version` (or `versions`)."
    )
    return Section("Building and publishing", text)
