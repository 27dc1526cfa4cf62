"""``python -m bench [--small] [--only NAME]...``: run the benchmarks, print JSON."""

from __future__ import annotations

from bench._main import main

raise SystemExit(main())
