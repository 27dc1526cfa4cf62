"""wikisync's folders show its flow, and imports only go the way the flow goes.

files -> ``local`` (desired pages) ; wiki -> ``wiki`` (actual state) ; ``plan`` (pure) ;
``render`` (a plan in, text out) ; ``apply`` ; ``pull`` ; ``ci`` ; ``cli`` on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import wikisync

PACKAGE = Path(wikisync.__file__).parent
FOLDERS = ("apply", "ci", "cli", "local", "plan", "pull", "render", "wiki")

# Which wikisync folders a folder may import from (besides the shared top-level modules).
FORBIDDEN: dict[str, set[str]] = {
    "local": {"wiki", "apply", "cli", "pull", "render", "ci"},
    "plan": {"wiki", "apply", "cli", "pull", "render", "ci", "engine"},
    "render": {"wiki", "apply", "cli", "pull", "local", "ci", "engine"},
    "wiki": {"apply", "cli", "pull", "render", "ci", "engine"},
    "apply": {"cli", "pull", "ci", "render"},
    "pull": {"cli", "apply", "render", "engine"},
}
# What may be taken from the SDK outside ``wikisync.wiki``: its version, its help
# formatting, its emulator (the demo) and its pure rules (paths, request sizes, file names).
SDK_OUTSIDE_WIKI = {
    "wikijs._version": None,
    "wikijs.cli._help": None,
    "wikijs.testing": None,
    "wikijs": {"validate_path", "PageCreate", "page_write_bytes", "asset_filename"},
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, set[str], int]]:
    """(module, names, line) for every import in ``path``, nested ones included."""
    found: list[tuple[str, set[str], int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, {a.name for a in node.names}, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((a.name, set(), node.lineno) for a in node.names)
    return found


def _folder(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else None


def _wikisync_part(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "wikisync" or len(parts) < 2:
        return None
    return parts[1]


def test_the_folders_are_the_flow() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(FOLDERS)


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_folder_says_what_comes_in_and_what_goes_out(folder: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text())) or ""
    words = doc.lower()
    assert len(doc.split()) >= 20, f"{folder}/__init__.py needs a docstring that explains it"
    if folder != "cli":
        assert "in:" in words and "out:" in words, f"{folder}: say what comes in and goes out"


def test_imports_follow_the_flow() -> None:
    wrong = []
    for path in _modules():
        folder = _folder(path)
        banned = FORBIDDEN.get(folder or "", set())
        for module, _, line in _imports(path):
            part = _wikisync_part(module)
            if part in banned:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_only_the_wiki_side_uses_the_sdk() -> None:
    wrong = []
    for path in _modules():
        if _folder(path) == "wiki":
            continue
        for module, names, line in _imports(path):
            if module != "wikijs" and not module.startswith("wikijs."):
                continue
            allowed = SDK_OUTSIDE_WIKI.get(module, set())
            if allowed is None or (names and names <= allowed):
                continue
            wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module} {sorted(names)}")
    assert not wrong, "\n".join(wrong)


def test_pull_reads_the_wiki_only_through_the_wiki_side() -> None:
    for path in (PACKAGE / "pull").rglob("*.py"):
        modules = {module for module, _, _ in _imports(path)}
        assert not {m for m in modules if m == "wikijs" or m.startswith("wikijs.")}, path


def test_renderers_take_a_plan() -> None:
    """Every public render_* function's first parameter is a plan or problems, never I/O."""
    import inspect

    import wikisync.render as render

    for name in render.__all__:
        if not name.startswith("render_"):
            continue
        first = next(iter(inspect.signature(getattr(render, name)).parameters.values()))
        assert first.annotation in {"Plan", "Sequence[Problem]", "Iterable[Problem]"}, (
            name,
            first.annotation,
        )


def test_long_modules_say_why() -> None:
    """A module over about 500 lines says in its docstring why it is one module."""
    quiet = []
    for path in _modules():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines <= 550:
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if "one module" not in doc.lower():
            quiet.append(f"{path.relative_to(PACKAGE)} ({lines} lines)")
    assert not quiet, "say why these are one module: " + ", ".join(quiet)


def test_markdown_structure_is_read_by_the_parser() -> None:
    """No module of ``wikisync.local`` finds code fences with a pattern of its own: where
    fences (and with them containers and headings) are comes from markdown-it-py."""
    fence_patterns = ("`{3", "~{3", "```|~~~", "(`{", "(~{")
    for path in sorted((PACKAGE / "local").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                "compile",
                "match",
                "search",
                "fullmatch",
            ):
                for argument in node.args[:1]:
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        found = [p for p in fence_patterns if p in argument.value]
                        assert not found, f"{path.relative_to(PACKAGE)}:{node.lineno} {found}"
