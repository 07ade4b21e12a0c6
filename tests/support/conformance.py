"""The conformance harness: generated clients against a validator we did not write.

`run_spec` generates a package from an OpenAPI document, starts a `ValidatingServer` (openapi-core)
for it, and calls every operation through the sync and the async client with arguments made up from
the spec (`synth`), mapped onto the method through the generator's IR. A call is *accepted* when
openapi-core found nothing wrong with what arrived, read back every argument it was given with the
value that was sent (a parameter the validator cannot see is no proof), and the client returned
without raising, with a value that dumps back to the answer's JSON (the answer's body is judged
against its response schema by openapi-schema-validator first: `answer_checks`). The validator is
openapi-core 0.23.1 decoding with `validator_extensions` (or alone: `extended=False`);
`run_spec_validators` judges the same calls by both. `tests/e2e/conformance/test_conformance.py` and
`bench/conformance.py` both run this.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import inspect
import json
import operator
import sys
import time
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, UnionType
from typing import Any, Literal

import httpx
import yaml
from answer_checks import Answer, round_trip_difference
from conformance_verdicts import Classified, Mismatch, classify, round_trip
from importing import imported
from local_transport import AsyncLocalTransport, LocalTransport, token_urls
from pydantic import TypeAdapter
from synth import Synthesizer
from typing_extensions import is_typeddict
from validating_server import METHODS, ValidatingServer, Verdict

from generator import ir
from generator.pipeline import build_api, package_tree
from generator.write.files import write_tree

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")
# Client arguments the harness sets itself; every other `str | None` one is a credential and gets a dummy.
_TRANSPORT_ARGUMENTS = frozenset({"base_url", "http_client", "timeout", "max_retries"})
_UNSET = object()


@dataclass
class Plan:
    """How one operation is called: the method's arguments, and what the validator should read back."""

    operation: ir.Operation
    attribute: str  # the resource's attribute path from the client (`accounts.bank_accounts`)
    spec_operation: dict[str, Any]
    parameters: dict[str, dict[str, Any]]  # python name -> the spec's parameter object (resolved)
    sent: dict[str, Any] = field(default_factory=dict)  # python name -> the JSON value given
    body_media_type: str | None = None

    @property
    def label(self) -> str:
        """`group.method`, as a caller writes it."""
        return f"{self.attribute}.{self.operation.name}"


@dataclass
class Call:
    """One operation called in one mode, and what came of it."""

    spec: str
    operation_id: str
    method: str  # `group.method`
    mode: Mode
    http: str  # `METHOD /path` of the spec
    verdicts: list[Verdict] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)  # arguments the validator did not read back as sent
    exception: str | None = None
    classified: Classified | None = None
    answer: Answer | None = None  # the last answer to a request the validator accepted
    answer_difference: str | None = None  # where the client's parsed value differs from that answer

    @property
    def accepted(self) -> bool:
        """The validator saw the request, found no error, read every argument back; the client did not raise
        and its parsed value holds the answer as it was sent."""
        return (
            bool(self.verdicts)
            and all(v.valid for v in self.verdicts)
            and not self.mismatches
            and self.exception is None
            and self.answer_difference is None
        )

    @property
    def request_line(self) -> str:
        """The first request the server saw for this call (or the spec's method and path when none)."""
        return self.verdicts[0].request_line if self.verdicts else f"({self.http}: nothing arrived)"

    def as_json(self) -> dict[str, Any]:
        """The call as JSON data for reports."""
        return {
            "spec": self.spec,
            "operation_id": self.operation_id,
            "method": self.method,
            "mode": self.mode,
            "accepted": self.accepted,
            "request": self.request_line,
            "errors": [e for v in self.verdicts for e in v.errors],
            "matched": [v.operation_id for v in self.verdicts],
            "warnings": sorted({w for v in self.verdicts for w in v.warnings}),
            "mismatches": [str(m) for m in self.mismatches],
            "exception": self.exception,
            "answer_source": self.answer.source if self.answer else None,
            "answer_valid": self.answer.valid if self.answer else None,
            "answer_error": self.answer.error if self.answer else None,
            "example_error": self.answer.example_error if self.answer else None,
            "answer_difference": self.answer_difference,
            "category": self.classified.category if self.classified else None,
            "reason": self.classified.reason if self.classified else None,
        }


