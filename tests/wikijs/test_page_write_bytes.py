"""``page_write_bytes``: the size of a page write, measured as the transport encodes it.

Checked against the transport's own refusal (``max_body_bytes``): a limit one byte below
the measured size refuses the write, a limit equal to it lets the emulator store it.
"""

from __future__ import annotations

import pytest

from wikijs import PageCreate, PayloadTooLargeError, page_write_bytes
from wikijs._auth import ApiKeyAuth
from wikijs._pages import PagesAPI
from wikijs._transport import Transport
from wikijs.testing import WikiJSEmulator

CONTENTS = {
    "ascii": "plain text\n" * 50,
    "cjk": "漢字かなカナ한국어\n" * 40,
    "astral and controls": 'emoji 🙂🚀 tab\t quote" backslash\\ bell\x07\n' * 20,
}


@pytest.mark.parametrize("name", list(CONTENTS))
def test_the_measured_size_is_the_size_the_transport_sends(name: str) -> None:
    item = PageCreate(
        path=f"size/{name.replace(' ', '-')}",
        content=CONTENTS[name],
        title="Größe 大小",
        description="déjà vu",
        tags=("ä", "b"),
    )
    size = page_write_bytes(item)
    assert len(item.content.encode("utf-8")) < size
    with WikiJSEmulator() as emulator:
        for limit, fits in ((size - 1, False), (size, True)):
            transport = Transport(
                emulator.url, auth=ApiKeyAuth(emulator.api_key), max_body_bytes=limit
            )
            try:
                pages = PagesAPI(transport)
                if fits:
                    created = pages.create(item.path, content=item.content, title=item.title,
                                           description=item.description, tags=item.tags)  # fmt: skip
                    assert emulator.find_page(item.path) is not None
                    # The update of the same page with the same fields fits too.
                    pages.update(created.id, current=created, content=item.content)
                else:
                    with pytest.raises(PayloadTooLargeError) as refused:
                        pages.create(item.path, content=item.content, title=item.title,
                                     description=item.description, tags=item.tags)  # fmt: skip
                    assert refused.value.size == size
                    assert emulator.find_page(item.path) is None
            finally:
                transport.close()


def test_cjk_costs_its_utf8_bytes_not_ascii_escapes() -> None:
    content = "漢" * 1_000_000  # 3 MB in UTF-8, 6 MB as "\\u6f22" escapes
    size = page_write_bytes(PageCreate(path="cjk", content=content))
    assert 3_000_000 < size < 3_000_000 + 2_000
