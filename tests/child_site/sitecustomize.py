"""Child processes the tests start with this folder on their ``PYTHONPATH`` (see
``tests/virtual_time.py``): wikisync's wiki clients wait in virtual time."""

import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))

import virtual_time  # noqa: E402

virtual_time.install_on_import()
