"""The learner's way through a multi-SCO package: one run-time state per SCO, the table of contents, and the
navigation requests the player sends. Knows nothing of XBlock; the block stores and renders what it returns."""
