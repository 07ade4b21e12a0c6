# The two commands a newcomer needs: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate check test lint bench corpus fidelity changes clean

# Create the virtual environment and install the pinned tools when missing or when pyproject.toml changed.
# Editable in "compat" mode: a path entry (not an import hook), so type checkers see generator and generated.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

generate: $(STAMP)
	$(BIN)/python -m generator generate

check: $(STAMP)
	$(BIN)/python -m generator check

# Append what changed for callers since the last commit to CHANGES.md.
changes: $(STAMP)
	$(BIN)/python -m generator diff --append CHANGES.md

# Two workers (pytest-xdist); the tests of a module with a module-scoped fixture share one (tests/conftest.py).
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The runtime every package ships is type-checked as its own sources too, not only as copied into generated/.
lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy generator
	$(BIN)/mypy --strict generator/runtime
	$(BIN)/mypy --strict generated

clean:
	rm -rf $(VENV) .bench .mypy_cache .ruff_cache .pytest_cache

# The peers live in their own environment, so their pins never touch ours.
PEERS_STAMP := .bench/venv/.installed
$(PEERS_STAMP): bench/peers.txt
	$(PYTHON) -m venv .bench/venv
	.bench/venv/bin/python -m pip install --quiet -r bench/peers.txt
	touch $(PEERS_STAMP)

bench: $(STAMP) $(PEERS_STAMP)
	$(BIN)/python bench/peers.py
	$(BIN)/python bench/giants.py
	$(BIN)/python bench/clients.py
	$(BIN)/python bench/review_noise.py
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/streaming.py

# Every OpenAPI 3.x document of two public npm packages (fetched once into ~/.cache/sdk-generator/corpus):
# generate, import, mypy --strict on a seeded sample; one table. Then our semantic checks against
# openapi-spec-validator's on every document. A benchmark-style run, not part of `make test`.
corpus: $(STAMP)
	$(BIN)/python bench/corpus.py
	$(BIN)/python bench/semantic_parity.py

# Differential fuzzing over the same corpus: instances of every operation's JSON schemas (drawn with
# hypothesis-jsonschema, kept when the spec's own validator accepts them) must be accepted by the generated
# type the client uses and dump back unchanged; datamodel-code-generator gets the same instances. One table.
fidelity: $(STAMP)
	$(BIN)/python bench/fidelity.py
