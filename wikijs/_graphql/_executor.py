"""What a resource asks the transport to send: one GraphQL ``Operation``.

Resource flows (``wikijs._flow``) build operations from the documents in
``wikijs._graphql`` and parse the answers; they never touch the network. The sync
transport sends them with ``requests``, the async one with ``aiohttp``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Operation:
    """One GraphQL request to send.

    ``name`` is the dotted operation name used for logging, metrics, rate limits and
    errors (``"pages.create"``). ``mutation`` decides the retry policy: a mutation is
    never re-sent once it may have reached the server.
    """

    name: str
    query: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    mutation: bool = False


def encode_operation(op: Operation) -> bytes:
    """The JSON body the transports send for ``op``: compact, UTF-8, non-ASCII unescaped."""
    body: dict[str, Any] = {"query": op.query}
    if op.variables:
        body["variables"] = dict(op.variables)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
