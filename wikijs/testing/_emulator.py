"""``WikiJSEmulator``: a Wiki.js 2.5.314 stand-in serving the real API on loopback."""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, fields
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, TypeVar

from wikijs.testing._assets import find_asset
from wikijs.testing._engine import Engine, HttpResponse
from wikijs.testing._faults import Fault, FaultSet
from wikijs.testing._log import RequestLog
from wikijs.testing._server import EmulatorHTTPServer
from wikijs.testing._state import PageRow, WikiState, read_state_file, write_state_file
from wikijs.testing._timing import (
    REAL_SERVER_TIMINGS,
    CostModel,
    RaceModel,
    TagRace,
    Timings,
    TreeRace,
    WriteCost,
)
from wikijs.testing._wiki import Wiki, hash_password

logger = logging.getLogger("wikijs.testing")
T = TypeVar("T")

_CAMEL = {
    "contentType": "content_type",
    "isPublished": "is_published",
    "isPrivate": "is_private",
    "publishStartDate": "publish_start_date",
    "publishEndDate": "publish_end_date",
    "scriptCss": "script_css",
    "scriptJs": "script_js",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "authorId": "author_id",
    "creatorId": "creator_id",
}


@dataclass(frozen=True)
class PageRecord:
    """A snapshot of one page as the emulator stores it.

    Read it as attributes (``page.content``) or like the GraphQL object
    (``page["content"]``, ``page["isPublished"]``); ``tags`` are tag names.
    """

    id: int
    path: str
    locale: str
    title: str
    description: str
    content: str
    editor: str
    content_type: str
    tags: tuple[str, ...]
    is_published: bool
    is_private: bool
    publish_start_date: str
    publish_end_date: str
    script_css: str
    script_js: str
    created_at: str
    updated_at: str
    author_id: int
    creator_id: int
    hash: str
    render: str | None

    def __getitem__(self, key: str) -> Any:
        name = _CAMEL.get(key, key)
        if name not in _PAGE_FIELDS:
            raise KeyError(key)
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def as_dict(self) -> dict[str, Any]:
        """The record with GraphQL (camelCase) keys."""
        snake_to_camel = {v: k for k, v in _CAMEL.items()}
        return {snake_to_camel.get(f, f): getattr(self, f) for f in _PAGE_FIELDS}


_PAGE_FIELDS = tuple(f.name for f in fields(PageRecord))


