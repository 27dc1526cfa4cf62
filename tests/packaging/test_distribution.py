"""The distribution as users get it: build the wheel and sdist, install into a clean venv.

Needs the package index (for the build backend and the runtime dependencies), nothing
else. Slow: it builds, creates a virtualenv and installs into it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wikijs import __version__

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


def _run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=env,
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("dist")
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-isolation"]
    _run(sys.executable, "-m", "build", *isolation, "--outdir", out, ROOT)
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return Built(wheel, sdist)


@pytest.fixture(scope="module")
def clean_venv(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new virtualenv with the wheel and its runtime dependencies only."""
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    bin_dir = home / ("Scripts" if os.name == "nt" else "bin")
    _run(
        bin_dir / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", built.wheel
    )
    yield bin_dir


def test_twine_accepts_the_wheel_and_the_sdist(built: Built) -> None:
    output = _run(sys.executable, "-m", "twine", "check", "--strict", built.wheel, built.sdist)
    assert output.count("PASSED") == 2


def test_the_wheel_carries_the_data_files_and_both_commands(built: Built) -> None:
    assert built.wheel.name == f"wikisync-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
        info = f"wikisync-{__version__}.dist-info"
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
        metadata = wheel.read(f"{info}/METADATA").decode()
    assert {
        "wikijs/testing/data/introspection.json",
        "wikijs/py.typed",
        "wikisync/py.typed",
        "wikijs/aio/_transport.py",
        "wikijs/cli/__init__.py",
    } <= names
    assert not any(name.startswith("tests/") for name in names)
    assert "wikijs = wikijs.cli:main" in entry_points
    assert "wikisync = wikisync.cli:main" in entry_points
    assert "Provides-Extra: async" in metadata
    assert "Provides-Extra: redis" in metadata
    assert "License-Expression: MIT" in metadata
    assert "Requires-Python: >=3.10" in metadata


def test_the_installed_wheel_runs_without_dev_dependencies(clean_venv: Path) -> None:
    assert _run(clean_venv / "wikisync", "--version").strip() == f"wikisync {__version__}"
    assert "Usage: wikijs" in _run(clean_venv / "wikijs", "--help")
    assert _run(clean_venv / "wikijs", "--version").strip() == f"wikijs {__version__}"
    probe = (
        "import importlib.util, wikijs, wikisync, wikijs.cli, wikisync.cli, wikijs.testing\n"
        "print(wikijs.__version__, wikisync.__version__)\n"
        "print([m for m in ('pytest', 'responses', 'aiohttp') if importlib.util.find_spec(m)])"
    )
    versions, dev_modules = _run(clean_venv / "python", "-c", probe).splitlines()
    assert versions == f"{__version__} {__version__}"
    assert dev_modules == "[]"


def test_without_the_async_extra_wikijs_aio_names_it(clean_venv: Path) -> None:
    result = subprocess.run(
        [str(clean_venv / "python"), "-c", "import wikijs.aio"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "pip install 'wikisync[async]'" in result.stderr


def test_the_wheel_ships_the_example_site_as_it_is_in_examples(built: Built) -> None:
    source = ROOT / "examples" / "site"
    expected = {
        path.relative_to(source).as_posix(): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file()
    }
    prefix = "wikisync/_demo_site/"
    with zipfile.ZipFile(built.wheel) as wheel:
        packaged = {
            name[len(prefix) :]: wheel.read(name)
            for name in wheel.namelist()
            if name.startswith(prefix) and not name.endswith("/")
        }
    assert "wikisync.yml" in expected
    assert sorted(packaged) == sorted(expected)
    assert packaged == expected


def test_the_demo_runs_from_the_installed_wheel_outside_the_checkout(
    clean_venv: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIKIJS_", "PYTHON"))}
    output = _run(clean_venv / "wikisync", "demo", cwd=elsewhere, env=env)
    assert "_demo_site" in output
    assert str(ROOT) not in output
    assert output.rstrip().splitlines()[-1].startswith("No changes.")
    assert list(elsewhere.iterdir()) == []


def test_without_the_redis_extra_the_redis_cache_names_it(clean_venv: Path) -> None:
    probe = "from wikijs.cache import MemoryCache, RedisCache\nRedisCache()"
    result = subprocess.run(
        [str(clean_venv / "python"), "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "pip install 'wikisync[redis]'" in result.stderr
