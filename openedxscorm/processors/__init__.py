"""Processors of the block's tracking events for analytics pipelines (xAPI through event-routing-backends)."""
