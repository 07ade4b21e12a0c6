"""The runtime every generated package ships: real Python, linted and type-checked here (`mypy --strict`), and
copied into each package under its generated header (`render/templates.py`: `RUNTIME_FILES`).

What differs from one package to another is in the package's own `_package.py`, rendered from
`templates/package/_package.py.jinja`; the `_package.py` here stands in for it while these sources are checked
and unit-tested, and is never copied. This `__init__` is not copied either: each package has its own.
"""
