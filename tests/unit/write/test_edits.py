"""Hand edits of generated files merged into new output (`write/edits.py`), through `write_tree`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.errors import Severity, SpecError
from generator.write.edits import BASES
from generator.write.files import read_tree, write_tree
from generator.write.manifest import NAME as MANIFEST
from generator.write.manifest import blob_id

V1 = "head = 1\nmiddle = 1\ntail = 1\n"


def _edited(root: Path, text: str) -> Path:
    """`root` with a.py generated as V1, then edited to `text`."""
    write_tree({"a.py": V1}, root)
    (root / "a.py").write_text(text)
    return root


def _manifest(root: Path) -> dict[str, object]:
    recorded: dict[str, object] = json.loads((root / MANIFEST).read_text())
    return recorded


def test_blob_ids_are_git_s() -> None:
    assert blob_id("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # `git hash-object /dev/null`
    assert blob_id("hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_an_edit_is_kept_recorded_and_merged_with_a_change_elsewhere(tmp_path: Path) -> None:
    root = _edited(tmp_path / "out", "head = 'ours'\nmiddle = 1\ntail = 1\n")
    kept = write_tree({"a.py": V1, "b.py": "b = 1\n"}, root)  # a.py's output unchanged: the edit is all
    assert kept.edited == ["a.py"] and not kept.conflicts
    assert _manifest(root)["edited"] == ["a.py"] and (root / BASES / "a.py").read_text() == V1
    merged = write_tree({"a.py": V1.replace("tail = 1", "tail = 2"), "b.py": "b = 1\n"}, root)
    assert merged.changed and merged.edited == ["a.py"] and not merged.notes
    assert (root / "a.py").read_text() == "head = 'ours'\nmiddle = 1\ntail = 2\n"
    assert (root / BASES / "a.py").read_text() == V1.replace("tail = 1", "tail = 2")
    files = _manifest(root)["files"]
    assert isinstance(files, dict) and files["a.py"] == blob_id(V1.replace("tail = 1", "tail = 2"))


def test_edits_on_the_lines_the_output_changes_conflict_with_git_s_markers(tmp_path: Path) -> None:
    root = _edited(tmp_path / "out", "head = 1\nmiddle = 'ours'\ntail = 1\n")
    write_tree({"a.py": V1}, root)
    written = write_tree({"a.py": V1.replace("middle = 1", "middle = 2")}, root)
    assert written.conflicts == ["a.py"] and written.edited == ["a.py"]
    assert (root / "a.py").read_text() == (
        "head = 1\n<<<<<<< a.py (edited)\nmiddle = 'ours'\n=======\nmiddle = 2\n>>>>>>> a.py (generated)\ntail = 1\n"
    )
    assert write_tree({"a.py": V1.replace("middle = 1", "middle = 2")}, root).conflicts == ["a.py"]  # unresolved


def test_without_the_base_every_difference_is_a_conflict_and_a_warning_says_why(tmp_path: Path) -> None:
    root = _edited(tmp_path / "out", "head = 'ours'\nmiddle = 1\ntail = 1\n")  # never committed, no copy kept
    written = write_tree({"a.py": V1.replace("tail = 1", "tail = 2")}, root)
    assert written.conflicts == ["a.py"]
    assert [note.severity for note in written.notes] == [Severity.WARNING]
    assert "neither in .sdk-generator/ nor in git" in written.notes[0].message
    assert "<<<<<<< a.py (edited)\nhead = 'ours'\n" in (root / "a.py").read_text()


def test_a_forged_blob_id_never_reaches_git_and_the_edit_is_not_lost(tmp_path: Path) -> None:
    root = _edited(tmp_path / "out", "head = 'ours'\nmiddle = 1\ntail = 1\n")
    recorded = _manifest(root)
    assert isinstance(recorded["files"], dict)
    recorded["files"]["a.py"] = "--batch-all-objects"
    (root / MANIFEST).write_text(json.dumps(recorded))
    written = write_tree({"a.py": V1.replace("tail = 1", "tail = 2")}, root)
    assert written.conflicts == ["a.py"] and "neither in .sdk-generator/ nor in git" in written.notes[0].message
    assert "head = 'ours'" in (root / "a.py").read_text()


def test_discarding_edits_writes_the_output_and_drops_the_base(tmp_path: Path) -> None:
    root = _edited(tmp_path / "out", V1 + "# ours\n")
    (root / "b.py").write_text("mine = 1\n")  # not generated: no edit of the generator's to discard
    write_tree({"a.py": V1}, root)
    with pytest.raises(SpecError, match=r"b\.py: not a generated file that carries edits"):
        write_tree({"a.py": V1}, root, ["b.py"])
    for discard in (["a.py"], None):
        (root / "a.py").write_text(V1 + "# ours\n")
        written = write_tree({"a.py": V1}, root, discard)
        assert written.edited == [] and (root / "a.py").read_text() == V1
        assert "edited" not in _manifest(root) and not (root / ".sdk-generator").exists()
    assert (root / "b.py").read_text() == "mine = 1\n"


def test_an_edited_file_the_output_no_longer_has_is_kept_as_the_user_s(tmp_path: Path) -> None:
    root = _edited(tmp_path / "out", V1 + "# ours\n")
    written = write_tree({"b.py": "b = 1\n"}, root)
    assert [note.severity for note in written.notes] == [Severity.WARNING]
    assert (root / "a.py").read_text() == V1 + "# ours\n"
    files = _manifest(root)["files"]
    assert isinstance(files, dict) and "a.py" not in files
    assert not write_tree({"b.py": "b = 1\n"}, root).changed  # from now on a file of the user's


def test_a_failed_write_leaves_the_edits_and_their_bases(tmp_path: Path) -> None:
    root = _edited(tmp_path / "out", V1 + "# ours\n")
    write_tree({"a.py": V1}, root)
    before = read_tree(root)
    with pytest.raises(ValueError):
        write_tree({"a.py": V1.replace("tail = 1", "tail = 2"), "bad\0name.py": "x"}, root)
    assert read_tree(root) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
