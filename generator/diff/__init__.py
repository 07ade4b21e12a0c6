"""What changed for callers between two revisions of the specs."""
