"""The boundary every content transform runs behind: what it returns is checked, what it
raises or how long it takes is reported with its name and the file, and the built-ins'
work grows linearly with the page (sizes and call counts here; times in bench/)."""

from __future__ import annotations

import signal
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wikisync.cli import app
from wikisync.errors import TransformError
from wikisync.local.config import Config
from wikisync.local.markdown.dialects._scan import MAX_DEPTH
from wikisync.local.source import load_source
from wikisync.local.transforms import TransformContext, TransformRun, load_transforms
from wikisync.local.transforms._engine import _BUILTINS, line_origins


def _plugin(root: Path, body: str) -> None:
    """A distribution in ``root/site`` registering the transform ``odd`` = ``body``."""
    info = root / "site" / "odd_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: odd-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[wikisync.transforms]\nodd = odd_plugin:ODD\n")
    (root / "site" / "odd_plugin.py").write_text(
        "from wikisync.transforms import Transform, TransformProblem\n\n"
        + textwrap.dedent(body)
        + '\nODD = Transform("odd", "a plugin under test", apply)\n'
    )


@pytest.fixture
def plugin_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "odd_plugin", raising=False)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("Line one.\nLine two.\n")
    return tmp_path


def _load(root: Path, **config: object) -> None:
    load_source(root / "docs", Config.model_validate({"transforms": ["odd"], **config}))


@pytest.mark.parametrize(
    ("returns", "message"),
    [
        ("42", r"an object of type int, not a \(content, problems\) pair for guide.md"),
        ("b'x', ()", r"content of type bytes, not str for guide.md"),
        ("text", r"an object of type str, not a \(content, problems\) pair"),
        ("text, None", r"problems of type NoneType, not a list or tuple"),
        ("text, 'oops'", r"problems of type str, not a list or tuple"),
        ("text, [object()]", r"problem 1 of type object, not TransformProblem"),
        ("text, [TransformProblem('2', 'm')]", r"problem 1 with line '2', not a line"),
        ("text, [TransformProblem(0, 'm')]", r"problem 1 with line '0', not a line"),
        ("text, [TransformProblem(True, 'm')]", r"problem 1 with line 'True'"),
        ("text, [TransformProblem(-3, 'm')]", r"line '-3', not a line of the content"),
        ("text, [TransformProblem(10**100, 'm')]", r"problem 1 with line '1000000000"),
        ("text, [TransformProblem(4, 'm')]", r"line '4', not a line of the content \(1 to 3\)"),
        ("text, [TransformProblem(1, '')]", r"problem 1 without a message text"),
        ("text, [TransformProblem(1, None)]", r"problem 1 without a message text"),
        ("text, [TransformProblem(1, 'm', 'Bad Code!')]", r"with code 'Bad Code!'"),
        ("text, [TransformProblem(1, 'm', 7)]", r"with code '7'"),
        ("text, (), ()", r"an object of type tuple, not a \(content, problems\) pair"),
    ],
)
def test_what_a_transform_returns_is_checked(plugin_root: Path, returns: str, message: str) -> None:
    _plugin(plugin_root, f"def apply(text, context):\n    return {returns}\n")
    with pytest.raises(TransformError, match=rf"^transform 'odd' returned .*{message}"):
        _load(plugin_root)


def test_a_well_formed_plugin_s_problems_get_the_file_s_lines(plugin_root: Path) -> None:
    (plugin_root / "docs" / "guide.md").write_text("---\ntitle: T\n---\nOne.\nTwo.\n")
    _plugin(
        plugin_root,
        """
        def apply(text, context):
            return text, [TransformProblem(2, "about One.", "odd-thing")]
        """,
    )
    result = load_source(plugin_root / "docs", Config(transforms=("odd",)))
    assert [(p.source, p.line, p.code) for p in result.problems] == [("guide.md", 4, "odd-thing")]


