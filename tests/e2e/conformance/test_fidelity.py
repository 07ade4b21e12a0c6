"""A seeded sample of `make fidelity` (bench/fidelity.py, the same code): instances of every operation's JSON
schemas, drawn by hypothesis-jsonschema and kept when the spec's own validator accepts them, must be
accepted by the generated type the client uses and dump back unchanged.

Three small ReadMe example documents checked into tests/data/third_party/readme/ (see its README), five
draws per schema, datamodel-code-generator left out (the corpus run compares it).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter

from testdata import READMEEXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "bench"))
import fidelity
import fidelity_schemas

DOCUMENTS = ("petstore", "complex-nesting", "schema-types")
EXACT = "schema-types (exact)"  # schema-types generated with `untyped-properties = "exact"`
# Where schema-types has `properties` without a `type`: classes by default, so the non-objects JSON Schema
# also lets through are refused there, and only there (`untyped-properties = "exact"` accepts them).
UNTYPED = {("schema-types", "POST /anything/objects", "body"), ("schema-types", "POST /anything/quirks", "body")}
NON_OBJECT = re.compile(r"rejected: model_type on (string|number|integer|boolean|array|null)")


def _cases() -> Iterator[Any]:
    for name in (*DOCUMENTS, EXACT):
        spec = json.loads((READMEEXAMPLES / f"{name.split()[0]}.json").read_text())
        for target in fidelity_schemas.targets(spec):
            yield pytest.param(name, target.operation, target.where, id=f"{name}-{target.operation}-{target.where}")


Checked = dict[str, tuple[fidelity.DocumentResult, fidelity.Run]]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checked]:
    """Each document checked once: its result, and its run holding the failures it recorded."""
    found: Checked = {}
    work = tmp_path_factory.mktemp("fidelity")
    for name in (*DOCUMENTS, EXACT):
        package = "fidelity_" + "".join(c if c.isalnum() else "_" for c in name)
        run = fidelity.Run(examples=5, seed=12, budget=30, dcg=False, package=package, exact_objects=name == EXACT)
        found[name] = fidelity.check_document(READMEEXAMPLES / f"{name.split()[0]}.json", work, run), run
    yield found
    sys.path.remove(str(work))
    for module in [m for m in sys.modules if m.startswith("fidelity_") and m != "fidelity_schemas"]:
        del sys.modules[module]


@pytest.mark.parametrize("name", (*DOCUMENTS, EXACT))
def test_every_schema_is_drawn_and_checked(checked: Checked, name: str) -> None:
    result, _ = checked[name]
    assert result.outcome == "ok", result.reason
    assert result.schemas > 0 and result.no_parser == 0 and result.over_budget == 0
    assert result.valid > 0 and result.tallies["ours"].instances == result.valid  # each valid one went through ours


@pytest.mark.parametrize(("name", "operation", "where"), list(_cases()))
def test_every_valid_instance_is_accepted_and_round_trips(
    checked: Checked, name: str, operation: str, where: str
) -> None:
    failures = [f for f in checked[name][1].found if (f["operation"], f["where"]) == (operation, where)]
    if (name, operation, where) in UNTYPED:
        failures = [f for f in failures if not NON_OBJECT.fullmatch(f["cause"])]
    assert not failures, json.dumps(failures[:3], indent=1, default=str)[:3000]


def test_untyped_properties_refuse_non_objects_by_default_only(checked: Checked) -> None:
    """The draws do reach the design decision: by default a non-object is refused where `properties` have
    no `type`; read exactly, the same document has no failure at all (the test above)."""
    refused = [f for f in checked["schema-types"][1].found if (f["operation"], f["where"]) in {u[1:] for u in UNTYPED}]
    assert refused and all(NON_OBJECT.fullmatch(f["cause"]) for f in refused)


def test_the_validator_allows_what_the_schema_allows() -> None:
    """The oracle: `properties` without `type` constrain objects only, so a string is a valid instance."""
    spec = json.loads((READMEEXAMPLES / "schema-types.json").read_text())
    target = next(t for t in fidelity_schemas.targets(spec) if t.operation == "POST /anything/objects")
    accepts = fidelity_schemas.validator(spec, target.pointer, oas30=True, reading=False)
    assert accepts({"object (without an explicit `type`)": "a string"})
    assert not accepts({"object": "a string"})  # an explicit `type: object` is enforced


def test_a_refused_instance_is_classified_by_pydantic_error_type() -> None:
    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")
        n: int

    adapter = TypeAdapter(Strict)
    assert fidelity.check_model(adapter, {"n": 1, "unknown": 1}).cause == "rejected: extra_forbidden on integer"
    assert fidelity.check_model(adapter, {"n": 1.5}).cause == "rejected: int_from_float on number"
    assert fidelity.check_model(adapter, {"n": 1}) == fidelity.Outcome(True)


def test_round_trips_compare_numbers_and_instants_by_value() -> None:
    difference = fidelity_schemas.difference
    assert difference({"n": 1.0, "t": "2020-01-01T00:00:00+00:00"}, {"n": 1, "t": "2020-01-01T00:00:00Z"}) is None
    assert difference({"n": True}, {"n": 1}) == ("integer became boolean", "$.n")
    assert difference({"a": [1, 2]}, {"a": [1, 2], "b": None}) == ("key dropped", "$.b")
    assert difference({"t": "2020-01-01T00:00:01Z"}, {"t": "2020-01-01T00:00:00Z"}) == ("date-time changed", "$.t")
