"""``python -m wikijs.testing``: start it as a subprocess, read URL and key, stop it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from wikijs.testing.__main__ import build_parser, tag_race_of

ROOT = Path(__file__).resolve().parents[2]
Started = tuple["subprocess.Popen[str]", str, str]
StartCli = Callable[..., Started]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


EXIT_GUARD = 120
"""Seconds a stopped emulator gets to exit: a hang guard, not a speed check (a loaded
machine can take long to schedule the shutdown)."""


@pytest.fixture
def start_cli() -> Iterator[StartCli]:
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Started:
        process = subprocess.Popen(
            [sys.executable, "-m", "wikijs.testing", "--port", "0", *args],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in first, first + process.stderr.read()
        url = first.rsplit(" ", 1)[-1].strip()
        assert process.stdout.readline().strip() == "API key:"
        key = process.stdout.readline().strip()
        return process, url, key

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(EXIT_GUARD)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_the_cli_serves_until_sigterm(start_cli: StartCli, tmp_path: Path) -> None:
    state = tmp_path / "cli.json"
    process, url, key = start_cli("--state", str(state), "--api-key", "cli-key")
    assert key == "cli-key"
    headers = {"Authorization": f"Bearer {key}"}
    mutation = (
        'mutation { pages { create(content: "# CLI", description: "", editor: "markdown", '
        'isPublished: true, isPrivate: false, locale: "en", path: "cli/page", tags: [], '
        'title: "CLI") { responseResult { succeeded } } } }'
    )
    created = requests.post(f"{url}/graphql", json={"query": mutation}, headers=headers).json()
    assert created["data"]["pages"]["create"]["responseResult"]["succeeded"] is True
    assert requests.get(f"{url}/healthz").json() == {"ok": True}
    process.send_signal(signal.SIGTERM)
    assert process.wait(EXIT_GUARD) == 0
    doc = json.loads(state.read_text("utf-8"))
    assert [p["path"] for p in doc["pages"]] == ["cli/page"]


def test_sigint_stops_the_cli_even_when_it_started_ignored(tmp_path: Path) -> None:
    """A background job of a shell without job control starts with SIGINT ignored."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wikijs.testing", "--port", "0"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert process.stdout is not None
        assert "listening on" in process.stdout.readline()
        process.send_signal(signal.SIGINT)
        assert process.wait(EXIT_GUARD) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(EXIT_GUARD)
        if process.stdout is not None:
            process.stdout.close()


def test_cli_faults_and_profile_options(start_cli: StartCli) -> None:
    process, url, key = start_cli("--fault", "429,retry_after=3,nth=1", "--locales", "en,es")
    headers = {"Authorization": f"Bearer {key}"}
    query = {"query": "{ localization { locales { code } } }"}
    first = requests.post(f"{url}/graphql", json=query, headers=headers)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "3")
    locales = requests.post(f"{url}/graphql", json=query, headers=headers).json()
    assert [loc["code"] for loc in locales["data"]["localization"]["locales"]] == ["en", "es"]
    process.send_signal(signal.SIGINT)
    assert process.wait(EXIT_GUARD) == 0


def test_cli_help_and_bad_fault() -> None:
    help_run = subprocess.run(
        [sys.executable, "-m", "wikijs.testing", "--help"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert help_run.returncode == 0
    assert "--fault" in help_run.stdout and "--profile" in help_run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "wikijs.testing", "--fault", "explode"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "unknown fault kind 'explode'" in bad.stderr


@pytest.mark.parametrize(
    ("argv", "on"),
    [
        ([], False),
        (["--profile", "real"], True),
        (["--profile", "real", "--no-tag-race"], False),
        (["--tag-race"], True),
    ],
)
def test_the_tag_race_is_on_with_the_real_profile(argv: list[str], on: bool) -> None:
    args = build_parser().parse_args(argv)
    assert (tag_race_of(args) is not None) == on