@dataclass
class SpecRun:
    """Every call made for one spec."""

    spec: str
    operations: int
    calls: list[Call]
    seconds: float
    extended: bool = True  # judged by openapi-core with validator_extensions (False: openapi-core alone)

    def accepted(self, mode: Mode) -> int:
        """How many operations were accepted in `mode`."""
        return sum(c.accepted for c in self.calls if c.mode == mode)

    @property
    def failures(self) -> list[Call]:
        """The calls that were not accepted."""
        return [c for c in self.calls if not c.accepted]


# --- the whole run -------------------------------------------------------------


def run_spec(
    spec_path: Path,
    workdir: Path,
    *,
    package: str,
    label: str | None = None,
    select: Callable[[int, ir.Operation], bool] | None = None,
    limit: int | None = None,
    extended: bool = True,
) -> SpecRun:
    """Generate `spec_path` as `package` in `workdir`, and call its operations (those `select`ed by index in
    spec order, at most `limit`) through both clients against a validating server (`extended`: openapi-core
    with `validator_extensions`; False: openapi-core alone)."""
    (run,) = run_spec_validators(
        spec_path, workdir, package=package, label=label, select=select, limit=limit, validators=(extended,)
    )
    return run


def run_spec_validators(
    spec_path: Path,
    workdir: Path,
    *,
    package: str,
    label: str | None = None,
    select: Callable[[int, ir.Operation], bool] | None = None,
    limit: int | None = None,
    validators: Sequence[bool] = (False, True),
) -> list[SpecRun]:
    """`run_spec` once per validator (`extended` False or True) in `validators`, generating the package once:
    the same calls, with the same arguments, judged by openapi-core alone and with `validator_extensions`.
    Each run's `seconds` counts the generation and its own calls."""
    started = time.perf_counter()
    doc = load_spec(spec_path)
    api = generate(spec_path, workdir, package)
    plans = [p for i, p in enumerate(plans_in_spec_order(api, doc)) if select is None or select(i, p.operation)]
    plans = plans[:limit] if limit is not None else plans
    name = label or spec_path.stem
    synth = Synthesizer(doc)
    runs: list[SpecRun] = []
    with imported(workdir, package) as module:
        sync_class = getattr(module, str(api.client_name))
        async_class = getattr(module, f"Async{api.client_name}")
        for plan in plans:
            fill(plan, synth)
        generated = time.perf_counter() - started
        for extended in validators:
            run_started = time.perf_counter()
            with ValidatingServer(doc, extended=extended) as server:
                calls = _run_sync(sync_class, plans, server, name)
                calls += asyncio.run(_run_async(async_class, plans, server, name))
            for call, plan in zip(calls, plans * len(MODES), strict=True):
                call.classified = classify(call, plan, synth, extended=extended)
            runs.append(SpecRun(name, len(plans), calls, generated + time.perf_counter() - run_started, extended))
    return runs


