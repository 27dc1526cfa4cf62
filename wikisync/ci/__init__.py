"""Continuous integration: the GitHub Action, GitHub's API, and what git knows.

In: a workflow's inputs and event, and the git working tree around the content. Out: the
Action's outputs, annotations, step summaries and plan comments (``action``, ``github``),
and commits, renames and changed files for the engine (``gitinfo``).
"""
