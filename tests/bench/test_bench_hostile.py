"""The hostile-input benchmark runs end to end and prints its document (times are not
asserted: benchmarks are not tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_hostile_input_benchmark_prints_its_document() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "bench._hostile", "--small"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    doc = json.loads(done.stdout)
    assert doc["name"] == "hostile_input"
    assert (doc["links"], doc["globs"], doc["depth"]) == (12_000, 2_000, 100)
    for key in ("links_s", "globs_s", "depth_s", "cjk_size_s"):
        assert isinstance(doc[key], float) and doc[key] >= 0
