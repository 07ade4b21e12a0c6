"""Stages 4 and 5: the shared strict Jinja environment, and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from generator.errors import SpecError
from generator.render.format import format_snippets, format_source
from generator.render.templates import environment
from generator.write.files import diff_trees, read_tree, write_tree
from generator.write.manifest import NAME as MANIFEST
from generator.write.manifest import listing


def test_one_strict_environment() -> None:
    assert environment() is environment()
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing }}").render()
    with pytest.raises(jinja2.UndefinedError):
        environment().get_template("package/types/module.py.jinja").render()


def test_write_replaces_the_tree_and_removes_stale_files(tmp_path: Path) -> None:
    root = tmp_path / "out"
    assert write_tree({"a.py": "a = 1\n", "sub/b.py": "b = 2\n"}, root).changed
    assert write_tree({"a.py": "a = 2\n"}, root).changed
    assert read_tree(root) == {"a.py": "a = 2\n", MANIFEST: listing({"a.py": "a = 2\n"})}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_identical_tree_is_not_rewritten(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_tree({"a.py": "a = 1\n"}, root)
    before = (root / "a.py").stat().st_mtime_ns
    assert not write_tree({"a.py": "a = 1\n"}, root).changed
    assert (root / "a.py").stat().st_mtime_ns == before


def test_a_failed_write_leaves_the_old_tree(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_tree({"a.py": "a = 1\n"}, root)
    before = read_tree(root)
    with pytest.raises(ValueError):
        write_tree({"a.py": "a = 2\n", "bad\0name.py": "x"}, root)
    assert read_tree(root) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_files_the_generator_did_not_write_are_kept_and_never_overwritten(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_tree({"a.py": "a = 1\n"}, root)
    (root / "sub").mkdir()
    (root / "sub" / "mine.py").write_text("m = 1\n")
    assert write_tree({"b.py": "b = 1\n"}, root).changed
    assert read_tree(root, {"a.py", "b.py", "sub/mine.py"}) == {"b.py": "b = 1\n", "sub/mine.py": "m = 1\n"}
    assert not write_tree({"b.py": "b = 1\n"}, root).changed  # the kept file is no change
    with pytest.raises(SpecError, match="not written by sdk-generator"):
        write_tree({"sub/mine.py": "m = 2\n"}, root)
    assert read_tree(root, {"b.py", "sub/mine.py"}) == {"b.py": "b = 1\n", "sub/mine.py": "m = 1\n"}


def test_links_and_empty_directories_of_the_user_s_are_kept_as_they_are(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_tree({"a.py": "a = 1\n"}, root)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "s.py").write_text("s = 1\n")
    (root / "lib").mkdir()
    (root / "lib" / "linked").symlink_to("../../elsewhere")
    (root / "lib" / "s.py").symlink_to("../../elsewhere/s.py")
    (root / "empty").mkdir()
    assert write_tree({"a.py": "a = 2\n"}, root).changed
    assert os.readlink(root / "lib" / "linked") == "../../elsewhere"
    assert os.readlink(root / "lib" / "s.py") == "../../elsewhere/s.py"
    assert (root / "empty").is_dir() and (tmp_path / "elsewhere" / "s.py").read_text() == "s = 1\n"


def test_diff_names_files_on_both_sides() -> None:
    diff = diff_trees({"a.py": "new\n", "c.py": "c\n"}, {"a.py": "old\n", "b.py": "b\n"}, "generated")
    assert "-old\n+new\n" in diff
    assert "--- generated/b.py" in diff and "+++ generated/c.py (regenerated)" in diff


SNIPPETS = {
    "call": "from pkg import Client\nclient=Client( )\nclient.users.get( id = 'a' )\n",
    "stubs": "def get(id: str) -> User: ...\ndef get(id: str, *, full: bool) -> UserFull: ...\n",
    "loop": "for page in client.users.list():\n  print( page )\n",
    "string first": "'''Not a module docstring once joined.'''\nx=1\n",
    "empty": "",
    "pragma": "# fmt: off\nx = [1,\n  2]\n",
    "comment at end": "x=1\n# a closing comment\n",
}


def test_snippets_format_together_exactly_as_each_would_alone() -> None:
    """The docs' examples are formatted as one file (one ruff run, no scratch file each): each comes back
    byte for byte as formatting it alone gives, `fmt:` pragmas (which could reach its neighbours) too."""
    alone = {key: format_source(source, "s.py") for key, source in SNIPPETS.items()}
    assert format_snippets(SNIPPETS) == alone
    assert alone["pragma"] == SNIPPETS["pragma"]  # left as written
    assert alone["stubs"].count("\n") == 2 and alone["call"].endswith('client.users.get(id="a")\n')


def test_snippets_that_spell_a_marker_are_formatted_alone() -> None:
    """A snippet cannot forge the marker (it is random each run), and if the split ever came back wrong
    each snippet would be formatted alone; either way the result is the same."""
    with_marker = {**SNIPPETS, "marker": "# snippet-0000000000000000\nx=2\n"}
    assert format_snippets(with_marker)["marker"] == "# snippet-0000000000000000\nx = 2\n"