def load_spec(path: Path) -> dict[str, Any]:
    """The OpenAPI document at `path` (JSON or YAML) as plain data."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    assert isinstance(data, dict), f"{path} is not an OpenAPI document"
    return data


def generate(spec_path: Path, workdir: Path, package: str) -> ir.Api:
    """Write the package generated from `spec_path` to `workdir/package`; return the IR it was rendered from."""
    write_tree(package_tree(spec_path, package), workdir / package)
    return build_api(spec_path, package)


def plans_in_spec_order(api: ir.Api, doc: dict[str, Any]) -> list[Plan]:
    """A plan per operation of the IR, in the order the spec lists them (the IR groups them by tag)."""
    order = {
        f"/paths/{_escape(path)}/{method}": (i, j)
        for i, (path, item) in enumerate((doc.get("paths") or {}).items())
        if isinstance(item, dict)
        for j, method in enumerate(METHODS)
    }
    synth = Synthesizer(doc)
    plans = [
        Plan(op, group.qualified, synth.pointer(op.pointer), {})
        for group in api.groups
        for op in group.operations
        if not str(op.name).startswith("wait")
    ]
    return sorted(plans, key=lambda p: order.get(p.operation.pointer, (len(order), 0)))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# --- arguments -------------------------------------------------------------------


def spec_parameters(doc: dict[str, Any], pointer: str, synth: Synthesizer) -> dict[tuple[str, str], dict[str, Any]]:
    """(in, name) -> parameter object of an operation, path-level ones overridden by its own."""
    path_pointer = pointer.rsplit("/", 1)[0]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for holder in (synth.pointer(path_pointer), synth.pointer(pointer)):
        for parameter in holder.get("parameters") or []:
            resolved = synth.resolve(parameter)
            if "in" in resolved and "name" in resolved:
                found[(str(resolved["in"]), str(resolved["name"]))] = resolved
    return found


def parameter_value(parameter: dict[str, Any], synth: Synthesizer) -> Any:
    """A value for a parameter: its example when that fits its schema, else one made up from the schema."""
    schema = parameter.get("schema")
    candidates = _examples(parameter, synth)
    if schema is None and isinstance(parameter.get("content"), dict) and parameter["content"]:
        media = synth.resolve(next(iter(parameter["content"].values())))
        schema = media.get("schema") or {}
        candidates += _examples(media, synth)
    for candidate in candidates:
        if synth.valid(candidate, schema or {}) is not False:
            return candidate
    return synth.value(schema or {})


def body_value(body: dict[str, Any], synth: Synthesizer) -> tuple[str | None, Any]:
    """The first media type of a request body and a value for it (its example when that fits)."""
    content = body.get("content") or {}
    if not content:
        return None, None
    media_type, media = next(iter(content.items()))
    media = synth.resolve(media)
    schema = media.get("schema") or {}
    for candidate in _examples(media, synth):
        if synth.valid(candidate, schema) is not False:
            return str(media_type), candidate
    return str(media_type), synth.value(schema)


def _examples(holder: dict[str, Any], synth: Synthesizer) -> list[Any]:
    found = [holder["example"]] if "example" in holder else []
    for example in (holder.get("examples") or {}).values() if isinstance(holder.get("examples"), dict) else []:
        example = synth.resolve(example)
        if "value" in example:
            found.append(example["value"])
    return found


class _TypesNamespace(dict[str, Any]):
    """Names for `get_type_hints` that the client module imports for type checkers only: looked up lazily
    in the package's `types` (a 1,679-type package imports only what the hints name)."""

    def __init__(self, module: ModuleType) -> None:
        super().__init__()
        self._sources = [importlib.import_module(f"{module.__name__}.types"), module, typing]

    def __missing__(self, key: str) -> Any:
        for source in self._sources:
            with contextlib.suppress(AttributeError, ImportError):
                value = getattr(source, key)
                self[key] = value
                return value
        raise KeyError(key)


def hints_namespace(module: ModuleType) -> dict[str, Any]:
    """The local namespace the method annotations of `module`'s client are evaluated in."""
    return _TypesNamespace(module)


def fill(plan: Plan, synth: Synthesizer) -> None:
    """Decide the JSON value of every argument of `plan` from the spec (typed per call, by `arguments`)."""
    op = plan.operation
    by_location = spec_parameters(synth.doc, op.pointer, synth)
    names = {str(p.name): p for p in op.parameters}
    plan.parameters = {
        name: by_location[(p.location, p.wire_name)]
        for name, p in names.items()
        if (p.location, p.wire_name) in by_location
    }
    plan.sent = {name: parameter_value(parameter, synth) for name, parameter in plan.parameters.items()}
    if op.body is not None and "requestBody" in plan.spec_operation:
        plan.body_media_type, plan.sent["body"] = body_value(synth.resolve(plan.spec_operation["requestBody"]), synth)


def function_of(method: Any) -> Any:
    """The function a generated method runs. A method wrapped by a descriptor (for `.with_raw_response`)
    shows `(*args, **kwargs)` to `inspect`; the function it wraps has the real signature and hints."""
    for attribute in ("__wrapped__", "_fn", "__func__"):
        inner = getattr(method, attribute, None)
        if inspect.isfunction(inner):
            return inner
    return method


def arguments(method: Any, plan: Plan, namespace: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The positional and keyword arguments of one call: typed with the method's hints where they validate."""
    function = function_of(method)
    try:
        hints = typing.get_type_hints(function, localns=namespace)
    except Exception:  # an annotation that does not evaluate: pass JSON values as they are
        hints = {}
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    signature = inspect.signature(function)
    if function is not method and not inspect.ismethod(function):
        signature = signature.replace(parameters=list(signature.parameters.values())[1:])  # drop `self`
    for name, parameter in signature.parameters.items():
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        value = plan.sent.get(name, _UNSET)
        if name == "content_type" or value is _UNSET:
            if parameter.default is inspect.Parameter.empty:
                raise TypeError(f"the harness has no value for the required argument {name!r}")
            continue  # left at its default (a media type choice, or an argument the spec does not describe)
        value = _typed(value, hints.get(name))
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[name] = value
        else:
            positional.append(value)
    return positional, keywords


def _typed(value: Any, hint: Any) -> Any:
    if hint is None:
        return value
    try:
        return TypeAdapter(_models_only(hint)).validate_python(value)
    except Exception:  # the JSON value itself is the fallback (a body also takes a plain dict)
        return value


def _models_only(hint: Any) -> Any:
    """A body's hint without its `Param` TypedDicts: pydantic would pick one for a dict and drop the keys it
    does not list, where the harness checks what the models accept and send (a dict is sent as given)."""
    origin, members = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, UnionType):
        kept = [_models_only(m) for m in members if not is_typeddict(m)]
        return functools.reduce(operator.or_, kept) if kept else hint
    if origin is Sequence:  # `Sequence[Model | ModelParam]`
        return list[_models_only(members[0])]  # type: ignore[misc]  # a type made at run time
    return hint


