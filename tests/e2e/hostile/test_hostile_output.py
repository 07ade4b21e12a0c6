"""Hostile output: names that collide with the runtime, hand-written files, interrupted writes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from importing import imported
from recording_server import RecordingServer

from conftest import minimal_spec, mypy_strict, run_generator
from generator.pipeline import package_tree
from generator.write.files import generated_tree, read_tree, write_tree
from generator.write.manifest import NAME as MANIFEST
from generator.write.manifest import outputs_digest
from testdata import VENDOR_FULL_SPEC

# Tags named like the client's own attributes, and schemas named like what the generated modules import.
CLASHING_TAGS = ["Request", "close", "with_options", "base_url", "timeout", "max_retries", "_client"]
CLASHING_SCHEMAS = [
    "BaseModel", "Client", "APIError", "Field", "Any", "APIClient", "Endpoint", "ResponseType", "Page",
    "NotFoundError", "RequestOptions", "FileInput", "HostileClient", "RequestResource", "Literal", "TYPE_CHECKING",
]  # fmt: skip


def _get(operation_id: str, tag: str, schema: str, **extra: Any) -> dict[str, Any]:
    """A GET by ID, tagged `tag`, answering `schema`."""
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {
        "get": {
            "tags": [tag],
            "operationId": operation_id,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": content}},
            **extra,
        }
    }


def _clashing_spec() -> dict[str, Any]:
    schemas = {name: {"type": "object", "properties": {"id": {"type": "string"}}} for name in CLASHING_SCHEMAS}
    paths = {
        f"/{tag}/{{id}}": _get(f"get-{tag}", tag, CLASHING_SCHEMAS[index]) for index, tag in enumerate(CLASHING_TAGS)
    }
    # A status operation gets `wait` and `handle` beside it: operations of those names take others. The
    # error `wait` raises is named after the type (`JobFinalFailedError`), its property after its last word.
    schemas["JobFinal"] = {"type": "object", "properties": {"state": {"type": "string"}}}
    schemas["JobFinalFailedError"] = schemas["JobFinal"]
    poll = {"status": "state", "done": ["ok"], "failed": ["broken"]}
    paths["/jobs/{id}"] = _get("getJob", "Jobs", "JobFinal", **{"x-poll": poll})
    paths["/jobs/{id}/wait"] = _get("waitJob", "Jobs", "JobFinal")
    paths["/jobs/{id}/handle"] = _get("handleJob", "Jobs", "JobFinal")
    return minimal_spec(schemas, paths)


@pytest.fixture
def hostile_package(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """The package generated from `_clashing_spec`, imported, and the directory it is in."""
    spec = tmp_path / "hostile.yaml"
    spec.write_text(yaml.safe_dump(_clashing_spec(), sort_keys=False))
    out = tmp_path / "out"
    write_tree(package_tree(spec, "hostile"), out / "hostile")
    with imported(out, "hostile") as package:
        yield package, out


@pytest.mark.timeout(300)
def test_tags_and_schemas_named_like_the_runtime_leave_it_working(
    hostile_package: tuple[Any, Path], tmp_path: Path
) -> None:
    package, out = hostile_package
    client_attributes = {"request", "close", "with_options", "base_url", "timeout", "max_retries"}
    with RecordingServer() as server:
        client = package.HostileClient(base_url=server.url, timeout=7.0, max_retries=0)
        assert (client.base_url, client.timeout, client.max_retries) == (server.url, 7.0, 0)
        resources = {name for name in vars(type(client)) if not name.startswith("_")} - {"jobs"}
        assert len(resources) == len(CLASHING_TAGS) and not resources & client_attributes
        for attribute in resources:
            assert getattr(client, attribute).get("x").id is None  # parsed as the schema: `{"ok": true}`
        assert sorted(s.path for s in server.recorder.seen) == sorted(f"/{tag}/x" for tag in CLASHING_TAGS)
        server.recorder.answers["/jobs/j"] = [(200, {"state": "ok"})]
        assert client.jobs.wait("j").state == "ok" and client.jobs.handle("j").wait().state == "ok"
        assert client.jobs.wait_2("j") and client.jobs.handle_2("j")
        assert [s.path for s in server.recorder.seen[-4:]] == ["/jobs/j", "/jobs/j", "/jobs/j/wait", "/jobs/j/handle"]
        server.recorder.answers["/jobs/j"] = [(200, {"state": "broken"})]
        with pytest.raises(package.JobFinalFailedError2) as failed:
            client.jobs.wait("j")
        assert failed.value.final.state == failed.value.final_.state == "broken"
        copy = client.with_options(timeout=3.0)
        assert copy.timeout == 3.0 and callable(copy.request)
        client.close()
    exported = {name: getattr(package, name).__module__ for name in package.__all__}
    assert sum(module.startswith("hostile.types.") for module in exported.values()) == len(CLASHING_SCHEMAS) + 2
    assert (exported["APIError"], exported["Page"]) == ("hostile._exceptions", "hostile._pagination")
    mypy_strict(out / "hostile", tmp_path / ".mypy_cache", cwd=out)


HAND_WRITTEN = {"postman/handwritten.py": "def helper() -> int:\n    return 1\n", "notes/todo.md": "# mine\n"}


@pytest.mark.timeout(300)
def test_hand_written_files_survive_regeneration_and_are_not_drift(project: Path) -> None:
    generated = project / "generated"
    for relative, text in HAND_WRITTEN.items():
        (generated / relative).parent.mkdir(parents=True, exist_ok=True)
        (generated / relative).write_text(text)
    (generated / "logo.bin").write_bytes(b"\xff\xfe\x00binary")  # not even text: copied as it is
    assert run_generator("check", cwd=project).returncode == 0
    assert run_generator("generate", cwd=project).stdout.startswith("unchanged")
    spec = project / "spec" / "postman.yaml"
    spec.write_text(spec.read_text().replace("The task's ID.", "The ID of the task."))
    result = run_generator("generate", cwd=project)
    assert result.stdout.startswith("wrote"), result.stderr
    assert "The ID of the task." in (generated / "postman" / "types" / "async_task.py").read_text()
    assert {relative: (generated / relative).read_text() for relative in HAND_WRITTEN} == HAND_WRITTEN
    assert (generated / "logo.bin").read_bytes() == b"\xff\xfe\x00binary"
    assert run_generator("check", cwd=project).returncode == 0


@pytest.mark.timeout(120)
def test_one_spec_generated_again_keeps_the_hand_written_module_beside_it(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump(minimal_spec({"Pet": {"type": "object", "properties": {"id": {"type": "string"}}}})))
    assert run_generator("generate", str(spec), "--out", str(tmp_path), "--package", "api").returncode == 0
    (tmp_path / "api" / "handwritten.py").write_text("MINE = 1\n")
    spec.write_text(spec.read_text().replace("Pet", "Dog"))
    result = run_generator("generate", str(spec), "--out", str(tmp_path), "--package", "api")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "api" / "types" / "dog.py").exists() and not (tmp_path / "api" / "types" / "pet.py").exists()
    assert (tmp_path / "api" / "handwritten.py").read_text() == "MINE = 1\n"


@pytest.mark.timeout(120)
def test_a_file_the_generator_did_not_write_is_never_overwritten(tmp_path: Path) -> None:
    """A directory without a manifest is not the generator's: where its files and the package's meet,
    generation stops with an error naming them, and nothing there changes."""
    own = tmp_path / "api"
    own.mkdir()
    (own / "__init__.py").write_text("# my own package\n")
    (own / "client.py").write_text("# my own client\n")
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump(minimal_spec({"Pet": {"type": "object"}})))
    result = run_generator("generate", str(spec), "--out", str(tmp_path), "--package", "api")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"error: {own / '__init__.py'}:" in result.stderr and "client.py" in result.stderr
    assert "Fix:" in result.stderr
    assert sorted(p.name for p in own.iterdir()) == ["__init__.py", "client.py"]
    assert (own / "client.py").read_text() == "# my own client\n"


def _dead_pid() -> int:
    """The ID of a process that has ended: a killed run's."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(ended.stdout)


def _interrupt(project: Path, state: str) -> None:
    """Leave beside `generated/` what a run killed at `state` leaves (see `generator.write.leftovers`)."""
    generated, pid = project / "generated", _dead_pid()
    staging, old = project / f".generated-new-{pid}-k1ll", project / f".generated-old-{pid}"
    if state == "writing":  # killed while writing the staging directory
        shutil.copytree(generated / "postman", staging / "postman")
    elif state == "between renames":  # generated/ moved aside, the complete new tree not yet in its place
        shutil.copytree(generated, staging)
        generated.rename(old)
    elif state in ("swapped", "deleting old"):  # the new tree is in; its old copy not (wholly) deleted
        shutil.copytree(generated, old)
        if state == "deleting old":
            shutil.rmtree(old / "voucherify")


@pytest.mark.timeout(300)
@pytest.mark.parametrize("state", ["writing", "between renames", "swapped", "deleting old"])
def test_the_next_run_recovers_from_a_run_killed_at_any_step(project: Path, state: str) -> None:
    (project / "generated" / "postman" / "handwritten.py").write_text("MINE = 1\n")
    expected = read_tree(project / "generated")
    busy = project / f".generated-new-{os.getppid()}-busy"  # a running process's staging: not ours to remove
    busy.mkdir()
    _interrupt(project, state)
    result = run_generator("generate", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in project.iterdir()) == sorted([busy.name, "generated", "spec"])
    assert read_tree(project / "generated") == expected
    assert run_generator("check", cwd=project).returncode == 0


@pytest.mark.timeout(300)
def test_a_generate_killed_mid_write_is_recovered_by_the_next(tmp_path: Path) -> None:
    spec, package = tmp_path / "vf.json", tmp_path / "vf"
    shutil.copy(VENDOR_FULL_SPEC, spec)
    command = [sys.executable, "-m", "generator", "generate", str(spec), "--out", str(tmp_path), "--package", "vf"]
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    (package / "handwritten.py").write_text("MINE = 1\n")
    before = read_tree(package)
    spec.write_text(spec.read_text().replace('"title": "Voucherify API"', '"title": "Voucherify API, edited"', 1))
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not any(tmp_path.glob(".vf-new-*")) and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    killed.kill()
    killed.wait()
    assert any(tmp_path.glob(".vf-*")), "the run ended before it was killed mid-write"
    after_kill = read_tree(package) if package.exists() else None
    assert after_kill in (before, None) or "edited" in after_kill["__init__.py"]  # old, moved aside, or new
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vf", "vf.json"]
    tree = generated_tree(package)
    recorded = json.loads(tree[MANIFEST])  # the new tree, whole: every file its manifest lists, as listed
    assert sorted(tree) == sorted([*recorded["files"], MANIFEST]) and outputs_digest(tree) == recorded["outputs"]
    assert "edited" in tree["__init__.py"]
    assert (package / "handwritten.py").read_text() == "MINE = 1\n"
