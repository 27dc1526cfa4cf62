"""Loading a content directory: paths, front matter, Wiki.js's Git storage files."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from wikisync.errors import SourceError
from wikisync.local.config import Config, parse_config
from wikisync.local.source import SourceResult, load_source, normalize_content, page_key
from wikisync.plan.model import EDITOR_CONTENT_TYPES, LocalPage, content_digest, page_digest

MakeTree = Callable[..., Path]
SAMPLES = Path(__file__).parents[1] / "data" / "git-storage-samples"


def load(directory: Path, config: Config | None = None) -> SourceResult:
    return load_source(directory, config or Config(), asset_url=lambda rel: f"/assets/{rel}")


def by_source(result: SourceResult) -> dict[str, LocalPage]:
    return {p.source: p for p in result.pages}


def problems(result: SourceResult) -> list[tuple[str, int | None, str]]:
    return [(p.source, p.line, p.code) for p in result.problems]


# -- file -> wiki path -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "root", "expected"),
    [
        ("guide/install.md", "handbook", ("en", "handbook/guide/install")),
        ("guide/install.md", "", ("en", "guide/install")),
        ("guide/index.md", "handbook", ("en", "handbook/guide")),
        ("index.md", "handbook", ("en", "handbook")),
        ("index.md", "", ("en", "home")),
        ("guide/README.md", "handbook", ("en", "handbook/guide/README")),
        ("fr/guide/install.md", "handbook", ("fr", "handbook/guide/install")),
        ("fr/index.md", "", ("fr", "home")),
        ("en/gitcap/explicit-en.md", "", ("en", "gitcap/explicit-en")),
        ("de/guide.md", "handbook", ("en", "handbook/de/guide")),  # de is not configured
        ("fr.md", "", ("en", "fr")),  # a file named like a locale is a page
        ("faq.html", "handbook", ("en", "handbook/faq")),
        ("Guide/Setup.MD", "", ("en", "Guide/Setup")),  # case is kept
    ],
)
def test_page_key(rel: str, root: str, expected: tuple[str, str]) -> None:
    config = Config(root=root, locales=("en", "fr"))
    assert page_key(rel, config) == expected


def test_normalize_content_is_the_same_on_both_sides() -> None:
    assert normalize_content("a\r\nb\r\n\r\n  \n") == "a\nb\n"
    assert normalize_content("\n\n  \n    code\n") == "    code\n"  # indentation is Markdown
    assert normalize_content("") == normalize_content("\n\n") == ""
    once = normalize_content("x \n\n")
    assert normalize_content(once) == once


# -- Wiki.js's Git storage samples ------------------------------------------------------------------


def _repository_after_external_commit(tmp_path: Path) -> Path:
    """The Git storage repository as Wiki.js imported it (see git-log.txt).

    The files Wiki.js wrote, minus the ones the external commit deleted or renamed,
    overlaid with the external commit's files.
    """
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "written-by-wikijs", repo)
    (repo / "gitcap-root.md").unlink()  # D gitcap-root.md
    (repo / "gitcap" / "adoc-page.adoc.deleted-later").unlink()
    (repo / "gitcap" / "colon-title.md").rename(repo / "gitcap" / "renamed-in-git.md")
    shutil.copytree(SAMPLES / "external-edits-pushed", repo, dirs_exist_ok=True)
    (repo / "CHANGES.txt").unlink()
    return repo


def test_git_storage_repository_loads_like_wikijs_imported_it(tmp_path: Path) -> None:
    expected = json.loads((SAMPLES / "import-results.json").read_text(encoding="utf-8"))["pages"]
    result = load(_repository_after_external_commit(tmp_path), Config(locales=("en", "fr")))
    assert [p for p in result.problems if p.is_error] == []
    pages = {p.key: p for p in result.pages}

    # Wiki.js imported every page wikisync reads, except fr/gitcap/page.md, which failed only
    # because the locale fr was not installed on that wiki ("FK error").
    assert set(pages) == {(e["locale"], e["path"]) for e in expected} | {("fr", "gitcap/page")}
    # Not pages for either: notes.txt (an asset to Wiki.js) and UPPER.MD (the default
    # include globs are case-sensitive; Wiki.js also skipped it).

    for item in expected:
        page = pages[(item["locale"], item["path"])]
        fields = page.fields.for_create()
        actual = {
            "title": fields["title"],
            "description": fields["description"],
            "isPublished": fields["is_published"],
            "tags": sorted(fields["tags"]),
            "contentType": EDITOR_CONTENT_TYPES[fields["editor"]],
        }
        wanted = {
            "title": item["title"],
            "description": item["description"],
            "isPublished": item["isPublished"],
            "tags": sorted(item["tags"]),
            "contentType": item["contentType"],
        }
        if item["path"] == "gitcap/plain":
            # The file says `published: false`. Wiki.js reads only `isPublished` and ignores
            # the `published:` key its own writer emits, so the page stayed published.
            # wikisync honours `published:`, the key Wiki.js writes: the file wins.
            assert actual["isPublished"] is False
            wanted["isPublished"] = False
        if item["path"] == "gitcap/fromgit/no-header":
            # No header: Wiki.js titles the page with the last path segment; wikisync takes
            # the first `# ` heading first, and the file name only when there is none.
            assert actual["title"] == "No header here"
            wanted["title"] = "No header here"
        assert actual == wanted, item["path"]

    # `title: Title: with "quotes" and colon` is invalid YAML. Wiki.js then took the whole
    # file, header included, as the content of gitcap/renamed-in-git (its metadata above
    # is what the page had before the rename). wikisync reads Wiki.js's line format as
    # Wiki.js meant it: the header is metadata and the content is only the body.
    renamed = pages[("en", "gitcap/renamed-in-git")]
    assert renamed.content == "Body with colon title\n"
    assert renamed.fields.title == 'Title: with "quotes" and colon'


def test_files_written_by_wikijs_load_without_problems() -> None:
    result = load(SAMPLES / "written-by-wikijs")
    assert result.problems == ()
    pages = by_source(result)
    assert set(pages) == {
        "gitcap-root.md",
        "gitcap/colon-title.md",
        "gitcap/html-page.html",
        "gitcap/moved/code-page.html",
        "gitcap/own-frontmatter.md",
        "gitcap/plain.md",
        "gitcap/ünïcödé/页面.md",
    }
    unicode_page = pages["gitcap/ünïcödé/页面.md"]
    assert unicode_page.path == "gitcap/ünïcödé/页面"
    assert (unicode_page.fields.title, unicode_page.fields.tags) == ("Ünïcödé 🚀", ("ünï",))
    assert pages["gitcap/moved/code-page.html"].fields.editor == "code"
    assert pages["gitcap/html-page.html"].fields.editor == "ckeditor"
    assert pages["gitcap/html-page.html"].content == "<p>Hello <strong>HTML</strong></p>\n"
    own = pages["gitcap/own-frontmatter.md"]
    assert own.content.startswith("---\nfoo: bar\n---\n")
    # empty `description:` and `tags:` lines set the fields to empty
    assert (own.fields.description, own.fields.tags) == ("", ())
    plain = pages["gitcap/plain.md"]
    assert (plain.fields.is_published, plain.fields.tags) == (True, ("alpha", "gamma"))


def test_legacy_crlf_html_and_locale_samples() -> None:
    result = load(SAMPLES / "external-edits-pushed", Config(locales=("en", "fr")))
    pages = by_source(result)
    assert pages["gitcap/fromgit/crlf.md"].content == "# CRLF\n"
    assert pages["gitcap/fromgit/crlf.md"].fields.description == "crlf"
    legacy = pages["gitcap/fromgit/legacy-v1.md"].fields
    assert (legacy.title, legacy.description) == ("Legacy Title", "Legacy subtitle")
    assert pages["gitcap/fromgit/ispublished-false.md"].fields.is_published is False
    assert pages["gitcap/fromgit/quoted-title.md"].fields.title == "Quoted: title"
    assert pages["fr/gitcap/page.md"].key == ("fr", "gitcap/page")
    assert pages["en/gitcap/explicit-en.md"].key == ("en", "gitcap/explicit-en")


# -- front matter fields ------------------------------------------------------------------------


def test_fields_the_file_does_not_set_stay_none(make_tree: MakeTree) -> None:
    page = by_source(load(make_tree({"doc.md": "---\ntitle: A\n---\nx\n"})))["doc.md"]
    f = page.fields
    assert (f.description, f.tags, f.is_published, f.is_private, f.editor) == (None,) * 5
    assert (f.publish_start_date, f.script_css, f.script_js) == (None, None, None)


def test_every_key_is_read(make_tree: MakeTree) -> None:
    text = (
        "---\ntitle: Full\ndescription: All keys\ntags: [Beta, alpha, beta]\nprivate: true\n"
        "isPublished: false\neditor: markdown\npublishStartDate: 2024-06-01T00:00:00Z\n"
        "publishEndDate: '2024-12-31'\nscriptCss: 'h1 { color: red }'\nscriptJs: console.log(1)\n"
        "date: 2020-01-01T00:00:00.000Z\ndateCreated: 2020-01-01T00:00:00.000Z\n---\nbody\n"
    )
    result = load(make_tree({"full.md": text}))
    assert result.problems == ()
    f = result.pages[0].fields
    assert (f.title, f.description, f.tags) == ("Full", "All keys", ("alpha", "beta"))
    assert (f.is_private, f.is_published, f.editor) == (True, False, "markdown")
    assert (f.publish_start_date, f.publish_end_date) == ("2024-06-01T00:00:00Z", "2024-12-31")
    assert (f.script_css, f.script_js) == ("h1 { color: red }", "console.log(1)")


def test_tags_as_wikijs_text(make_tree: MakeTree) -> None:
    page = load(
        make_tree({"doc.md": "---\ntitle: A\ntags: alpha, Mixed Case ,, delta\n---\nBody\n"})
    ).pages[0]
    assert page.fields.tags == ("alpha", "delta", "mixed case")


@pytest.mark.parametrize(
    ("header", "line", "needle"),
    [
        ("title: A\npublished: perhaps\n", 3, "'published' must be true or false"),
        ("title: A\ntags: {a: 1}\n", 3, "'tags' must be a list, or a text"),
        ("title: A\ntags: [[a]]\n", 3, "'tags' must be a list of texts"),
        ("title: [A, B]\n", 2, "'title' must be a text"),
        ("title: A\neditor: asciidoc\n", 3, "'editor' must be one of markdown, ckeditor, code"),
        ("title: A\npublishStartDate: next week\n", 3, "must be an ISO 8601 date"),
        (
            "title: A\npublished: true\nisPublished: false\n",
            4,
            "sets both 'published' and 'isPublished'",
        ),
    ],
)
def test_wrong_types_are_errors_on_the_key_line(
    make_tree: MakeTree, header: str, line: int, needle: str
) -> None:
    result = load(make_tree({"doc.md": f"---\n{header}---\nbody\n"}))
    assert result.pages == ()  # a file with an error is left out
    (problem,) = result.problems
    assert (problem.source, problem.line, problem.severity) == ("doc.md", line, "error")
    assert needle in problem.message


def test_unknown_keys_are_warnings(make_tree: MakeTree) -> None:
    result = load(make_tree({"doc.md": "---\ntitle: A\nauthor: me\n---\nbody\n"}))
    assert len(result.pages) == 1
    assert [(p.line, p.severity, p.message) for p in result.problems] == [
        (
            3,
            "warning",
            "unknown front matter key 'author' is ignored; list it under ignore_keys: in "
            "wikisync.yml to silence this",
        )
    ]


@pytest.mark.parametrize(
    ("files", "title"),
    [
        ({"doc.md": "---\ntitle: From header\n---\n# Heading\n"}, "From header"),
        ({"doc.md": "```\n# not a heading\n```\n\n# Real heading #\n"}, "Real heading"),
        ({"doc.md": "no heading at all\n"}, "doc"),
        ({"guide/index.md": "text\n"}, "guide"),
        ({"doc.html": "<h1 class='x'>Caf&eacute; <em>menu</em></h1><p>x</p>"}, "Café menu"),
    ],
)
def test_title_fallbacks(make_tree: MakeTree, files: dict[str, str], title: str) -> None:
    assert load(make_tree(files)).pages[0].fields.title == title


def test_html_files_default_to_the_ckeditor_editor(make_tree: MakeTree) -> None:
    pages = by_source(load(make_tree({"page.html": "<p>x</p>", "other.md": "x"})))
    assert pages["page.html"].fields.editor == "ckeditor"
    assert pages["other.md"].fields.editor is None


def test_digests_cover_content_and_set_fields(make_tree: MakeTree) -> None:
    pages = by_source(
        load(
            make_tree(
                {
                    "one.md": "---\ntitle: Same\n---\nbody\r\n\r\n",
                    "two.md": "---\ntitle: Same\n---\nbody\n",
                    "three.md": "---\ntitle: Same\ntags: [x]\n---\nbody\n",
                }
            )
        )
    )
    a, b, c = pages["one.md"], pages["two.md"], pages["three.md"]
    assert a.content == "body\n"
    assert a.content_digest == content_digest("body\n")
    assert a.digest == b.digest == page_digest("body\n", b.fields)
    assert c.content_digest == a.content_digest and c.digest != a.digest


def test_bom_is_dropped(make_tree: MakeTree) -> None:
    page = load(make_tree({"doc.md": b"\xef\xbb\xbf---\ntitle: BOM\n---\nx\n"})).pages[0]
    assert page.fields.title == "BOM"


# -- which files --------------------------------------------------------------------------------


def test_include_exclude_and_hidden_folders(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "README.md": "repo readme",
            "guide/setup.md": "x",
            "guide/README.md": "guide readme",
            "drafts/wip.md": "x",
            ".git/HEAD.md": "x",
            ".github/workflow.md": "x",
            "guide/.hidden.md": "x",
            "notes.txt": "x",
            "wikisync.yml": "exclude: [/README.md, 'drafts/**']\n",
        }
    )
    config = parse_config((root / "wikisync.yml").read_text())
    assert sorted(by_source(load(root, config))) == ["guide/README.md", "guide/setup.md"]


def test_symlinks_inside_are_followed(make_tree: MakeTree) -> None:
    root = make_tree({"real/a.md": "x", "beta.md": "y"})
    os.symlink(root / "real", root / "linked")
    os.symlink(root / "beta.md", root / "alias.md")
    result = load(root)
    assert result.problems == ()
    assert sorted(by_source(result)) == ["alias.md", "beta.md", "linked/a.md", "real/a.md"]


def test_not_a_directory_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a directory"):
        load_source(tmp_path / "missing", Config())


def test_local_assets_are_collected_with_size_and_digest(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "guide/a.md": "![x](img/Pixel%201.PNG)\n[y](../files/r.pdf)\n",
            "guide/img/Pixel 1.PNG": b"\x89PNG",
            "files/r.pdf": b"%PDF",
        }
    )
    result = load_source(root, Config(root="handbook"))
    assert result.problems == ()
    page = result.pages[0]
    assert page.assets == ("files/r.pdf", "guide/img/Pixel 1.PNG")
    assert page.content == "![x](/handbook/guide/img/pixel_1.png)\n[y](/handbook/files/r.pdf)\n"
    assets = {a.source: a for a in result.assets}
    png = assets["guide/img/Pixel 1.PNG"]
    assert (png.folder, png.filename, png.url, png.size) == (
        ("handbook", "guide", "img"),
        "pixel_1.png",
        "/handbook/guide/img/pixel_1.png",
        4,
    )
    assert png.used_by == ("guide/a.md",)
    assert len(png.digest) == 64


def test_links_between_pages_use_the_configured_root_and_locale(make_tree: MakeTree) -> None:
    root = make_tree({"guide/a.md": "[b](../b.md#x)\n", "b.md": "B\n", "fr/c.md": "[b](../b.md)\n"})
    pages = by_source(load(root, Config(root="handbook", locales=("en", "fr"))))
    assert pages["guide/a.md"].content == "[b](/en/handbook/b#x)\n"
    assert pages["fr/c.md"].content == "[b](/en/handbook/b)\n"
