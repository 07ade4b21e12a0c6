"""Overlays from the command line and from `[tool.sdk-generator.overlays]`: applied, recorded as inputs of the
manifest (a changed overlay regenerates, `check` sees it), `--strict`, and `diff --overlay`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import minimal_spec, run_generator
from generator.config import load_project
from generator.errors import SpecError

PETS = minimal_spec(
    paths={
        "/pets": {
            "get": {
                "operationId": "listPets",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}},
            }
        }
    }
)


def _overlay(path: Path, *actions: dict[str, object]) -> Path:
    document = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _limit(name: str) -> dict[str, object]:
    parameter = {"name": name, "in": "query", "schema": {"type": "integer"}}
    return {"target": "$.paths['/pets'].get", "update": {"parameters": [parameter]}}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "pets.yaml").write_text(yaml.safe_dump(PETS), encoding="utf-8")
    _overlay(tmp_path / "spec" / "pets.overlay.yaml", _limit("limit"))  # beside the spec, yet not a spec
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sdk-generator.overlays]\n"pets.yaml" = ["spec/pets.overlay.yaml"]\n', encoding="utf-8"
    )
    return tmp_path


def _resource(project: Path) -> str:
    return (project / "generated" / "pets" / "resources" / "pets.py").read_text()


def test_a_configured_overlay_is_applied_and_a_change_to_it_regenerates(project: Path) -> None:
    assert run_generator("generate", cwd=project).returncode == 0
    assert "limit: int | Omit = omit" in _resource(project)
    assert sorted(p.name for p in (project / "generated").iterdir() if p.is_dir()) == ["pets"]
    assert run_generator("generate", cwd=project).stdout.startswith("unchanged")
    _overlay(project / "spec" / "pets.overlay.yaml", _limit("page_size"))
    stale = run_generator("check", cwd=project)
    assert stale.returncode == 1 and "is stale" in stale.stderr
    assert run_generator("generate", cwd=project).stdout.startswith("wrote")
    assert "page_size: int | Omit = omit" in _resource(project) and "limit" not in _resource(project)


def test_an_unmatched_target_warns_and_fails_with_strict(project: Path) -> None:
    extra = _overlay(project / "extra.overlay.yaml", {"target": "$.paths['/cats']", "remove": True})
    warned = run_generator("generate", "--overlay", "extra.overlay.yaml", cwd=project)
    assert warned.returncode == 0
    assert (
        "warning: extra.overlay.yaml:6:3 at #/actions/0/target" in warned.stderr
        and "matches nothing in pets.yaml" in warned.stderr
    )
    before = _resource(project)
    extra.write_text(extra.read_text().replace("/cats", "/dogs"))
    refused = run_generator("generate", "--overlay", "extra.overlay.yaml", "--strict", cwd=project)
    assert (
        refused.returncode == 2
        and "error: extra.overlay.yaml:6:3 at #/actions/0/target" in refused.stderr
        and "/dogs" in refused.stderr
    )
    assert _resource(project) == before


def test_diff_shows_what_an_overlay_changes_for_callers(project: Path) -> None:
    _overlay(project / "more.overlay.yaml", _limit("offset"))
    result = run_generator("diff", "--overlay", "more.overlay.yaml", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Changes made by more.overlay.yaml") and "offset" in result.stdout
    assert "limit" not in result.stdout  # the configured overlay is on both sides
    refused = run_generator("diff", "HEAD", "--overlay", "more.overlay.yaml", cwd=project)
    assert refused.returncode == 2 and "takes no revisions" in refused.stderr


def test_a_malformed_overlays_table_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sdk-generator.overlays]\n"a.yaml" = "a.overlay.yaml"\n')
    with pytest.raises(SpecError, match=r"pyproject\.toml.*`overlays` must map spec file names to lists"):
        load_project(tmp_path)
