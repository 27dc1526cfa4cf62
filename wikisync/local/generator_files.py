"""Reading a generator's settings file (``mkdocs.yml``, ``hugo.toml``, ``docusaurus.config.js``
...) with bounds, and saying where in it a setting is.

A settings file is read only when it is a regular file of at most ``MAX_SETTINGS_BYTES``;
YAML is read with a safe loader that knows MkDocs's tags (``!ENV`` is resolved from the
environment as MkDocs resolves it; ``!relative`` and ``!!python/...`` are never run, their
values read as nothing), refuses nesting deeper than ``MAX_SETTINGS_DEPTH`` before building
anything, and refuses aliases that would expand to more than ``MAX_SETTINGS_NODES`` values
(a "billion laughs" file); TOML and JSON are checked for the same depth. A file that
cannot be read gives a warning naming it (and its line, where there is one) and the
settings that are therefore ignored: never a traceback, never silence.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

from wikisync.plan.model import Problem

__all__ = [
    "MAX_SETTINGS_BYTES",
    "MAX_SETTINGS_DEPTH",
    "MAX_SETTINGS_NODES",
    "SETTINGS_CODE",
    "SettingsFile",
    "read_settings_file",
]

MAX_SETTINGS_BYTES = 1_048_576
"""A generator's settings file larger than this (1 MiB) is not read."""
MAX_SETTINGS_DEPTH = 64
"""Deepest nesting of lists and mappings read from a settings file."""
MAX_SETTINGS_NODES = 200_000
"""Most values a YAML settings file may hold once its aliases are expanded."""
SETTINGS_CODE = "generator-settings"
"""The problem code of everything said about a generator's settings file."""

Kind = Literal["yaml", "toml", "json", "text"]


@dataclass(frozen=True)
class SettingsFile:
    """One settings file as read: ``data`` (empty when it could not be read), ``text``,
    ``label`` (its path as the content directory sees it, ``../mkdocs.yml``) and the
    ``problems`` found reading it."""

    path: Path
    label: str
    data: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    problems: tuple[Problem, ...] = ()
    key_lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        return not self.problems

    def line_of(self, key: str, *needles: str) -> int | None:
        """The line of the top-level ``key`` (YAML), else of the first line holding any of
        ``needles`` (or ``key`` itself)."""
        if key in self.key_lines:
            return self.key_lines[key]
        for needle in needles or (key,):
            at = self.text.find(needle)
            if at >= 0:
                return self.text.count("\n", 0, at) + 1
        return None

    def problem(
        self, line: int | None, message: str, severity: Literal["error", "warning"] = "error"
    ) -> Problem:
        return Problem(self.label, line, message, SETTINGS_CODE, severity)


