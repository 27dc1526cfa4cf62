"""wikijs.aio: the asyncio twin of [`wikijs.WikiJSClient`][wikijs.WikiJSClient] (``pip install 'wikisync[async]'``).

```python
from wikijs.aio import AsyncWikiJSClient

async with AsyncWikiJSClient.from_env() as wiki:      # WIKIJS_URL + WIKIJS_API_KEY
    page = await wiki.pages.get_by_path("handbook/setup")
    await wiki.pages.update(page.id, current=page, title="Setup")
```

The async client shares the sync client's GraphQL documents, parsers, resource logic,
models and exceptions (import those from ``wikijs``); only its transport differs.
Importing this module without aiohttp installed raises an ImportError naming the extra.
"""

from __future__ import annotations

from ._client import (
    AsyncWikiJSClient,
)
from ._transport import (
    DEFAULT_MAX_CONCURRENCY,
    AsyncTransport,
)

__all__ = [
    "AsyncTransport",
    "AsyncWikiJSClient",
    "DEFAULT_MAX_CONCURRENCY",
]
