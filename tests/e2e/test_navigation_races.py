"""The menu against hostile labels, foreign kinds and concurrent writers.

* Labels, targets and kinds come from whoever edited the menu: the plan prints them
  escaped, so a line break cannot forge plan lines and no escape sequence or bidi control
  reaches a terminal.
* Items of a kind wikisync does not write (``divider``, or any string the wiki stores,
  such as ``nonsense``) are never wikisync's, whatever their id: they stay untouched.
* Wiki.js replaces the whole menu with each write. Applies of two roots take turns under
  the menu lock, and a write that someone else overwrote at once is read back, merged and
  written again: no block is lost. The orderings are arranged exactly (an injected pause
  that lets the other writer finish, a remote that lets a writer in right after a write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import pytest
from e2e_helpers import Wiki, write_site
from typer.testing import CliRunner

from wikijs import NavigationItem, NavigationTree, WikiJSClient
from wikijs.testing import WikiJSEmulator
from wikisync.apply.execute import MENU_ATTEMPTS, write_navigation
from wikisync.apply.run import MENU_LOCK_FOLDER, apply_run
from wikisync.engine import PlanRun, load_directory, make_plan
from wikisync.plan.model import NavMenu
from wikisync.wiki.remote import Remote
from wikisync.wiki.state import Lock, dump_lock

SITE_A = {
    "wikisync.yml": "root: alpha\nnavigation:\n  label: Alpha\n",
    "index.md": "# Alpha\n",
}
SITE_B = {
    "wikisync.yml": "root: beta\nnavigation:\n  label: Beta\n",
    "index.md": "# Beta\n",
}


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    with WikiJSEmulator() as emulator:
        yield Wiki(emulator, CliRunner())


def _client(wiki: Wiki) -> WikiJSClient:
    return WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key, rate_limit=False)


def _set_menu(wiki: Wiki, items: Sequence[NavigationItem]) -> None:
    with _client(wiki) as sdk:
        sdk.navigation.update_tree([NavigationTree(locale="en", items=list(items))])


def _menu(wiki: Wiki) -> list[NavigationItem]:
    with _client(wiki) as sdk:
        trees = sdk.navigation.tree()
    return [item for tree in trees if tree.locale == "en" for item in tree.items]


HOSTILE_LABELS = {
    "Guide\n+## Forged": r"Guide\x0a+## Forged",
    "x\r+- Home → /en/forged": r"x\x0d+- Home → /en/forged",
    "Red \x1b[31mtext\x1b[0m": r"Red \x1b[31mtext\x1b[0m",
    "evil\u202etxt.exe": r"evil\u202etxt.exe",
    "::add-mask::wikisync\n::warning::forged": r"::add-mask::wikisync\x0a::warning::forged",
}


@pytest.mark.parametrize("label", sorted(HOSTILE_LABELS))
def test_hand_made_labels_are_printed_escaped(label: str, wiki: Wiki, tmp_path: Path) -> None:
    _set_menu(wiki, [NavigationItem.link("hand", label, "/en/x\n+## Target")])
    site = {**SITE_A, "wikisync.yml": SITE_A["wikisync.yml"] + "  position: top\n"}
    docs = write_site(tmp_path / "docs", site)
    for args in (("plan", str(docs)), ("plan", str(docs), "--format", "github")):
        result = wiki.run(*args)
        assert result.exit_code == 0, result.output
        assert f"- {HOSTILE_LABELS[label]} → /en/x\\x0a+## Target" in result.stdout
        lines = result.stdout.splitlines()
        assert not [line for line in lines if line.lstrip().startswith(("+## Forged", "+## T"))]
        assert not [line for line in lines if line.lstrip().startswith(("+- Home", "::"))]
        for raw in ("\x1b", "\u202e", "\r"):
            assert raw not in result.stdout


def test_items_of_kinds_wikisync_does_not_write_are_kept(wiki: Wiki, tmp_path: Path) -> None:
    """Ids in wikisync's namespace do not make an item wikisync's: its kind must be one
    wikisync writes (header, link)."""
    foreign = [
        NavigationItem(id="wikisync:alpha:menu-x", kind="nonsense", label="Kept"),
        NavigationItem(id="wikisync:alpha:divider", kind="divider"),
        NavigationItem(id="wikisync:alpha:custom", kind="Link", label="Capital L"),
        NavigationItem(id="plain", kind="nonsense", label="Plain"),
    ]
    _set_menu(wiki, foreign)
    docs = write_site(tmp_path / "docs", SITE_A)
    result = wiki.run("apply", str(docs), "--auto-approve")
    assert result.exit_code == 0, result.output
    menu = _menu(wiki)
    for item in foreign:
        assert item in menu, item
    assert [i.label for i in menu if i.kind in ("header", "link")] == ["Alpha", "Alpha"]
    again = wiki.run("plan", str(docs), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def _plan(docs: Path, remote: Remote) -> PlanRun:
    return make_plan(load_directory(docs), remote)


def test_two_roots_take_turns_writing_the_menu(wiki: Wiki, tmp_path: Path) -> None:
    """A holds the menu lock (its file is older) when B comes to write: B waits until A
    has written and let go, then merges into the menu A left. Both blocks stay."""
    docs_a = write_site(tmp_path / "a", SITE_A)
    docs_b = write_site(tmp_path / "b", SITE_B)
    with _client(wiki) as sdk_a, _client(wiki) as sdk_b:
        remote_a = Remote(sdk_a, root="alpha", locale="en")
        remote_b = Remote(sdk_b, root="beta", locale="en")
        run_a, run_b = _plan(docs_a, remote_a), _plan(docs_b, remote_b)  # both read the menu
        assert run_a.navigation is not None and run_b.navigation is not None
        lock_a = Lock.new("a" * 32, "host-a:1", _now(), 60)
        held_a = remote_a.take_lock(lock_a, MENU_LOCK_FOLDER)
        pauses: list[float] = []

        def a_finishes(pause: float) -> None:
            """B's pause: A writes its block and lets go of the lock meanwhile."""
            pauses.append(pause)
            if len(pauses) == 1:
                assert run_a.navigation is not None
                assert write_navigation(run_a.navigation, remote_a).status == "ok"
                remote_a.discard_lock_file(held_a.asset_id)

        report = apply_run(run_b, remote_b, sleep=a_finishes)
    assert report.navigation is not None and report.navigation.status == "ok"
    assert len(pauses) == 1
    headers = [i.label for i in _menu(wiki) if i.kind == "header"]
    assert sorted(headers) == ["Alpha", "Beta"]
    assert wiki.emulator.asset_files("/".join(MENU_LOCK_FOLDER)) == {}


