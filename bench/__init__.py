"""Benchmarks for wikisync and the wikijs SDK, against the Wiki.js emulator.

``python -m bench`` runs every benchmark at full size (about 7 minutes on 2 cores) and
prints one JSON document on stdout (progress goes to stderr); ``python -m bench --small``
runs everything scaled down in well under a minute. Each result has a ``target`` (in
words), the ``measured`` numbers and ``ok``. ``docs/performance.md`` explains them.

Benchmarks are never run as tests; ``tests/bench`` only checks that the small run works
and that its document has the promised shape. This package imports nothing on its own,
so that a worker process (``python -m bench._local``) measures only what it loads.
"""
