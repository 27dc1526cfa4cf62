"""The warning that anyone can download wikisync's state (Guests hold read:assets)."""

from __future__ import annotations

from pathlib import Path

from e2e_helpers import Wiki, write_site

from wikijs import WikiJSClient
from wikijs.testing import Fault, WikiJSEmulator

WARNING = "Warning: anyone can download wikisync's state"
GUESTS = 2


def _site(root: Path, extra: str = "") -> Path:
    return write_site(
        root,
        {
            "wikisync.yml": f"locale: en\nroot: handbook\n{extra}",
            "guide.md": "---\ntitle: Guide\n---\nText.\n",
        },
    )


def _deny_guests_the_state(emulator: WikiJSEmulator) -> None:
    """The page rule the warning names: Guests, deny read:assets, path starts with _wikisync."""
    with WikiJSClient(emulator.url, api_key=emulator.api_key) as client:
        rules = [r.model_dump() for r in client.groups.get(GUESTS).page_rules]
        rule = {"id": "state", "deny": True, "match": "START", "roles": ["read:assets"]}
        client.groups.update(GUESTS, page_rules=[*rules, {**rule, "path": "_wikisync"}])


def test_apply_warns_once_when_guests_can_download_the_state(wiki: Wiki, tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    first = wiki.run("apply", str(site), "--auto-approve")
    assert first.exit_code == 0, first.output
    assert first.stderr.count(WARNING) == 1
    assert "Deny read:assets on paths that start with _wikisync" in first.stderr
    assert "/_wikisync/handbook-" in first.stderr and "/head.json" in first.stderr

    again = wiki.run("apply", str(site), "--auto-approve")  # nothing to do: still told
    assert again.exit_code == 0 and again.stderr.count(WARNING) == 1
    assert WARNING not in wiki.run("plan", str(site)).stderr
    verbose = wiki.run("plan", str(site), "--verbose")
    assert verbose.exit_code == 0 and verbose.stderr.count(WARNING) == 1


def test_no_warning_once_the_page_rule_denies_guests(wiki: Wiki, tmp_path: Path) -> None:
    _deny_guests_the_state(wiki.emulator)
    site = _site(tmp_path / "site")
    first = wiki.run("apply", str(site), "--auto-approve")
    assert first.exit_code == 0, first.output
    assert WARNING not in first.stderr
    assert WARNING not in wiki.run("plan", str(site), "--verbose").stderr
    assert wiki.emulator.find_page("handbook/guide") is not None


def test_the_warning_can_be_quieted(wiki: Wiki, tmp_path: Path) -> None:
    site = _site(tmp_path / "site", "quiet: [public-state]\n")
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert WARNING not in result.stderr
    assert WARNING not in wiki.run("plan", str(site), "--verbose").stderr


def test_a_check_that_gets_no_answer_is_never_a_failure(wiki: Wiki, tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    # A no-change apply downloads the head and its segment, then asks as a Guest: that
    # third download is answered with an error.
    broken = wiki.emulator.faults.add(
        Fault(kind="status", status=400, request_kind="download", nth=3)
    )
    wiki.emulator.log.reset()
    again = wiki.run("apply", str(site), "--auto-approve")
    assert wiki.emulator.faults.fired(broken) == 1
    downloads = [e for e in wiki.emulator.log.entries if e.kind == "download"]
    assert [e.status for e in downloads] == [200, 200, 400]
    assert downloads[0].path == downloads[2].path  # the head, asked for again as a Guest
    assert again.exit_code == 0, again.output
    assert WARNING not in again.stderr
