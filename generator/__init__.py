"""A schema-first Python SDK generator: OpenAPI 3.0/3.1/3.2 in, typed pydantic v2 + httpx packages out.

Pipeline: load -> validate -> IR (build_models, build_operations) -> views -> render -> format -> write.
See docs/architecture.md.
"""
