"""Stage 2, validate: structural and semantic checks, `x-` extensions, the spec's examples against its schemas."""
