"""Helpers for end-to-end tests: the `wikisync` CLI against the emulator over loopback."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from wikijs.testing import WikiJSEmulator
from wikisync.cli import app

#: The key the state is signed with in these tests (``WIKISYNC_STATE_KEY``).
STATE_KEY = "e2e-tests-state-key-0123456789abcdef"


@dataclass
class Wiki:
    """A running emulator plus a CLI runner wired to it through the environment."""

    emulator: WikiJSEmulator
    runner: CliRunner

    @property
    def env(self) -> dict[str, str]:
        return {
            "WIKIJS_URL": self.emulator.url,
            "WIKIJS_API_KEY": self.emulator.api_key,
            "WIKISYNC_STATE_KEY": STATE_KEY,
        }

    def run(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), env=self.env, input=input)

    def writes(self) -> list[str]:
        """Every page mutation the wiki received (wikisync's state page included)."""
        return [op for op in self.emulator.log.writes() if op.startswith("pages.")]

    def page(self, path: str, locale: str = "en") -> Any:
        return self.emulator.find_page(path, locale)


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def plan_json(result: Result) -> dict[str, Any]:
    assert result.exit_code in (0, 2), result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc
