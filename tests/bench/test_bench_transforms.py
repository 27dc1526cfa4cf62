"""The transforms benchmark runs end to end and prints its document (times are not
asserted: benchmarks are not tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench._transforms import KINDS

REPO = Path(__file__).resolve().parents[2]


def test_the_transforms_benchmark_prints_its_document() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "bench._transforms", "--small"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    doc = json.loads(done.stdout)
    assert doc["name"] == "transforms"
    assert (doc["lines_small"], doc["lines_large"]) == (2_000, 20_000)
    page = doc["page_500_admonitions"]
    assert 34_000 <= page["bytes"] <= 36_000 and page["target_s"] == 0.2
    assert set(doc["lines"]) == set(KINDS)
    for row in doc["lines"].values():
        assert set(row) == {"2000_lines_s", "20000_lines_s", "ratio"}
