"""wikisync.ci.action: what one run of the Action decides, with the CLI as a scripted fake.

The ``wikisync`` command is replaced by :class:`ScriptedCli`, which answers ``validate``,
``plan`` and ``apply`` the way the CLI's contract says (JSON documents, exit codes 0-4)
and records how it was called. GitHub's REST API is answered by ``responses``. The
end-to-end tests in ``test_action_e2e.py`` run the real CLI against the emulator.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import responses
from gha_runner import parse_output_file, parse_workflow_commands

from wikisync.ci.action import (
    ActionInputError,
    ActionInputs,
    ActionResult,
    CliResult,
    GitHubContext,
    main,
    publish,
    render_plan_file,
    run_action,
)
from wikisync.ci.github import GitHubClient, build_plan_comment, plan_fingerprint
from wikisync.plan.model import Change, Plan
from wikisync.render import render_json

API = "https://api.github.test"
REPO = "acme/handbook"
GH_TOKEN = "ghs_token_for_tests"
WIKI_KEY = "eyJ.wiki-api-key.sig"
SHA = "f" * 40


def change(action: str, path: str, **extra: Any) -> dict[str, Any]:
    return {
        "action": action,
        "path": path,
        "locale": "en",
        "source": path.removeprefix("handbook/") + ".md",
        "page_id": None,
        "from_path": None,
        "fields": [],
        "digest": f"digest-of-{path}",
        **extra,
    }


def plan_doc(*changes: dict[str, Any], unchanged: int = 0) -> dict[str, Any]:
    summary = dict.fromkeys(("create", "update", "move", "delete", "conflict"), 0)
    for c in changes:
        summary[c["action"]] += 1
    summary["unchanged"] = unchanged
    return {
        "format_version": "1",
        "wikisync_version": "0.0.0",
        "target": {"url": "http://wiki.test", "root": "handbook", "locale": "en"},
        "summary": summary,
        "changes": list(changes),
    }


TWO_CHANGES = plan_doc(
    change("create", "handbook/guide/new"),
    change("update", "handbook/guide/install", fields=["content", "title"], page_id=3),
    unchanged=5,
)


@dataclass
class ScriptedCli:
    """Answers like the wikisync CLI would; records every call."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    directory: str | None = None  # the content folder validate read, from the path given
    plan: dict[str, Any] = field(default_factory=lambda: plan_doc())
    plan_code: int | None = None
    plan_stderr: str = ""
    apply_code: int = 0
    apply_stdout: str = "Apply complete! 1 created, 1 updated, 0 moved, 0 deleted, 0 failed.\n"
    calls: list[list[str]] = field(default_factory=list)
    envs: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, args: Sequence[str], env: Mapping[str, str]) -> CliResult:
        self.calls.append(list(args))
        self.envs.append(dict(env))
        if args[0] == "validate":
            errors = any(p.get("severity", "error") == "error" for p in self.problems)
            doc: dict[str, Any] = {"problems": self.problems}
            if self.directory is not None:
                doc["directory"] = self.directory
            return CliResult(1 if errors else 0, json.dumps(doc), "")
        if args[0] == "plan":
            code = self.plan_code
            if code is None:
                code = 2 if self.plan["changes"] else 0
            if code in (0, 2):
                Path(args[args.index("--out") + 1]).write_text(json.dumps(self.plan))
                return CliResult(code, json.dumps(self.plan), self.plan_stderr)
            return CliResult(code, "", self.plan_stderr)
        if args[0] == "apply":
            return CliResult(self.apply_code, self.apply_stdout, "")
        raise AssertionError(f"unexpected command {args}")

    def commands(self) -> list[str]:
        return [c[0] for c in self.calls]


