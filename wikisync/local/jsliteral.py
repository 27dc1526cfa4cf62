"""A JavaScript or TypeScript settings file read as text, never run: its literal values.

Generators such as VitePress keep their settings in a module
(``export default defineConfig({...})``). What is written there as literals (objects,
arrays, strings, numbers, booleans), also through a ``const`` or a function that returns
one, is read; anything else (an import, a computed value, a template with ``${}``) is
``UNKNOWN``. ``read_module`` returns the default export's value (or ``module.exports``'s)
and whether any of it was unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["UNKNOWN", "Unknown", "read_module"]


class Unknown:
    """A value that cannot be known without running the file."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_$][\w$]*)
  | (?P<punct>\.\.\.|=>|[{}\[\](),:;=.?!<>|&+\-*/%])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
_MAX_DEPTH = 64
_STATEMENTS = frozenset({"const", "let", "var", "function", "export", "import", "return"})


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "space":
            out.append((kind, match.group(0)))
    return out


def _unquote(token: str) -> str | Unknown:
    body = token[1:-1]
    if token[0] == "`" and "${" in body:
        return UNKNOWN
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.DOTALL)


@dataclass
class _Reader:
    tokens: list[tuple[str, str]]
    consts: dict[str, int] = field(default_factory=dict)
    functions: dict[str, int] = field(default_factory=dict)
    resolving: set[str] = field(default_factory=set)
    unknown: bool = False

    def at(self, index: int) -> str:
        return self.tokens[index][1] if index < len(self.tokens) else ""

    def skip(self, index: int) -> int:
        """The index after the expression starting at ``index`` (to ``,`` or a closing
        bracket at its own depth)."""
        depth = 0
        while index < len(self.tokens):
            token = self.at(index)
            if token in "([{" and self.tokens[index][0] == "punct":
                depth += 1
            elif token in ")]}" and self.tokens[index][0] == "punct":
                if depth == 0:
                    return index
                depth -= 1
            elif depth == 0 and (token in (",", ";") or token in _STATEMENTS):
                return index  # (a statement keyword: the line before ended without ";")
            index += 1
        return index

    def closing(self, index: int) -> int:
        """The index after the bracket group opening at ``index``."""
        depth = 0
        while index < len(self.tokens):
            kind, token = self.tokens[index]
            if kind == "punct" and token in "([{":
                depth += 1
            elif kind == "punct" and token in ")]}":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return index

    def value(self, index: int, depth: int = 0) -> tuple[Any, int]:
        """The value of the expression at ``index`` and the index after it."""
        if depth > _MAX_DEPTH or index >= len(self.tokens):
            self.unknown = True
            return UNKNOWN, self.skip(index)
        kind, token = self.tokens[index]
        found: Any = UNKNOWN
        end = index + 1
        if token == "{":
            found, end = self.obj(index + 1, depth + 1)
        elif token == "[":
            found, end = self.array(index + 1, depth + 1)
        elif kind == "string":
            found = _unquote(token)
        elif kind == "number":
            found = float(token) if "." in token else int(token)
        elif token in ("true", "false"):
            found = token == "true"
        elif token in ("null", "undefined"):
            found = None
        elif kind == "name":
            if self.at(end) == "(" and token in self.functions:
                found = self.lookup(token, self.functions, depth)
                end = self.closing(end)
            elif self.at(end) == "(" and self.at(end + 1) == "{":
                found, _ = self.value(end + 1, depth + 1)  # defineConfig({...})
                end = self.closing(end)
            elif token in self.consts:
                found = self.lookup(token, self.consts, depth)
        after = self.skip(end)
        if after != end:  # more follows (an operator, a call, a member): not a literal
            found = UNKNOWN
        if isinstance(found, Unknown):
            self.unknown = True
        return found, after

    def lookup(self, name: str, table: dict[str, int], depth: int) -> Any:
        if name in self.resolving:
            return UNKNOWN
        self.resolving.add(name)
        try:
            return self.value(table[name], depth + 1)[0]
        finally:
            self.resolving.discard(name)

    def obj(self, index: int, depth: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        while index < len(self.tokens) and self.at(index) != "}":
            kind, token = self.tokens[index]
            if token == ",":
                index += 1
                continue
            if token == "...":
                spread, index = self.value(index + 1, depth)
                if isinstance(spread, dict):
                    out.update(spread)
                continue
            if kind in ("name", "string", "number") and self.at(index + 1) == ":":
                key = _unquote(token) if kind == "string" else token
                found, index = self.value(index + 2, depth)
                if isinstance(key, str):
                    out[key] = found
                continue
            if kind == "name" and self.at(index + 1) in (",", "}"):
                out[token] = (
                    self.lookup(token, self.consts, depth) if token in self.consts else UNKNOWN
                )
                index += 1
                continue
            # a method, a computed key, anything else: skip it
            self.unknown = True
            index = self.skip(index + 1)
            if self.at(index) == "{":  # a method's body
                index = self.closing(index)
        return out, index + 1

    def array(self, index: int, depth: int) -> tuple[list[Any], int]:
        out: list[Any] = []
        while index < len(self.tokens) and self.at(index) != "]":
            if self.at(index) == ",":
                index += 1
                continue
            if self.at(index) == "...":
                spread, index = self.value(index + 1, depth)
                if isinstance(spread, list):
                    out.extend(spread)
                continue
            found, index = self.value(index, depth)
            out.append(found)
        return out, index + 1

    def declarations(self) -> int | None:
        """Find the ``const``s and functions, and where the default export's value is."""
        export: int | None = None
        index = 0
        while index < len(self.tokens):
            token = self.at(index)
            if token in ("const", "let", "var") and self.tokens[index + 1 : index + 2]:
                name = self.at(index + 1)
                at = index + 2
                if self.at(at) == ":":  # a type annotation: skip to "="
                    while at < len(self.tokens) and self.at(at) != "=":
                        at += 1
                if self.at(at) == "=":
                    self.consts.setdefault(name, at + 1)
                index = at + 1
                continue
            if token == "function" and self.tokens[index + 1 : index + 2]:
                name = self.at(index + 1)
                at = index + 2
                while at < len(self.tokens) and self.at(at) != "{":
                    at = self.closing(at) if self.at(at) == "(" else at + 1
                if self.at(at + 1) == "return":
                    self.functions.setdefault(name, at + 2)
                index = at + 1
                continue
            start = None
            if token == "export" and self.at(index + 1) == "default":
                start = index + 2
            elif token == "module" and self.tokens[index + 1 : index + 4] == [
                ("punct", "."),
                ("name", "exports"),
                ("punct", "="),
            ]:
                start = index + 4
            if start is not None:
                at = start
                if not (self.at(at) in self.consts and self.at(at + 1) != "("):
                    while at < len(self.tokens) and self.at(at) != "{":
                        at += 1  # defineConfig({...}), withPlugin(defineConfig({...}))
                export = at
                index = at
                continue
            index += 1
        return export


def read_module(text: str) -> tuple[dict[str, Any], bool]:
    """The default export (or ``module.exports``) of a settings module as data (``{}`` when it has none), and
    whether any part of it could not be read statically (``UNKNOWN`` values)."""
    reader = _Reader(_tokens(text))
    export = reader.declarations()
    if export is None or export >= len(reader.tokens):
        return {}, True
    found, _ = reader.value(export)
    return (found if isinstance(found, dict) else {}), reader.unknown
