"""An HTTP server on 127.0.0.1 that checks every request against an OpenAPI document with openapi-core.

The conformance harness points generated clients at it: a validator we did not write decides
whether what the client sent is what the spec describes (parameter styles, cookies, bodies of every
media type, security). Each request gets a `Verdict` in `server.verdicts`; an invalid one is answered
`400 {"errors": [...]}`, a valid one with the operation's first documented 2xx response, its body
from the spec's example or made up from its schema (`synth`): the example when it validates against
that schema, else a synthesized body that does (`answer_checks.choose_body`). The verdict keeps the
answer and the schema validator's judgement of it (`Verdict.answer`). `POST /__token` answers OAuth2 token
requests, so a client-credentials flow can be pointed at it.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import warnings
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit

from answer_checks import NO_EXAMPLE, Answer, answer_of, choose_body
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.templating.paths.finders import APICallPathFinder
from synth import BINARY, synthesizer
from validator_extensions import extended_config
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

TOKEN_PATH = "/__token"
TOKEN = {"access_token": "tok", "token_type": "bearer", "expires_in": 3600}
BODY_LIMIT = 4096  # bytes of each request body kept in its verdict
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Response headers the server sets itself; a spec that documents them does not get them synthesized.
_OWN_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding", "connection", "date", "server"})


@dataclass
class Verdict:
    """What the validator said about one request."""

    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]
    body: bytes  # the first BODY_LIMIT bytes
    errors: list[str]
    operation_id: str | None  # the operation the validator matched the request to
    template: str | None = None  # its path template (None: no operation matched)
    warnings: list[str] = field(default_factory=list)  # what the validator warned about (unchecked parts)
    # What the validator read from the request: parameters by location and name, and the body.
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    body_value: Any = None
    answer: Answer | None = None  # what a valid request was answered, judged against its schema

    @property
    def valid(self) -> bool:
        """True when the validator found nothing wrong."""
        return not self.errors

    @property
    def request_line(self) -> str:
        """`METHOD /path?query`."""
        return f"{self.method} {self.target}"


def base_path(spec: dict[str, Any]) -> str:
    """The path part of the spec's first server URL ('' for none or a bare host), without a trailing slash."""
    servers = spec.get("servers") or [{"url": "/"}]
    url = str(servers[0].get("url", "/")) if isinstance(servers[0], dict) else "/"
    # `{variables}` in the host would not parse as a URL; only the path part matters here.
    path = urlsplit(url).path if "://" in url else url
    return path.rstrip("/")