def render(plan_file: Path, directory: str) -> str:
    doc = json.loads(plan_file.read_text())
    s = doc["summary"]
    return (
        f"**Plan:** {s['create']} to create, {s['update']} to update, "
        f"{s['move']} to move, {s['delete']} to delete."
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "repo"
    (ws / "docs").mkdir(parents=True)
    return ws


def context(workspace: Path, event_name: str, event: dict[str, Any] | None = None) -> GitHubContext:
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    return GitHubContext(
        event_name=event_name,
        event=event or {},
        repository=REPO,
        api_url=API,
        sha=SHA,
        workspace=workspace,
        runner_temp=temp,
        output_file=workspace.parent / "output",
        summary_file=workspace.parent / "summary",
    )


PR_EVENT = {"action": "synchronize", "number": 7, "pull_request": {"number": 7}}


def inputs(**over: Any) -> ActionInputs:
    values: dict[str, Any] = {
        "path": "docs",
        "url": "http://wiki.test",
        "api_key": WIKI_KEY,
        "github_token": GH_TOKEN,
    }
    values.update(over)
    return ActionInputs(**values)


def run(
    cli: ScriptedCli, ins: ActionInputs, ctx: GitHubContext, env: Mapping[str, str] | None = None
) -> tuple[ActionResult, str]:
    log = io.StringIO()
    result = run_action(
        ins,
        ctx,
        cli=cli,
        github=lambda: GitHubClient(ins.github_token, ctx.repository, api_url=ctx.api_url),
        render=render,
        env=env if env is not None else {"PATH": "/usr/bin", "INPUT_GITHUB_TOKEN": GH_TOKEN},
        log=log,
    )
    return result, log.getvalue()


def comments_url(number: int = 7) -> str:
    return f"{API}/repos/{REPO}/issues/{number}/comments"


def no_user() -> None:
    responses.get(f"{API}/user", status=403, json={"message": "Resource not accessible"})


# -- plan ------------------------------------------------------------------------------


@responses.activate
def test_plan_on_a_pull_request_posts_the_plan_and_sets_outputs(workspace: Path) -> None:
    no_user()
    responses.get(comments_url(), json=[])
    post = responses.post(
        comments_url(), status=201, json={"id": 1, "body": "", "user": {"login": "x"}}
    )
    cli = ScriptedCli(plan=TWO_CHANGES)
    result, log = run(
        cli, inputs(args=("--target", "guide")), context(workspace, "pull_request", PR_EVENT)
    )

    assert result.exit_code == 0 and result.failure_reason == ""
    assert cli.commands() == ["validate", "plan"]
    docs = str((workspace / "docs").resolve())
    assert cli.calls[0] == ["validate", docs, "--json"]
    plan_call = cli.calls[1]
    assert plan_call[:2] == ["plan", docs]
    assert {"--json", "--detailed-exitcode"} <= set(plan_call)
    assert plan_call[-2:] == ["--target", "guide"]
    out_file = plan_call[plan_call.index("--out") + 1]
    assert dict(result.outputs) == {
        "changes": "true",
        "to-create": "1",
        "to-update": "1",
        "to-move": "0",
        "to-delete": "0",
        "plan-file": out_file,
        "failure-reason": "",
    }
    assert Path(out_file).is_file()
    assert "**Plan:** 1 to create, 1 to update, 0 to move, 0 to delete." in result.summary
    body = json.loads(post.calls[0].request.body)["body"]
    assert "<!-- wikisync-plan:docs -->" in body
    assert f"<!-- wikisync-plan-fingerprint:{plan_fingerprint(TWO_CHANGES['changes'])} -->" in body
    assert "Plan comment created on pull request #7." in log


@responses.activate
def test_plan_updates_the_existing_comment(workspace: Path) -> None:
    no_user()
    old = build_plan_comment("docs", "old", plan_fingerprint([]))
    responses.get(
        comments_url(), json=[{"id": 42, "body": old, "user": {"login": "github-actions[bot]"}}]
    )
    patch = responses.patch(f"{API}/repos/{REPO}/issues/comments/42", json={"id": 42, "body": ""})
    result, log = run(
        ScriptedCli(plan=TWO_CHANGES), inputs(), context(workspace, "pull_request", PR_EVENT)
    )
    assert result.exit_code == 0
    assert len(patch.calls) == 1
    assert not [c for c in responses.calls if c.request.method == "POST"]
    assert "Plan comment updated" in log


@responses.activate
def test_empty_plan_makes_no_new_comment_with_changes_only(workspace: Path) -> None:
    no_user()
    responses.get(comments_url(), json=[])
    result, _ = run(
        ScriptedCli(plan=plan_doc(unchanged=3)),
        inputs(),
        context(workspace, "pull_request", PR_EVENT),
    )
    assert result.exit_code == 0 and result.outputs["changes"] == "false"
    assert [c.request.method for c in responses.calls] == ["GET", "GET"]


@responses.activate
def test_comment_true_posts_even_an_empty_plan(workspace: Path) -> None:
    no_user()
    responses.get(comments_url(), json=[])
    post = responses.post(
        comments_url(), status=201, json={"id": 1, "body": "", "user": {"login": "x"}}
    )
    run(
        ScriptedCli(plan=plan_doc()),
        inputs(comment="true"),
        context(workspace, "pull_request", PR_EVENT),
    )
    assert len(post.calls) == 1


@responses.activate
def test_comment_false_and_push_events_never_call_github(workspace: Path) -> None:
    result, _ = run(
        ScriptedCli(plan=TWO_CHANGES),
        inputs(comment="false"),
        context(workspace, "pull_request", PR_EVENT),
    )
    assert result.exit_code == 0
    result, _ = run(
        ScriptedCli(plan=TWO_CHANGES), inputs(), context(workspace, "push", {"after": SHA})
    )
    assert result.exit_code == 0
    assert len(responses.calls) == 0


@responses.activate
def test_a_failing_comment_is_a_warning_not_a_failure(workspace: Path) -> None:
    no_user()
    responses.get(
        comments_url(), status=403, json={"message": "Resource not accessible by integration"}
    )
    result, log = run(
        ScriptedCli(plan=TWO_CHANGES), inputs(), context(workspace, "pull_request", PR_EVENT)
    )
    assert result.exit_code == 0
    (warning,) = [c for c in parse_workflow_commands(log) if c.name == "warning"]
    assert "HTTP 403" in warning.message and GH_TOKEN not in log


def test_cli_gets_the_wiki_secrets_but_not_the_github_token(workspace: Path) -> None:
    cli = ScriptedCli()
    run(cli, inputs(), context(workspace, "workflow_dispatch"))
    env = cli.envs[0]
    assert env["WIKIJS_URL"] == "http://wiki.test" and env["WIKIJS_API_KEY"] == WIKI_KEY
    assert "INPUT_GITHUB_TOKEN" not in env and GH_TOKEN not in env.values()


def test_empty_url_and_key_inputs_keep_the_environments_values(workspace: Path) -> None:
    cli = ScriptedCli()
    env = {"WIKIJS_URL": "http://from-env", "WIKIJS_API_KEY": "env-key"}
    run(cli, inputs(url="", api_key=""), context(workspace, "workflow_dispatch"), env=env)
    assert cli.envs[0]["WIKIJS_URL"] == "http://from-env"
    assert cli.envs[0]["WIKIJS_API_KEY"] == "env-key"


def test_plan_messages_are_fenced_in_the_log(workspace: Path) -> None:
    cli = ScriptedCli(
        plan=TWO_CHANGES,
        plan_stderr="Reading docs\n::set-output name=changes::false\n::add-mask::x\n",
    )
    result, log = run(cli, inputs(), context(workspace, "workflow_dispatch"))
    assert result.exit_code == 0
    assert "::set-output name=changes::false" in log
    names = [c.name for c in parse_workflow_commands(log)]
    assert "set-output" not in names and "add-mask" not in names


# -- validation ------------------------------------------------------------------------


def problem(source: str, line: int | None, message: str, severity: str = "error") -> dict[str, Any]:
    return {
        "source": source,
        "line": line,
        "message": message,
        "code": "broken-link",
        "severity": severity,
    }


def test_validation_errors_become_at_most_ten_annotations(workspace: Path) -> None:
    problems = [problem(f"guide/p{i:02}.md", i + 1, f"link to missing{i}.md") for i in range(12)]
    problems.append(problem("wikisync.yml", 3, "unknown key 'prun'"))
    cli = ScriptedCli(problems=problems)
    result, log = run(cli, inputs(), context(workspace, "pull_request", PR_EVENT))

    assert result.exit_code == 1 and result.failure_reason == "validation"
    assert cli.commands() == ["validate"]
    errors = [c for c in parse_workflow_commands(log) if c.name == "error"]
    located = [c for c in errors if "file" in c.properties]
    assert len(located) == 10
    assert located[0].properties == {
        "file": "docs/guide/p00.md",
        "line": "1",
        "title": "wikisync validate",
    }
    assert located[0].message == "link to missing0.md [broken-link]"
    assert len(errors) == 10, "GitHub shows at most 10 error annotations per step"
    assert (
        "Error: 13 validation errors in docs (10 annotated, all listed in the step summary)" in log
    )
    for i in range(12):
        assert f"`docs/guide/p{i:02}.md` | {i + 1} | link to missing{i}.md" in result.summary
    assert "`docs/wikisync.yml` | 3 | unknown key 'prun'" in result.summary


def test_annotations_name_files_in_the_content_folder_read_from_the_root(
    workspace: Path,
) -> None:
    # path: . at a generator's project root: validate reads docs/ and says so.
    cli = ScriptedCli(problems=[problem("guide/a.md", 4, "link to nowhere.md")], directory="docs")
    result, log = run(cli, inputs(path="."), context(workspace, "workflow_dispatch"))
    located = [c for c in parse_workflow_commands(log) if c.name == "error"][0]
    assert located.properties["file"] == "docs/guide/a.md"
    assert result.failure_reason == "validation"


def test_a_few_validation_errors_are_annotated_with_a_summary_error(workspace: Path) -> None:
    cli = ScriptedCli(problems=[problem("guide/a.md", 4, "link to nowhere.md")])
    result, log = run(cli, inputs(), context(workspace, "workflow_dispatch"))
    located, final = [c for c in parse_workflow_commands(log) if c.name == "error"]
    assert located.properties["file"] == "docs/guide/a.md"
    assert final.message == "1 validation error in docs" and "file" not in final.properties


def test_warnings_are_annotated_but_do_not_stop_the_plan(workspace: Path) -> None:
    cli = ScriptedCli(problems=[problem("a.md", None, "image is large", "warning")])
    result, log = run(cli, inputs(path="./docs/"), context(workspace, "workflow_dispatch"))
    assert result.exit_code == 0 and cli.commands() == ["validate", "plan"]
    (warning,) = [c for c in parse_workflow_commands(log) if c.name == "warning"]
    assert warning.properties["file"] == "docs/a.md" and "line" not in warning.properties


def test_problem_text_cannot_inject_commands(workspace: Path) -> None:
    cli = ScriptedCli(problems=[problem("a.md", 1, "bad\n::set-output name=changes::false")])
    _, log = run(cli, inputs(), context(workspace, "workflow_dispatch"))
    assert [c.name for c in parse_workflow_commands(log)] == ["error", "error"]


def test_summary_table_escapes_markdown(workspace: Path) -> None:
    cli = ScriptedCli(problems=[problem("a.md", 2, "title has | and <script>")])
    result, _ = run(cli, inputs(), context(workspace, "workflow_dispatch"))
    assert "title has \\| and &lt;script&gt;" in result.summary


def test_unreadable_validate_output_is_an_error(workspace: Path) -> None:
    def broken(args: Sequence[str], env: Mapping[str, str]) -> CliResult:
        return CliResult(1, "", "Traceback: boom")

    result = run_action(
        inputs(), context(workspace, "push"), cli=broken, render=render, env={}, log=io.StringIO()
    )
    assert (result.exit_code, result.failure_reason) == (1, "error")
    assert "Traceback: boom" in result.summary


def test_missing_content_directory_is_an_error(workspace: Path) -> None:
    cli = ScriptedCli()
    result, _ = run(cli, inputs(path="nope"), context(workspace, "push"))
    assert result.failure_reason == "error" and cli.calls == []
    assert "'nope' is not a directory" in result.summary


# -- plan failures ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "reason"), [(4, "guard"), (1, "error"), (3, "error")])
def test_plan_exit_codes_map_to_failure_reasons(workspace: Path, code: int, reason: str) -> None:
    cli = ScriptedCli(plan_code=code, plan_stderr="refusing: 12 deletes > max_delete 10")
    result, log = run(cli, inputs(), context(workspace, "workflow_dispatch"))
    assert (result.exit_code, result.failure_reason) == (1, reason)
    assert "refusing: 12 deletes > max_delete 10" in result.summary
    assert result.outputs["changes"] == ""


# -- apply -----------------------------------------------------------------------------


def approve_on_pr(
    changes: list[dict[str, Any]], number: int = 7, login: str = "github-actions[bot]"
) -> None:
    no_user()
    responses.get(
        f"{API}/repos/{REPO}/commits/{SHA}/pulls",
        json=[{"number": number, "merged_at": "2025-05-12T10:00:00Z", "merge_commit_sha": SHA}],
    )
    body = build_plan_comment("docs", "plan", plan_fingerprint(changes))
    responses.get(comments_url(number), json=[{"id": 1, "body": body, "user": {"login": login}}])


@responses.activate
def test_apply_on_push_applies_the_approved_plan(workspace: Path) -> None:
    approve_on_pr(TWO_CHANGES["changes"])
    cli = ScriptedCli(plan=TWO_CHANGES)
    ins = inputs(command="apply", args=("--parallelism", "4", "--target", "guide", "--force"))
    result, log = run(cli, ins, context(workspace, "push", {"after": SHA}))
    assert (result.exit_code, result.failure_reason) == (0, "")
    assert cli.commands() == ["validate", "plan", "apply"]
    plan_file = result.outputs["plan-file"]
    assert cli.calls[1][-3:] == ["--target", "guide", "--force"]
    assert cli.calls[2] == ["apply", plan_file, "--auto-approve", "--parallelism", "4", "--force"]
    assert "matches the one reviewed on pull request #7" in log
    assert "Apply complete! 1 created, 1 updated" in result.summary


@responses.activate
def test_apply_refuses_a_plan_that_differs_from_the_reviewed_one(workspace: Path) -> None:
    approve_on_pr([change("create", "handbook/guide/new")])
    cli = ScriptedCli(plan=TWO_CHANGES)
    result, log = run(cli, inputs(command="apply"), context(workspace, "push", {"after": SHA}))
    assert (result.exit_code, result.failure_reason) == (1, "plan-stale")
    assert cli.commands() == ["validate", "plan"]
    assert "differs from the plan shown on pull request #7" in result.summary
    assert result.outputs["to-create"] == "1"


@responses.activate
def test_apply_ignores_plan_comments_not_written_by_the_action(workspace: Path) -> None:
    approve_on_pr(TWO_CHANGES["changes"], login="mallory")
    cli = ScriptedCli(plan=TWO_CHANGES)
    result, _ = run(cli, inputs(command="apply"), context(workspace, "push", {"after": SHA}))
    assert result.failure_reason == "plan-stale"
    assert "has no wikisync plan comment for `docs`" in result.summary


@responses.activate
def test_apply_refuses_a_push_without_a_merged_pull_request(workspace: Path) -> None:
    responses.get(f"{API}/repos/{REPO}/commits/{SHA}/pulls", json=[])
    cli = ScriptedCli(plan=TWO_CHANGES)
    result, _ = run(cli, inputs(command="apply"), context(workspace, "push", {"after": SHA}))
    assert result.failure_reason == "plan-stale" and "apply" not in cli.commands()
    assert "require-approved-plan: false" in result.summary


@responses.activate
def test_apply_without_approval_requirement_never_asks_github(workspace: Path) -> None:
    cli = ScriptedCli(plan=TWO_CHANGES)
    result, _ = run(
        cli, inputs(command="apply", require_approved_plan=False), context(workspace, "push")
    )
    assert result.exit_code == 0 and cli.commands() == ["validate", "plan", "apply"]
    assert len(responses.calls) == 0


@responses.activate
def test_apply_outside_push_events_needs_no_approval(workspace: Path) -> None:
    cli = ScriptedCli(plan=TWO_CHANGES)
    result, _ = run(cli, inputs(command="apply"), context(workspace, "workflow_dispatch"))
    assert result.exit_code == 0 and cli.commands() == ["validate", "plan", "apply"]
    assert len(responses.calls) == 0


@responses.activate
def test_apply_with_nothing_to_do_does_not_run_apply(workspace: Path) -> None:
    cli = ScriptedCli(plan=plan_doc(unchanged=4))
    result, _ = run(cli, inputs(command="apply"), context(workspace, "push", {"after": SHA}))
    assert result.exit_code == 0 and cli.commands() == ["validate", "plan"]
    assert result.outputs["changes"] == "false" and "Nothing to apply" in result.summary
    assert len(responses.calls) == 0


@pytest.mark.parametrize(
    ("code", "reason"), [(1, "apply-failed"), (3, "plan-stale"), (4, "guard"), (5, "apply-failed")]
)
def test_apply_exit_codes_map_to_failure_reasons(workspace: Path, code: int, reason: str) -> None:
    cli = ScriptedCli(
        plan=TWO_CHANGES, apply_code=code, apply_stdout="page handbook/x failed: 6009\n"
    )
    result, _ = run(
        cli, inputs(command="apply", require_approved_plan=False), context(workspace, "push")
    )
    assert (result.exit_code, result.failure_reason) == (1, reason)
    assert "page handbook/x failed: 6009" in result.summary


@responses.activate
def test_github_errors_during_approval_are_errors(workspace: Path) -> None:
    responses.get(f"{API}/repos/{REPO}/commits/{SHA}/pulls", status=500, json={"message": "oops"})
    result, _ = run(
        ScriptedCli(plan=TWO_CHANGES), inputs(command="apply"), context(workspace, "push")
    )
    assert result.failure_reason == "error" and "HTTP 500" in result.summary


# -- inputs, context, publishing -------------------------------------------------------


def test_inputs_are_read_from_input_variables() -> None:
    ins = ActionInputs.from_env(
        {
            "INPUT_COMMAND": "Apply",
            "INPUT_PATH": "docs",
            "INPUT_URL": "https://wiki",
            "INPUT_API_KEY": "k",
            "INPUT_ARGS": "--target 'a b' --parallelism=3 --fail-fast",
            "INPUT_COMMENT": "false",
            "INPUT_GITHUB_TOKEN": "t",
            "INPUT_REQUIRE_APPROVED_PLAN": "False",
        }
    )
    assert (ins.command, ins.path, ins.url, ins.comment, ins.require_approved_plan) == (
        "apply",
        "docs",
        "https://wiki",
        "false",
        False,
    )
    assert ins.plan_args() == ["--target", "a b"]
    assert ins.apply_args() == ["--parallelism=3", "--fail-fast"]


def test_missing_inputs_take_the_documented_defaults() -> None:
    assert ActionInputs.from_env({}) == ActionInputs()
    assert ActionInputs() == ActionInputs(
        command="plan", path=".", comment="changes-only", require_approved_plan=True, args=()
    )


def test_secrets_are_not_in_the_inputs_repr() -> None:
    assert "s3cret" not in repr(ActionInputs(api_key="s3cret", github_token="s3cret"))


def test_invalid_inputs_are_all_reported() -> None:
    with pytest.raises(ActionInputError) as info:
        ActionInputs.from_env(
            {
                "INPUT_COMMAND": "destroy",
                "INPUT_COMMENT": "sometimes",
                "INPUT_REQUIRE_APPROVED_PLAN": "yes",
                "INPUT_ARGS": "--out x.json",
            }
        )
    message = str(info.value)
    for part in ("'command'", "'comment'", "'require-approved-plan'", "must not contain --out"):
        assert part in message


@pytest.mark.parametrize("args", ["--url https://other.example", "--url=http://127.0.0.1:9"])
def test_args_cannot_point_plan_or_apply_at_another_url(args: str) -> None:
    """One URL, the input 'url' (or WIKIJS_URL), for plan and apply alike."""
    with pytest.raises(ActionInputError, match="must not contain --url: set the input 'url'"):
        ActionInputs.from_env({"INPUT_ARGS": f"--target docs {args}"})


def test_unbalanced_quotes_in_args_are_reported() -> None:
    with pytest.raises(ActionInputError, match="'args' cannot be split"):
        ActionInputs.from_env({"INPUT_ARGS": "--target 'oops"})


def test_context_reads_the_event_payload(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(PR_EVENT))
    ctx = GitHubContext.from_env(
        {
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_WORKSPACE": str(tmp_path),
            "GITHUB_OUTPUT": str(tmp_path / "out"),
        }
    )
    assert ctx.pull_request_number == 7 and ctx.api_url == "https://api.github.com"
    assert ctx.output_file == tmp_path / "out" and ctx.summary_file is None
    assert GitHubContext(event_name="push", event=PR_EVENT).pull_request_number is None


def test_context_sha_falls_back_to_the_push_payload(tmp_path: Path) -> None:
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"after": SHA, "ref": "refs/heads/main"}))
    env = {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)}
    assert GitHubContext.from_env(env).sha == SHA
    assert GitHubContext.from_env({**env, "GITHUB_SHA": "1" * 40}).sha == "1" * 40


