"""The ``wikijs`` command line (typer + rich): pages, assets, users, groups, export, info.

Thin commands over [`wikijs.WikiJSClient`][wikijs.WikiJSClient]; one error boundary
(``wikijs.cli._common.BoundaryGroup``); credentials from the environment only.
"""

from __future__ import annotations

from ._app import (
    app,
    main,
)

__all__ = [
    "app",
    "main",
]