def operation_ids(spec: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(path template, method) -> operationId, or `METHOD path` for an operation without one."""
    found: dict[tuple[str, str], str] = {}
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found[(path, method)] = str(operation.get("operationId") or f"{method.upper()} {path}")
    return found


class ValidatingServer:
    """A threaded werkzeug server, validating each request against `spec` with openapi-core.

    `url` is the base URL clients are given (origin plus the spec's base path); `token_url` answers
    OAuth2 token requests. Use as a context manager, or call `start` and `stop`. `extended`: openapi-core
    decodes with `validator_extensions` (deepObject at any depth, label/matrix paths, exploded form
    objects, delimited styles, typed multipart parts, unknown formats passed through); False: openapi-core
    0.23.1 alone.
    """

    def __init__(self, spec: dict[str, Any], *, extended: bool = True) -> None:
        self.source = spec
        self.extended = extended
        self.verdicts: list[Verdict] = []
        self.token_requests: list[dict[str, Any]] = []  # each: headers and form fields of a `/__token` request
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_QuietHandler)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self.url = self.origin + base_path(spec)
        self.token_url = self.origin + TOKEN_PATH
        self.spec = _pointed_at(spec, self.url)
        # The spec's own validity is the generator's business (and the vendor's Voucherify spec fails
        # openapi-spec-validator on a `description` beside a `$ref`): check requests only.
        config = extended_config(self.spec, spec_validator_cls=None) if extended else Config(spec_validator_cls=None)
        self.api = OpenAPI.from_dict(self.spec, config=config)
        self._finder = APICallPathFinder(self.api.spec)
        self._operation_ids = operation_ids(self.spec)
        # Polled every 50 ms (not werkzeug's 500): `stop` returns that soon, and the probes start many servers.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="validating-server", daemon=True
        )
        # openapi-core logs what it gives up on ("invalid allOf schema found"): kept in the verdict, not on stderr.
        self._logged = _Collector()
        # Each operation's answer, made once: the sync and the async client call every operation, and a
        # synthesized response body (Stripe's are large) costs more than validating the request.
        self._answers: dict[tuple[int, str], tuple[int, dict[str, str], bytes, str | None, Answer]] = {}

    def _watch_logs(self, on: bool) -> None:
        logger = logging.getLogger("openapi_core")
        (logger.addHandler if on else logger.removeHandler)(self._logged)

    def start(self) -> ValidatingServer:
        """Start serving in a background thread."""
        self._watch_logs(True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._watch_logs(False)

    def __enter__(self) -> ValidatingServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # --- the WSGI application --------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == TOKEN_PATH:
            with self._lock:
                self.token_requests.append({"headers": dict(request.headers.items()), "form": request.form.to_dict()})
            response = Response(json.dumps(TOKEN), status=200, content_type="application/json")
            return response(environ, start_response)
        verdict, operation = self._judge(request)
        with self._lock:
            self.verdicts.append(verdict)
        if verdict.errors:
            response = Response(json.dumps({"errors": verdict.errors}), status=400, content_type="application/json")
        else:
            response, verdict.answer = self._cached_answer(operation, request.method)
        return response(environ, start_response)

    def _judge(self, request: Request) -> tuple[Verdict, dict[str, Any] | None]:
        """Validate one request; the verdict and the spec's operation it matched (None when none)."""
        target = environ_target(request)
        body = request.get_data(cache=True)
        template, operation = self._match(request)
        errors: list[str] = []
        parameters: dict[str, dict[str, Any]] = {}
        body_value: Any = None
        # openapi-core warns (rather than fails) on what it cannot check, oauth2 above all; the test suite
        # turns warnings into errors, so they are recorded here instead. One request validates at a time.
        with self._lock, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._logged.messages.clear()
            try:
                result = self.api.unmarshal_request(WerkzeugOpenAPIRequest(request))
                errors = [describe(error) for error in result.errors]
                read = result.parameters
                parameters = {k: dict(getattr(read, k)) for k in ("path", "query", "header", "cookie")}
                body_value = result.body
            except Exception as exc:  # a crash of the validator is a verdict too, not a dead server
                errors = [f"validator crashed: {describe(exc)}"]
        return (
            Verdict(
                method=request.method,
                target=target,
                headers=dict(request.headers.items()),
                body=body[:BODY_LIMIT],
                errors=errors,
                operation_id=self._operation_ids.get((template, request.method.lower())) if template else None,
                template=template,
                warnings=sorted(
                    {f"{w.category.__name__}: {w.message}" for w in caught}
                    | {f"log: {m}" for m in self._logged.messages}
                ),
                parameters=parameters,
                body_value=body_value,
            ),
            operation,
        )

    def _match(self, request: Request) -> tuple[str | None, dict[str, Any] | None]:
        """The path template and operation the validator matches the request to (None, None: none)."""
        try:
            _, _, _, path_result, _ = self._finder.find(request.method.lower(), request.base_url)
        except Exception:  # no such path or method: the validator's verdict says so
            return None, None
        template = str(path_result.pattern)
        operation = ((self.spec.get("paths") or {}).get(template) or {}).get(request.method.lower())
        return template, operation if isinstance(operation, dict) else None

    def _cached_answer(self, operation: dict[str, Any] | None, method: str) -> tuple[Response, Answer]:
        """`_answer`, made once per operation and method, and its record."""
        key = (id(operation), method)
        with self._lock:
            made = self._answers.get(key)
        if made is None:
            answer, record = self._answer(operation, method)
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-type", "content-length")}
            made = (answer.status_code, headers, answer.get_data(), answer.content_type, record)
            with self._lock:
                self._answers[key] = made
        status, headers, body, content_type, record = made
        return Response(body, status=status, headers=headers, content_type=content_type), record

    def _answer(self, operation: dict[str, Any] | None, method: str) -> tuple[Response, Answer]:
        """The operation's first documented 2xx response (else `default`), body from its example when that
        validates against its schema, else made up from the schema; and the record of it."""
        responses = (operation or {}).get("responses") or {}
        status_key = next(
            (s for s in responses if str(s).startswith("2")), "default" if "default" in responses else None
        )
        if status_key is None:
            return Response(b"", status=204), answer_of(204, None, b"")
        status = 200 if str(status_key) in ("default", "2XX", "2xx") else int(status_key)
        documented = synthesizer(self.spec).resolve(responses[status_key])
        headers = self._response_headers(documented)
        content = documented.get("content") or {}
        if not content or status in (204, 304) or method == "HEAD":
            return Response(b"", status=status, headers=headers), answer_of(status, None, b"")
        media_type, media = next(iter(content.items()))
        media = media if isinstance(media, dict) else {}
        chosen = choose_body(media, self._example(media), synthesizer(self.spec))
        body, content_type = encode(chosen.value, media_type, synthesizer(self.spec).merged(media.get("schema") or {}))
        record = answer_of(status, content_type, body, chosen)
        return Response(body, status=status, headers=headers, content_type=content_type), record

    def _example(self, media: dict[str, Any]) -> Any:
        if "example" in media:
            return media["example"]
        for example in (media.get("examples") or {}).values():
            example = synthesizer(self.spec).resolve(example)
            if "value" in example:
                return example["value"]
        return NO_EXAMPLE

    def _response_headers(self, response: dict[str, Any]) -> dict[str, str]:
        headers = {}
        synth = synthesizer(self.spec)
        for name, header in (response.get("headers") or {}).items():
            if name.lower() in _OWN_HEADERS:
                continue
            header = synth.resolve(header)
            value = header["example"] if "example" in header else synth.value(header.get("schema") or {}, response=True)
            headers[name] = value.decode() if isinstance(value, bytes) else _text(value)
        return headers


class _Collector(logging.Handler):
    """Keeps the messages logged while one request is validated."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: the verdicts are the record."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _pointed_at(spec: dict[str, Any], url: str) -> dict[str, Any]:
    """A copy of the spec whose only server is `url` (path- and operation-level servers dropped with it)."""
    copied = copy.deepcopy(spec)
    copied["servers"] = [{"url": url}]
    for item in (copied.get("paths") or {}).values():
        if isinstance(item, dict):
            item.pop("servers", None)
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    item[method].pop("servers", None)
    return copied


def environ_target(request: Request) -> str:
    """The request target as the client sent it (percent-encoding kept), else as werkzeug decoded it."""
    raw = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI")
    if raw:
        return str(raw)
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def describe(error: BaseException) -> str:
    """An error with what it wraps: schema errors listed, `__cause__` chain as reprs."""
    parts = [f"{type(error).__name__}: {error}"]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        schema_errors = getattr(current, "schema_errors", None)
        if schema_errors:
            parts.extend(f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in schema_errors)
        current = current.__cause__
        if current is not None:
            parts.append(f"  caused by {current!r}")
    return "\n".join(parts)


def encode(value: Any, media_type: str, schema: dict[str, Any]) -> tuple[bytes, str]:
    """The body bytes and Content-Type of a response value for one media type (wildcards made concrete)."""
    base = media_type.split(";")[0].strip().lower()
    binary = schema.get("type") == "string" and schema.get("format") == "binary"
    if "*" in base:
        media_type = base = "application/octet-stream" if binary or isinstance(value, bytes) else "application/json"
    if base == "application/json" or base.endswith("+json"):
        return json.dumps(value.decode() if isinstance(value, bytes) else value).encode(), media_type
    if isinstance(value, bytes):
        return value, media_type
    if base == "application/x-www-form-urlencoded" and isinstance(value, dict):
        return urlencode({k: _text(v) for k, v in value.items()}).encode(), media_type
    if binary:
        return BINARY, media_type
    return _text(value).encode(), media_type


def _text(value: Any) -> str:
    """A scalar as text (booleans lower-case), anything else as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)
