"""A small stand-in for the GitHub Actions runner, for testing the composite action.

* :func:`parse_output_file` reads ``$GITHUB_OUTPUT`` the way the runner does
  (``name=value`` lines and ``name<<DELIMITER`` heredocs).
* :func:`parse_workflow_commands` reads a step's log the way the runner does, honouring
  ``::stop-commands::<token>`` … ``::<token>::``.
* :class:`FakeGitHub` answers the few REST endpoints the Action uses, over loopback HTTP.
* :func:`run_composite` runs every step of a composite ``action.yml`` with bash, resolving
  ``${{ inputs.* }}``, ``${{ github.* }}`` and ``${{ steps.*.outputs.* }}`` in ``env:``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

# --------------------------------------------------------------------------------------
# Runner file and log formats
# --------------------------------------------------------------------------------------


def parse_output_file(text: str) -> dict[str, str]:
    """Parse a ``$GITHUB_OUTPUT`` file like the runner: later entries win."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        eq = line.find("=")
        hd = line.find("<<")
        if hd != -1 and (eq == -1 or hd < eq):
            name, delimiter = line[:hd], line[hd + 2 :]
            if not name or not delimiter:
                raise ValueError(f"invalid heredoc line {line!r}")
            value: list[str] = []
            while True:
                if i >= len(lines):
                    raise ValueError(f"heredoc delimiter {delimiter!r} not found")
                if lines[i] == delimiter:
                    i += 1
                    break
                value.append(lines[i])
                i += 1
            out[name] = "\n".join(value)
        elif eq > 0:
            out[line[:eq]] = line[eq + 1 :]
        else:
            raise ValueError(f"invalid output line {line!r}")
    return out


_COMMAND_RE = re.compile(r"^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$")


@dataclass(frozen=True)
class Command:
    name: str
    properties: Mapping[str, str]
    message: str


def _unescape(value: str, *, prop: bool) -> str:
    if prop:
        value = value.replace("%2C", ",").replace("%3A", ":")
    return value.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def parse_workflow_commands(log: str) -> list[Command]:
    """The workflow commands the runner would process in ``log``."""
    commands: list[Command] = []
    stop_token: str | None = None
    for raw in log.splitlines():
        line = raw.strip()
        if stop_token is not None:
            if line == f"::{stop_token}::":
                stop_token = None
            continue
        match = _COMMAND_RE.match(line)
        if not match:
            continue
        name, props_text, message = match.groups()
        if name == "stop-commands":
            stop_token = message
            continue
        props: dict[str, str] = {}
        for part in (props_text or "").split(","):
            if "=" in part:
                key, value = part.split("=", 1)
                props[key.strip()] = _unescape(value, prop=True)
        commands.append(Command(name, props, _unescape(message, prop=False)))
    return commands


# --------------------------------------------------------------------------------------
# A fake GitHub REST API
# --------------------------------------------------------------------------------------


@dataclass
class FakeGitHub:
    """The GitHub REST endpoints the Action uses, for one repository, on loopback."""

    repository: str = "acme/handbook"
    token: str = "ghs_faketoken1234567890"
    bot_login: str = "github-actions[bot]"
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    commit_pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    page_size: int = 100
    url: str = ""
    _next_id: int = 1000

    def add_comment(self, number: int, body: str, login: str | None = None) -> int:
        self._next_id += 1
        self.comments.setdefault(number, []).append(
            {"id": self._next_id, "body": body, "user": {"login": login or self.bot_login}}
        )
        return self._next_id

    def merged(self, sha: str, number: int) -> None:
        self.commit_pulls.setdefault(sha, []).append(
            {
                "number": number,
                "merged_at": "2025-05-12T10:00:00Z",
                "merge_commit_sha": sha,
                "state": "closed",
            }
        )

    def _handle(
        self, method: str, target: str, auth: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        split = urlsplit(target)
        path, query = split.path, parse_qs(split.query)
        self.requests.append((method, path, auth))
        if auth != f"Bearer {self.token}":
            return 401, {"message": "Bad credentials"}, {}
        if path == "/user":
            return 403, {"message": "Resource not accessible by integration"}, {}
        prefix = f"/repos/{self.repository}"
        if not path.startswith(prefix + "/"):
            return 404, {"message": "Not Found"}, {}
        rest = path[len(prefix) :].strip("/").split("/")
        if rest[:1] == ["issues"] and len(rest) == 3 and rest[2] == "comments":
            number = int(rest[1])
            if method == "GET":
                items = self.comments.get(number, [])
                per_page = int(query.get("per_page", [str(self.page_size)])[0])
                per_page = min(per_page, self.page_size)
                page = int(query.get("page", ["1"])[0])
                chunk = items[(page - 1) * per_page : page * per_page]
                headers = {}
                if page * per_page < len(items):
                    nxt = f"{self.url}{path}?per_page={per_page}&page={page + 1}"
                    headers["Link"] = f'<{nxt}>; rel="next"'
                return 200, chunk, headers
            if method == "POST":
                cid = self.add_comment(number, body["body"])
                return 201, self.comments[number][-1] | {"id": cid}, {}
        if rest[:2] == ["issues", "comments"] and len(rest) == 3 and method == "PATCH":
            cid = int(rest[2])
            for items in self.comments.values():
                for item in items:
                    if item["id"] == cid:
                        if item["user"]["login"] != self.bot_login:
                            return 403, {"message": "Must have admin rights"}, {}
                        item["body"] = body["body"]
                        return 200, item, {}
            return 404, {"message": "Not Found"}, {}
        if rest[:1] == ["commits"] and len(rest) == 3 and rest[2] == "pulls" and method == "GET":
            return 200, self.commit_pulls.get(rest[1], []), {}
        return 404, {"message": "Not Found"}, {}

    @contextmanager
    def serve(self) -> Iterator[FakeGitHub]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _do(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                status, payload, headers = fake._handle(
                    self.command, self.path, self.headers.get("Authorization", ""), body
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = _do

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


# --------------------------------------------------------------------------------------
# Running a composite action's steps
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRun:
    id: str
    name: str
    returncode: int
    stdout: str
    stderr: str
    outputs: Mapping[str, str]


@dataclass(frozen=True)
class ActionRun:
    returncode: int
    outputs: Mapping[str, str]
    steps: tuple[StepRun, ...]
    summary: str

    @property
    def log(self) -> str:
        return "".join(s.stdout for s in self.steps)

    @property
    def commands(self) -> list[Command]:
        return parse_workflow_commands(self.log)

    def annotations(self, level: str = "error") -> list[Command]:
        return [c for c in self.commands if c.name == level]


_EXPR_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _evaluate(text: str, contexts: Mapping[str, Mapping[str, Any]]) -> str:
    def one(match: re.Match[str]) -> str:
        expr = match.group(1)
        parts = expr.split(".")
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return str(contexts["steps"].get(parts[1], {}).get(parts[3], ""))
        if parts[0] in ("inputs", "github", "runner") and len(parts) == 2:
            value = contexts[parts[0]].get(parts[1])
            if value is None:
                raise KeyError(f"unknown expression {expr!r}")
            return str(value)
        raise KeyError(f"the test runner does not support the expression {expr!r}")

    return _EXPR_RE.sub(one, text)


def run_composite(
    action_dir: Path,
    inputs: Mapping[str, str],
    *,
    env: Mapping[str, str],
    workspace: Path,
    temp: Path,
    github_token: str = "",
    timeout: float = 240,
) -> ActionRun:
    """Run ``action_dir/action.yml``'s composite steps like the runner does."""
    spec = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
    assert spec["runs"]["using"] == "composite"
    unknown = set(inputs) - set(spec["inputs"])
    assert not unknown, f"inputs not declared in action.yml: {unknown}"
    github = {"action_path": str(action_dir), "token": github_token, "workspace": str(workspace)}
    runner = {"temp": str(temp)}
    resolved_inputs: dict[str, str] = {}
    for name, decl in spec["inputs"].items():
        if name in inputs:
            resolved_inputs[name] = inputs[name]
        else:
            default = str(decl.get("default", ""))
            resolved_inputs[name] = _evaluate(
                default, {"github": github, "runner": runner, "inputs": {}, "steps": {}}
            )
    contexts: dict[str, Any] = {
        "inputs": resolved_inputs,
        "github": github,
        "runner": runner,
        "steps": {},
    }
    steps: list[StepRun] = []
    summary = ""
    returncode = 0
    for index, step in enumerate(spec["runs"]["steps"]):
        assert step.get("shell") == "bash", "every step runs with bash"
        assert "if" not in step, "the test runner does not evaluate step conditions"
        step_id = step.get("id", f"__step{index}")
        step_env = {k: _evaluate(str(v), contexts) for k, v in (step.get("env") or {}).items()}
        output_file = temp / f"output-{index}"
        summary_file = temp / f"summary-{index}"
        output_file.write_text("")
        summary_file.write_text("")
        script = temp / f"step-{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        full_env = {
            **env,
            **step_env,
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary_file),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_ACTION_PATH": str(action_dir),
            "RUNNER_TEMP": str(temp),
        }
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        outputs = parse_output_file(output_file.read_text(encoding="utf-8"))
        contexts["steps"][step_id] = outputs
        summary += summary_file.read_text(encoding="utf-8")
        steps.append(
            StepRun(
                step_id, step.get("name", ""), proc.returncode, proc.stdout, proc.stderr, outputs
            )
        )
        if proc.returncode != 0:
            returncode = proc.returncode
            break
    action_outputs = {
        name: _evaluate(str(decl["value"]), contexts) for name, decl in spec["outputs"].items()
    }
    return ActionRun(returncode, action_outputs, tuple(steps), summary)


def base_env(**extra: str) -> dict[str, str]:
    """A minimal, isolated environment for a step: PATH, HOME, locale, plus ``extra``."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "GITHUB_ACTIONS": "true",
        "CI": "true",
    }
    env.update(extra)
    return env
