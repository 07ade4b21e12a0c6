"""Our semantic walk against openapi-spec-validator's semantic pass, over the whole corpus: same findings?

`generator/validate/semantic.py` re-does the library's semantic checks in one linear walk. This runs both on
every OpenAPI 3.x document of the corpus (`bench/corpus.py`'s pinned packages) that passes the checks before
them, and compares what each finds, kind by kind (and message by message for defaults and dialect checks).
The library is run as the generator ran it before: visits kept in sets, no per-schema dialect check on 3.0
(the structural pass covers it). Documents where the library itself fails (a reference cycle it recurses
into) are counted, not compared.

Run: `.venv/bin/python bench/semantic_parity.py` (CORPUS_JOBS, default 2; CORPUS_LIMIT to take the first N).
"""

from __future__ import annotations

import ast
import collections
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import exceptions, keywords

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus

from generator.errors import SpecError
from generator.load.document import load
from generator.validate import references, rules
from generator.validate.mappings import walk_mappings
from generator.validate.semantic import semantic_findings

Key = tuple[str, ...]


class _Visits(set[int]):
    def append(self, schema_id: int) -> None:
        self.add(schema_id)


def _linear(cls: type[Any]) -> type[Any]:
    class Linear(cls):  # type: ignore[misc,valid-type]
        def __init__(self, registry: Any) -> None:
            super().__init__(registry)
            self.visited_schema_ids = _Visits()
            self.meta_checked_schema_ids = _Visits()

    return Linear


class _V30Schema(_linear(keywords.OpenAPIV30SchemaValidator)):  # type: ignore[misc]
    def _validate_schema_meta(self, schema: Any, schema_value: Any) -> None:
        return None


class _V30(OpenAPIV30SpecValidator):
    keyword_validators = {**OpenAPIV30SpecValidator.keyword_validators, "schema": _V30Schema}  # noqa: RUF012


class _V31(OpenAPIV31SpecValidator):
    keyword_validators = {  # noqa: RUF012
        **OpenAPIV31SpecValidator.keyword_validators,
        "schema": _linear(keywords.OpenAPIV31SchemaValidator),
    }


def library_keys(data: dict[str, Any]) -> collections.Counter[Key]:
    """What the library finds, one key per finding."""
    paths = {k: v for k, v in (data.get("paths") or {}).items() if not str(k).startswith("x-")}
    validator = (_V31 if str(data["openapi"]).startswith("3.1.") else _V30)({**data, "paths": paths})
    found: collections.Counter[Key] = collections.Counter()
    for error in validator.root_validator(validator.schema_path):
        if isinstance(error, exceptions.DuplicateOperationIDError):
            continue  # reported by rules' own check
        if isinstance(error, exceptions.ExtraParametersError):
            found[("required", *sorted(ast.literal_eval(error.message.split(": ", 1)[1])))] += 1
        elif isinstance(error, exceptions.UnresolvableParameterError):
            found["path_parameter",] += 1
        elif isinstance(error, exceptions.ParameterDuplicateError):
            found["duplicate_parameter",] += 1
        elif isinstance(error, exceptions.OpenAPIValidationError) and error.message.startswith("Duplicate tag"):
            found["duplicate_tag",] += 1
        elif isinstance(error, exceptions.OpenAPIValidationError) and error.message.endswith("'object', 'boolean'"):
            found["not_a_schema",] += 1
        elif isinstance(error, exceptions.OpenAPIValidationError):
            found["meta", error.message] += 1
        elif isinstance(error, ValidationError):
            found["default", error.message] += 1
    return found


def our_keys(doc: Any) -> collections.Counter[Key]:
    """What our walk finds, in the same keys."""
    found: collections.Counter[Key] = collections.Counter()
    for finding in semantic_findings(doc):
        if finding.kind == "required":
            found[
                ("required", *ast.literal_eval(finding.message.split("names ", 1)[1].rsplit("], which", 1)[0] + "]"))
            ] += 1
        elif finding.kind in ("meta", "default"):
            found[finding.kind, finding.message] += 1
        else:
            found[finding.kind,] += 1
    return found


def compare(path: Path) -> tuple[str, str, float, float]:
    """(document, outcome, library seconds, our seconds); outcome: same | differs: ... | skipped: why."""
    name = str(path.relative_to(corpus.CACHE))
    try:
        doc = load(path)
    except (SpecError, RecursionError, ValueError):
        return name, "skipped: does not load", 0.0, 0.0
    version = str(doc.data.get("openapi", ""))
    if next(references.ref_errors(doc, list(walk_mappings(doc.data))), None) or not rules._fast_validator(
        version[:3]
    ).is_valid(doc.data):
        return name, "skipped: invalid before the semantic pass", 0.0, 0.0
    started = time.perf_counter()
    try:
        theirs = library_keys(doc.data)
    except RecursionError:
        return name, "skipped: the library recursed without end", 0.0, 0.0
    except Exception as exc:
        return name, f"skipped: the library crashed ({type(exc).__name__})", 0.0, 0.0
    middle = time.perf_counter()
    try:
        ours = our_keys(doc)
    except Exception as exc:
        return name, f"differs: ours crashed ({type(exc).__name__}: {exc})", middle - started, 0.0
    ended = time.perf_counter()
    if ours == theirs:
        return name, "same", middle - started, ended - middle
    return name, f"differs: library only {theirs - ours}, ours only {ours - theirs}", middle - started, ended - middle


def main() -> int:
    """Compare on every corpus document; print the differences and a summary."""
    documents = corpus.fetch()[: int(os.environ.get("CORPUS_LIMIT", "0")) or None]
    with multiprocessing.get_context("fork").Pool(int(os.environ.get("CORPUS_JOBS", "2"))) as pool:
        results = list(pool.imap_unordered(compare, documents, chunksize=4))
    outcomes = collections.Counter(r[1].split(":")[0] for r in results)
    for name, outcome, _, _ in results:
        if outcome != "same" and not outcome.startswith(("skipped: invalid", "skipped: does not")):
            print(f"{name}: {outcome}")
    theirs, ours = sum(r[2] for r in results), sum(r[3] for r in results)
    print(f"{len(documents)} documents: {dict(outcomes)}")
    print(f"semantic pass over the compared ones: library {theirs:.1f} s, ours {ours:.1f} s")
    return 1 if outcomes["differs"] else 0


if __name__ == "__main__":
    sys.exit(main())
