"""Secrets never leave the process: not in output, logs, tracebacks, plans or summaries.

Every run here is as verbose as wikisync gets (``--debug``: DEBUG request logs in text or
JSON, tracebacks instead of one-line errors) and goes through plan, apply, failed writes
and crashes, with an API key and with a username and password. Everything a run leaves
behind is collected (stdout, stderr, the saved plan, the summary file, the Action's job
log, step outputs and step summary) and searched for the key, the password, the session
tokens the wiki issued, and anything shaped like a JWT.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from rel_helpers import (
    CliResult,
    base_env,
    numbered_site,
    run_cli,
    wiki_env,
)

from wikijs.testing import Fault, WikiJSEmulator

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}")
WRONG_PASSWORD = "Wr0ng-but-secret-passphrase"


def _pieces(secret: str) -> list[str]:
    """The secret and each long part of it (a leak may show only part of a token)."""
    parts = [p for p in re.split(r"[.]", secret) if len(p) >= 16]
    return [secret, *parts]


def assert_no_secrets(outputs: dict[str, str], secrets: Iterable[str]) -> None:
    assert outputs, "nothing was collected"
    for name, text in outputs.items():
        for secret in secrets:
            for piece in _pieces(secret):
                assert piece not in text, f"{name} contains a secret ({piece[:6]}...)"
        found = JWT.search(text)
        assert found is None, f"{name} contains a token: {found.group(0)[:12]}..."


def _collect(results: Iterable[CliResult], *files: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, result in enumerate(results):
        out[f"run {i} ({' '.join(result.args[:1])}) stdout"] = result.stdout
        out[f"run {i} ({' '.join(result.args[:1])}) stderr"] = result.stderr
    for path in files:
        out[path.name] = path.read_text(encoding="utf-8")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_api_key_never_leaks_through_plan_apply_failures_and_tracebacks(
    log_format: str, tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    site = numbered_site(tmp_path / "site", 4)
    env = wiki_env(emulator, WIKISYNC_LOG_FORMAT=log_format)
    plan_file, summary = tmp_path / "plan.json", tmp_path / "summary.md"
    saving = ("--json", "--out", plan_file, "--summary-file", summary, "--debug")
    runs = [
        run_cli("validate", site.directory, "--json", env=env),
        run_cli("plan", site.directory, *saving, env=env),
        run_cli("plan", site.directory, "--format", "markdown", "--debug", env=env),
    ]
    # A saved plan applied with a failing write: a "Failed:" report.
    emulator.faults.add(Fault(kind="status", status=503, operation="pages.create", nth=3))
    runs.append(run_cli("apply", plan_file, "--debug", env=env))
    assert runs[-1].returncode == 1 and "Failed: create" in runs[-1].stderr, runs[-1]
    # A failing lock write (the lock file's upload): with --debug, a traceback.
    emulator.faults.add(Fault(kind="status", status=503, operation="assets.upload", nth=1))
    runs.append(run_cli("apply", site.directory, "--auto-approve", "--debug", env=env))
    assert runs[-1].returncode == 1 and "StateError" in runs[-1].stderr, runs[-1]
    # A request that times out, logged at WARNING with its error.
    emulator.faults.add(Fault(kind="slow", delay=1.5, operation="pages.list", nth=1))
    slow_env = {**env, "WIKIJS_TIMEOUT": "0.5"}
    runs.append(run_cli("plan", site.directory, "--debug", env=slow_env))

    debug_lines = sum(r.stderr.count("DEBUG") for r in runs)
    assert debug_lines > 20, "the runs did not log at DEBUG"
    assert "Traceback" in runs[4].stderr or "──" in runs[4].stderr, runs[4]
    assert json.loads(plan_file.read_text(encoding="utf-8"))["changes"]
    assert_no_secrets(_collect(runs, plan_file, summary), [emulator.api_key])


def test_login_password_and_session_tokens_never_leak(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    site = numbered_site(tmp_path / "site", 3)
    env = base_env(
        WIKIJS_URL=emulator.url,
        WIKIJS_USERNAME=emulator.admin_email,
        WIKIJS_PASSWORD=emulator.admin_password,
    )
    plan_file = tmp_path / "plan.json"
    runs = [
        run_cli("plan", site.directory, "--out", plan_file, "--debug", env=env),
        run_cli("apply", plan_file, "--debug", env=env),
    ]
    assert runs[-1].returncode == 0, runs[-1]
    (site.directory / "p00.md").write_text("# Changed\n\nNew text.\n", encoding="utf-8")
    emulator.faults.add(Fault(kind="drop", when="before", operation="pages.update", nth=1))
    runs.append(run_cli("apply", site.directory, "--auto-approve", "--debug", env=env))
    assert runs[-1].returncode == 1, runs[-1]
    assert "auth.login ok" in runs[0].stderr, "the run did not log in with the password"
    assert_no_secrets(_collect(runs, plan_file), [emulator.admin_password])


def test_rejected_credentials_never_leak(tmp_path: Path, emulator: WikiJSEmulator) -> None:
    site = numbered_site(tmp_path / "site", 2)
    wrong_key = emulator.api_key[:-12] + "AAAAAAAAAAAA"  # a JWT the wiki did not sign
    wrong_login = base_env(
        WIKIJS_URL=emulator.url,
        WIKIJS_USERNAME=emulator.admin_email,
        WIKIJS_PASSWORD=WRONG_PASSWORD,
    )
    bad_key = {**wiki_env(emulator), "WIKIJS_API_KEY": wrong_key}
    runs = [
        run_cli("plan", site.directory, "--debug", env=wrong_login),
        run_cli("plan", site.directory, env=wrong_login),
        run_cli("plan", site.directory, "--debug", env=bad_key),
        run_cli("apply", site.directory, "--auto-approve", env=bad_key),
    ]
    assert all(r.returncode == 1 for r in runs), runs
    assert "LoginError" in runs[0].stderr or "AuthLoginFailed" in runs[0].stderr, runs[0]
    assert "Guest" in runs[2].stderr, runs[2]
    assert_no_secrets(_collect(runs), [WRONG_PASSWORD, wrong_key, emulator.api_key])


def test_the_github_action_never_leaks_the_key(tmp_path: Path, emulator: WikiJSEmulator) -> None:
    """The Action's job log, step outputs, step summary and plan file, on a failed apply."""
    workspace = tmp_path / "repo"
    numbered_site(workspace / "docs", 4)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    output, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    env = base_env(
        GITHUB_EVENT_NAME="workflow_dispatch",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_REPOSITORY="acme/docs",
        RUNNER_TEMP=str(temp),
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
        INPUT_COMMAND="apply",
        INPUT_PATH="docs",
        INPUT_URL=emulator.url,
        INPUT_API_KEY=emulator.api_key,
        INPUT_ARGS="--debug",
        INPUT_COMMENT="false",
    )
    emulator.faults.add(Fault(kind="status", status=502, operation="pages.create", nth=2))
    proc = subprocess.run(
        [sys.executable, "-m", "wikisync.ci.action"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "failure-reason" in output.read_text(encoding="utf-8")
    assert "apply-failed" in output.read_text(encoding="utf-8")
    plans = list(temp.rglob("*.json"))
    assert plans, "the Action saved no plan"
    outputs = {
        "job log": proc.stdout,
        "job stderr": proc.stderr,
        "GITHUB_OUTPUT": output.read_text(encoding="utf-8"),
        "GITHUB_STEP_SUMMARY": summary.read_text(encoding="utf-8"),
        **{p.name: p.read_text(encoding="utf-8") for p in plans},
    }
    assert_no_secrets(outputs, [emulator.api_key])


@pytest.mark.parametrize("scheme", ["http://", ""], ids=["with-scheme", "without-scheme"])
def test_a_url_with_credentials_is_refused_without_echoing_them(
    scheme: str, tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    """A password put into WIKIJS_URL (``http://user:pw@host``) is a secret too. (It
    would also replace the API key: HTTP clients send such credentials as the
    ``Authorization`` header, so the wiki would see the Guest user.)"""
    site = numbered_site(tmp_path / "site", 2)
    password = "url-embedded-pa55word"
    url = emulator.url.replace("http://", f"{scheme}deploy:{password}@")
    env = {**wiki_env(emulator), "WIKIJS_URL": url}
    emulator.log.reset()
    runs = [
        run_cli("plan", site.directory, "--json", "--debug", env=env),
        run_cli("apply", site.directory, "--auto-approve", env=env),
    ]
    for result in runs:
        assert result.returncode == 1, result
        assert "must not contain a user name or password" in result.stderr, result
        assert "deploy:***@" not in result.stderr and "***@127.0.0.1" in result.stderr
    assert emulator.log.requests == 0
    assert_no_secrets(_collect(runs), [password, emulator.api_key])