class _LoopThread:
    """The engine's event loop, alone in its thread: the only code touching state."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, name="wikijs-emulator-engine", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, fn: Callable[[], T]) -> T:
        if threading.current_thread() is self._thread:
            return fn()

        async def run() -> T:
            return fn()

        return self.submit(run()).result()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class _Saver:
    """Writes the state file in the background, at most about 20 times a second."""

    def __init__(self, path: Path, snapshot: Callable[[], dict[str, Any]]) -> None:
        self.path = path
        self.snapshot = snapshot
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="wikijs-emulator-saver", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait()
            if self._stopped:
                return
            time.sleep(0.05)
            self._wake.clear()
            try:
                write_state_file(self.path, self.snapshot())
            except Exception:  # noqa: BLE001 - keep serving; the final save will retry
                logger.exception("could not save the emulator state to %s", self.path)

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()
        self._thread.join(5)


class WikiJSEmulator:
    """A Wiki.js 2.5.314-compatible server on loopback, for tests and demos.

    ``port=0`` picks a free port. The wiki starts like a fresh install: an
    ``Administrator`` (``admin_email`` / ``admin_password``), the Guest user and
    a full-access API key (``api_key``). State lives in memory, or in ``state_file``
    (JSON, written atomically) so it survives a restart.

    Simulated costs: ``write_latency={"pages.create": 1.56}`` (seconds an operation takes
    alone) or ``timings=WikiJSEmulator.REAL_SERVER_TIMINGS`` (the real server's medians
    with its capacity limit). ``tree_race=TreeRace(nth=2)`` reproduces the rebuild-tree
    race of concurrent writes, ``tag_race=TagRace()`` the race of concurrent creates for
    a new tag (the loser is created without its tags). Failures: ``emu.faults.add(Fault(...))``. ``sleep`` (an
    async callable taking seconds; default ``asyncio.sleep``) is how simulated costs
    are waited: tests pass one that records or gates the waits instead of timing them.
    """

    REAL_SERVER_TIMINGS: ClassVar[Timings] = REAL_SERVER_TIMINGS

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        state_file: str | Path | None = None,
        locales: Iterable[str] = ("en", "fr", "de"),
        write_latency: Mapping[str, float | WriteCost] | None = None,
        timings: Timings | None = None,
        tree_race: TreeRace | None = None,
        tag_race: TagRace | None = None,
        faults: Iterable[Fault] = (),
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        session_lifetime: float = 1800.0,
        session_renewal: float = 14 * 86400.0,
        admin_email: str = "admin@example.com",
        admin_password: str | None = None,
        api_key_name: str = "wikijs-emulator",
    ) -> None:
        if write_latency is not None and timings is not None:
            raise ValueError("pass either write_latency or timings, not both")
        if write_latency is not None:
            timings = Timings.from_latency(write_latency)
        self.host = host
        self._requested_port = port
        self.state_file = Path(state_file) if state_file is not None else None
        self.faults = FaultSet()
        for fault in faults:
            self.faults.add(fault)
        self.log = RequestLog()
        self._costs = CostModel(timings, sleep=sleep)
        self._race = RaceModel(tree_race, tag_race)
        self._dirty = False
        self._loop: _LoopThread | None = None
        self._server: EmulatorHTTPServer | None = None
        self._server_thread: threading.Thread | None = None
        self._saver: _Saver | None = None
        locales = list(locales)
        if self.state_file is not None and self.state_file.exists():
            state = read_state_file(self.state_file)
            self._wiki = Wiki(
                state,
                clock=clock or time.time,
                session_lifetime=session_lifetime,
                session_renewal=session_renewal,
                default_locale=state.locales[0] if state.locales else "en",
            )
            self._adopt_state(api_key, api_key_name, admin_password)
        else:
            self._wiki = Wiki(
                WikiState(),
                clock=clock or time.time,
                session_lifetime=session_lifetime,
                session_renewal=session_renewal,
            )
            password = admin_password or secrets.token_urlsafe(12)
            key = self._wiki.bootstrap(
                admin_email=admin_email,
                admin_password=password,
                api_key=api_key,
                api_key_name=api_key_name,
                locales=locales,
            )
            self._wiki.state.emulator = {"api_key": key, "admin_password": password}
            self._dirty = True
        self._wiki.on_change = self._changed
        self.engine = Engine(self._wiki, self._costs, self._race)

    def _adopt_state(self, api_key: str | None, name: str, admin_password: str | None) -> None:
        wiki = self._wiki
        meta = wiki.state.emulator
        if api_key is not None and api_key not in wiki.state.key_by_token:
            wiki.create_api_key(name, "10y", full_access=True, group=None, key=api_key)
        if api_key is not None:
            meta["api_key"] = api_key
        admin = wiki.state.users.get(1)
        if admin_password is not None and admin is not None:
            admin.password_hash = hash_password(admin_password)
            meta["admin_password"] = admin_password
        self._dirty = True

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> WikiJSEmulator:
        """Start serving (idempotent); returns the emulator."""
        if self._server is not None:
            return self
        self._costs.reset()  # its semaphore belongs to the previous event loop
        self.faults.stopping(False)
        loop = _LoopThread()
        try:
            server = EmulatorHTTPServer((self.host, self._requested_port), self)
        except OSError:
            loop.stop()
            raise
        self._loop = loop
        self._server = server
        self._wiki.site_url = self.url
        self._wiki.http_port = self.port
        if self.state_file is not None:
            self._saver = _Saver(self.state_file, lambda: loop.call(self._wiki.state.to_json))
            if self._dirty:
                self.save()
        self._server_thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"wikijs-emulator-{self.port}",
            daemon=True,
        )
        self._server_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and write the state file (idempotent)."""
        server, loop = self._server, self._loop
        if server is None or loop is None:
            return
        self.faults.stopping(True)  # a request held by a ``hold`` fault must not outlive us
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._server_thread is not None:
            self._server_thread.join(5)
        if self._saver is not None:
            self._saver.stop()
            self._saver = None
        loop.stop()
        self._server = None
        self._loop = None
        if self.state_file is not None:
            self.save()

    def __enter__(self) -> WikiJSEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    # -- what the HTTP front end needs ------------------------------------------------
    def submit(self, coro: Coroutine[Any, Any, HttpResponse]) -> Future[HttpResponse]:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the emulator is not running")
        return self._loop.submit(coro)

    # -- addresses and credentials ----------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (the GraphQL endpoint is ``url + "/graphql"``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return str(self._wiki.state.emulator.get("api_key", ""))

    @property
    def admin_email(self) -> str:
        admin = self._wiki.state.users.get(1)
        return admin.email if admin else ""

    @property
    def admin_password(self) -> str:
        return str(self._wiki.state.emulator.get("admin_password", ""))

    # -- simulation knobs -------------------------------------------------------------
    @property
    def tree_race(self) -> TreeRace | None:
        return self._race.race

    @tree_race.setter
    def tree_race(self, race: TreeRace | None) -> None:
        self._call(lambda: self._race.configure(race))

    @property
    def tag_race(self) -> TagRace | None:
        return self._race.tag_race

    @tag_race.setter
    def tag_race(self, race: TagRace | None) -> None:
        self._call(lambda: self._race.configure_tags(race))

    @property
    def timings(self) -> Timings:
        return self._costs.timings

    @timings.setter
    def timings(self, timings: Timings | None) -> None:
        def apply() -> None:
            self._costs.timings = timings or Timings()
            self._costs.reset()

        self._call(apply)

    # -- arranging state directly (no HTTP) -------------------------------------------
    def _call(self, fn: Callable[[], T]) -> T:
        loop = self._loop
        if loop is not None:
            return loop.call(fn)
        return fn()

    def _changed(self) -> None:
        self._dirty = True
        if self._saver is not None:
            self._saver.request()

    def save(self) -> None:
        """Write the state file now (a no-op without ``state_file``)."""
        if self.state_file is None:
            return
        doc = self._call(self._wiki.state.to_json)
        write_state_file(self.state_file, doc)
        self._dirty = False

    def add_page(
        self,
        path: str,
        content: str,
        *,
        locale: str = "en",
        title: str | None = None,
        description: str = "",
        tags: Iterable[str] = (),
        is_published: bool = True,
        is_private: bool = False,
        editor: str = "markdown",
        publish_start_date: str = "",
        publish_end_date: str = "",
        script_css: str = "",
        script_js: str = "",
        author_id: int = 1,
    ) -> int:
        """Create a page as if made in the wiki's editor; returns its id."""
        tag_list = list(tags)

        def run() -> int:
            wiki = self._wiki
            clean = wiki.clean_path(path)
            if locale not in wiki.state.locales:
                raise ValueError(f"locale {locale!r} is not installed (have {wiki.state.locales})")
            page = wiki.insert_page(
                user_id=author_id,
                path=clean,
                locale=locale,
                title=title if title is not None else clean.rsplit("/", 1)[-1],
                description=description,
                content=content,
                editor=editor,
                is_published=is_published,
                is_private=is_private,
                publish_start_date=publish_start_date,
                publish_end_date=publish_end_date,
                script_css=script_css,
                script_js=script_js,
            )
            wiki.associate_tags(page, tag_list)
            wiki.render_page(page)
            wiki.mark_tree_dirty()
            wiki.changed()
            return page.id

        return self._call(run)

    def edit_page(self, page_id: int, **fields: Any) -> None:
        """A hand edit in the wiki: new values (snake_case names), a new history version,
        a re-render and a newer ``updatedAt``."""
        self._call(lambda: self._wiki.edit_by_hand(page_id, fields))

    def delete_page(self, page_id: int) -> None:
        def run() -> None:
            wiki = self._wiki
            page = wiki.state.pages[page_id]
            wiki.add_version(page, "deleted", page.updated_at)
            wiki.state.unindex_page(page)
            del wiki.state.pages[page_id]
            wiki.mark_tree_dirty()
            wiki.changed()

        self._call(run)

    def page(self, page_id: int) -> PageRecord:
        """The page with this id (``LookupError`` if there is none)."""
        record = self._call(lambda: self._record(self._wiki.state.pages.get(page_id)))
        if record is None:
            raise LookupError(f"no page with id {page_id}")
        return record

    def find_page(self, path: str, locale: str = "en") -> PageRecord | None:
        """The page at ``path`` in ``locale`` (the lowest id if several), or None."""
        return self._call(lambda: self._record(self._wiki.state.page_at(locale, path)))

    def pages(self) -> list[PageRecord]:
        """Every page, by id."""

        def run() -> list[PageRecord]:
            rows = sorted(self._wiki.state.pages.values(), key=lambda p: p.id)
            return [r for r in (self._record(p) for p in rows) if r is not None]

        return self._call(run)

    def versions(self, page_id: int) -> list[dict[str, Any]]:
        """The page's history (newest first), as ``pages.history`` reports it."""
        return self._call(lambda: self._wiki.history(page_id, 0, 1_000_000)["trail"])

    def asset(self, path: str) -> bytes | None:
        """The bytes served at ``/<folder slugs>/<filename>``, or None."""
        found = self._call(lambda: find_asset(self._wiki, path))
        return found.data if found else None

    def asset_files(self, folder: str) -> dict[str, bytes]:
        """The assets directly inside the folder at ``folder`` (slugs joined by ``/``,
        ``""`` for the root), by file name; empty if there is no such folder."""

        def run() -> dict[str, bytes]:
            wiki = self._wiki
            parent: int | None = None
            for slug in (s for s in folder.strip("/").split("/") if s):
                found = next(
                    (
                        f
                        for f in wiki.state.folders.values()
                        if f.parent_id == parent and f.slug == slug
                    ),
                    None,
                )
                if found is None:
                    return {}
                parent = found.id
            return {a.filename: a.data for a in wiki.state.assets.values() if a.folder_id == parent}

        return self._call(run)

    def stored_bytes(self) -> dict[str, int]:
        """What the wiki stores, in bytes (UTF-8 for text): page content, the content of
        every history version, and asset bytes (assets have no history)."""

        def run() -> dict[str, int]:
            st = self._wiki.state
            return {
                "page_content": sum(len(p.content.encode("utf-8")) for p in st.pages.values()),
                "history_content": sum(
                    len(v.content.encode("utf-8")) for v in st.versions.values()
                ),
                "history_versions": len(st.versions),
                "asset_bytes": sum(len(a.data) for a in st.assets.values()),
            }

        return self._call(run)

    def _record(self, page: PageRow | None) -> PageRecord | None:
        if page is None:
            return None
        return PageRecord(
            id=page.id,
            path=page.path,
            locale=page.locale,
            title=page.title,
            description=page.description,
            content=page.content,
            editor=page.editor,
            content_type=page.content_type,
            tags=tuple(self._wiki.tag_names(page)),
            is_published=page.is_published,
            is_private=page.is_private,
            publish_start_date=page.publish_start_date,
            publish_end_date=page.publish_end_date,
            script_css=page.script_css,
            script_js=page.script_js,
            created_at=page.created_at,
            updated_at=page.updated_at,
            author_id=page.author_id,
            creator_id=page.creator_id,
            hash=page.hash,
            render=page.render,
        )

    def rebuild_tree(self) -> None:
        def run() -> None:
            self._wiki.mark_tree_dirty()
            self._wiki.materialize_tree()

        self._call(run)

    def issue_key(
        self,
        name: str = "test",
        *,
        full_access: bool = True,
        group: int | None = None,
        expiration: str = "10y",
    ) -> str:
        """A new API key, as ``authentication.createApiKey`` makes it."""
        return self._call(
            lambda: self._wiki.create_api_key(
                name, expiration, full_access=full_access, group=group
            )
        )

    def revoke_key(self, key: str) -> None:
        """Revoke an API key: requests with it then answer HTTP 500."""

        def run() -> None:
            key_id = self._wiki.state.key_by_token.get(key)
            if key_id is None:
                raise LookupError("unknown API key")
            self._wiki.revoke_api_key(key_id)

        self._call(run)

    def set_api_enabled(self, enabled: bool) -> None:
        """``authentication.setApiState``: with the API off, API keys answer HTTP 500."""

        def run() -> None:
            self._wiki.state.api_enabled = enabled
            self._wiki.changed()

        self._call(run)

    def set_rendering(self, renderer: str, key: str, value: Any) -> None:
        """Change one renderer setting, as an administrator would in Administration >
        Rendering (``set_rendering("markdownCore", "linebreaks", False)``). Pages render
        with it from their next write on."""

        def run() -> None:
            self._wiki.state.rendering.setdefault(renderer, {})[key] = value
            self._wiki.changed()

        self._call(run)

    def reset_rate_limits(self) -> None:
        """Forget the login / forgot-password rate-limit windows."""
        self._call(self._wiki.rate_windows.clear)
