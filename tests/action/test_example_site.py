"""examples/site: the example handbook validates clean and shows what wikisync supports."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from wikisync.local.config import load_config
from wikisync.local.source import load_source
from wikisync.local.validate import validate
from wikisync.plan.model import LocalPage

SITE = Path(__file__).resolve().parents[2] / "examples" / "site"


def _pages() -> dict[tuple[str, str], LocalPage]:
    result = load_source(SITE, load_config(SITE))
    return {(p.locale, p.path): p for p in result.pages}


def test_example_site_validates_without_problems() -> None:
    assert validate(SITE) == []


def test_example_site_has_nested_pages_in_two_locales() -> None:
    pages = _pages()
    english = [k for k in pages if k[0] == "en"]
    french = [k for k in pages if k[0] == "fr"]
    assert len(english) >= 22 and len(french) >= 4
    assert ("en", "handbook") in pages and ("fr", "handbook") in pages
    assert ("en", "handbook/guides/deploy/kubernetes") in pages
    assert not [k for k in pages if "drafts" in k[1]], "drafts/ is excluded by wikisync.yml"
    assert (SITE / "drafts").is_dir() and (SITE / "README.md").is_file()


def test_example_site_front_matter_styles_load() -> None:
    pages = _pages()

    def page(path: str, locale: str = "en") -> LocalPage:
        return pages[(locale, "handbook" + ("/" + path if path else ""))]

    security = page("policies/security")  # Wiki.js Git storage header, unquoted colon title
    assert security.fields.title == "Security policy: the short version"
    assert security.fields.tags == ("policy", "security")
    troubleshooting = page("guides/troubleshooting")  # no front matter at all
    assert troubleshooting.fields.title == "Troubleshooting"
    assert page("team/offsite-2025").fields.is_published is False
    assert page("team/meeting-notes").fields.editor == "ckeditor"
    assert page("guides/monitoring").fields.tags == ("alerts", "monitoring", "prometheus")


def test_example_site_links_are_rewritten_except_in_code() -> None:
    content = _pages()[("en", "handbook/guides/troubleshooting")].content
    assert "[dashboards](/en/handbook/guides/monitoring#dashboards)" in content
    assert "See [the setup page](not-a-file.md) and ![a diagram](img/missing.png)." in content
    first_steps = _pages()[("en", "handbook/getting-started/first-steps")].content
    assert "[cli]: /en/handbook/reference/cli" in first_steps


def test_example_site_shares_one_image_between_pages() -> None:
    result = load_source(SITE, load_config(SITE))
    shared = [a for a in result.assets if a.source == "images/architecture.png"]
    assert len(shared) == 1 and len(shared[0].used_by) >= 2
    assert {a.source for a in result.assets} >= {"team/files/on-call-checklist.pdf"}


def _png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks.append(kind)
        pos += 12 + length
    return chunks


def test_example_images_are_valid_pngs() -> None:
    images = sorted(SITE.rglob("*.png"))
    assert len(images) >= 3
    for image in images:
        data = image.read_bytes()
        assert _png_chunks(data)[0] == b"IHDR" and _png_chunks(data)[-1] == b"IEND"
        assert 100 <= len(data) <= 2_000, image
    pdf = (SITE / "team" / "files" / "on-call-checklist.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