@pytest.mark.parametrize(
    "body",
    [
        "def apply(text, context):\n    while True:\n        pass\n",
        # A transform that swallows every Exception still cannot swallow the time limit.
        "def apply(text, context):\n    while True:\n        try:\n            sum(range(1000))\n"
        "        except Exception:\n            pass\n",
    ],
    ids=["loop", "loop-catching-exceptions"],
)
def test_a_transform_that_never_returns_is_stopped_and_named(plugin_root: Path, body: str) -> None:
    _plugin(plugin_root, body)
    before = signal.getsignal(signal.SIGALRM)
    timer = signal.getitimer(signal.ITIMER_REAL)  # a test runner's timeout, if any
    with pytest.raises(
        TransformError,
        match=r"^transform 'odd' did not finish on guide.md within 0.05 seconds "
        r"\(transform_time_limit in wikisync.yml\)",
    ):
        _load(plugin_root, transform_time_limit=0.05)
    _assert_timer_as_before(timer)
    assert signal.getsignal(signal.SIGALRM) is before


def test_the_timer_is_disarmed_after_every_transform(plugin_root: Path) -> None:
    _plugin(plugin_root, "def apply(text, context):\n    return text.upper(), ()\n")
    timer = signal.getitimer(signal.ITIMER_REAL)
    _load(plugin_root, transform_time_limit=0.5)
    _assert_timer_as_before(timer)


def _assert_timer_as_before(timer: tuple[float, float]) -> None:
    """Nothing of ours is left armed; a timer armed before (pytest-timeout's) still is."""
    remaining, interval = signal.getitimer(signal.ITIMER_REAL)
    if timer[0] == 0:
        assert (remaining, interval) == (0.0, 0.0)
    else:
        assert 0 < remaining <= timer[0] and interval == timer[1]


def test_a_timer_armed_by_someone_else_is_kept(plugin_root: Path) -> None:
    _plugin(plugin_root, "def apply(text, context):\n    return text.upper(), ()\n")
    fired: list[int] = []

    def outer(signum: int, frame: object) -> None:
        fired.append(signum)

    before = signal.signal(signal.SIGALRM, outer)
    runner = signal.setitimer(signal.ITIMER_REAL, 3_600)  # due much later than the limit
    try:
        _load(plugin_root, transform_time_limit=5)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 3_600 and signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, *runner)
        signal.signal(signal.SIGALRM, before)
    assert fired == []


def test_ctrl_c_in_a_transform_names_it(plugin_root: Path) -> None:
    _plugin(plugin_root, "def apply(text, context):\n    raise KeyboardInterrupt\n")
    with pytest.raises(KeyboardInterrupt, match=r"^transform 'odd' was running on guide.md$"):
        _load(plugin_root)
    (plugin_root / "docs" / "wikisync.yml").write_text("transforms: [odd]\n")
    result = CliRunner().invoke(app, ["validate", str(plugin_root / "docs")])
    assert result.exit_code == 130
    assert "Interrupted: transform 'odd' was running on guide.md." in result.output


def test_the_cli_names_a_transform_that_returns_bytes(plugin_root: Path) -> None:
    _plugin(plugin_root, "def apply(text, context):\n    return text.encode(), ()\n")
    (plugin_root / "docs" / "wikisync.yml").write_text("transforms: [odd]\n")
    result = CliRunner().invoke(app, ["validate", str(plugin_root / "docs")])
    assert result.exit_code == 1
    assert "transform 'odd' returned content of type bytes, not str for guide.md" in result.output
    assert "Traceback" not in result.output


def test_the_time_limit_is_a_setting() -> None:
    assert Config().transform_time_limit == 10.0
    assert Config.model_validate({"transform_time_limit": 2}).transform_time_limit == 2.0


