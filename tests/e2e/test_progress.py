"""Progress of `wikisync apply`: every phase reported from the start (lock, uploads, pages,
asset deletes, state), plain lines in CI, a rich display with counts and an ETA on a
terminal whose rows stay on screen."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from e2e_helpers import Wiki, write_site
from rich.console import Console

from wikijs import WikiJSClient
from wikisync.apply.execute import PHASES, Phase, Status
from wikisync.apply.run import apply_run
from wikisync.cli._progress import LineReporter, RichReporter
from wikisync.engine import load_directory, make_plan
from wikisync.wiki.remote import Remote

SITE = {
    "wikisync.yml": "root: handbook\n",
    "a.md": "# A\n\n![logo](img/logo.png)\n",
    "b.md": "# B\n",
    "c.md": "# C\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", SITE)
    (root / "img").mkdir()
    (root / "img" / "logo.png").write_bytes(b"\x89PNG not really")
    return root


@dataclass
class Recorder:
    """Every call, with how many writes the wiki had received at that moment."""

    wiki: Wiki
    events: list[tuple[str, Phase, int | str, int]] = field(default_factory=list)

    def _writes(self) -> int:
        return len(self.wiki.emulator.log.writes())

    def phase_started(self, phase: Phase, total: int) -> None:
        self.events.append(("started", phase, total, self._writes()))

    def advanced(self, phase: Phase, item: str, status: Status, error: str | None) -> None:
        self.events.append(("advanced", phase, f"{item}: {status}", self._writes()))

    def phase_finished(self, phase: Phase) -> None:
        self.events.append(("finished", phase, "", self._writes()))


def test_every_phase_is_reported_in_order_and_the_first_before_any_write(
    wiki: Wiki, site: Path
) -> None:
    source = load_directory(site)
    recorder = Recorder(wiki)
    with WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key) as client:
        remote = Remote(client, root=source.config.root, locale=source.config.locale)
        report = apply_run(make_plan(source, remote), remote, reporter=recorder)
    assert report.failed == 0
    started = [(e[1], e[2]) for e in recorder.events if e[0] == "started"]
    assert started == [
        ("lock", 1), ("assets", 1), ("pages", 3), ("asset-deletes", 0), ("navigation", 0),
        ("state", 1),
    ]  # fmt: skip
    assert [p for p, _ in started] == list(PHASES)
    # the first report comes before the wiki has received anything
    assert recorder.events[0] == ("started", "lock", 1, 0)
    for phase in PHASES:  # started, one advance per item, finished: in that order
        kinds = [e[0] for e in recorder.events if e[1] == phase]
        total = next(e[2] for e in recorder.events if e[1] == phase and e[0] == "started")
        assert kinds == ["started", *["advanced"] * int(total), "finished"], (phase, kinds)
    pages = sorted(e[2] for e in recorder.events if e[1] == "pages" and e[0] == "advanced")
    assert pages == [f"+ create en/handbook/{n}: ok" for n in "abc"]
    assets = [e[2] for e in recorder.events if e[1] == "assets" and e[0] == "advanced"]
    assert assets == ["+ upload /handbook/img/logo.png: ok"]


def test_apply_in_ci_prints_a_line_per_phase_and_per_item(wiki: Wiki, site: Path) -> None:
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    expected = [
        "Taking the lock...",
        "Uploading 1 asset(s)...",
        "Assets [1/1] + upload /handbook/img/logo.png: ok",
        "Writing 3 page change(s)...",
        "Saving the state...",
    ]
    assert [line for line in lines if line in expected] == expected
    page_lines = [line for line in lines if line.startswith("Pages [")]
    assert sorted(line.split("] ", 1)[1] for line in page_lines) == [
        f"+ create en/handbook/{n}: ok" for n in "abc"
    ]
    assert sorted(line.split("]")[0] for line in page_lines) == [
        "Pages [1/3",
        "Pages [2/3",
        "Pages [3/3",
    ]
    assert "Apply complete! 3 created" in result.stdout


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_terminal_display_shows_counts_and_an_eta_and_stays_at_the_end() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    clock = Clock()
    reporter = RichReporter(console, get_time=clock, auto_refresh=False)
    with reporter:
        reporter.phase_started("lock", 1)
        reporter.advanced("lock", "handbook/_wikisync-state", "ok", None)
        reporter.phase_finished("lock")
        reporter.phase_started("pages", 4)
        for second, name in enumerate("ab", start=1):
            clock.now = second * 5.0
            reporter.advanced("pages", f"+ create en/{name}", "ok", None)
        midway = out.getvalue()
        clock.now = 15.0
        reporter.advanced("pages", "+ create en/c", "failed", "HTTP 500")
        reporter.advanced("pages", "+ create en/d", "ok", None)
        reporter.phase_finished("pages")
        reporter.phase_started("state", 1)
        reporter.advanced("state", "handbook/_wikisync-state", "ok", None)
        reporter.phase_finished("state")
    assert "2/4" in midway and "ETA" in midway and "0:00:10" in midway  # 2 left at 5 s each
    final = out.getvalue().rsplit("\x1b[?25h", 1)[0]  # what the screen keeps after the end
    last_rows = final.splitlines()[-3:]
    assert [row.split()[1] for row in last_rows] == ["Lock", "Pages", "State"]
    assert "4/4" in last_rows[1] and "1/1" in last_rows[0] and "1/1" in last_rows[2]
    assert "Pages: + create en/c: failed (HTTP 500)" in final


def test_line_reporter_reports_failures_of_the_lock_and_skips_empty_phases() -> None:
    out = io.StringIO()
    reporter = LineReporter(out)
    reporter.phase_started("lock", 1)
    reporter.advanced("lock", "handbook/_wikisync-state", "failed", "another apply holds it")
    reporter.phase_finished("lock")
    reporter.phase_started("assets", 0)
    reporter.phase_finished("assets")
    assert out.getvalue().splitlines() == [
        "Taking the lock...",
        "Lock: failed (another apply holds it)",
    ]
