"""The command line: exit codes, messages without tracebacks, and a generated/ that failures never touch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_generator
from generator.cli import main
from generator.write.files import read_tree


def test_check_passes_on_a_fresh_tree(project: Path) -> None:
    result = run_generator("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_reports_drift_with_a_diff(project: Path) -> None:
    spec = project / "spec" / "voucherify.yaml"
    spec.write_text(spec.read_text().replace("Async action unique ID.", "Changed in the spec."))
    (project / "generated" / "postman" / "_lazy.py").unlink()
    result = run_generator("check", cwd=project)
    assert result.returncode == 1
    assert '-    id: str = Field(description="Async action unique ID.")' in result.stdout
    assert '+    id: str = Field(description="Changed in the spec.")' in result.stdout
    assert "+++ generated/postman/_lazy.py (regenerated)" in result.stdout
    assert "make generate" in result.stderr


def test_generate_one_spec_into_a_package(tmp_path: Path) -> None:
    result = run_generator("generate", str(ROOT / "spec" / "postman.yaml"), "--out", str(tmp_path), "--package", "pm")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pm" / "py.typed").exists()
    imported = subprocess.run(
        [sys.executable, "-c", "import pm; print(pm.PmClient.__name__, pm.AsyncTask.__name__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.stdout.split() == ["PmClient", "AsyncTask"], imported.stderr


def test_generate_notes_how_it_named_the_resources(tmp_path: Path) -> None:
    postman = run_generator("generate", str(ROOT / "spec" / "postman.yaml"), "--out", str(tmp_path))
    assert postman.returncode == 0, postman.stderr
    assert "note: postman.yaml" in postman.stderr
    assert "resources by tag, method names from paths." in postman.stderr
    answer = {"200": {"description": "ok"}}
    one_tag = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/chat/completions": {
                "post": {"operationId": "createChatCompletion", "tags": ["OpenAI"], "responses": answer}
            },
            "/models": {"get": {"operationId": "listModels", "tags": ["OpenAI"], "responses": answer}},
        },
    }
    spec = tmp_path / "openai.json"
    spec.write_text(json.dumps(one_tag))
    result = run_generator("generate", str(spec), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    (note,) = [line for line in result.stderr.splitlines() if "resources" in line]
    assert note.startswith("note: openai.json")
    assert "resources from paths: one tag ('OpenAI') covers every operation. To change it: " in note
    client = (tmp_path / "openai" / "client.py").read_text()
    assert "def chat(self)" in client and "def models(self)" in client and "open_ai" not in client


BROKEN = {
    "yaml": "openapi: 3.1.0\ninfo: [unclosed\n",
    "tag": "openapi: 3.1.0\ninfo: !!python/object/apply:os.getcwd []\n",
    "ref": 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: "#/nowhere"}\n',
    "typo": 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: strnig}\n',
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_spec_exits_2_and_leaves_generated_alone(project: Path, kind: str) -> None:
    before = read_tree(project / "generated")
    (project / "spec" / "zz_broken.yaml").write_text(BROKEN[kind])
    result = run_generator("generate", cwd=project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: zz_broken.yaml:") and "Fix:" in first
    assert read_tree(project / "generated") == before


def test_main_returns_exit_codes_in_process(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    specs, generated = str(project / "spec"), str(project / "generated")
    assert main(["check", "--specs", specs, "--generated", generated]) == 0
    assert main(["generate", "--specs", specs, "--generated", generated]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_a_no_op_generate_is_answered_from_the_manifest(project: Path) -> None:
    first = run_generator("generate", cwd=project)
    assert first.returncode == 0 and "MANIFEST.json" in first.stdout  # nothing to do: no pipeline run
    models = project / "generated" / "postman" / "types" / "async_task.py"
    edited = models.read_text() + "# edited by hand\n"
    models.write_text(edited)
    second = run_generator("generate", cwd=project)  # the outputs changed: a full run, which keeps the edit
    assert second.stdout.startswith("wrote") and models.read_text() == edited
    assert run_generator("generate", cwd=project).stdout.startswith("unchanged")
    spec = project / "spec" / "postman.yaml"
    spec.write_text(spec.read_text().replace("The task's ID.", "The ID of the task."))
    third = run_generator("generate", cwd=project)
    assert third.stdout.startswith("wrote") and "The ID of the task." in models.read_text()
    assert models.read_text().endswith("# edited by hand\n")
    assert run_generator("check", cwd=project).returncode == 0