# --- clients ---------------------------------------------------------------------


def client_arguments(client_class: type, server: ValidatingServer, http_client: Any) -> dict[str, Any]:
    """Keyword arguments for a client: the server's URL, the guarded HTTP client, no retries, and a dummy
    for every credential (`str | None` argument); server variables keep their defaults."""
    parameters = inspect.signature(client_class).parameters
    given: dict[str, Any] = {"base_url": server.url, "http_client": http_client, "timeout": 10.0, "max_retries": 0}
    kwargs = {k: v for k, v in given.items() if k in parameters}
    for name, parameter in parameters.items():
        if name in _TRANSPORT_ARGUMENTS or parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        annotation = str(parameter.annotation).replace("typing.Optional[str]", "str | None")
        if "token_url" in name:
            kwargs[name] = server.token_url
        elif annotation in ("str | None", "Optional[str]", "None | str") and parameter.default is None:
            kwargs[name] = f"dummy-{name.replace('_', '-')}"
    return kwargs


def _run_sync(client_class: type, plans: list[Plan], server: ValidatingServer, spec: str) -> list[Call]:
    tokens = token_urls(server.spec, server.url)
    with httpx.Client(transport=LocalTransport(server, tokens)) as http:
        client = client_class(**client_arguments(client_class, server, http))
        namespace = hints_namespace(sys.modules[client_class.__module__.rsplit(".", 1)[0]])
        calls = []
        for plan in plans:
            call = _call(plan, spec, "sync")
            start, returned = len(server.verdicts), _UNSET
            try:
                method = getattr(functools.reduce(getattr, plan.attribute.split("."), client), str(plan.operation.name))
                positional, keywords = arguments(method, plan, namespace)
                returned = method(*positional, **keywords)
            except Exception as exc:  # what the client raised is the finding
                call.exception = _first_line(exc)
            _settle(call, plan, server, start, returned)
            calls.append(call)
        client.close()
    return calls


async def _run_async(client_class: type, plans: list[Plan], server: ValidatingServer, spec: str) -> list[Call]:
    tokens = token_urls(server.spec, server.url)
    async with httpx.AsyncClient(transport=AsyncLocalTransport(server, tokens)) as http:
        client = client_class(**client_arguments(client_class, server, http))
        namespace = hints_namespace(sys.modules[client_class.__module__.rsplit(".", 1)[0]])
        calls = []
        for plan in plans:
            call = _call(plan, spec, "async")
            start, returned = len(server.verdicts), _UNSET
            try:
                method = getattr(functools.reduce(getattr, plan.attribute.split("."), client), str(plan.operation.name))
                positional, keywords = arguments(method, plan, namespace)
                returned = await method(*positional, **keywords)
            except Exception as exc:  # what the client raised is the finding
                call.exception = _first_line(exc)
            _settle(call, plan, server, start, returned)
            calls.append(call)
        closing = client.close()
        if inspect.isawaitable(closing):
            await closing
    return calls


def _call(plan: Plan, spec: str, mode: Mode) -> Call:
    op = plan.operation
    return Call(spec, op.operation_id, plan.label, mode, f"{op.method} {op.path}")


def _settle(call: Call, plan: Plan, server: ValidatingServer, start: int, returned: Any) -> None:
    """Attach the verdicts of the requests this call made, compare what the validator read with what was sent,
    and what the client returned (`_UNSET` when it raised) with the answer it was given."""
    call.verdicts = list(server.verdicts[start:])
    for verdict in call.verdicts:
        if verdict.valid:
            call.mismatches += round_trip(plan, verdict)
    answers = [v.answer for v in call.verdicts if v.answer is not None]
    call.answer = answers[-1] if answers else None
    if call.answer is not None and returned is not _UNSET:
        call.answer_difference = round_trip_difference(call.answer, returned)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
