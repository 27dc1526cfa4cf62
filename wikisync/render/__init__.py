"""Renderers: a :class:`~wikisync.model.Plan` (or problems) in, text out. No I/O.

* :func:`render_text`: the terminal view, Terraform style;
* :func:`render_json` / :func:`load_plan_json`: the machine-readable plan (``--json``,
  ``--out``) and reading a saved one back;
* :func:`render_markdown`: pull-request comments and ``$GITHUB_STEP_SUMMARY``;
* :func:`render_github_annotations`: ``::error file=...,line=...::`` workflow commands.
"""

from __future__ import annotations

from wikisync.render._github import render_github_annotations
from wikisync.render._json import FORMAT_VERSION, load_plan_json, plan_to_dict, render_json
from wikisync.render._markdown import render_markdown
from wikisync.render._text import render_text, summary_line

__all__ = [
    "FORMAT_VERSION",
    "load_plan_json",
    "plan_to_dict",
    "render_github_annotations",
    "render_json",
    "render_markdown",
    "render_text",
    "summary_line",
]
