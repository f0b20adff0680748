"""Benchmarks of this block against `unzip` and openedx-scorm-xblock 19.0.5: `python -m bench.run`."""
