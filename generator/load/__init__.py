"""Stage 1, load: read a spec file (YAML/JSON, JSON Schema), locate lines, bundle local `$ref` files."""
