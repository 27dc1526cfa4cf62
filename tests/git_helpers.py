"""Run git in a test repository with a fixed identity and no signing or user config."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["git"]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Docs",
            "-c",
            "user.email=docs@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()
