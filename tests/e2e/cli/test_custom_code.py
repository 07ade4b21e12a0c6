"""Custom code through regeneration (docs/customizing.md): `<package>/lib/`, hand edits merged into new output,
conflicts, `check`, `--discard-edits`, and files the generator did not write, in real `generate` runs."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
from pathlib import Path

from e2e.cli.test_project import _git, _pip_install
from importing import imported

from apiserver import APP_ID, APP_TOKEN, APIServer
from conftest import ROOT, mypy_strict, run_generator

TASKS = Path("postman") / "resources" / "tasks.py"
OUR_METHOD = '''
    def is_completed(self, api_id: str, task_id: str) -> bool:
        """Ours: whether the task completed."""
        return self.get(api_id, task_id).status == "completed"
'''
ANCHOR = "    def __init__(self, client: APIClient) -> None:\n"


def _lib_example() -> str:
    """The `lib/` module docs/customizing.md shows."""
    text = (ROOT / "docs" / "customizing.md").read_text()
    blocks = [block.split("```", 1)[0] for block in text.split("```py\n")[1:]]
    return next(block for block in blocks if block.startswith("# voucherify/lib/__init__.py"))


def _edit_spec(project: Path, old: str, new: str) -> None:
    spec = project / "spec" / "postman.yaml"
    text = spec.read_text()
    assert old in text
    spec.write_text(text.replace(old, new, 1))


def _git_project(tmp_path: Path) -> Path:
    """A project with the postman spec, generated and committed: what a team that checks its SDK in has."""
    (tmp_path / "spec").mkdir()
    shutil.copy(ROOT / "spec" / "postman.yaml", tmp_path / "spec")
    assert run_generator("generate", cwd=tmp_path).returncode == 0
    _git("init", "-q", cwd=tmp_path)
    _git("add", "-A", cwd=tmp_path)
    _git("commit", "-qm", "generated", cwd=tmp_path)
    return tmp_path


def test_a_hand_edit_and_lib_survive_a_spec_change_and_check_tells_them_from_drift(tmp_path: Path) -> None:
    project = _git_project(tmp_path)
    tasks, lib = project / "generated" / TASKS, project / "generated" / "postman" / "lib" / "helpers.py"
    tasks.write_text(tasks.read_text().replace(ANCHOR, OUR_METHOD.lstrip("\n") + "\n" + ANCHOR, 1))
    lib.parent.mkdir()
    lib.write_text("ANSWER = 42\n")
    unrecorded = run_generator("check", cwd=project)  # an edit is kept once generate records it, never silently
    assert unrecorded.returncode == 1 and '+  "edited": [' in unrecorded.stdout
    assert "generate keeps the hand edits of postman/resources/tasks.py" in unrecorded.stderr

    _edit_spec(project, "Gets the status of an asynchronous task.", "Gets the status of one asynchronous task.")
    result = run_generator("generate", cwd=project)  # the base comes from git: the file was committed as generated
    assert result.returncode == 0, result.stderr
    assert "kept 1 edited file: generated/postman/resources/tasks.py" in result.stdout
    assert [line for line in result.stderr.splitlines() if not line.startswith("note: ")] == []  # no warning
    text = tasks.read_text()
    assert OUR_METHOD in text and "Gets the status of one asynchronous task." in text
    assert "<<<<<<<" not in text and lib.read_text() == "ANSWER = 42\n"
    manifest = json.loads((project / "generated" / "MANIFEST.json").read_text())
    assert manifest["edited"] == [TASKS.as_posix()] and "postman/lib/helpers.py" not in manifest["files"]
    base = project / "generated" / ".sdk-generator" / "base" / TASKS
    assert OUR_METHOD not in base.read_text() and "one asynchronous task" in base.read_text()

    kept = run_generator("check", cwd=project)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "carry kept edits: postman/resources/tasks.py" in kept.stdout
    noop = run_generator("generate", cwd=project)  # answered from the manifest, which lists the edit
    assert (
        noop.stdout.startswith("unchanged")
        and "kept 1 edited file: generated/postman/resources/tasks.py" in noop.stdout
    )

    _edit_spec(project, "The task's ID.", "The ID of the task.")  # real drift: the spec changed, not regenerated
    drift = run_generator("check", cwd=project)
    assert drift.returncode == 1
    assert any(line.startswith("+") and "The ID of the task." in line for line in drift.stdout.splitlines())

    # The base now comes from .sdk-generator/, which a clone without the first commit has too.
    shutil.rmtree(project / ".git")
    assert run_generator("generate", cwd=project).returncode == 0
    assert OUR_METHOD in tasks.read_text() and run_generator("check", cwd=project).returncode == 0


def test_a_conflicting_edit_gets_git_s_markers_exit_4_until_resolved_or_discarded(tmp_path: Path) -> None:
    project = _git_project(tmp_path)
    tasks = project / "generated" / TASKS
    tasks.write_text(tasks.read_text().replace("Gets the status of an asynchronous task.", "Our words.", 1))
    _edit_spec(project, "Gets the status of an asynchronous task.", "The spec's new words.")
    result = run_generator("generate", cwd=project)
    assert result.returncode == 4
    assert f"error: generated/{TASKS.as_posix()}: your edits conflict with the new output" in result.stderr
    conflict = (
        f"<<<<<<< {TASKS.as_posix()} (edited)\n        Our words.\n=======\n        The spec's new words.\n"
        f">>>>>>> {TASKS.as_posix()} (generated)\n"
    )
    assert conflict in tasks.read_text()
    assert run_generator("check", cwd=project).returncode == 4
    again = run_generator("generate", cwd=project)  # nothing changed, and it still says so
    assert again.returncode == 4 and "conflict" in again.stderr

    discarded = run_generator("generate", "--discard-edit", f"generated/{TASKS.as_posix()}", cwd=project)
    assert discarded.returncode == 0, discarded.stderr
    assert "Our words." not in tasks.read_text() and "The spec's new words." in tasks.read_text()
    assert not (project / "generated" / ".sdk-generator").exists()
    assert "edited" not in json.loads((project / "generated" / "MANIFEST.json").read_text())
    assert run_generator("check", cwd=project).returncode == 0


def test_a_git_merge_of_two_generations_is_named_with_its_fix_then_regenerates(tmp_path: Path) -> None:
    project = _git_project(tmp_path)
    _git("checkout", "-qb", "ours", cwd=project)
    _edit_spec(project, "Gets the status of an asynchronous task.", "Gets the status of one asynchronous task.")
    assert run_generator("generate", cwd=project).returncode == 0
    _git("commit", "-qam", "ours", cwd=project)
    _git("checkout", "-q", "-", cwd=project)
    _edit_spec(project, "Creates a new API version asynchronously.", "Creates a new API version, asynchronously.")
    assert run_generator("generate", cwd=project).returncode == 0
    _git("commit", "-qam", "theirs", cwd=project)
    merge = subprocess.run(["git", "merge", "-q", "ours"], cwd=project, capture_output=True, text=True, check=False)
    assert merge.returncode == 1  # the manifest and the spec's digest in __init__.py conflict

    conflicted = run_generator("generate", cwd=project)
    assert conflicted.returncode == 2
    assert "error: generated/MANIFEST.json: the manifest holds git's conflict markers" in conflicted.stderr
    _git("checkout", "--theirs", "generated/MANIFEST.json", cwd=project)
    leftover = run_generator("generate", cwd=project)
    assert leftover.returncode == 2
    assert "postman/__init__.py: git's conflict markers, from merging branches" in leftover.stderr
    assert "`generate --discard-edit postman/__init__.py`" in leftover.stderr
    assert "<<<<<<<" in (project / "generated" / "postman" / "__init__.py").read_text()  # nothing written

    done = run_generator("generate", "--discard-edit", "postman/__init__.py", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "kept" not in done.stdout  # tasks.py, merged by git, merged again into the new output: no edit left
    tasks = (project / "generated" / TASKS).read_text()
    assert "Gets the status of one asynchronous task." in tasks and "<<<<<<<" not in tasks
    assert run_generator("check", cwd=project).returncode == 0


def test_discard_edits_drops_every_edit_and_refuses_a_file_without_edits(tmp_path: Path) -> None:
    project = _git_project(tmp_path)
    tasks, init = project / "generated" / TASKS, project / "generated" / "postman" / "__init__.py"
    pristine = {path: path.read_text() for path in (tasks, init)}
    for path in pristine:
        path.write_text(path.read_text() + "# ours\n")
    assert run_generator("generate", cwd=project).stdout.splitlines()[1].startswith("kept 2 edited files")
    unknown = run_generator("generate", "--discard-edit", "postman/client.py", cwd=project)
    assert unknown.returncode == 2 and "postman/client.py: not a generated file that carries edits" in unknown.stderr
    assert run_generator("generate", "--discard-edits", cwd=project).returncode == 0
    assert {path: path.read_text() for path in pristine} == pristine


def test_merging_without_git_is_a_located_error_that_writes_nothing(tmp_path: Path) -> None:
    project = _git_project(tmp_path)
    tasks = project / "generated" / TASKS
    tasks.write_text(tasks.read_text() + "# ours\n")
    _edit_spec(project, "Gets the status of an asynchronous task.", "The spec's new words.")
    before = sorted((p.relative_to(project), p.read_bytes()) for p in (project / "generated").rglob("*") if p.is_file())
    result = run_generator("generate", cwd=project, env={"PATH": str(tmp_path / "no-bin")})
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error: generated/{TASKS.as_posix()}: this file carries hand edits")
    after = sorted((p.relative_to(project), p.read_bytes()) for p in (project / "generated").rglob("*") if p.is_file())
    assert after == before and sorted(p.name for p in project.iterdir()) == [".git", "generated", "spec"]


def test_generate_spec_out_never_deletes_a_file_it_did_not_write(tmp_path: Path) -> None:
    spec = tmp_path / "postman.yaml"
    shutil.copy(ROOT / "spec" / "postman.yaml", spec)
    out = tmp_path / "out"
    assert run_generator("generate", str(spec), "--out", str(out), "--pyproject").returncode == 0
    lib = out / "postman" / "lib"
    ours = {
        lib / "__init__.py": "",
        lib / "mine.py": "x = 1\n",
        out / "postman" / "NOTES.txt": "n\n",
        out / "x.txt": "y\n",
    }
    for path, text in ours.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    spec.write_text(spec.read_text().replace("The task's ID.", "The ID of the task."))
    for extra in ([], ["--pyproject"]):
        assert run_generator("generate", str(spec), "--out", str(out), *extra).returncode == 0
        assert {path: path.read_text() for path in ours} == ours
    _pip_install(out, tmp_path / "site")  # the distribution holds lib/ too
    assert (tmp_path / "site" / "postman" / "lib" / "mine.py").read_text() == "x = 1\n"


def test_the_lib_example_of_the_docs_type_checks_strictly_and_runs(tmp_path: Path, server: APIServer) -> None:
    spec = tmp_path / "voucherify.yaml"
    shutil.copy(ROOT / "spec" / "voucherify.yaml", spec)
    out = tmp_path / "out"
    assert run_generator("generate", str(spec), "--out", str(out)).returncode == 0
    lib = out / "voucherify" / "lib" / "__init__.py"
    lib.parent.mkdir()
    lib.write_text(_lib_example())
    spec.write_text(spec.read_text().replace("Async action unique ID.", "The action's ID."))
    assert run_generator("generate", str(spec), "--out", str(out)).stdout.startswith("wrote")
    assert lib.read_text() == _lib_example()
    mypy_strict(lib, tmp_path / ".mypy_cache", cwd=out)
    server.state.add_action("aa_3", "SKUS.IMPORT_CSV", [(3600.0, {"status": "DONE"})])
    with imported(out, "voucherify"):
        custom = importlib.import_module("voucherify.lib")
        with custom.Client(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
            assert [action.id for action in client.async_actions.unfinished()] == ["aa_3"]
            assert client.is_done("aa_1")
            assert isinstance(client.with_options(timeout=5).async_actions, custom.AsyncActions)