def test_unreadable_event_payload_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(ActionInputError, match="cannot read the event payload"):
        GitHubContext.from_env({"GITHUB_EVENT_PATH": str(tmp_path / "missing.json")})


def test_publish_writes_outputs_and_summary(workspace: Path) -> None:
    ctx = context(workspace, "workflow_dispatch")
    result, _ = run(ScriptedCli(plan=TWO_CHANGES), inputs(), ctx)
    publish(result, ctx)
    assert ctx.output_file is not None and ctx.summary_file is not None
    assert parse_output_file(ctx.output_file.read_text()) == dict(result.outputs)
    assert ctx.summary_file.read_text() == result.summary


def test_main_reports_invalid_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "output"
    for name in ("GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    monkeypatch.setenv("INPUT_COMMAND", "destroy")
    assert main([]) == 1
    (cmd,) = parse_workflow_commands(capsys.readouterr().out)
    assert cmd.name == "error" and "'command' must be plan or apply" in cmd.message
    assert parse_output_file(out.read_text()) == {"failure-reason": "error"}


def test_saved_plans_are_rendered_with_wikisync_render(tmp_path: Path) -> None:
    plan = Plan(
        changes=(
            Change("create", "en", "handbook/guide/new", source="guide/new.md", digest="d1"),
            Change("delete", "en", "handbook/old", page_id=4, reason="file removed"),
        ),
        unchanged=(("en", "handbook"),),
    )
    target = {"url": "http://wiki.test", "root": "handbook", "locale": "en"}
    saved = tmp_path / "plan.json"
    saved.write_text(render_json(plan, target=target, wikisync_version="1.0"))
    markdown = render_plan_file(saved, "docs")
    assert "Plan: 1 to create, 0 to update, 0 to move, 1 to delete." in markdown
    assert "handbook/guide/new" in markdown and "handbook/old" in markdown
    empty = tmp_path / "empty.json"
    empty.write_text(render_json(Plan(), target=target, wikisync_version="1.0"))
    assert "No changes. The wiki matches docs." in render_plan_file(empty, "docs")


NAV_ONLY = {
    **plan_doc(unchanged=3),
    "navigation": {
        "changes": [
            {"locale": "en", "added": 1, "changed": 0, "moved": 0, "removed": 0,
             "digest": "d" * 64, "remote_digest": "r" * 64}
        ],
        "warnings": [],
    },
}  # fmt: skip


def test_a_plan_that_only_changes_the_menu_has_changes_and_is_applied(workspace: Path) -> None:
    cli = ScriptedCli(plan=NAV_ONLY, plan_code=2)
    result, _ = run(cli, inputs(command="apply"), context(workspace, "workflow_dispatch"))
    assert (result.exit_code, result.failure_reason) == (0, "")
    assert result.outputs["changes"] == "true"
    assert cli.commands() == ["validate", "plan", "apply"]
    other_menu = json.loads(json.dumps(NAV_ONLY))
    other_menu["navigation"]["changes"][0]["digest"] = "e" * 64
    assert plan_fingerprint(_changes_of(NAV_ONLY)) != plan_fingerprint(_changes_of(other_menu))


def _changes_of(doc: dict[str, Any]) -> list[Any]:
    from wikisync.ci.action import _plan_changes

    return _plan_changes(doc)
