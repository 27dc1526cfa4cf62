"""plan(): every rule, from literal inputs.

Each case names the files (desired), the wiki (actual) and the state, and says what the
plan must contain. The helpers below only fill in digests, so a case reads as a spec.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from wikisync.errors import PlanInputError
from wikisync.plan.model import (
    Change,
    LocalPage,
    PageFields,
    Plan,
    PlanOptions,
    RemotePage,
    State,
    StateEntry,
    content_digest,
    normalize_content,
    page_digest,
)
from wikisync.plan.pages import MAX_DIFF_LINES, content_reads_needed, match_pages, plan

T0 = "2024-05-01T09:00:00.000Z"  # when wikisync last wrote
T1 = "2024-05-02T10:30:00.000Z"  # a later edit in the wiki


def page(
    source: str, path: str, content: str = "Body\n", *, locale: str = "en", **fields: Any
) -> LocalPage:
    """A file: ``source`` maps to ``path``; ``fields`` are what its front matter sets."""
    fields.setdefault("title", "T")
    page_fields = PageFields(**fields)
    text = normalize_content(content)
    return LocalPage(
        source=source,
        locale=locale,
        path=path,
        content=text,
        fields=page_fields,
        content_digest=content_digest(text),
        digest=page_digest(text, page_fields),
    )


def remote(
    page_id: int,
    path: str,
    content: str | None = None,
    *,
    updated_at: str = T0,
    locale: str = "en",
    full: bool = False,
    **values: Any,
) -> RemotePage:
    """A wiki page as listed; ``content`` (or ``full=True``) means its full record was read."""
    values.setdefault("title", "T")
    if content is not None or full:
        values.setdefault("editor", "markdown")
        for name in ("publish_start_date", "publish_end_date", "script_css", "script_js"):
            values.setdefault(name, "")
    return RemotePage(
        id=page_id,
        locale=locale,
        path=path,
        content=content,
        updated_at=updated_at,
        created_at=T0,
        **values,
    )


def written(
    page_id: int, local: LocalPage, *, updated_at: str = T0, path: str | None = None
) -> StateEntry:
    """The state entry wikisync recorded after writing ``local`` to page ``page_id``."""
    return StateEntry(
        page_id=page_id,
        locale=local.locale,
        path=path or local.path,
        source=local.source,
        updated_at=updated_at,
        digest=local.digest,
        content_digest=local.content_digest,
    )


def state(*entries: StateEntry) -> State:
    return State(pages={e.page_id: e for e in entries}, serial=1)


def actions(result: Plan) -> list[tuple[str, str]]:
    return [(c.action, c.path) for c in result.changes]


def only(result: Plan) -> Change:
    assert len(result.changes) == 1, actions(result)
    return result.changes[0]


OPTS = PlanOptions(root="hb", locale="en")
PRUNE = replace(OPTS, prune=True)

# The same file before and after an edit (as the state recorded it / as it is now).
INSTALL_V1 = page("guide/install.md", "hb/guide/install", "# Install\n\nStep 1\n", title="Install")
INSTALL_V2 = page(
    "guide/install.md", "hb/guide/install", "# Install\n\nStep 1\nStep 2\n", title="Install"
)
STYLED = page(
    "styled.md",
    "hb/styled",
    "x\n",
    title="Styled",
    script_css="h1{}",
    publish_end_date="2030-01-01T00:00:00Z",
)


# -- one table: a file and a remote page at the same path ----------------------------------------


@dataclass
class Case:
    name: str
    desired: list[LocalPage]
    actual: list[RemotePage]
    state: State = field(default_factory=State)
    options: PlanOptions = OPTS
    expect: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    reads: set[int] = field(default_factory=set)


SAME_PATH_CASES = [
    Case(
        "managed, untouched in the wiki, file unchanged: unchanged without reading content",
        desired=[INSTALL_V1],
        actual=[remote(7, "hb/guide/install", title="Install")],
        state=state(written(7, INSTALL_V1)),
        unchanged=["hb/guide/install"],
        reads=set(),
    ),
    Case(
        "managed, untouched, file sets full-record fields and is unchanged: no read either",
        desired=[STYLED],
        actual=[remote(7, "hb/styled", title="Styled")],
        state=state(written(7, STYLED)),
        unchanged=["hb/styled"],
        reads=set(),
    ),
    Case(
        "managed, untouched in the wiki, file edited: update",
        desired=[INSTALL_V2],
        actual=[remote(7, "hb/guide/install", "# Install\n\nStep 1", title="Install")],
        state=state(written(7, INSTALL_V1)),
        expect=[("update", "hb/guide/install")],
        reads={7},
    ),
    Case(
        "managed, edited in the wiki, now equal to the file: unchanged",
        desired=[INSTALL_V2],
        actual=[
            remote(
                7, "hb/guide/install", "# Install\n\nStep 1\nStep 2", title="Install", updated_at=T1
            )
        ],
        state=state(written(7, INSTALL_V1)),
        unchanged=["hb/guide/install"],
        reads={7},
    ),
    Case(
        "managed, edited in the wiki, different from the file: conflict",
        desired=[INSTALL_V1],
        actual=[
            remote(7, "hb/guide/install", "# Install\n\nHand edit", title="Install", updated_at=T1)
        ],
        state=state(written(7, INSTALL_V1)),
        expect=[("conflict", "hb/guide/install")],
        reads={7},
    ),
    Case(
        "managed, edited in the wiki, different from the file, --force: update",
        desired=[INSTALL_V1],
        actual=[
            remote(7, "hb/guide/install", "# Install\n\nHand edit", title="Install", updated_at=T1)
        ],
        state=state(written(7, INSTALL_V1)),
        options=replace(OPTS, force=True),
        expect=[("update", "hb/guide/install")],
        reads={7},
    ),
    Case(
        "unmanaged and equal: unchanged and adopted",
        desired=[INSTALL_V1],
        actual=[remote(9, "hb/guide/install", "# Install\r\n\r\nStep 1\r\n\r\n", title="Install")],
        unchanged=["hb/guide/install"],
        adopted=["hb/guide/install"],
        reads={9},
    ),
    Case(
        "unmanaged and different: update and adopted",
        desired=[INSTALL_V1],
        actual=[remote(9, "hb/guide/install", "Someone else's page", title="Install")],
        expect=[("update", "hb/guide/install")],
        adopted=["hb/guide/install"],
        reads={9},
    ),
    Case(
        "managed, untouched, only a list field changed: update without reading content",
        desired=[
            page("guide/install.md", "hb/guide/install", INSTALL_V1.content, title="Installing")
        ],
        actual=[remote(7, "hb/guide/install", title="Install")],
        state=state(written(7, INSTALL_V1)),
        expect=[("update", "hb/guide/install")],
        reads=set(),
    ),
    Case(
        "no remote page and no candidate for a move: create",
        desired=[INSTALL_V1],
        actual=[],
        expect=[("create", "hb/guide/install")],
        reads=set(),
    ),
]


@pytest.mark.parametrize("case", SAME_PATH_CASES, ids=lambda c: c.name)
def test_same_path_rules(case: Case) -> None:
    desired = case.desired
    reads = content_reads_needed(desired, case.actual, case.state, case.options)
    assert reads == frozenset(case.reads)
    # Give plan() exactly what the caller would fetch: list records for everything else.
    actual = [r if r.id in reads or r.content is None else _as_listed(r) for r in case.actual]
    result = plan(desired, actual, case.state, case.options)
    assert actions(result) == case.expect
    assert [p for _, p in result.unchanged] == case.unchanged
    assert [p for _, p in result.adopted] == case.adopted
    # Matching once on the list records (as the engine does) gives the same plan.
    listed = [_as_listed(r) if r.content is not None else r for r in case.actual]
    matched = match_pages(desired, listed, case.state, case.options)
    assert matched.reads_needed == reads
    assert plan(desired, actual, case.state, case.options, matching=matched) == result


def _as_listed(r: RemotePage) -> RemotePage:
    return replace(
        r,
        content=None,
        editor=None,
        publish_start_date=None,
        publish_end_date=None,
        script_css=None,
        script_js=None,
    )


def test_unchanged_pages_need_no_content_at_all() -> None:
    # A listed page without content is enough when the wiki holds what wikisync wrote.
    result = plan(
        [INSTALL_V1],
        [remote(7, "hb/guide/install", title="Install")],
        state(written(7, INSTALL_V1)),
        OPTS,
    )
    assert result.unchanged == (("en", "hb/guide/install"),)
    assert not result.has_changes


def test_update_lists_changed_fields_content_first_with_old_and_new_values() -> None:
    local = page("a.md", "hb/a", "new\n", title="New title", tags=["Docs", "b"], is_published=False)
    wiki = remote(3, "hb/a", "old", title="Old title", tags=("docs", "b"), is_published=True)
    change = only(plan([local], [wiki], state(), OPTS))
    assert change.action == "update"
    assert change.fields == ("content", "title", "is_published")
    assert [(f.field, f.old, f.new) for f in change.field_changes] == [
        ("title", "Old title", "New title"),
        ("is_published", True, False),
    ]
    assert "-old" in change.diff and "+new" in change.diff
    assert change.page_id == 3
    assert change.remote_updated_at == T0
    assert change.digest == local.digest
    assert change.reason  # adoption is explained


def test_fields_the_file_does_not_set_are_never_compared() -> None:
    local = page("a.md", "hb/a", "same\n", title="A")  # sets only the title
    wiki = remote(
        3,
        "hb/a",
        "same",
        title="A",
        description="kept",
        tags=("x",),
        is_published=False,
        is_private=True,
        script_css="body{}",
        publish_start_date="2024-01-01T00:00:00.000Z",
    )
    result = plan([local], [wiki], state(), OPTS)
    assert not result.has_changes
    assert result.adopted == (("en", "hb/a"),)


def test_editor_is_compared_through_content_type_when_not_read() -> None:
    html_page = page("a.html", "hb/a", "<p>x</p>\n", title="A", editor="ckeditor")
    stored = written(3, replace(html_page, digest="older"))
    listed_html = remote(3, "hb/a", title="A", content_type="html")
    listed_md = remote(3, "hb/a", title="A", content_type="markdown")
    assert not plan([html_page], [listed_html], state(stored), OPTS).has_changes
    change = only(plan([html_page], [listed_md], state(stored), OPTS))
    assert change.fields == ("editor",)


def test_publish_dates_compare_as_instants() -> None:
    local = page("a.md", "hb/a", "x\n", title="A", publish_start_date="2024-06-01T00:00:00Z")
    wiki = remote(3, "hb/a", "x", title="A", publish_start_date="2024-06-01T00:00:00.000Z")
    assert not plan([local], [wiki], state(), OPTS).has_changes
    later = replace(wiki, publish_start_date="2024-06-02T00:00:00.000Z")
    assert only(plan([local], [later], state(), OPTS)).fields == ("publish_start_date",)


def test_full_record_fields_need_a_read_even_when_content_is_known() -> None:
    before = page("a.md", "hb/a", "x\n", title="A", script_css="")
    after = page("a.md", "hb/a", "x\n", title="A", script_css="h1{}")
    listed = remote(3, "hb/a", title="A")
    assert content_reads_needed([after], [listed], state(written(3, before)), OPTS) == {3}
    with pytest.raises(PlanInputError, match="page 3"):
        plan([after], [listed], state(written(3, before)), OPTS)


def test_missing_content_is_an_error_not_a_guess() -> None:
    with pytest.raises(PlanInputError, match="content_reads_needed"):
        plan([INSTALL_V1], [remote(9, "hb/guide/install")], state(), OPTS)


def test_conflict_carries_diff_reason_and_wiki_timestamp() -> None:
    wiki = remote(7, "hb/guide/install", "Hand edit", title="Install", updated_at=T1)
    change = only(plan([INSTALL_V1], [wiki], state(written(7, INSTALL_V1)), OPTS))
    assert change.action == "conflict"
    assert "edited in the wiki" in change.reason and T1 in change.reason
    assert "-Hand edit" in change.diff
    assert change.remote_updated_at == T1


def test_long_diffs_are_bounded() -> None:
    old = "\n".join(f"line {i}" for i in range(3000))
    new = "\n".join(f"LINE {i}" for i in range(3000))
    change = only(
        plan([page("a.md", "hb/a", new, title="T")], [remote(1, "hb/a", old)], state(), OPTS)
    )
    lines = change.diff.split("\n")
    assert len(lines) <= MAX_DIFF_LINES + 1
    assert lines[-1].startswith("... diff truncated:")


# -- moves ---------------------------------------------------------------------------------


SETUP = page("setup.md", "hb/setup", "# Setup\n\nDocker\n", title="Setup")


def test_move_by_explicit_rename() -> None:
    renamed = replace(SETUP, source="guide/setup.md", path="hb/guide/setup")
    renamed = replace(renamed, digest=page_digest(renamed.content, renamed.fields))
    wiki = [remote(5, "hb/setup", title="Setup")]
    result = plan(
        [renamed], wiki, state(written(5, SETUP)), PRUNE, renames={"setup.md": "guide/setup.md"}
    )
    change = only(result)
    assert (change.action, change.from_path, change.path, change.page_id) == (
        "move",
        "hb/setup",
        "hb/guide/setup",
        5,
    )
    assert change.fields == ()
    assert "renamed from setup.md" in change.reason
    assert content_reads_needed([renamed], wiki, state(written(5, SETUP)), PRUNE) == frozenset()


def test_rename_wins_over_content_guess() -> None:
    # Two gone files with the same content: only the explicit rename can tell them apart.
    a = page("a.md", "hb/a", "same\n")
    b = page("b.md", "hb/b", "same\n")
    new = page("c.md", "hb/c", "same\n")
    wiki = [remote(1, "hb/a"), remote(2, "hb/b")]
    st = state(written(1, a), written(2, b))
    assert actions(plan([new], wiki, st, OPTS)) == [("create", "hb/c")]  # ambiguous: no guess
    result = plan([new], wiki, st, OPTS, renames={"b.md": "c.md"})
    assert [(c.action, c.page_id) for c in result.changes] == [("move", 2)]
    assert result.orphaned == (("en", "hb/a"),)


def test_move_by_identical_content() -> None:
    moved = page("handbook/setup.md", "hb/handbook/setup", SETUP.content, title="Setup")
    result = plan([moved], [remote(5, "hb/setup", title="Setup")], state(written(5, SETUP)), PRUNE)
    change = only(result)
    assert (change.action, change.from_path, change.path) == (
        "move",
        "hb/setup",
        "hb/handbook/setup",
    )
    assert "same content as setup.md" in change.reason


def test_move_and_update_is_one_change() -> None:
    moved = page("guide/setup.md", "hb/guide/setup", "# Setup\n\nPodman\n", title="Set up")
    wiki = [remote(5, "hb/setup", "# Setup\n\nDocker", title="Setup")]
    st = state(written(5, SETUP))
    assert content_reads_needed(
        [moved], wiki, st, PRUNE, renames={"setup.md": "guide/setup.md"}
    ) == {5}
    change = only(plan([moved], wiki, st, PRUNE, renames={"setup.md": "guide/setup.md"}))
    assert change.action == "move"
    assert change.fields == ("content", "title")
    assert "+Podman" in change.diff


def test_page_moved_in_the_wiki_is_a_conflict_and_force_moves_it_back() -> None:
    wiki = [remote(5, "hb/elsewhere", SETUP.content, title="Setup", updated_at=T1)]
    st = state(written(5, SETUP))
    assert content_reads_needed([SETUP], wiki, st, PRUNE) == {5}
    change = only(plan([SETUP], wiki, st, PRUNE))
    assert (change.action, change.from_path, change.path) == (
        "conflict",
        "hb/elsewhere",
        "hb/setup",
    )
    assert "moved in the wiki" in change.reason
    forced = only(plan([SETUP], wiki, st, replace(PRUNE, force=True)))
    assert (forced.action, forced.from_path) == ("move", "hb/elsewhere")


def test_changed_mapping_of_the_same_file_moves_its_page() -> None:
    # The file stays; the mapping changed (here: a locale folder now configured).
    fr_page = replace(SETUP, locale="fr")
    result = plan(
        [fr_page], [remote(5, "hb/setup", title="Setup")], state(written(5, SETUP)), PRUNE
    )
    change = only(result)
    assert (change.action, change.from_locale, change.locale) == ("move", "en", "fr")


# -- deletes, orphans, guards ----------------------------------------------------------------


OLD = page("old.md", "hb/old", "Old page\n", title="Old")


def test_prune_on_deletes_managed_page_whose_file_is_gone() -> None:
    result = plan(
        [SETUP],
        [remote(5, "hb/setup", title="Setup"), remote(6, "hb/old", title="Old")],
        state(written(5, SETUP), written(6, OLD)),
        PRUNE,
    )
    change = only(result)
    assert (change.action, change.path, change.page_id) == ("delete", "hb/old", 6)
    assert change.reason == "old.md is gone"
    assert result.orphaned == ()


def test_prune_off_lists_orphans_instead() -> None:
    result = plan(
        [SETUP],
        [remote(5, "hb/setup", title="Setup"), remote(6, "hb/old", title="Old")],
        state(written(5, SETUP), written(6, OLD)),
        OPTS,
    )
    assert not result.has_changes
    assert result.orphaned == (("en", "hb/old"),)


def test_deleting_a_page_edited_in_the_wiki_is_a_conflict() -> None:
    wiki = [remote(5, "hb/setup", title="Setup"), remote(6, "hb/old", title="Old", updated_at=T1)]
    st = state(written(5, SETUP), written(6, OLD))
    assert actions(plan([SETUP], wiki, st, PRUNE)) == [("conflict", "hb/old")]
    assert actions(plan([SETUP], wiki, st, replace(PRUNE, force=True))) == [("delete", "hb/old")]


def test_unmanaged_pages_are_listed_and_never_touched() -> None:
    wiki = [remote(5, "hb/setup", title="Setup"), remote(8, "hb/someone-elses", title="X")]
    result = plan([SETUP], wiki, state(written(5, SETUP)), PRUNE)
    assert not result.has_changes
    assert result.unmanaged == (("en", "hb/someone-elses"),)


def test_pages_outside_root_and_the_state_page_are_ignored() -> None:
    wiki = [
        remote(5, "hb/setup", title="Setup"),
        remote(20, "other/page"),
        remote(21, "hbx/not-under-root"),
        remote(22, "hb/_wikisync-state"),
    ]
    st = state(written(5, SETUP), written(20, page("x.md", "other/page")))
    result = plan([SETUP], wiki, st, PRUNE)
    assert not result.has_changes
    assert result.unmanaged == ()
    assert result.orphaned == ()


def test_max_delete_is_a_guard_violation() -> None:
    gone = [page(f"g{i}.md", f"hb/g{i}") for i in range(3)]
    wiki = [remote(5, "hb/setup", title="Setup")] + [
        remote(10 + i, p.path) for i, p in enumerate(gone)
    ]
    st = state(written(5, SETUP), *(written(10 + i, p) for i, p in enumerate(gone)))
    within = plan([SETUP], wiki, st, replace(PRUNE, max_delete=3))
    assert within.summary["delete"] == 3 and within.guard_violations == ()
    over = plan([SETUP], wiki, st, replace(PRUNE, max_delete=2))
    assert over.summary["delete"] == 3
    assert over.guard_violations == ("the plan deletes 3 pages, more than max_delete (2)",)


@pytest.mark.parametrize(
    ("protect", "violations"),
    [
        (("hb/old",), 1),  # full wiki path
        (("old",), 1),  # relative to root
        (("hb/o*",), 1),  # glob
        (("hb/setup",), 0),  # unchanged pages are not touched
    ],
)
def test_protected_paths_are_guarded(protect: tuple[str, ...], violations: int) -> None:
    wiki = [remote(5, "hb/setup", title="Setup"), remote(6, "hb/old", title="Old")]
    result = plan(
        [SETUP], wiki, state(written(5, SETUP), written(6, OLD)), replace(PRUNE, protect=protect)
    )
    assert len(result.guard_violations) == violations
    if violations:
        assert "hb/old is protected" in result.guard_violations[0]
        assert "delete" in result.guard_violations[0]


def test_protect_covers_updates_and_move_origins() -> None:
    wiki = [remote(5, "hb/setup", "# Setup\n\nOld", title="Setup")]
    st = state(written(5, replace(SETUP, digest="older")))
    result = plan([SETUP], wiki, st, replace(OPTS, protect=("setup",)))
    assert actions(result) == [("update", "hb/setup")]
    assert result.guard_violations and "would update it" in result.guard_violations[0]
    moved = page("new.md", "hb/new", SETUP.content, title="Setup")
    result = plan(
        [moved],
        [remote(5, "hb/setup", title="Setup")],
        state(written(5, SETUP)),
        replace(PRUNE, protect=("hb/setup",)),
    )
    assert actions(result) == [("move", "hb/new")]
    assert result.guard_violations


@pytest.mark.parametrize(
    ("desired", "options", "reason"),
    [
        ([SETUP], replace(PRUNE, source_had_errors=True), "the source had errors"),
        ([], PRUNE, "the source has no pages"),
    ],
)
def test_source_errors_or_empty_source_block_deletes(
    desired: list[LocalPage], options: PlanOptions, reason: str
) -> None:
    wiki = [remote(5, "hb/setup", title="Setup"), remote(6, "hb/old", title="Old")]
    st = state(written(5, SETUP), written(6, OLD))
    result = plan(desired, wiki, st, options)
    assert result.summary["delete"] == 0
    assert ("en", "hb/old") in result.orphaned
    assert any(reason in v for v in result.guard_violations)


def test_a_file_for_the_state_page_is_refused() -> None:
    bad = page("_wikisync-state.md", "hb/_wikisync-state")
    result = plan([bad], [], state(), OPTS)
    assert not result.has_changes
    assert "where wikisync keeps its state" in result.guard_violations[0]


def test_two_files_for_one_page_are_refused() -> None:
    with pytest.raises(PlanInputError, match="both map to en/hb/x"):
        plan([page("x.md", "hb/x"), page("x/index.md", "hb/x")], [], state(), OPTS)


# -- targets -----------------------------------------------------------------------------------


def test_targets_limit_the_plan_to_paths_and_subtrees() -> None:
    desired = [
        page("guide/a.md", "hb/guide/a"),
        page("guide/b/c.md", "hb/guide/b/c"),
        page("faq.md", "hb/faq"),
        page("guidebook.md", "hb/guidebook"),
    ]
    result = plan(desired, [], state(), replace(OPTS, targets=("hb/guide",)))
    assert actions(result) == [("create", "hb/guide/a"), ("create", "hb/guide/b/c")]
    relative = plan(desired, [], state(), replace(OPTS, targets=("faq",)))
    assert actions(relative) == [("create", "hb/faq")]


def test_targets_keep_a_move_whose_origin_is_targeted() -> None:
    moved = page("new.md", "hb/new", SETUP.content, title="Setup")
    result = plan(
        [moved],
        [remote(5, "hb/setup", title="Setup")],
        state(written(5, SETUP)),
        replace(PRUNE, targets=("hb/setup",)),
    )
    assert actions(result) == [("move", "hb/new")]


# -- determinism and purity ------------------------------------------------------------------


def _scenario() -> tuple[list[LocalPage], list[RemotePage], State, PlanOptions]:
    desired = [
        INSTALL_V2,
        page("new.md", "hb/new"),
        page("b.md", "hb/b", "changed\n"),
        page("fr/a.md", "hb/a", locale="fr"),
        page("a.md", "hb/a"),
        page("moved/setup.md", "hb/moved/setup", SETUP.content, title="Setup"),
    ]
    actual = [
        remote(7, "hb/guide/install", "# Install\n\nStep 1", title="Install"),
        remote(2, "hb/b", "before"),
        remote(5, "hb/setup", title="Setup"),
        remote(6, "hb/old", title="Old"),
        remote(8, "hb/unmanaged"),
        remote(9, "hb/a", "Body", locale="fr"),
    ]
    st = state(
        written(7, INSTALL_V1),
        written(2, page("b.md", "hb/b", "before\n")),
        written(5, SETUP),
        written(6, OLD),
    )
    return desired, actual, st, PRUNE


def test_shuffled_inputs_give_the_identical_plan() -> None:
    desired, actual, st, options = _scenario()
    expected = plan(desired, actual, st, options)
    assert actions(expected) == [
        ("create", "hb/a"),
        ("update", "hb/b"),
        ("update", "hb/guide/install"),
        ("move", "hb/moved/setup"),
        ("create", "hb/new"),
        ("delete", "hb/old"),
    ]
    rng = random.Random(1234)
    for _ in range(20):
        d, a = desired[:], actual[:]
        rng.shuffle(d)
        rng.shuffle(a)
        items = list(st.pages.items())
        rng.shuffle(items)
        assert plan(d, a, State(pages=dict(items), serial=st.serial), options) == expected


def test_inputs_are_not_mutated_and_the_plan_is_frozen() -> None:
    desired, actual, st, options = _scenario()
    before = copy.deepcopy((desired, actual, dict(st.pages), options))
    renames = {"x.md": "y.md"}
    result = plan(desired, actual, st, options, renames=renames)
    assert (desired, actual, dict(st.pages), options) == before
    assert renames == {"x.md": "y.md"}
    assert isinstance(result.changes, tuple)
    with pytest.raises(AttributeError):
        result.changes = ()  # type: ignore[misc]


def test_same_path_in_two_locales_are_two_pages() -> None:
    desired, actual, st, options = _scenario()
    result = plan(desired, actual, st, options)
    a_changes = [(c.action, c.locale) for c in result.changes if c.path == "hb/a"]
    assert a_changes == [("create", "en")]
    assert ("fr", "hb/a") in result.adopted


def test_summary_counts_every_action() -> None:
    desired, actual, st, options = _scenario()
    summary = plan(desired, actual, st, options).summary
    assert summary == {
        "create": 2,
        "update": 2,
        "move": 1,
        "delete": 1,
        "conflict": 0,
        "unchanged": 1,
    }


def test_duplicate_remote_paths_prefer_the_managed_page() -> None:
    # Wiki.js has no unique index on paths: two pages can share one.
    wiki = [
        remote(3, "hb/setup", "stray copy", title="Setup"),
        remote(5, "hb/setup", title="Setup"),
    ]
    result = plan([SETUP], wiki, state(written(5, SETUP)), PRUNE)
    assert result.unchanged == (("en", "hb/setup"),)
    assert result.unmanaged == (("en", "hb/setup"),)
    assert not result.has_changes


def test_conflicts_on_protected_paths_are_not_violations_until_forced() -> None:
    wiki = [remote(5, "hb/setup", "Hand edit", title="Setup", updated_at=T1)]
    st = state(written(5, SETUP))
    options = replace(OPTS, protect=("setup",))
    assert plan([SETUP], wiki, st, options).guard_violations == ()
    forced = plan([SETUP], wiki, st, replace(options, force=True))
    assert actions(forced) == [("update", "hb/setup")]
    assert len(forced.guard_violations) == 1
