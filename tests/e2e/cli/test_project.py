"""The generator as a tool in another project: `[tool.sdk-generator]`, `--pyproject`, and a regular install."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
import tomllib
import yaml

from conftest import ROOT, minimal_spec, mypy_strict, run_generator
from generator.cli import main
from generator.config import Project, Release, load_project
from generator.errors import SpecError
from generator.render.distribution import toml_string
from generator.render.release import distribution_version
from generator.write.manifest import inputs_digest

POSTMAN = ROOT / "spec" / "postman.yaml"
VOUCHERIFY = ROOT / "spec" / "voucherify.yaml"


def _git(*args: str, cwd: Path) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True)


def test_generate_without_a_spec_directory_is_one_paragraph_and_exit_2(tmp_path: Path) -> None:
    result = run_generator("generate", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: spec: there is no spec directory here") and "Fix:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "generated").exists()


@pytest.fixture
def user_project(tmp_path: Path) -> Path:
    """Another project: specs in openapi/, output in src/acme/sdks, one package renamed, under git."""
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / "billing-v2.yaml").write_text(POSTMAN.read_text())
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "acme"\n\n[tool.sdk-generator]\nspecs = "openapi"\nout = "src/acme/sdks"\n'
        '[tool.sdk-generator.packages]\n"billing-v2.yaml" = "billing"\n'
    )
    _git("init", "-q", cwd=tmp_path)
    return tmp_path


def test_a_user_project_gets_generate_check_and_diff_from_its_pyproject(user_project: Path) -> None:
    generated = run_generator("generate", cwd=user_project)
    assert generated.returncode == 0, generated.stderr
    out = user_project / "src" / "acme" / "sdks"
    assert (out / "billing" / "client.py").is_file() and (out / "py.typed").is_file()
    assert "`acme.sdks.billing`" in (out / "__init__.py").read_text()
    imported = subprocess.run(
        [sys.executable, "-c", "from acme.sdks.billing import BillingClient; print(BillingClient.__name__)"],
        cwd=user_project / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.stdout.strip() == "BillingClient", imported.stderr
    assert run_generator("generate", cwd=user_project).stdout.startswith("unchanged")
    assert run_generator("check", cwd=user_project).returncode == 0

    _git("add", "-A", cwd=user_project)
    _git("commit", "-qm", "first", cwd=user_project)
    spec = user_project / "openapi" / "billing-v2.yaml"
    spec.write_text(
        spec.read_text()
        .replace("enum: [create, update]", "enum: [create, update, delete]")
        .replace(
            "        - The task updates the model.\n",
            "        - The task updates the model.\n        - It deletes it.\n",
        )
    )
    drift = run_generator("check", cwd=user_project)
    assert drift.returncode == 1 and "is stale" in drift.stderr
    diff = run_generator("diff", cwd=user_project)
    assert diff.returncode == 0, diff.stderr
    assert "billing" in diff.stdout and "delete" in diff.stdout


def test_renaming_a_package_in_the_table_regenerates(user_project: Path) -> None:
    assert run_generator("generate", cwd=user_project).returncode == 0
    pyproject = user_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('= "billing"', '= "payments"'))
    assert run_generator("check", cwd=user_project).returncode == 1  # the manifest records the table, not only files
    assert run_generator("generate", cwd=user_project).returncode == 0
    assert sorted(p.name for p in (user_project / "src" / "acme" / "sdks").iterdir() if p.is_dir()) == ["payments"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[tool.sdk-generator]\nspec = "x"\n', "unknown key(s) 'spec'"),
        ('[tool.sdk-generator]\nout = "my-sdks"\n', "cannot be imported as a Python package"),
        ("[tool.sdk-generator]\npackages = 3\n", "`packages` must map spec file names"),
        ("[tool.sdk-generator\n", "not valid TOML"),
        ('[tool.sdk-generator]\nuntyped-properties = "any"\n', '`untyped-properties` must be "object" or "exact"'),
    ],
)
def test_a_broken_table_is_a_located_error(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(SpecError, match=r"pyproject\.toml") as raised:
        load_project(tmp_path)
    assert message in str(raised.value)
    result = run_generator("generate", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr and message in result.stderr


def test_untyped_properties_exact_is_a_project_setting_recorded_in_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sdk-generator]\nuntyped-properties = "exact"\n')
    project = load_project(tmp_path)
    assert project.exact_objects and project.settings["untyped_properties"] == "exact"
    assert "untyped_properties" not in Project().settings


def test_without_a_table_the_defaults_are_this_repository_s_layout(tmp_path: Path) -> None:
    assert load_project(tmp_path) == Project()
    assert load_project(tmp_path, out=Path("src/acme/sdks")).import_root == "acme.sdks"
    assert load_project(tmp_path, out=tmp_path.parent / "sdks").import_root == "sdks"
    assert load_project(tmp_path, out=Path("elsewhere")).out == Path("elsewhere")


@pytest.mark.parametrize(
    ("spec_version", "version"),
    [("1.2.3", "1.2.3"), ("v2018-08-01", "2018.8.1"), ("2.0-beta", "2.0b0"), ("latest", "0"), ("", "0")],
)
def test_distribution_versions_are_pep_440(spec_version: str, version: str) -> None:
    assert distribution_version(spec_version) == version


def test_toml_strings_hold_any_spec_text() -> None:
    hostile = 'Title" \n[tool.evil]\nx = """\x7f\\'
    assert tomllib.loads(f"v = {toml_string(hostile)}")["v"] == hostile


