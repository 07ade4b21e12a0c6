"""The runtime every generated package ships: real Python, linted and type-checked here (`mypy --strict`), and
copied into each package under its generated header (`render/runtime.py`: `RUNTIME_FILES`).

Where the sync and async clients need twins, a module holds the async code only, after its `ASYNC_TWINS` line
(`render/runtime.py`); the sync twin is derived from it by unasync when a package is generated, so an async
name's sync twin is the name without its `Async`/`async_` prefix.

What differs from one package to another is in the package's own `_package.py`, rendered from
`templates/package/_package.py.jinja`; the `_package.py` here stands in for it while these sources are checked
and unit-tested, and is never copied. This `__init__` is not copied either: each package has its own.
"""
