"""What is particular to ``wikijs.aio``: the optional dependency, coroutines, the session."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
import types
from typing import Any

import aiohttp
import pytest

import wikijs.aio
from wikijs import PagesAPI, WikiJSClient
from wikijs.aio import AsyncWikiJSClient
from wikijs.testing import Fault, WikiJSEmulator


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_importing_wikijs_does_not_import_aiohttp() -> None:
    result = _python("import sys, wikijs; print('aiohttp' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_without_aiohttp_the_import_error_names_the_extra() -> None:
    result = _python("import sys; sys.modules['aiohttp'] = None; import wikijs.aio")
    assert result.returncode == 1
    assert "ImportError: wikijs.aio needs aiohttp" in result.stderr
    assert "pip install 'wikisync[async]'" in result.stderr


@pytest.mark.parametrize("module", [wikijs.aio], ids=lambda m: m.__name__)
def test_all_is_sorted_and_complete(module: types.ModuleType) -> None:
    names = list(module.__all__)
    assert names == sorted(names)
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - {"annotations"} == set(names)


def test_resource_methods_are_coroutine_functions_with_the_sync_signature() -> None:
    sync = WikiJSClient("http://127.0.0.1:9", api_key="k" * 20)
    client = AsyncWikiJSClient("http://127.0.0.1:9", api_key="k" * 20)
    for name in ("create", "update", "get_many", "rebuild_tree"):
        method = getattr(client.pages, name)
        assert inspect.iscoroutinefunction(method)
        assert inspect.signature(method) == inspect.signature(getattr(sync.pages, name))
        assert method.__doc__ == getattr(PagesAPI, name).__doc__
    assert inspect.iscoroutinefunction(client.whoami)
    assert not inspect.iscoroutinefunction(sync.pages.create)
    assert repr(client) == "AsyncWikiJSClient(url='http://127.0.0.1:9', auth=API key)"
    sync.close()


def test_a_given_session_is_used_and_requests_in_flight_stay_bounded() -> None:
    in_flight = [0]
    peak = [0]

    async def started(*_: Any) -> None:
        in_flight[0] += 1
        peak[0] = max(peak[0], in_flight[0])

    async def ended(*_: Any) -> None:
        in_flight[0] -= 1

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(started)
    trace.on_request_end.append(ended)

    async def main(emu: WikiJSEmulator, ids: list[int]) -> list[str]:
        session = aiohttp.ClientSession(trace_configs=[trace])
        async with AsyncWikiJSClient(
            emu.url, api_key=emu.api_key, session=session, max_concurrency=3, cache=False
        ) as wiki:
            pages = await asyncio.gather(*(wiki.pages.get(i) for i in ids))
        assert session.closed
        return [p.content for p in pages]

    with WikiJSEmulator() as emu:
        emu.faults.add(Fault(kind="slow", delay=0.05, operation="pages.single"))
        ids = [emu.add_page(f"docs/p{i}", f"# {i}") for i in range(9)]
        assert asyncio.run(main(emu, ids)) == [f"# {i}" for i in range(9)]
    assert peak[0] == 3
    assert in_flight[0] == 0


def test_one_client_serves_many_tasks_and_closes_cleanly() -> None:
    async def main(emu: WikiJSEmulator) -> tuple[int, int]:
        wiki = AsyncWikiJSClient(emu.url, api_key=emu.api_key, rate_limit=False)
        try:
            created = await asyncio.gather(
                *(wiki.pages.create(f"docs/task-{i}", content=f"# {i}") for i in range(12))
            )
            listed = await wiki.pages.list()
        finally:
            await wiki.close()
        return len({p.id for p in created}), len(listed)

    with WikiJSEmulator() as emu:
        assert asyncio.run(main(emu)) == (12, 12)
        assert emu.log.count("users.profile") == 1


def _deny_guests_assets(emu: WikiJSEmulator, path: str) -> None:
    with WikiJSClient(emu.url, api_key=emu.api_key) as admin:
        rules = [r.model_dump() for r in admin.groups.get(2).page_rules]
        rule = {"id": "p", "deny": True, "match": "START", "roles": ["read:assets"]}
        admin.groups.update(2, page_rules=[*rules, {**rule, "path": path}])
        folder = admin.assets.ensure_folder(path)
        admin.assets.upload(b"state", filename="head.json", folder_id=folder)


def test_a_guest_read_sends_no_credentials_even_after_a_login() -> None:
    # A login leaves a jwt cookie in the client's session: the Guest read must not send it.
    async def main(emu: WikiJSEmulator) -> bool:
        wiki = AsyncWikiJSClient(
            emu.url, username=emu.admin_email, password=emu.admin_password, rate_limit=False
        )
        try:
            await wiki.pages.list()  # logs in
            return await wiki.assets.readable_by_guests("/private/head.json")
        finally:
            await wiki.close()

    with WikiJSEmulator() as emu:
        _deny_guests_assets(emu, "private")
        assert asyncio.run(main(emu)) is False
        with WikiJSClient(emu.url, username=emu.admin_email, password=emu.admin_password) as sync:
            sync.pages.list()
            assert sync.assets.readable_by_guests("/private/head.json") is False
            assert sync.assets.download("/private/head.json") == b"state"
