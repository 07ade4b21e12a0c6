"""Where the generator's own files are: its package directory and its templates.

A checkout keeps `templates/` beside `generator/` (the design card's layout); an installed
distribution ships the same files inside the package as `generator/templates` (pyproject.toml
maps one onto the other). Standard library only: the no-op check in `manifest` imports this.
"""

from __future__ import annotations

from pathlib import Path

GENERATOR = Path(__file__).resolve().parent
RUNTIME = GENERATOR / "runtime"  # the runtime modules every package ships (render/runtime.py copies them)
_INSTALLED, _CHECKOUT = GENERATOR / "templates", GENERATOR.parent / "templates"
TEMPLATES = _INSTALLED if _INSTALLED.is_dir() else _CHECKOUT