def test_pyproject_makes_the_package_a_distribution(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    hostile_title = 'Acme "API"\n[tool.evil]'
    spec.write_text(POSTMAN.read_text().replace("version: 10.0.0", "version: v2025-01-02", 1))
    text = spec.read_text()
    title_line = next(line for line in text.splitlines() if line.startswith("  title:"))
    spec.write_text(text.replace(title_line, f"  title: {toml_string(hostile_title)}", 1))
    result = run_generator(
        "generate", str(spec), "--out", str(tmp_path / "dist"), "--package", "acme_api", "--pyproject", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    document = tomllib.loads((tmp_path / "dist" / "pyproject.toml").read_text())
    project = document["project"]
    assert project["name"] == "acme-api"
    assert project["description"] == 'Acme "API" [tool.evil]'
    assert "tool" not in document or "evil" not in document["tool"]
    assert project["dependencies"] == ["pydantic>=2.5,<3", "httpx>=0.23,<1", "typing-extensions>=4.6.1"]
    assert document["tool"]["setuptools"]["packages"]["find"] == {
        "include": ["acme_api", "acme_api.*"],
        "namespaces": False,
    }
    assert (tmp_path / "dist" / "acme_api" / "py.typed").exists()


def test_the_wheel_of_a_chosen_name_and_version_carries_its_readme_and_docs(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    result = run_generator(
        "generate", str(VOUCHERIFY), "--out", str(out), "--package", "voucherify", "--pyproject",
        "--dist-name", "Acme_Voucherify", "--version", "1.2.0", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0 and "--dist-name" not in result.stderr, result.stderr
    readme = (out / "voucherify" / "README.md").read_text()
    assert "pip install acme-voucherify" in readme and "User-Agent: acme-voucherify/1.2.0" in readme
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    built = subprocess.run([*command, "-w", str(tmp_path / "wheels"), str(out)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    assert wheel.name.startswith("acme_voucherify-1.2.0-")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = email.message_from_bytes(archive.read("acme_voucherify-1.2.0.dist-info/METADATA"))
    assert (metadata["Name"], metadata["Version"]) == ("acme-voucherify", "1.2.0")
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().strip() == readme.strip()  # the README is the long description
    docs = {n for n in names if n.startswith("voucherify/docs/")}
    assert {"voucherify/README.md", "voucherify/py.typed"} <= names
    assert docs == {
        f"voucherify/{p.relative_to(out / 'voucherify').as_posix()}"
        for p in (out / "voucherify" / "docs").rglob("*.md")
    }
    assert "voucherify/docs/operations/async_actions.md" in docs


def test_by_default_the_readme_and_a_note_warn_that_the_name_may_be_taken_on_pypi(tmp_path: Path) -> None:
    result = run_generator("generate", str(POSTMAN), "--out", str(tmp_path), "--pyproject", cwd=tmp_path)
    assert result.returncode == 0 and "note: --dist-name: the distribution is named 'postman'" in result.stderr
    readme = (tmp_path / "postman" / "README.md").read_text()
    assert "pip install postman" in readme and "`pip install` fetches that one, not this SDK" in readme


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dist-name", "acme voucherify"], "--dist-name: 'acme voucherify' is not a distribution name"),
        (["--version", "one"], "--version: 'one' is not a PEP 440 version"),
    ],
)
def test_a_bad_distribution_name_or_version_is_a_located_error(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_generator("generate", str(POSTMAN), "--out", str(tmp_path), "--pyproject", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_distribution_names_and_versions_per_spec_are_project_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sdk-generator.dist-names]\n"postman.yaml" = "acme-postman"\n'
        '[tool.sdk-generator.versions]\n"postman.yaml" = "3.0"\n'
    )
    project = load_project(tmp_path)
    assert project.release_for(POSTMAN) == Release("acme-postman", "3.0")
    assert project.settings["dist_names"] == {"postman.yaml": "acme-postman"}
    assert "dist_names" not in Project().settings and "versions" not in Project().settings
    (tmp_path / "pyproject.toml").write_text('[tool.sdk-generator.versions]\n"postman.yaml" = "x"\n')
    with pytest.raises(SpecError, match="not a PEP 440 version"):
        load_project(tmp_path)


def test_version_prints_the_generator_s_version() -> None:
    result = run_generator("--version")
    assert result.returncode == 0 and result.stdout == f"sdk-generator {metadata.version('sdk-generator')}\n"


def test_pyproject_never_replaces_a_file_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "mine"\n')
    result = run_generator(
        "generate", str(POSTMAN), "--out", str(tmp_path), "--package", "pm", "--pyproject", cwd=tmp_path
    )
    assert result.returncode == 2 and "was not written by sdk-generator" in result.stderr
    assert (tmp_path / "pyproject.toml").read_text() == '[project]\nname = "mine"\n'


def _pip_install(source: Path, target: Path) -> None:
    """A regular (non-editable) install into `target`, offline: the build uses this venv's setuptools."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    result = subprocess.run(
        [*command, "--target", str(target), str(source)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_a_regular_install_generates_from_anywhere_and_its_output_installs_and_type_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = tmp_path / "tool"
    _pip_install(ROOT, tool)
    assert (tool / "generator" / "templates" / "package" / "client.py.jinja").is_file()
    assert not (tool / "generated").exists()  # this repository's output is not part of the tool
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # PYTHONPATH comes before this venv's path entry for the checkout, so the installed copy is the one used.
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(tool)}
    where = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(tool)), where.stdout
    script = tool / "bin" / "sdk-generator"
    assert script.is_file()
    result = subprocess.run(
        [sys.executable, str(script), "generate", str(POSTMAN), "--out", "dist", "--package", "pm", "--pyproject"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    site = tmp_path / "site"
    _pip_install(elsewhere / "dist", site)
    assert (site / "pm" / "py.typed").is_file() and (site / "pm" / "types" / "__init__.py").is_file()
    user = tmp_path / "user"
    user.mkdir()
    (user / "demo.py").write_text(
        "from typing import assert_type\n"
        "from pm import AsyncTask, PmClient\n"
        "task = AsyncTask.model_validate({'id': 't1', 'status': 'completed'})\n"
        "assert_type(task.id, str | None)\n"
        "client = PmClient(api_key='k')\n"
        "print(type(client).__name__, task.id)\n"
    )
    monkeypatch.setenv("MYPYPATH", str(site))  # the installed distribution, as a type checker finds it
    mypy_strict(user / "demo.py", tmp_path / ".mypy_cache", cwd=user)
    ran = subprocess.run(
        [sys.executable, "demo.py"],
        cwd=user,
        env={**env, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.stdout.split() == ["PmClient", "t1"], ran.stderr


def test_an_internal_error_is_one_paragraph_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise KeyError("A")

    monkeypatch.setattr("generator.pipeline.package_tree", crash)
    assert main(["generate", str(POSTMAN), "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"internal error while processing {POSTMAN}: KeyError: 'A'.") and "--debug" in err
    assert "Traceback" not in err and not any(tmp_path.iterdir())
    assert main(["--debug", "generate", str(POSTMAN), "--out", str(tmp_path)]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_an_internal_error_names_the_place_in_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(self: object, *args: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("generator.ir.build_models.SchemaBuilder._model", crash)
    assert main(["generate", str(POSTMAN), "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    first = next(line for line in err.splitlines() if line.startswith("internal error"))
    assert first.startswith("internal error while processing postman.yaml:")
    assert " at #/components/schemas/" in first and "ValueError: boom." in first


def test_a_file_the_specs_ref_beside_their_directory_is_an_input(tmp_path: Path) -> None:
    """`../common/money.yaml` is read by the bundler, so the manifest must notice when it changes."""
    (tmp_path / "common").mkdir()
    money = tmp_path / "common" / "money.yaml"
    money.write_text("Money:\n  type: object\n  properties:\n    amount: {type: integer}\n")
    (tmp_path / "spec").mkdir()
    invoice = {"type": "object", "properties": {"total": {"$ref": "../common/money.yaml#/Money"}}}
    (tmp_path / "spec" / "billing.yaml").write_text(yaml.safe_dump(minimal_spec({"Invoice": invoice})))
    (tmp_path / "pyproject.toml").write_text('[tool.sdk-generator]\nref-root = "."\n')  # widened: beside spec/
    assert run_generator("generate", cwd=tmp_path).returncode == 0
    assert run_generator("generate", cwd=tmp_path).stdout.startswith("unchanged")
    money.write_text(money.read_text() + "    currency: {type: string}\n")
    assert run_generator("check", cwd=tmp_path).returncode == 1
    regenerated = run_generator("generate", cwd=tmp_path)
    assert regenerated.stdout.startswith("wrote"), regenerated.stdout + regenerated.stderr
    types = "".join(p.read_text() for p in (tmp_path / "generated" / "billing" / "types").glob("*.py"))
    assert "currency: str | None" in types


def test_the_manifest_reads_no_file_outside_the_ref_root(tmp_path: Path) -> None:
    """A `$ref` beside the spec directory is an input only where the project widened the root to it: else the
    spec may not read it, so neither may the manifest's digest (nor may a change to it make the output stale)."""
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "a.yaml").write_text("x:\n  $ref: '../secret.yaml#/k'\n")
    secret = tmp_path / "secret.yaml"
    secret.write_text("k: 1\n")
    narrow, wide = Project(specs=tmp_path / "spec"), Project(specs=tmp_path / "spec", ref_root=tmp_path)
    assert wide.settings["ref_root"] == ".." and "ref_root" not in narrow.settings
    before = (inputs_digest(narrow.specs, narrow.settings), inputs_digest(wide.specs, wide.settings))
    secret.write_text("k: 2\n")
    assert inputs_digest(narrow.specs, narrow.settings) == before[0]
    assert inputs_digest(wide.specs, wide.settings) != before[1]
