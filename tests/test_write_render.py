"""Stages 4 and 5: the shared strict Jinja environment, and atomic writes."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator.render.templates import environment
from generator.write.files import diff_trees, read_tree, write_tree


def test_one_strict_environment() -> None:
    assert environment() is environment()
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing }}").render()
    with pytest.raises(jinja2.UndefinedError):
        environment().get_template("package/types/module.py.jinja").render()


def test_write_replaces_the_tree_and_removes_stale_files(tmp_path: Path) -> None:
    root = tmp_path / "out"
    assert write_tree({"a.py": "a = 1\n", "sub/b.py": "b = 2\n"}, root)
    assert write_tree({"a.py": "a = 2\n"}, root)
    assert read_tree(root) == {"a.py": "a = 2\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_identical_tree_is_not_rewritten(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_tree({"a.py": "a = 1\n"}, root)
    before = (root / "a.py").stat().st_mtime_ns
    assert not write_tree({"a.py": "a = 1\n"}, root)
    assert (root / "a.py").stat().st_mtime_ns == before


def test_a_failed_write_leaves_the_old_tree(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_tree({"a.py": "a = 1\n"}, root)
    with pytest.raises(ValueError):
        write_tree({"a.py": "a = 2\n", "bad\0name.py": "x"}, root)
    assert read_tree(root) == {"a.py": "a = 1\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_diff_names_files_on_both_sides() -> None:
    diff = diff_trees({"a.py": "new\n", "c.py": "c\n"}, {"a.py": "old\n", "b.py": "b\n"}, "generated")
    assert "-old\n+new\n" in diff
    assert "--- generated/b.py" in diff and "+++ generated/c.py (regenerated)" in diff
