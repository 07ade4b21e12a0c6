"""Hostile specs (issue 23): bombs, deep or recursive schemas, and `$ref`s to files beside the spec.

Each is built here, small, by a function: refused quickly with a located error (exit 2), or generated
into a package that works. Never a hang, a RecursionError, a crash or a file read it should not.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MakePackage, minimal_spec, run_generator
from generator.ir.type_depth import MAX_TYPE_DEPTH
from generator.load.limits import MAX_DEPTH

HEAD = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"  # three lines


def _refused(tmp_path: Path, name: str, text: str, *args: str, cwd: Path | None = None, within: float = 5) -> str:
    """Generate the spec `name`, which must be refused within `within` seconds; its first error line."""
    spec = tmp_path / name
    spec.write_text(text)
    started = time.monotonic()
    result = run_generator("generate", str(spec), "--out", str(tmp_path / "out"), *args, cwd=cwd or tmp_path)
    assert time.monotonic() - started < within, "refused too slowly"
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Fix:" in result.stderr
    return result.stderr.splitlines()[0]


def laughs(levels: int) -> str:
    """A billion laughs: each anchor a list of nine aliases of the one before."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return HEAD + "\n".join(lines) + "\n"


def merge_bomb(levels: int) -> str:
    """Merge keys: each mapping merges the one before twice."""
    lines = ["m0: &m0 {k0: 1}"] + [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: 1}}" for i in range(1, levels)]
    return HEAD + "\n".join(lines) + "\n"


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (laughs(10), ":11:5:", "stands for more than 10,000,000 nodes"),  # l7 is the first over the cap
        (merge_bomb(30), ":25:16:", "stands for more than 10,000,000 nodes"),  # m21: its merge list
        (HEAD + "x: &x {title: T, self: *x}\n", ":4:4:", "used (`*alias`) inside the node it names"),
        (HEAD + "x: &x [a, [b, *x]]\n", ":4:4:", "used (`*alias`) inside the node it names"),
    ],
    ids=["billion-laughs", "merge-keys", "mapping-cycle", "sequence-cycle"],
)
def test_yaml_alias_bombs_and_cycles_are_refused_quickly(tmp_path: Path, text: str, where: str, words: str) -> None:
    first = _refused(tmp_path, "bomb.yaml", text)
    assert first.startswith(f"error: bomb.yaml{where}") and words in first


@pytest.mark.timeout(60)
def test_many_legitimate_aliases_still_load(make_package: MakePackage) -> None:
    """Anchors reused a thousand times, far under the cap: a spec, not a bomb."""
    schemas = "".join(f"    S{i}: *shared\n" for i in range(1000))
    text = HEAD.replace("paths: {}\n", "") + (
        "paths: {}\ncomponents:\n  schemas:\n    Shared: &shared {type: object, properties: {a: {type: string}}}\n"
        + schemas
    )
    package = make_package(text, package="aliases")
    assert package.S999.model_validate({"a": "x"}).a == "x"


def _nested(depth: int, opener: str, closer: str) -> str:
    return opener * depth + closer * depth


@pytest.mark.timeout(60)
def test_json_nested_1500_deep_is_refused_where_it_passes_the_limit(tmp_path: Path) -> None:
    prefix = '{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}, "x-deep": '
    first = _refused(tmp_path, "deep.json", prefix + _nested(1500, "[", "]") + "}")
    column = len(prefix) + MAX_DEPTH  # the root is level 1, the first `[` (column len + 1) level 2
    assert first.startswith(f"error: deep.json:1:{column}: the document nests more than {MAX_DEPTH} levels")


@pytest.mark.timeout(60)
def test_yaml_nested_100000_deep_is_refused_not_a_crash(tmp_path: Path) -> None:
    first = _refused(tmp_path, "deep.yaml", HEAD + "x: " + _nested(100_000, "[", "]") + "\n")
    assert first.startswith(f"error: deep.yaml:4:{4 + MAX_DEPTH - 1}: the document nests more than {MAX_DEPTH}")