class _Unreadable(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read_settings_file(path: Path, label: str, kind: Kind, ignored: Iterable[str]) -> SettingsFile:
    """``path`` read as ``kind``; when it cannot be, a warning that names it, the line
    where there is one, and the settings ``ignored`` because of it."""
    try:
        text = _read_text(path)
        data, key_lines = _parse(text, kind)
    except _Unreadable as exc:
        names = ", ".join(ignored)
        warning = Problem(
            label,
            exc.line,
            f"{exc.message}; its settings ({names}) are ignored",
            SETTINGS_CODE,
            "warning",
        )
        return SettingsFile(path, label, problems=(warning,))
    return SettingsFile(path, label, data, text, key_lines=key_lines)


def _read_text(path: Path) -> str:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("is not a regular file")
        if info.st_size > MAX_SETTINGS_BYTES:
            raise _Unreadable(
                f"is {info.st_size:,} bytes; settings files over {MAX_SETTINGS_BYTES:,} "
                "bytes are not read"
            )
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise _Unreadable(
            f"is over {MAX_SETTINGS_BYTES:,} bytes; settings files that large are not read"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Unreadable("is not UTF-8 text", raw[: exc.start].count(b"\n") + 1) from None


def _parse(text: str, kind: Kind) -> tuple[dict[str, Any], dict[str, int]]:
    if kind == "text":
        return {}, {}
    if kind == "yaml":
        return _parse_yaml(text)
    try:
        if kind == "toml":
            data: Any = tomllib.loads(text)
        else:
            data = json.loads(text)
    except RecursionError:
        raise _Unreadable(f"is nested more than {MAX_SETTINGS_DEPTH} levels deep") from None
    except tomllib.TOMLDecodeError as exc:
        raise _Unreadable(f"is not valid TOML: {_toml_message(exc)}", _toml_line(exc)) from None
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"is not valid JSON: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # a number too long to convert
        raise _Unreadable(f"is not valid {kind.upper()}: {str(exc)[:200]}") from None
    if _depth(data) > MAX_SETTINGS_DEPTH:
        raise _Unreadable(f"is nested more than {MAX_SETTINGS_DEPTH} levels deep")
    if not isinstance(data, dict):
        raise _Unreadable(f"is a {type(data).__name__}, not a mapping of settings")
    return data, {}


_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def _toml_line(exc: Exception) -> int | None:
    match = _TOML_AT.search(str(exc))
    return int(match.group(1)) if match else None


def _toml_message(exc: Exception) -> str:
    return _TOML_AT.sub("", str(exc))


def _depth(data: Any) -> int:
    """Nesting depth of lists and mappings, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_SETTINGS_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


# -- YAML ------------------------------------------------------------------------------------


class _SettingsLoader(yaml.SafeLoader):
    """The safe loader, plus MkDocs's tags: ``!ENV`` resolved, every other tag opaque."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """MkDocs's ``!ENV VAR`` or ``!ENV [VAR, OTHER, default]``: the first variable set in
    the environment (read as YAML reads a plain value), else the last item of a list of
    two or more as the default, else nothing."""
    default: Any = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        items = list(node.value)
        if len(items) > 1:
            default = loader.construct_object(items[-1])
            items = items[:-1]
        names = [
            loader.construct_scalar(item) for item in items if isinstance(item, yaml.ScalarNode)
        ]
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


def _opaque(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_SettingsLoader.add_constructor("!ENV", _env_tag)
_SettingsLoader.add_multi_constructor("!", _opaque)
_SettingsLoader.add_multi_constructor("tag:yaml.org,2002:python/", _opaque)


def _parse_yaml(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        _check_yaml_depth(text)
        loader = _SettingsLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return {}, {}
            _check_yaml_size(node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise _Unreadable(f"is not valid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise _Unreadable(f"is not valid YAML: {exc}") from None
    except (ValueError, TypeError, KeyError, AttributeError):  # !!int ten, !!bool maybe
        raise _Unreadable("holds a value that cannot be read as the type its tag names") from None
    if not isinstance(data, dict):
        raise _Unreadable(f"is a {type(data).__name__}, not a mapping of settings")
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_lines.setdefault(str(key_node.value), key_node.start_mark.line + 1)
    return data, key_lines


def _check_yaml_depth(text: str) -> None:
    """Refuse nesting deeper than ``MAX_SETTINGS_DEPTH`` from the parser's events, before
    any node is built (the composer recurses once per level)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_SETTINGS_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise _Unreadable(f"is nested more than {MAX_SETTINGS_DEPTH} levels deep", line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_yaml_size(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand to more than ``MAX_SETTINGS_NODES`` values,
    or that holds itself: each node is counted once, with the expanded size of its
    children (aliases share nodes), without recursion."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children: list[yaml.Node]
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            sizes[key] = 1
            continue
        if done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in children)
            if total > MAX_SETTINGS_NODES:
                raise _Unreadable(
                    f"expands to more than {MAX_SETTINGS_NODES:,} values through its aliases",
                    node.start_mark.line + 1,
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _Unreadable("holds itself through an alias", node.start_mark.line + 1)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
