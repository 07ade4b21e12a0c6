"""Stage 5, write: atomic file trees, drift diffs, and the manifest of inputs and outputs."""