def inline_objects(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for level in range(depth):
        schema = {"type": "object", "properties": {f"p{level}": schema}}
    return schema


@pytest.mark.timeout(60)
def test_inline_objects_80_deep_are_refused_located(tmp_path: Path) -> None:
    first = _refused(tmp_path, "deep.json", json.dumps(minimal_spec({"Top": inline_objects(80)}), indent=0))
    # indent=0 writes a line per key: `Top` is level 4 on line 15, each object adds two levels and three
    # lines, so its `properties` are level 5 + 2k on line 17 + 3k, the `{` at column 15.
    line = 17 + 3 * ((MAX_DEPTH + 1 - 5) // 2)
    assert first.startswith(f"error: deep.json:{line}:15: the document nests more than {MAX_DEPTH} levels")


@pytest.mark.timeout(120)
def test_inline_objects_40_deep_generate(make_package: MakePackage) -> None:
    package = make_package(minimal_spec({"Top": inline_objects(40)}), package="deep40")
    value: dict[str, Any] = {"p0": "leaf"}
    for level in range(1, 40):
        value = {f"p{level}": value}
    top = package.Top.model_validate(value)
    assert top.model_dump(mode="json", by_alias=True, exclude_unset=True) == value


@pytest.mark.timeout(60)
def test_a_oneof_of_itself_and_a_string_generates(make_package: MakePackage) -> None:
    self_or_string = {"oneOf": [{"$ref": "#/components/schemas/S"}, {"type": "string"}]}
    holder = {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/S"}}}
    package = make_package(minimal_spec({"S": self_or_string, "Holder": holder}), package="selfish")
    assert package.Holder.model_validate({"s": "x"}).s == "x"


def ref_chain(length: int) -> dict[str, Any]:
    """A0 -> A1 -> ... -> A<length>, each only a `$ref`, the last a string."""
    schemas: dict[str, Any] = {f"A{i}": {"$ref": f"#/components/schemas/A{i + 1}"} for i in range(length)}
    return {**schemas, f"A{length}": {"type": "string"}}


@pytest.mark.timeout(60)
def test_a_3000_long_ref_chain_is_refused_at_its_start(tmp_path: Path) -> None:
    spec = yaml.safe_dump(minimal_spec(ref_chain(3000)), sort_keys=False)
    first = _refused(tmp_path, "chain.yaml", spec)
    assert first.startswith("error: chain.yaml:10:5 at #/components/schemas/A0: this `$ref` leads to a `$ref` more")


def model_chain(length: int, *, reverse: bool = False, cycle: bool = False) -> dict[str, Any]:
    """M0 has a property of type M1, which has one of type M2, ... up to M<length>; the last back to M0 when
    `cycle`. Declared M0 first, or M<length> first when `reverse`."""
    last = {"next": {"$ref": "#/components/schemas/M0"}} if cycle else {"v": {"type": "string"}}
    schemas = {
        f"M{i}": {"type": "object", "properties": {"next": {"$ref": f"#/components/schemas/M{i + 1}"}}}
        for i in range(length)
    }
    schemas[f"M{length}"] = {"type": "object", "properties": last}
    return dict(reversed(schemas.items())) if reverse else schemas


def _chain_spec(length: int, *, reverse: bool = False, cycle: bool = False) -> str:
    return yaml.safe_dump(minimal_spec(model_chain(length, reverse=reverse, cycle=cycle)), sort_keys=False)


def _line_of_m0(length: int, reverse: bool) -> int:
    return 10 + 5 * (length if reverse else 0)  # the first model is on line 10 and each takes five


@pytest.mark.timeout(60)
@pytest.mark.parametrize("reverse", [False, True], ids=["m0-first", "m0-last"])
def test_a_chain_past_the_limit_is_refused_at_its_start(tmp_path: Path, reverse: bool) -> None:
    first = _refused(tmp_path, "models.yaml", _chain_spec(MAX_TYPE_DEPTH, reverse=reverse))
    assert first.startswith(
        f"error: models.yaml:{_line_of_m0(MAX_TYPE_DEPTH, reverse)}:5 at #/components/schemas/M0: this schema "
        f"starts a chain of {MAX_TYPE_DEPTH + 1} models and unions that refer to one another "
        f"(`M0` -> `M1` -> `M2` -> ... -> `M{MAX_TYPE_DEPTH}`)"
    )


@pytest.mark.timeout(60)
def test_a_cycle_past_the_limit_is_refused_as_one_chain(tmp_path: Path) -> None:
    first = _refused(tmp_path, "models.yaml", _chain_spec(MAX_TYPE_DEPTH, cycle=True))
    # Pydantic builds a cycle from where it is entered, in reference order: M0, M1, M2, ...
    assert first.startswith(
        "error: models.yaml:10:5 at #/components/schemas/M0: this schema starts a chain of "
        f"{MAX_TYPE_DEPTH + 1} models and unions that refer to one another (`M0` -> `M1` -> `M2` -> ... -> `M{MAX_TYPE_DEPTH}`)"
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("reverse", [False, True], ids=["m0-first", "m0-last"])
def test_a_chain_of_200_models_is_refused_however_declared(tmp_path: Path, reverse: bool) -> None:
    first = _refused(tmp_path, "models.yaml", _chain_spec(200, reverse=reverse))
    # Declared M0 first, the builder meets the chain as it nests (two levels a model) before the chain is
    # measured; declared the other way round, each model is built before the one that refers to it.
    where, words = ("M60", "schemas nest more than") if not reverse else ("M0", "this schema starts a chain of 201")
    line = 10 + 5 * 60 if not reverse else _line_of_m0(200, reverse)
    assert first.startswith(f"error: models.yaml:{line}:5 at #/components/schemas/{where}: {words}")


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("reverse", "cycle"), [(False, False), (True, False), (False, True)], ids=["m0-first", "m0-last", "cycle"]
)
def test_a_chain_of_40_models_generates_and_validates(make_package: MakePackage, reverse: bool, cycle: bool) -> None:
    length = 39
    package = make_package(
        minimal_spec(model_chain(length, reverse=reverse, cycle=cycle)), package=f"models{int(reverse)}{int(cycle)}"
    )
    value: dict[str, Any] = {"next": {}} if cycle else {"v": "end"}
    for _ in range(length):
        value = {"next": value}
    # The package is imported for the first time, so this is the first build of every model, under pytest's stack.
    assert package.M0.model_validate(value).model_dump(mode="json", exclude_unset=True) == value


SECRET = "hunter2-do-not-print"


def _project_with_secret(root: Path, ref: str) -> Path:
    """root/secrets/creds.json beside root/spec/api.yaml, which `$ref`s `ref`."""
    (root / "secrets").mkdir()
    (root / "secrets" / "creds.json").write_text(json.dumps({"Creds": {"type": "string", "const": SECRET}}))
    (root / "spec").mkdir()
    spec = root / "spec" / "api.yaml"
    spec.write_text(yaml.safe_dump(minimal_spec({"A": {"type": "object", "properties": {"x": {"$ref": ref}}}})))
    return spec


@pytest.mark.timeout(60)
@pytest.mark.parametrize("ref", ["../secrets/creds.json#/Creds", "../secrets/creds.json#/Nope", "../secrets/none.json"])
def test_a_spec_reads_only_its_own_directory_by_default(tmp_path: Path, ref: str) -> None:
    spec = _project_with_secret(tmp_path, ref)
    result = run_generator("generate", cwd=tmp_path)  # the working directory holds the secret too
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: api.yaml:") and "/components/schemas/A/properties/x/$ref" in first
    assert "leaves spec/, the directory `$ref`s may read" in first  # the same words whether the file exists
    assert SECRET not in result.stderr and not (tmp_path / "generated").exists()
    assert spec.exists()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("how", ["--ref-root", "pyproject"])
def test_a_project_widens_the_root_explicitly(tmp_path: Path, how: str) -> None:
    _project_with_secret(tmp_path, "../secrets/creds.json#/Creds")
    args = ["--ref-root", "."] if how == "--ref-root" else []
    if how == "pyproject":
        (tmp_path / "pyproject.toml").write_text('[tool.sdk-generator]\nref-root = "."\n')
    result = run_generator("generate", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SECRET in (tmp_path / "generated" / "api" / "types" / "a.py").read_text()


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("broken.yaml", f"Creds:\n  type: string\n  {SECRET}: [unclosed\n", "broken.yaml:4:1"),
        ("tagged.yaml", f"Creds: !{SECRET} x\n", "tagged.yaml:1:8"),
        ("twice.yaml", f"{SECRET}: 1\n{SECRET}: 2\n", "twice.yaml:1:1"),
        ("broken.json", f'{{"Creds": {SECRET}}}', "broken.json:1:11"),
    ],
)
def test_errors_in_a_referenced_file_never_quote_it(tmp_path: Path, name: str, text: str, where: str) -> None:
    (tmp_path / name).write_text(text)
    spec = yaml.safe_dump(minimal_spec({"A": {"type": "object", "properties": {"x": {"$ref": f"{name}#/Creds"}}}}))
    first = _refused(tmp_path, "api.yaml", spec)
    assert first.startswith(f"error: {where}:") and SECRET not in first
