"""The Action end to end: action.yml's steps run with bash, as the runner runs them.

Each test arranges a repository checkout (``workspace``), an event payload for ``push``
or ``pull_request``, a Wiki.js emulator on loopback and a fake GitHub REST API on
loopback, then runs every composite step of ``action.yml`` (the install step is skipped
with ``WIKISYNC_ACTION_SKIP_INSTALL=1``; the current interpreter is used). The wikisync
CLI runs for real, as a subprocess, against the emulator.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from gha_runner import ActionRun, FakeGitHub, base_env, run_composite
from virtual_time import child_pythonpath

from wikijs.testing import WikiJSEmulator
from wikisync.ci.github import comment_marker, parse_fingerprint

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SITE = ROOT / "examples" / "site"
MERGE_SHA = "3f786850e387550fdab836ed7e6dc881de23001b"
GH_TOKEN = "ghs_e2e_token_0123456789"
STATE_KEY = "action-tests-state-key-0123456789abcdef"


def page_text(title: str, body: str) -> str:
    return f"---\ntitle: {title}\ntags: [e2e]\n---\n\n# {title}\n\n{body}\n"


DOCS = {
    "wikisync.yml": "root: handbook\nprune: true\nmax_delete: 2\n",
    "index.md": page_text("Home", "Start with the [install guide](guide/install.md#docker)."),
    "guide/install.md": page_text("Install", "## Docker\n\nRun `docker compose up`."),
    "guide/configure.md": page_text("Configure", "See [install](install.md)."),
}


@dataclass
class Scenario:
    workspace: Path
    temp: Path
    wiki: Any
    github: FakeGitHub

    def write(self, files: dict[str, str], under: str = "docs") -> None:
        for rel, text in files.items():
            target = self.workspace / under / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def remove(self, rel: str, under: str = "docs") -> None:
        (self.workspace / under / rel).unlink()

    def run(
        self,
        event_name: str,
        event: dict[str, Any],
        sha: str = MERGE_SHA,
        **inputs: str,
    ) -> ActionRun:
        event_path = self.temp / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        env = base_env(
            WIKISYNC_ACTION_SKIP_INSTALL="1",
            PYTHONPATH=child_pythonpath(ROOT),
            GITHUB_EVENT_NAME=event_name,
            GITHUB_EVENT_PATH=str(event_path),
            GITHUB_REPOSITORY=self.github.repository,
            GITHUB_API_URL=self.github.url,
            GITHUB_SHA=sha,
            WIKISYNC_STATE_KEY=STATE_KEY,  # as the example workflows pass a secret
        )
        run_temp = self.temp / f"run-{len(list(self.temp.glob('run-*')))}"
        run_temp.mkdir()
        return run_composite(
            ROOT,
            {
                "python": sys.executable,
                "url": self.wiki.url,
                "api-key": self.wiki.api_key,
                "path": "docs",
                **inputs,
            },
            env=env,
            workspace=self.workspace,
            temp=run_temp,
            github_token=GH_TOKEN,
        )

    def plan_on_pr(self, number: int = 7, **inputs: str) -> ActionRun:
        event = {"action": "synchronize", "number": number, "pull_request": {"number": number}}
        return self.run("pull_request", event, **inputs)

    def apply_on_push(self, sha: str = MERGE_SHA, **inputs: str) -> ActionRun:
        event = {"ref": "refs/heads/main", "after": sha}
        return self.run("push", event, sha=sha, command="apply", **inputs)

    def comments(self, number: int = 7) -> list[dict[str, Any]]:
        return self.github.comments.get(number, [])

    def wiki_paths(self, locale: str = "en") -> set[str]:
        return {
            p.path
            for p in self.wiki.pages()
            if p.locale == locale and p.path.startswith("handbook") and "_wikisync" not in p.path
        }


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Scenario]:
    workspace = tmp_path / "checkout"
    temp = tmp_path / "runner-temp"
    workspace.mkdir()
    temp.mkdir()
    github = FakeGitHub(token=GH_TOKEN)
    with WikiJSEmulator() as wiki, github.serve():
        s = Scenario(workspace, temp, wiki, github)
        s.write(DOCS)
        yield s


def assert_succeeded(run: ActionRun) -> None:
    detail = "\n".join(f"--- {s.name}\n{s.stdout}\n{s.stderr}" for s in run.steps)
    assert run.returncode == 0, detail
    assert run.outputs["failure-reason"] == "", detail


# -- the reviewed-plan workflow --------------------------------------------------------


@pytest.mark.slow
def test_plan_on_the_pull_request_then_apply_after_merge(scenario: Scenario) -> None:
    plan = scenario.plan_on_pr()
    assert_succeeded(plan)
    assert plan.outputs["changes"] == "true"
    assert (plan.outputs["to-create"], plan.outputs["to-update"], plan.outputs["to-delete"]) == (
        "3",
        "0",
        "0",
    )
    assert Path(plan.outputs["plan-file"]).is_file()
    assert "Plan: 3 to create, 0 to update, 0 to move, 0 to delete." in plan.summary
    assert scenario.wiki_paths() == set()

    (comment,) = scenario.comments()
    assert comment_marker("docs") in comment["body"]
    fingerprint = parse_fingerprint(comment["body"])
    assert fingerprint is not None
    assert "handbook/guide/install" in comment["body"]

    again = scenario.plan_on_pr()
    assert_succeeded(again)
    assert len(scenario.comments()) == 1
    assert parse_fingerprint(scenario.comments()[0]["body"]) == fingerprint

    scenario.github.merged(MERGE_SHA, 7)
    apply = scenario.apply_on_push()
    assert_succeeded(apply)
    assert "Apply complete! 3 created, 0 updated, 0 moved, 0 deleted, 0 failed." in apply.summary
    assert scenario.wiki_paths() == {
        "handbook",
        "handbook/guide/install",
        "handbook/guide/configure",
    }
    home = scenario.wiki.find_page("handbook", "en")
    assert "/en/handbook/guide/install#docker" in home.content

    settled = scenario.apply_on_push()
    assert_succeeded(settled)
    assert settled.outputs["changes"] == "false"
    assert "Nothing to apply" in settled.summary


def test_empty_plan_on_a_new_pull_request_posts_no_comment(scenario: Scenario) -> None:
    assert_succeeded(scenario.run("workflow_dispatch", {}, command="apply"))
    run = scenario.plan_on_pr(number=8)
    assert_succeeded(run)
    assert run.outputs["changes"] == "false"
    assert scenario.comments(8) == []


def test_apply_refuses_when_the_files_changed_after_review(scenario: Scenario) -> None:
    assert_succeeded(scenario.plan_on_pr())
    scenario.github.merged(MERGE_SHA, 7)
    scenario.write({"guide/extra.md": page_text("Extra", "Merged in after the review.")})
    writes_before = len(scenario.wiki.log.writes())

    run = scenario.apply_on_push()
    assert run.returncode != 0
    assert run.outputs["failure-reason"] == "plan-stale"
    assert run.outputs["to-create"] == "4"
    assert "differs from the plan shown on pull request #7" in run.summary
    assert len(scenario.wiki.log.writes()) == writes_before
    assert scenario.wiki_paths() == set()


def test_apply_refuses_when_the_wiki_was_edited_after_review(scenario: Scenario) -> None:
    assert_succeeded(scenario.run("workflow_dispatch", {}, command="apply"))
    scenario.write(
        {"guide/install.md": page_text("Install", "## Docker\n\nRun `docker compose up -d`.")}
    )
    assert_succeeded(scenario.plan_on_pr(number=9))
    page = scenario.wiki.find_page("handbook/guide/install", "en")
    scenario.wiki.edit_page(page.id, content="Edited by hand in the wiki.")
    scenario.github.merged(MERGE_SHA, 9)

    run = scenario.apply_on_push()
    assert run.outputs["failure-reason"] == "plan-stale"
    assert (
        scenario.wiki.find_page("handbook/guide/install", "en").content
        == "Edited by hand in the wiki."
    )


def test_direct_push_without_pull_request_is_not_applied(scenario: Scenario) -> None:
    run = scenario.apply_on_push()
    assert run.outputs["failure-reason"] == "plan-stale"
    assert "does not come from a merged pull request" in run.summary
    assert scenario.wiki_paths() == set()


def test_direct_push_applies_when_approval_is_not_required(scenario: Scenario) -> None:
    run = scenario.apply_on_push(**{"require-approved-plan": "false"})
    assert_succeeded(run)
    assert len(scenario.wiki_paths()) == 3
    assert scenario.github.requests == []


# -- failures --------------------------------------------------------------------------


def test_validation_errors_become_annotations_and_nothing_is_read(scenario: Scenario) -> None:
    scenario.write({"guide/broken.md": page_text("Broken", "See [nowhere](../missing.md).")})
    requests_before = scenario.wiki.log.requests
    run = scenario.plan_on_pr()
    assert run.returncode != 0
    assert run.outputs["failure-reason"] == "validation"
    errors = [a for a in run.annotations("error") if "file" in a.properties]
    assert [a.properties["file"] for a in errors] == ["docs/guide/broken.md"]
    assert errors[0].properties["line"].isdigit()
    assert "missing.md" in errors[0].message
    assert "docs/guide/broken.md" in run.summary
    assert scenario.wiki.log.requests == requests_before
    assert scenario.comments() == []


def test_guard_refuses_a_mass_delete(scenario: Scenario) -> None:
    scenario.write({"guide/a.md": page_text("A", "a"), "guide/b.md": page_text("B", "b")})
    assert_succeeded(scenario.run("workflow_dispatch", {}, command="apply"))
    assert len(scenario.wiki_paths()) == 5
    for rel in ("guide/a.md", "guide/b.md", "guide/configure.md"):
        scenario.remove(rel)

    run = scenario.run("workflow_dispatch", {}, command="apply")
    assert run.returncode != 0
    assert run.outputs["failure-reason"] == "guard"
    assert len(scenario.wiki_paths()) == 5


def test_file_names_cannot_run_workflow_commands(scenario: Scenario) -> None:
    name = "guide/evil\n::set-output name=changes::false\n::add-mask::handbook.md"
    scenario.write({name: page_text("Evil", "Nothing to see.")})
    run = scenario.plan_on_pr()
    assert run.outputs["failure-reason"] == "validation"
    assert "::set-output name=changes::false" in run.log + run.summary
    assert "set-output" not in [c.name for c in run.commands]
    assert [c.message for c in run.commands if c.name == "add-mask"] == [scenario.wiki.api_key]
    located = [c for c in run.annotations("error") if "file" in c.properties]
    assert located and {c.properties["file"] for c in located} == {f"docs/{name}"}


def test_api_key_is_masked_and_never_printed(scenario: Scenario) -> None:
    run = scenario.plan_on_pr()
    assert_succeeded(run)
    key = scenario.wiki.api_key
    masks = [c for c in run.commands if c.name == "add-mask"]
    assert [m.message for m in masks] == [key]
    lines_with_key = [line for line in run.log.splitlines() if key in line]
    assert lines_with_key == [f"::add-mask::{key}"]
    assert all(key not in s.stderr for s in run.steps)
    assert key not in run.summary and all(key not in c["body"] for c in scenario.comments())
    assert all(GH_TOKEN not in s.stdout + s.stderr for s in run.steps)


# -- the example handbook --------------------------------------------------------------


def _example_pages() -> list[Path]:
    pages = [
        p
        for p in EXAMPLE_SITE.rglob("*")
        if p.suffix in (".md", ".html") and p.name != "README.md" and "drafts" not in p.parts
    ]
    return sorted(pages)


@pytest.mark.slow
def test_example_site_plans_applies_and_settles(scenario: Scenario) -> None:
    shutil.copytree(EXAMPLE_SITE, scenario.workspace / "handbook")
    plan = scenario.run("workflow_dispatch", {}, path="handbook")
    assert_succeeded(plan)
    assert plan.outputs["to-create"] == str(len(_example_pages()))

    apply = scenario.run("workflow_dispatch", {}, path="handbook", command="apply")
    assert_succeeded(apply)
    assert len(scenario.wiki_paths("fr")) == len(list((EXAMPLE_SITE / "fr").rglob("*.md")))
    assert len(scenario.wiki_paths("en")) + len(scenario.wiki_paths("fr")) == len(_example_pages())

    troubleshooting = scenario.wiki.find_page("handbook/guides/troubleshooting", "en")
    assert troubleshooting is not None
    assert "[the setup page](not-a-file.md)" in troubleshooting.content
    assert "/en/handbook/guides/monitoring#dashboards" in troubleshooting.content
    assert scenario.wiki.find_page("handbook/drafts/roadmap", "en") is None
    security = scenario.wiki.find_page("handbook/policies/security", "en")
    assert security is not None and security.title == "Security policy: the short version"
    offsite = scenario.wiki.find_page("handbook/team/offsite-2025", "en")
    assert offsite is not None and not offsite.is_published
    notes = scenario.wiki.find_page("handbook/team/meeting-notes", "en")
    assert notes is not None and (notes.editor, notes.content_type) == ("ckeditor", "html")

    settled = scenario.run("workflow_dispatch", {}, path="handbook")
    assert_succeeded(settled)
    assert settled.outputs["changes"] == "false"


@pytest.mark.slow
def test_example_site_uploads_each_asset_once(scenario: Scenario) -> None:
    shutil.copytree(EXAMPLE_SITE, scenario.workspace / "handbook")
    apply = scenario.run("workflow_dispatch", {}, path="handbook", command="apply")
    assert_succeeded(apply)
    assets = sorted(p for p in EXAMPLE_SITE.rglob("*") if p.suffix in (".png", ".pdf"))
    uploaded = [  # wikisync's own state files (under _wikisync/) apart
        e.asset
        for e in scenario.wiki.log.entries
        if e.kind == "upload" and e.asset and not e.asset.startswith("_wikisync/")
    ]
    assert sorted(uploaded) == [
        "handbook/" + a.relative_to(EXAMPLE_SITE).as_posix() for a in assets
    ]
    for asset in assets:
        served = scenario.wiki.asset("/handbook/" + asset.relative_to(EXAMPLE_SITE).as_posix())
        assert served == asset.read_bytes()
