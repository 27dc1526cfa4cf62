"""The benchmark suite works and prints the document docs/performance.md describes.

Timings are never asserted here (benchmarks are not tests); the small run checks that
every benchmark runs end to end, and that the document has its promised shape.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench._corpus import edit_files, write_corpus
from bench._harness import PageWrites
from wikisync.local.config import load_config
from wikisync.local.source import load_source

REPO = Path(__file__).resolve().parents[2]

EXPECTED_RESULTS = {
    "plan_cold",
    "plan_no_change",
    "plan_after_edit",
    "local_work",
    "sdk_overhead",
    "emulator_listing",
    "apply_parallel_speedup",
    "apply_server_throughput",
    "naive_baseline",
    "apply_writes",
    "apply_one_change",
    "state_history_growth",
    "root_50k",
}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    workdir = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--small", "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout), completed.stderr


@pytest.mark.slow
def test_small_run_prints_one_json_document_with_machine_facts(
    small_run: tuple[dict[str, Any], str],
) -> None:
    document, stderr = small_run
    assert document["benchmark"] == "wikisync"
    assert document["mode"] == "small"
    assert document["command"] == "python -m bench --small"
    machine = document["machine"]
    assert machine["cpu_count"] >= 1
    assert machine["python"].count(".") == 2
    assert machine["platform"]
    assert isinstance(document["ok"], bool)
    assert document["ok"] == all(r["ok"] for r in document["results"])
    assert "plan:" in stderr  # progress goes to stderr, never into the document


@pytest.mark.slow
def test_every_target_reports_target_measured_and_ok(
    small_run: tuple[dict[str, Any], str],
) -> None:
    results = small_run[0]["results"]
    assert {r["name"] for r in results} == EXPECTED_RESULTS
    for entry in results:
        assert isinstance(entry["target"], str) and entry["target"], entry["name"]
        assert isinstance(entry["measured"], dict) and entry["measured"], entry["name"]
        assert isinstance(entry["ok"], bool), entry["name"]


@pytest.mark.slow
def test_counts_are_consistent_with_the_scale(small_run: tuple[dict[str, Any], str]) -> None:
    document = small_run[0]
    scale = document["scale"]
    by_name = {r["name"]: r["measured"] for r in document["results"]}
    assert by_name["plan_no_change"]["pages"] == scale["plan_pages"]
    assert by_name["plan_cold"]["requests_limit"] == 2 + -(-scale["plan_pages"] // 50)
    assert by_name["plan_after_edit"]["files_edited"] == scale["edited_pages"]
    assert by_name["local_work"]["files"] == scale["local_pages"]
    assert by_name["apply_parallel_speedup"]["creates"] == scale["apply_creates"]
    assert by_name["sdk_overhead"]["calls_each"] == scale["sdk_calls"]
    assert by_name["emulator_listing"]["pages"] == scale["plan_pages"]
    baseline = by_name["naive_baseline"]
    assert set(baseline) == {"first_sync", "no_change", "one_file_changed"}
    for row in baseline.values():
        assert set(row) == {"naive", "wikisync"}
        assert {"wall_s", "requests", "page_writes"} <= set(row["wikisync"])
    # The naive script writes every page on every run; that is what it is compared with.
    assert baseline["no_change"]["naive"]["page_writes"] == scale["baseline_pages"]
    one = by_name["apply_one_change"]
    assert set(one["sizes"]) == {str(n) for n in scale["one_change_roots"]}
    assert by_name["state_history_growth"]["applies"] == scale["history_applies"]
    assert by_name["root_50k"]["pages"] == scale["big_root_pages"]


def test_the_corpus_is_valid_and_reproducible(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", 45, seed=2)
    second = write_corpus(tmp_path / "b", 45, seed=2)
    assert first.files == second.files
    for rel in first.files:
        assert (first.directory / rel).read_bytes() == (second.directory / rel).read_bytes()
    loaded = load_source(first.directory, load_config(first.directory))
    assert [p for p in loaded.problems if p.is_error] == []
    assert len(loaded.pages) == 45
    assert any(p.source.endswith(".html") for p in loaded.pages)
    assert any("/en/handbook/" in p.content for p in loaded.pages)  # links were rewritten


def test_editing_changes_exactly_the_chosen_files(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "docs", 40)
    before = {rel: (corpus.directory / rel).read_text() for rel in corpus.files}
    edited = edit_files(corpus, 4)
    assert len(edited) == 4
    changed = [rel for rel in corpus.files if (corpus.directory / rel).read_text() != before[rel]]
    assert sorted(changed) == sorted(edited)


def test_page_writes_count_creates_updates_and_the_state_page_apart() -> None:
    before = {1: ("en", "h/a", 0), 2: ("en", "h/b", 3), 3: ("en", "h/_wikisync-state", 1)}
    after = {
        1: ("en", "h/a", 0),  # untouched
        2: ("en", "h/b", 5),  # updated twice
        3: ("en", "h/_wikisync-state", 3),  # lock and final state
        4: ("en", "h/c", 0),  # created
        5: ("en", "h/c", 0),  # created again at the same path
    }
    writes = PageWrites.between(before, after, state_path="h/_wikisync-state")
    assert writes.state == 2
    assert writes.page_writes == 4
    assert writes.written_twice == ["en/h/b"]
    assert writes.duplicate_paths == ["en/h/c"]
    assert writes.written_paths() == {"h/b", "h/c"}