def test_a_menu_lock_that_stays_is_a_failed_menu_write_not_a_hang(
    wiki: Wiki, tmp_path: Path
) -> None:
    docs = write_site(tmp_path / "a", SITE_A)
    with _client(wiki) as sdk:
        remote = Remote(sdk, root="alpha", locale="en")
        run = _plan(docs, remote)
        other = Lock.new("b" * 32, "ci-runner-9:77\n::warning::forged", _now(), 60)
        folder = remote.ensure_folder(MENU_LOCK_FOLDER)
        sdk.assets.put(dump_lock(other), filename=f"lock-{other.id}.json", folder_id=folder)
        pauses: list[float] = []
        report = apply_run(run, remote, sleep=pauses.append)
    assert report.navigation is not None and report.navigation.status == "failed"
    assert report.navigation.error is not None
    assert "ci-runner-9:77\\x0a::warning::forged" in report.navigation.error
    assert "\n" not in report.navigation.error
    assert len(pauses) == 7  # every pause of MENU_WAIT, through the injected sleep
    assert [i.label for i in _menu(wiki) if i.kind == "header"] == []


class _Overwritten(Remote):
    """A remote after whose menu writes another writer (which read the menu before)
    writes its own version at once, ``times`` times."""

    def __init__(
        self,
        client: WikiJSClient,
        *,
        root: str,
        locale: str,
        overwrite: Callable[[], None],
        times: int,
    ) -> None:
        super().__init__(client, root=root, locale=locale)
        self._overwrite = overwrite
        self.times = times
        self.writes = 0

    def write_navigation(self, menus: Sequence[NavMenu]) -> None:
        super().write_navigation(menus)
        self.writes += 1
        if self.writes <= self.times:
            self._overwrite()


@pytest.mark.parametrize("times", [1, 3])
def test_a_menu_overwritten_right_after_the_write_is_written_again(
    times: int, wiki: Wiki, tmp_path: Path
) -> None:
    hand = NavigationItem.link("hand", "Status", "https://status.example.com")
    docs = write_site(tmp_path / "a", SITE_A)
    with _client(wiki) as sdk:
        remote = _Overwritten(
            sdk, root="alpha", locale="en", overwrite=lambda: _set_menu(wiki, [hand]), times=times
        )
        run = _plan(docs, remote)
        assert run.navigation is not None
        result = write_navigation(run.navigation, remote)
    assert result.status == "ok"
    assert remote.writes == times + 1
    menu = _menu(wiki)
    assert hand in menu and [i.label for i in menu if i.kind == "header"] == ["Alpha"]


def test_a_menu_that_keeps_changing_is_a_failure_that_says_so(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "a", SITE_A)
    with _client(wiki) as sdk:
        remote = _Overwritten(
            sdk, root="alpha", locale="en", overwrite=lambda: _set_menu(wiki, []), times=99
        )
        run = _plan(docs, remote)
        assert run.navigation is not None
        result = write_navigation(run.navigation, remote)
    assert result.status == "failed" and result.error is not None
    assert "run `wikisync apply` again" in result.error
    assert remote.writes == MENU_ATTEMPTS


def _now() -> datetime:
    return datetime.now(timezone.utc)


def test_the_emulator_keeps_what_it_was_given(wiki: Wiki) -> None:
    """The control: the wiki stores any kind and label as sent (as Wiki.js does)."""
    item = NavigationItem(id="x", kind="nonsense", label="a\nb")
    _set_menu(wiki, [item])
    assert _menu(wiki) == [item]
