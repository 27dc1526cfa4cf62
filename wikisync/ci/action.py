"""The wikisync GitHub Action: ``python -m wikisync.ci.action``.

``action.yml`` installs the package, masks the API key and runs this module with the
inputs in ``INPUT_*`` environment variables. Everything the Action does is here, in
Python, on top of the ``wikisync`` command line (run as a subprocess, exactly as a user
would run it):

1. ``wikisync validate DIR --json``: problems become ``::error file=…,line=…::``
   annotations (at most ``ANNOTATION_LIMIT`` per kind, the full list
   goes to the step summary); failure reason ``validation``.
2. ``wikisync plan DIR --json --out PLAN --detailed-exitcode``: the plan is written to
   the step summary as Markdown and its counts to the step outputs.
3. On a pull request, the plan is posted as one comment (created or updated, found by a
   hidden marker) together with the plan's fingerprint.
4. ``command: apply``: on a push, the plan is applied only if its fingerprint equals the
   one in the comment of the merged pull request (``require-approved-plan``), then
   ``wikisync apply PLAN --auto-approve``.

Outputs: ``changes``, ``to-create``, ``to-update``, ``to-move``, ``to-delete``,
``plan-file`` and ``failure-reason`` (one of ``FAILURE_REASONS``, empty on success).

It is one module because it is one program: the Action's steps, in the order they run, read
top to bottom; GitHub's API and job files live in ``wikisync.ci.github``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from wikisync._names import shown
from wikisync.ci.github import (
    ANNOTATION_LIMIT,
    GitHubClient,
    annotation,
    append_summary,
    escape_data,
    fence,
    group,
    plan_fingerprint,
    repository_root,
    upsert_plan_comment,
    write_outputs,
)
from wikisync.errors import WikisyncError
from wikisync.render import load_plan_json, no_mentions, render_markdown

__all__ = [
    "FAILURE_REASONS",
    "OUTPUT_NAMES",
    "ActionInputError",
    "ActionInputs",
    "ActionResult",
    "CliResult",
    "CliRunner",
    "GitHubContext",
    "main",
    "publish",
    "render_plan_file",
    "run_action",
    "subprocess_cli",
]

FailureReason = Literal["apply-failed", "plan-stale", "guard", "validation", "error"]
FAILURE_REASONS: tuple[FailureReason, ...] = (
    "apply-failed",
    "plan-stale",
    "guard",
    "validation",
    "error",
)
OUTPUT_NAMES: tuple[str, ...] = (
    "changes",
    "to-create",
    "to-update",
    "to-move",
    "to-delete",
    "plan-file",
    "failure-reason",
)
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})

MAX_EVENT_BYTES = 32 * 1024 * 1024
"""The largest event payload read (GitHub's webhook payloads are capped at 25 MB)."""
MAX_EVENT_DEPTH = 64
"""Deepest nesting of the event payload read (GitHub's own payloads nest a few levels)."""
_MAX_NUMBER_DIGITS = 20
"""Longest whole number in the event payload read (GitHub's ids are 64-bit)."""
_MAX_PULL_REQUEST = 2**31 - 1

# CLI exit codes (DESIGN: 0 ok, 1 error, 2 changes present, 3 stale plan, 4 guard).
EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_STALE, EXIT_GUARD = 0, 1, 2, 3, 4

# Flags of ``args`` that belong to ``wikisync apply`` rather than ``wikisync plan``.
_APPLY_FLAGS_WITH_VALUE = frozenset({"--parallelism"})
_APPLY_FLAGS = frozenset({"--fail-fast"})
_BOTH_FLAGS = frozenset({"--force"})
_RESERVED_FLAGS = frozenset({"--json", "--out", "--detailed-exitcode", "--auto-approve"})


class ActionInputError(WikisyncError):
    """An input of the Action (or the GitHub environment it runs in) is invalid."""


# --------------------------------------------------------------------------------------
# Inputs and context
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInputs:
    """The Action's inputs, read from the ``INPUT_*`` variables that action.yml sets."""

    command: Literal["plan", "apply"] = "plan"
    path: str = "."
    url: str = ""
    api_key: str = field(default="", repr=False)
    args: tuple[str, ...] = ()
    comment: Literal["true", "changes-only", "false"] = "changes-only"
    github_token: str = field(default="", repr=False)
    require_approved_plan: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        """Read and check the inputs; every problem is named in one ``ActionInputError``."""

        def get(name: str, default: str) -> str:
            value = env.get(f"INPUT_{name}", "").strip()
            return value or default

        problems: list[str] = []
        command = get("COMMAND", "plan").lower()
        if command not in ("plan", "apply"):
            problems.append(f"input 'command' must be plan or apply, got {command!r}")
        comment = get("COMMENT", "changes-only").lower()
        if comment not in ("true", "changes-only", "false"):
            problems.append(f"input 'comment' must be true, changes-only or false, got {comment!r}")
        approved = get("REQUIRE_APPROVED_PLAN", "true").lower()
        if approved not in ("true", "false"):
            problems.append(
                f"input 'require-approved-plan' must be true or false, got {approved!r}"
            )
        try:
            args = tuple(shlex.split(env.get("INPUT_ARGS", "")))
        except ValueError as exc:
            problems.append(f"input 'args' cannot be split into arguments: {exc}")
            args = ()
        for arg in args:
            if arg.split("=", 1)[0] in _RESERVED_FLAGS:
                problems.append(f"input 'args' must not contain {arg}: the Action sets it itself")
            elif arg.split("=", 1)[0] == "--url":
                # One URL for plan and apply: the credentials go only to the input 'url'
                # (or WIKIJS_URL), and apply refuses a plan made for another wiki.
                problems.append("input 'args' must not contain --url: set the input 'url'")
        if problems:
            raise ActionInputError("; ".join(problems))
        return cls(
            command="apply" if command == "apply" else "plan",
            path=get("PATH", "."),
            url=get("URL", ""),
            api_key=env.get("INPUT_API_KEY", "").strip(),
            args=args,
            comment="true"
            if comment == "true"
            else "false"
            if comment == "false"
            else "changes-only",
            github_token=env.get("INPUT_GITHUB_TOKEN", "").strip(),
            require_approved_plan=approved == "true",
        )

    def plan_args(self) -> list[str]:
        """The part of ``args`` for ``wikisync plan``."""
        return _split_args(self.args)[0]

    def apply_args(self) -> list[str]:
        """The part of ``args`` for ``wikisync apply`` (``--parallelism``, ``--fail-fast``, ``--force``)."""
        return _split_args(self.args)[1]


def _split_args(args: Sequence[str]) -> tuple[list[str], list[str]]:
    plan: list[str] = []
    apply: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        if name in _APPLY_FLAGS_WITH_VALUE:
            if "=" in arg or i + 1 >= len(args):
                apply.append(arg)
            else:
                apply.extend(args[i : i + 2])
                i += 1
        elif name in _APPLY_FLAGS:
            apply.append(arg)
        elif name in _BOTH_FLAGS:
            plan.append(arg)
            apply.append(arg)
        else:
            plan.append(arg)
        i += 1
    return plan, apply


@dataclass(frozen=True)
class GitHubContext:
    """What the runner tells a step about the workflow run (``GITHUB_*`` variables)."""

    event_name: str = ""
    event: Mapping[str, Any] = field(default_factory=dict)
    repository: str = ""
    api_url: str = "https://api.github.com"
    sha: str = ""
    workspace: Path = field(default_factory=Path.cwd)
    runner_temp: Path = field(default_factory=Path.cwd)
    output_file: Path | None = None
    summary_file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GitHubContext:
        event: Mapping[str, Any] = {}
        event_path = env.get("GITHUB_EVENT_PATH", "")
        if event_path:
            loaded = read_event(Path(event_path))
            if isinstance(loaded, dict):
                event = loaded
        workspace = repository_root(Path.cwd(), env)
        context = cls(
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event=event,
            repository=env.get("GITHUB_REPOSITORY", ""),
            api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
            sha=env.get("GITHUB_SHA", "") or str(event.get("after") or ""),
            workspace=workspace,
            runner_temp=Path(env.get("RUNNER_TEMP") or workspace),
            output_file=Path(env["GITHUB_OUTPUT"]) if env.get("GITHUB_OUTPUT") else None,
            summary_file=(
                Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None
            ),
        )
        context._check_pull_request_number()
        return context

    def _raw_pull_request_number(self) -> object:
        pr = self.event.get("pull_request")
        return pr.get("number") if isinstance(pr, dict) else self.event.get("number")

    def _check_pull_request_number(self) -> None:
        if self.event_name not in PULL_REQUEST_EVENTS:
            return
        number = self._raw_pull_request_number()
        if number is not None and self.pull_request_number is None:
            raise ActionInputError(
                f"the event payload's pull request number ({_clipped(number)}) is not a "
                "pull request number"
            )

    @property
    def pull_request_number(self) -> int | None:
        """The pull request's number on ``pull_request`` events, else ``None``."""
        if self.event_name not in PULL_REQUEST_EVENTS:
            return None
        number = self._raw_pull_request_number()
        if isinstance(number, str) and 0 < len(number) <= 10 and number.isascii():
            number = int(number) if number.isdigit() else None
        if isinstance(number, int) and not isinstance(number, bool):
            return number if 0 < number <= _MAX_PULL_REQUEST else None
        return None


def read_event(path: Path) -> Any:
    """The event payload at ``path``, read with bounds: a regular file (a FIFO is never
    waited on), at most ``MAX_EVENT_BYTES``, nesting at most ``MAX_EVENT_DEPTH`` deep,
    whole numbers of at most 20 digits. Raises [`ActionInputError`][wikisync.errors.ActionInputError]
    naming the file otherwise."""

    def refuse(why: str) -> ActionInputError:
        return ActionInputError(f"cannot read the event payload {_clipped(str(path))}: {why}")

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise refuse(exc.strerror or str(exc)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise refuse("it is not a regular file")
        if info.st_size > MAX_EVENT_BYTES:
            raise refuse(f"it is {info.st_size:,} bytes, more than {MAX_EVENT_BYTES:,}")
        raw = handle.read(MAX_EVENT_BYTES + 1)
    if len(raw) > MAX_EVENT_BYTES:
        raise refuse(f"it is more than {MAX_EVENT_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("it is not UTF-8 text") from None
    deep = f"it is nested more than {MAX_EVENT_DEPTH} levels deep"
    try:
        # The parser gives up past the interpreter's recursion limit, in time linear in
        # what it read; what it returns is then held to MAX_EVENT_DEPTH.
        event = json.loads(text, parse_int=_event_int)
    except RecursionError:
        raise refuse(deep) from None
    except json.JSONDecodeError as exc:
        raise refuse(f"it is not JSON ({exc.msg} at line {exc.lineno})") from None
    except ValueError as exc:
        raise refuse(str(exc)[:200]) from None
    if _json_depth(event) > MAX_EVENT_DEPTH:
        raise refuse(deep)
    return event


def _event_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_NUMBER_DIGITS:
        raise ValueError(f"it holds a number of {len(text):,} digits")
    return int(text)


def _json_depth(data: Any) -> int:
    """The deepest nesting of arrays and objects in parsed JSON, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_EVENT_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _clipped(value: object, limit: int = 40) -> str:
    if isinstance(value, (dict, list)):
        return f"a JSON {'object' if isinstance(value, dict) else 'array'}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"a number of about {int(value.bit_length() * 0.30103):,} digits"
    text = value if isinstance(value, str) else repr(value)
    return shown(text if len(text) <= limit else text[:limit] + "…")


# --------------------------------------------------------------------------------------
# Running the CLI
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    """Exit code and captured output of one ``wikisync`` command."""

    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[[Sequence[str], Mapping[str, str]], CliResult]
"""Runs ``wikisync <args>`` with the given environment and returns its result."""


def subprocess_cli(prefix: Sequence[str] | None = None) -> CliRunner:
    """A ``CliRunner`` that runs the CLI as a subprocess (``python -m wikisync``)."""
    command = list(prefix) if prefix is not None else [sys.executable, "-m", "wikisync"]

    def run(args: Sequence[str], env: Mapping[str, str]) -> CliResult:
        proc = subprocess.run(
            [*command, *args],
            env=dict(env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionResult:
    """What one run produced: its exit code, its step outputs and its step summary."""

    exit_code: int
    outputs: Mapping[str, str]
    summary: str

    @property
    def failure_reason(self) -> str:
        return self.outputs.get("failure-reason", "")


class _Failure(Exception):
    def __init__(self, reason: FailureReason, message: str, details: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.details = details


class _Run:
    def __init__(
        self,
        inputs: ActionInputs,
        context: GitHubContext,
        *,
        cli: CliRunner,
        github: Callable[[], GitHubClient],
        render: Callable[[Path, str], str],
        env: Mapping[str, str],
        log: TextIO,
    ) -> None:
        self.inputs = inputs
        self.render = render
        self.ctx = context
        self.cli = cli
        self.github = github
        self.log = log
        self.outputs: dict[str, str] = dict.fromkeys(OUTPUT_NAMES, "")
        self.summary: list[str] = []
        self.workspace = context.workspace.resolve()
        self.content_dir = (self.workspace / inputs.path).resolve()
        self.sources_dir = self.content_dir  # what problem sources are relative to
        self.display_path = _display_path(inputs.path)
        self.child_env = _child_env(env, inputs)
        digest = hashlib.sha256(self.display_path.encode("utf-8")).hexdigest()[:12]
        self.plan_file = context.runner_temp.resolve() / "wikisync" / f"plan-{digest}.json"
        self.markdown = ""
        self.error_annotations = 0

    # -- logging ---------------------------------------------------------------------

    def emit(self, line: str) -> None:
        self.log.write(line + "\n")
        self.log.flush()

    def emit_untrusted(self, title: str, text: str) -> None:
        if not text.strip():
            return
        start, end = group(title)
        self.emit(start)
        self.log.write(fence(text))
        self.emit(end)

    def call(self, args: Sequence[str]) -> CliResult:
        self.emit(shown(f"$ wikisync {shlex.join(args)}"))
        return self.cli(args, self.child_env)

    # -- steps -----------------------------------------------------------------------

    def run(self) -> ActionResult:
        try:
            self.validate()
            doc = self.plan()
            if self.inputs.command == "plan":
                self.comment(doc)
            else:
                self.apply(doc)
        except _Failure as failure:
            return self.fail(failure)
        except WikisyncError as exc:
            return self.fail(_Failure("error", str(exc)))
        return ActionResult(0, dict(self.outputs), no_mentions("".join(self.summary)))

    def fail(self, failure: _Failure) -> ActionResult:
        self.outputs["failure-reason"] = failure.reason
        if self.error_annotations < ANNOTATION_LIMIT:
            self.emit(annotation("error", failure.message, title=f"wikisync {self.inputs.command}"))
        else:  # GitHub would drop an 11th error annotation: say it in the log instead
            self.emit(f"Error: {escape_data(failure.message)}")
        if failure.details:
            self.emit_untrusted("wikisync output", failure.details)
            details = f"\n{_code_block(failure.details)}\n"
        else:
            details = ""
        self.summary.append(
            f"### :x: wikisync {self.inputs.command} failed ({failure.reason})\n\n"
            f"{_md_text(failure.message)}\n{details}\n"
        )
        return ActionResult(1, dict(self.outputs), no_mentions("".join(self.summary)))

    def validate(self) -> None:
        if not self.content_dir.is_dir():
            raise _Failure("error", f"path {self.inputs.path!r} is not a directory")
        result = self.call(["validate", str(self.content_dir), "--json"])
        try:
            doc = json.loads(result.stdout)
            problems = [p for p in doc["problems"] if isinstance(p, dict)]
        except (ValueError, KeyError, TypeError) as exc:
            raise _Failure(
                "error",
                f"wikisync validate failed with exit code {result.returncode}",
                result.stderr or result.stdout,
            ) from exc
        self.emit_untrusted("wikisync validate", result.stderr)
        content = doc.get("directory") if isinstance(doc, dict) else None
        if isinstance(content, str) and content:
            # Given the project's root, problems are relative to the content folder read.
            self.sources_dir = (self.content_dir / content).resolve()
        errors = [p for p in problems if p.get("severity", "error") == "error"]
        warnings = [p for p in problems if p.get("severity", "error") != "error"]
        for level, items in (("error", errors), ("warning", warnings)):
            for problem in items[:ANNOTATION_LIMIT]:
                if level == "error":
                    self.error_annotations += 1
                self.emit(
                    annotation(
                        "error" if level == "error" else "warning",
                        _problem_message(problem),
                        file=self.repo_relative(str(problem.get("source") or "")),
                        line=_int_or_none(problem.get("line")),
                        title="wikisync validate",
                    )
                )
        if problems:
            self.summary.append(self.problems_markdown(problems))
        if errors or result.returncode != EXIT_OK:
            count = len(errors)
            more = (
                f" ({ANNOTATION_LIMIT} annotated, all listed in the step summary)"
                if count > ANNOTATION_LIMIT
                else ""
            )
            raise _Failure(
                "validation" if errors else "error",
                f"{count} validation error{'s' if count != 1 else ''} in {self.display_path}{more}"
                if errors
                else f"wikisync validate failed with exit code {result.returncode}",
                "" if errors else result.stderr,
            )

    def plan(self) -> Mapping[str, Any]:
        self.plan_file.parent.mkdir(parents=True, exist_ok=True)
        if self.plan_file.exists():
            self.plan_file.unlink()
        args = [
            "plan",
            str(self.content_dir),
            "--json",
            "--out",
            str(self.plan_file),
            "--detailed-exitcode",
            *self.inputs.plan_args(),
        ]
        result = self.call(args)
        self.emit_untrusted("wikisync plan messages", result.stderr)
        if result.returncode == EXIT_GUARD:
            raise _Failure(
                "guard", "a safety guard refused the plan; nothing was changed", result.stderr
            )
        if result.returncode not in (EXIT_OK, EXIT_CHANGES):
            raise _Failure(
                "error",
                f"wikisync plan failed with exit code {result.returncode}",
                result.stderr or result.stdout,
            )
        try:
            doc = json.loads(result.stdout)
            if not isinstance(doc, dict):
                raise TypeError("not an object")
            changes = doc["changes"]
            counts = doc["summary"]
            if not isinstance(changes, list) or not isinstance(counts, dict):
                raise TypeError("changes or summary missing")
        except (ValueError, KeyError, TypeError) as exc:
            raise _Failure(
                "error", "wikisync plan did not print a plan document", result.stdout
            ) from exc
        if not self.plan_file.is_file():
            raise _Failure("error", f"wikisync plan did not write {self.plan_file}")
        self.outputs.update(
            {
                "changes": "true" if _plan_changes(doc) else "false",
                "to-create": str(int(counts.get("create", 0))),
                "to-update": str(int(counts.get("update", 0))),
                "to-move": str(int(counts.get("move", 0))),
                "to-delete": str(int(counts.get("delete", 0))),
                "plan-file": str(self.plan_file),
            }
        )
        markdown = self.render(self.plan_file, self.display_path).strip()
        markdown += f"\n\n<sub>Content directory: `{_md_code(self.display_path)}`</sub>\n"
        self.emit_untrusted("Plan", markdown)
        self.summary.append(markdown + "\n")
        self.markdown = markdown
        return doc

    def comment(self, doc: Mapping[str, Any]) -> None:
        number = self.ctx.pull_request_number
        if number is None or self.inputs.comment == "false":
            return
        has_changes = bool(_plan_changes(doc))
        try:
            result = upsert_plan_comment(
                self.github(),
                number,
                self.display_path,
                self.markdown,
                plan_fingerprint(_plan_changes(doc)),
                create=self.inputs.comment == "true" or has_changes,
            )
        except WikisyncError as exc:
            self.emit(
                annotation("warning", f"could not write the plan comment: {exc}", title="wikisync")
            )
            return
        if result.action != "skipped":
            self.emit(f"Plan comment {result.action} on pull request #{number}.")

    def apply(self, doc: Mapping[str, Any]) -> None:
        if not _plan_changes(doc):
            self.emit("No changes: nothing to apply.")
            self.summary.append("Nothing to apply.\n\n")
            return
        if self.ctx.event_name == "push" and self.inputs.require_approved_plan:
            self.check_approved(plan_fingerprint(_plan_changes(doc)))
        result = self.call(
            ["apply", str(self.plan_file), "--auto-approve", *self.inputs.apply_args()]
        )
        self.emit_untrusted("wikisync apply", result.stderr + result.stdout)
        output = (result.stderr + result.stdout).strip()
        if result.returncode == EXIT_OK:
            self.summary.append(f"### Apply\n\n{_code_block(output)}\n\n")
            return
        if result.returncode == EXIT_STALE:
            raise _Failure(
                "plan-stale",
                "the wiki or the files changed after the plan was made; nothing was applied",
                output,
            )
        if result.returncode == EXIT_GUARD:
            raise _Failure("guard", "a safety guard refused the plan; nothing was applied", output)
        raise _Failure(
            "apply-failed", f"wikisync apply failed with exit code {result.returncode}", output
        )

    def check_approved(self, current: str) -> None:
        sha = self.ctx.sha
        if not sha or not self.ctx.repository:
            raise _Failure("error", "GITHUB_SHA and GITHUB_REPOSITORY are needed to find the plan")
        client = self.github()
        pr = client.merged_pull_request(sha)
        if pr is None:
            raise _Failure(
                "plan-stale",
                f"commit {sha[:12]} does not come from a merged pull request, so no reviewed "
                "plan exists for it; nothing was applied. Merge changes through a pull request "
                "or set require-approved-plan: false.",
            )
        found = client.find_plan_comment(pr.number, self.display_path)
        if found is None:
            approved: str | None = plan_fingerprint([])
            seen = (
                f"pull request #{pr.number} has no wikisync plan comment for `{self.display_path}`"
            )
        else:
            approved = found.fingerprint
            seen = f"the plan shown on pull request #{pr.number}"
        if approved != current:
            raise _Failure(
                "plan-stale",
                f"the plan differs from {seen} (the wiki or the files changed since it was "
                "reviewed); nothing was applied. Re-run the pull request's plan, or push an "
                "empty commit through a new pull request to review the current plan.",
            )
        self.emit(f"The plan matches the one reviewed on pull request #{pr.number}.")

    # -- helpers ---------------------------------------------------------------------

    def repo_relative(self, source: str) -> str:
        if not source:
            return ""
        # Lexically: a symbolic link is named as itself, not as the file it points to.
        path = Path(os.path.normpath(self.sources_dir / source))
        try:
            return path.relative_to(self.workspace).as_posix()
        except ValueError:
            return os.path.relpath(path, self.workspace).replace(os.sep, "/")

    def problems_markdown(self, problems: Sequence[Mapping[str, Any]]) -> str:
        rows = [
            "| | File | Line | Problem |",
            "|---|---|---:|---|",
        ]
        for p in problems:
            icon = ":x:" if p.get("severity", "error") == "error" else ":warning:"
            file = self.repo_relative(str(p.get("source") or ""))
            line = _int_or_none(p.get("line"))
            rows.append(
                f"| {icon} | `{_md_code(file)}` | {line if line else ''} | "
                f"{_md_cell(_problem_message(p))} |"
            )
        return (
            f"## wikisync validate: {len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''} in `{_md_code(self.display_path)}`\n\n"
            + "\n".join(rows)
            + "\n\n"
        )


def run_action(
    inputs: ActionInputs,
    context: GitHubContext,
    *,
    cli: CliRunner | None = None,
    github: Callable[[], GitHubClient] | None = None,
    render: Callable[[Path, str], str] | None = None,
    env: Mapping[str, str] | None = None,
    log: TextIO | None = None,
) -> ActionResult:
    """Run the Action once. Writes log lines to ``log``; returns outputs and summary.

    ``cli`` runs the ``wikisync`` command (default: a subprocess), ``github`` makes the
    REST client, ``render`` turns a saved plan file and the content directory's name into
    Markdown (default: ``render_plan_file``).
    """

    def default_github() -> GitHubClient:
        return GitHubClient(inputs.github_token, context.repository, api_url=context.api_url)

    return _Run(
        inputs,
        context,
        cli=cli or subprocess_cli(),
        github=github or default_github,
        render=render or render_plan_file,
        env=os.environ if env is None else env,
        log=log or sys.stdout,
    ).run()


def render_plan_file(plan_file: Path, directory: str) -> str:
    """The Markdown of a saved plan, as [`wikisync.render.render_markdown`][wikisync.render.render_markdown] renders it."""
    plan, _target = load_plan_json(plan_file.read_text(encoding="utf-8"))
    return render_markdown(plan, directory=directory)


def publish(result: ActionResult, context: GitHubContext) -> None:
    """Write the step outputs to ``$GITHUB_OUTPUT`` and the summary to ``$GITHUB_STEP_SUMMARY``."""
    if context.output_file is not None:
        write_outputs(context.output_file, result.outputs)
    if context.summary_file is not None and result.summary:
        append_summary(context.summary_file, result.summary)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m wikisync.ci.action``; returns the exit code."""
    if argv:
        sys.stderr.write(
            "usage: python -m wikisync.ci.action  (inputs come from INPUT_* variables)\n"
        )
        return 2
    env = os.environ
    try:
        context = GitHubContext.from_env(env)
        inputs = ActionInputs.from_env(env)
    except ActionInputError as exc:
        print(annotation("error", str(exc), title="wikisync"), flush=True)
        if env.get("GITHUB_OUTPUT"):
            write_outputs(env["GITHUB_OUTPUT"], {"failure-reason": "error"})
        return 1
    result = run_action(inputs, context, env=env)
    publish(result, context)
    return result.exit_code


# --------------------------------------------------------------------------------------
# Small pure helpers
# --------------------------------------------------------------------------------------


def _child_env(env: Mapping[str, str], inputs: ActionInputs) -> dict[str, str]:
    """The CLI's environment: no GitHub token, the wiki's URL and key when given."""
    child = {
        k: v
        for k, v in env.items()
        if k not in ("INPUT_API_KEY", "INPUT_GITHUB_TOKEN", "GITHUB_TOKEN")
    }
    if inputs.url:
        child["WIKIJS_URL"] = inputs.url
    if inputs.api_key:
        child["WIKIJS_API_KEY"] = inputs.api_key
    child.setdefault("PYTHONIOENCODING", "utf-8")
    return child


def _display_path(path: str) -> str:
    clean = path.replace("\\", "/").strip()
    while clean.startswith("./"):
        clean = clean[2:]
    return clean.rstrip("/") or "."


def _problem_message(problem: Mapping[str, Any]) -> str:
    message = str(problem.get("message") or "invalid")
    code = problem.get("code")
    return f"{message} [{code}]" if code else message


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _plan_changes(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The changes of a plan document: pages and assets, and each navigation menu that
    changes (as an ``update`` of ``navigation/<locale>`` with the menu's digest)."""
    changes: list[Mapping[str, Any]] = list(doc.get("changes") or [])
    navigation = doc.get("navigation")
    menus = navigation.get("changes") if isinstance(navigation, Mapping) else None
    for menu in menus if isinstance(menus, list) else []:
        if isinstance(menu, Mapping):
            changes.append(
                {
                    "action": "update",
                    "locale": menu.get("locale"),
                    "path": "navigation",
                    "digest": menu.get("digest"),
                }
            )
    return changes


def _md_code(text: str) -> str:
    """Text for inside single backticks, also inside a table cell."""
    return text.replace("`", "'").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _md_cell(text: str) -> str:
    return _md_text(text).replace("|", "\\|").replace("\n", " ")


def _md_text(text: str) -> str:
    """Plain text made inert in Markdown/HTML (no tags, no raw HTML comments)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code_block(text: str) -> str:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