# -- line mapping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "origins"),
    [
        ("a\nb\nc", "a\nb\nc", [1, 2, 3]),
        ("a\nb\nc", "a\nc", [1, 3]),  # a line dropped
        ("a\nb\nc", "a\nx\ny\nb\nc", [1, 2, 2, 2, 3]),  # lines inserted: where they went in
        ("!!! note\n    body\n\nafter", "> body\n{.is-info}\n\nafter", [1, 1, 3, 4]),
        ("import A from 'a'\n\nx\n\ny", "\nx\n\ny", [2, 3, 4, 5]),
        ("", "a\nb", [1, 1]),
        ("a\n\nb\n\nc\n\nd", "a\n\nB\n\nc\n\nd", [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_line_origins_maps_new_lines_to_where_they_came_from(
    old: str, new: str, origins: list[int]
) -> None:
    assert line_origins(old, new) == origins


def test_line_origins_of_many_moved_blocks_stays_in_order() -> None:
    old = "\n".join(f":::tip\nTip {i}.\n:::\n\nText {i}.\n" for i in range(2_000))
    run = TransformRun(load_transforms(["docusaurus-admonitions"]))
    new, _, origin = run.run(old, "tips.md")
    lines = new.split("\n")
    for number, line in enumerate(lines, 1):
        if line.startswith("Text "):
            source = old.split("\n")[origin(number) - 1]
            assert source == line  # every unchanged line maps onto itself


# -- linear work ----------------------------------------------------------------------------


def test_closed_and_unclosed_docusaurus_admonitions_in_one_page() -> None:
    text = ":::tip\nbody\n:::\n" * 1_000 + ":::note\n" * 3_000
    (transform,) = load_transforms(["docusaurus-admonitions"])
    new, problems = transform.apply(text, _context())
    assert new.count("{.is-success}") == 1_000
    # the unclosed ones nest, as far as the cap; each beyond it is named, left as text
    # (nested callouts are HTML blockquotes of the class: see _render.callout)
    assert new.count("{.is-info}") + new.count('class="is-info"') == MAX_DEPTH - 1
    assert len(problems) == 3_000


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("docusaurus-admonitions", ":::note\n" * 5_000 + "body\n" + ":::\n" * 5_000),
        (
            "docusaurus-admonitions",
            "".join(":" * (3 + i) + "note\n" for i in range(40))
            + "body\n"
            + "".join(":" * (3 + i) + "\n" for i in reversed(range(40))),
        ),
        ("docsy-alerts", "{{% alert %}}\n" * 5_000 + "body\n" + "{{% /alert %}}\n" * 5_000),
        (
            "mkdocs-admonitions",
            "".join("    " * i + "!!! note\n" for i in range(40)) + "    " * 40 + "body\n",
        ),
    ],
    ids=["docusaurus-5000-deep", "docusaurus-40-levels", "docsy-5000-deep", "mkdocs-40-levels"],
)
def test_deep_nesting_is_bounded(name: str, text: str) -> None:
    (transform,) = load_transforms([name])
    new, problems = transform.apply(text, _context())
    assert max(line.count(">") for line in new.split("\n")) <= MAX_DEPTH + 2
    assert len(new) <= (MAX_DEPTH + 2) * 2 * len(text)
    assert any(f"nested more than {MAX_DEPTH} deep" in p.message for p in problems) or any(
        "never closed" in p.message for p in problems
    )


def test_50_000_lines_of_every_kind_give_output_of_linear_size() -> None:
    run = TransformRun(load_transforms(_BUILTINS), time_limit=None)
    for text in (
        "!!! note\n" * 50_000,
        ":::note\n" * 50_000,
        ":::\n" * 50_000,
        "{{% alert %}}\n" * 50_000,
        "> [!NOTE]\n" * 50_000,
        "import A from 'a'\n" * 50_000,
    ):
        new, problems, _ = run.run(text, "big.md")
        # at most a "> " per level of nesting, which is capped
        assert len(new) <= (2 * MAX_DEPTH + 1) * len(text) + 100
        assert len(problems) <= 50_000 + 10


def _context() -> TransformContext:
    return TransformContext("page.md")
