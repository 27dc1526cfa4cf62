"""Renderers: a [`Plan`][wikisync.plan.model.Plan] (or problems) in, text out. No I/O.

In: a plan, or the problems ``validate`` found. Out: text for a terminal, JSON, Markdown
or GitHub workflow commands; nothing here reads the files or the wiki.

* [`render_text`][wikisync.render.render_text]: the terminal view, Terraform style;
* [`render_json`][wikisync.render.render_json] / [`load_plan_json`][wikisync.render.load_plan_json]: the machine-readable plan (``--json``,
  ``--out``) and reading a saved one back;
* [`render_markdown`][wikisync.render.render_markdown]: pull-request comments and ``$GITHUB_STEP_SUMMARY``;
* [`render_github_annotations`][wikisync.render.render_github_annotations]: ``::error file=...,line=...::`` workflow commands;
* [`render_problems`][wikisync.render.render_problems]: problems as terminal lines, grouped per code when a code has many.
"""

from __future__ import annotations

from wikisync.render._github import render_github_annotations
from wikisync.render._json import FORMAT_VERSION, load_plan_json, plan_to_dict, render_json
from wikisync.render._markdown import no_mentions, render_markdown
from wikisync.render._problems import render_problems
from wikisync.render._text import render_text, summary_line

__all__ = [
    "FORMAT_VERSION",
    "load_plan_json",
    "no_mentions",
    "plan_to_dict",
    "render_github_annotations",
    "render_json",
    "render_markdown",
    "render_problems",
    "render_text",
    "summary_line",
]
