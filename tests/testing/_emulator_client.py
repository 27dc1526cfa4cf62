"""A tiny GraphQL client for the emulator's tests (plain ``requests``, no SDK)."""

from __future__ import annotations

from typing import Any

import requests

from wikijs.testing import WikiJSEmulator

CREATE = """mutation ($path: String!, $content: String!, $title: String!, $tags: [String]!,
  $locale: String!, $editor: String!) {
  pages { create(content: $content, description: "", editor: $editor, isPublished: true,
    isPrivate: false, locale: $locale, path: $path, tags: $tags, title: $title) {
      responseResult { succeeded errorCode slug message } page { id path } } } }"""


class Client:
    """Posts GraphQL to one emulator with its API key (or another credential)."""

    def __init__(self, emulator: WikiJSEmulator, key: str | None = "default") -> None:
        self.emulator = emulator
        self.http = requests.Session()
        if key == "default":
            key = emulator.api_key
        if key is not None:
            self.http.headers["Authorization"] = f"Bearer {key}"

    def post(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> requests.Response:
        body = {"query": query, "variables": variables or {}}
        return self.http.post(f"{self.emulator.url}/graphql", json=body, **kwargs)

    def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = self.post(query, variables)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        return body["data"]

    def create(
        self,
        path: str,
        content: str = "# Page\n\nText.",
        *,
        title: str | None = None,
        tags: list[str] | None = None,
        locale: str = "en",
        editor: str = "markdown",
    ) -> dict[str, Any]:
        """``pages.create``; returns the ``create`` object (responseResult + page)."""
        variables = {
            "path": path,
            "content": content,
            "title": title or path,
            "tags": tags or [],
            "locale": locale,
            "editor": editor,
        }
        result: dict[str, Any] = self.data(CREATE, variables)["pages"]["create"]
        return result
